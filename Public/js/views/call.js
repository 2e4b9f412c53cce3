// A chat's call or a meeting's: joins it (the server grants this browser its place in the room),
// shows the call's screen, and goes back to the chat when one leaves or the call ends for all.
import { h, errorLine } from "../dom.js";
import { t } from "../i18n.js";
import { post, errorText } from "../api.js";
import { personName } from "../widgets.js";
import { callScreen } from "../call-screen.js";

export async function chatCallView(app, chatId, callId) {
  const back = `#/chats/${chatId}`;
  const base = `/chats/${chatId}/calls/${callId}`;
  const m = app.messenger;
  let joined;
  try {
    joined = await post(`${base}/join`);
  } catch (e) {
    return { node: h("div", { class: "page" }, h("h1", {}, t("call.title")), errorLine(errorText(e)),
      h("a", { class: "button", href: back }, t("chats.back"))), title: t("call.title") };
  }
  const chat = m.chats.get(chatId);
  const me = m.myAccountId;
  const status = h("p", { class: "lesson-status", role: "status" }, t(joined.call.media === "audio" ? "call.in_progress_audio" : "call.in_progress_video"));
  // Ending for everyone: the chat's admins, whoever started the call or planned its meeting (the server decides).
  const mayEnd = Boolean(chat?.is_admin) || joined.call.started_by === me || joined.meeting?.created_by === me;
  let leaving;
  const screen = callScreen({
    grant: joined.media, video: joined.call.media === "video", status, leaveLabel: t("call.leave"),
    // A meeting's call bears the meeting's title; the chat it is in goes under it.
    heading: chat && joined.meeting ? h("p", {}, personName(chat.name, chat.name_confirmed)) : null,
    leave: () => post(`${base}/leave`),
    end: mayEnd ? () => post(`${base}/end`) : null,
    ended: (message) => { if (message) leaving = setTimeout(() => app.go(back), 2000); else app.go(back); },
  });
  // The chat's event says the call is over (ended by an admin, or the meeting's time is up).
  const onEnded = (event) => { if (event.detail.callId === callId) screen.finish(t("timetable.call_ended")); };
  m.addEventListener("call_ended", onEnded);
  const title = joined.meeting?.title || chat?.name || t("call.title");
  return {
    node: h("div", { class: "page chat-call" }, h("h1", {}, title), screen.node),
    title,
    cleanup: () => { m.removeEventListener("call_ended", onEnded); clearTimeout(leaving); screen.close(); },
  };
}
