// A call's screen, shared by distance lessons and chats' calls and meetings: the grid of people
// (a page of them, named by the school — never by what browsers tell the media server), the
// microphone and camera, a raised hand, leaving; for the host, muting everyone and removing
// someone; for whoever may, ending it for everyone. It polls the call's state while it is open,
// and at the end says why and hands back to its view.
// Imports the DOM helpers, strings, the API, the toast and dialogs, and the media client.
import { h, errorLine } from "./dom.js";
import { t } from "./i18n.js";
import { get, post, errorText } from "./api.js";
import { notify, confirmDialog } from "./widgets.js";
import { MediaCall, isScreenFeed } from "./media.js";

const POLL_MS = 3000;

/** A video tile: a person's stream with their name under it (audio-only calls show the name alone). */
function tile(stream, name, { muted = false, feed = "" } = {}) {
  const video = h("video", { autoplay: true, playsinline: true, "aria-label": name });
  video.muted = muted;
  video.srcObject = stream;
  return h("figure", { class: "tile", "data-feed": feed }, video, h("figcaption", {}, h("span", { class: "who" }, name)));
}

/** A button that switches something on and off, showing its state to assistive technology.
 * Things off unless asked for (a hand, a shared screen) start off and are "latches". */
function toggle(label, apply, initial = true) {
  let on = initial;
  const button = h("button", { type: "button", class: initial ? "" : "latch", "aria-pressed": String(on), onclick: () => set(!on, true) }, label);
  function set(value, fromPerson) {
    on = value;
    button.setAttribute("aria-pressed", String(on));
    apply(on, fromPerson);
  }
  return { button, set, get on() { return on; } };
}

/**
 * @param options `{grant, publish, video, heading, status, leaveLabel, leave, end, ended}`:
 *   `grant` the server's media grant (or null: no media server); `publish` whether to send sound
 *   (and, with `video`, pictures); `leave` tells the server this browser leaves; `end` (optional)
 *   ends the call for everyone; `ended(message)` runs once the call is over for this window.
 * @returns `{node, finish(message), close()}`: `finish` ends the screen with a message (the call
 *   ended), `close` leaves quietly (the view goes away).
 */
export function callScreen({ grant, publish = true, video = true, heading, status, leaveLabel, leave, end = null, ended }) {
  const grid = h("div", { class: "call-grid", "aria-live": "polite" });
  const hands = h("p", { class: "hands", role: "status" });
  const problem = errorLine();
  let call = null;
  let finished = false;
  let poller = null;
  let state = null;          // the last `GET /calls/{id}/state`
  let seenMuteAll = undefined; // `muted_all_at` when this window first saw it: only later ones mute it
  async function finish(message) {
    if (finished) return;
    finished = true;
    clearTimeout(poller);
    await call?.close();
    if (message) { status.textContent = message; notify(message); }
    ended?.(message);
  }

  const microphone = grant && publish ? toggle(t("call.microphone"), (on) => call?.setMicrophone(on)) : null;
  const camera = grant && publish && video ? toggle(t("call.camera"), (on) => call?.setCamera(on)) : null;
  const hand = grant && publish ? toggle(t("call.raise_hand"), async (on, fromPerson) => {
    if (!fromPerson) return;
    try { await post(`/calls/${grant.call_id}/hand`, { raised: on }); refresh(); } catch (e) { problem.textContent = errorText(e); }
  }, false) : null;
  const hostControls = h("span", { class: "host-controls" });
  // The host shares the screen as a second feed (the server gave its id to hosts only).
  const screenShare = grant?.screen_participant ? toggle(t("call.share_screen"), async (on, fromPerson) => {
    if (!fromPerson) return;
    if (!on) { call?.stopScreen(); return; }
    try { await call?.shareScreen(); } catch (e) { problem.textContent = t("call.screen_failed"); screenShare.set(false, false); console.warn("screen", e); }
  }, false) : null;
  const controls = h("div", { class: "row call-controls" }, microphone?.button, camera?.button, screenShare?.button, hand?.button, hostControls,
    h("button", { type: "button", class: "danger", onclick: async () => {
      try { await leave(); } catch { /* leaving anyway */ }
      finish(null);
    } }, leaveLabel),
    end ? h("button", { type: "button", class: "danger outline", onclick: async () => {
      try { await end(); } catch (e) { problem.textContent = errorText(e); return; }
      finish(t("timetable.call_ended"));
    } }, t("call.end_for_all")) : null);
  const node = h("div", { class: "call-screen" }, heading, status, problem, hands,
    grant ? grid : h("p", { class: "muted" }, t("call.no_media")), controls);

  /** The school's name for a feed, from the call's state (a dash until it is known); a host's
   * shared screen is named after them. */
  const nameOf = (feed) => {
    const person = state?.people.find((p) => p.participant === Number(feed));
    if (person) return person.name;
    const sharer = state?.people.find((p) => p.screen_participant === Number(feed));
    return sharer ? t("call.screen_of", { name: sharer.name }) : "—";
  };

  /** Names, raised hands and the host's buttons on the tiles, from the state. */
  function paint() {
    if (!state) return;
    const amHost = state.me.role === "host";
    for (const figure of grid.querySelectorAll(".tile[data-feed]")) {
      const feed = figure.dataset.feed;
      const person = feed === "me" ? state.me : state.people.find((p) => p.participant === Number(feed));
      const caption = figure.querySelector("figcaption");
      const name = feed === "me" ? t("call.me") : feed === "my-screen" ? t("call.my_screen") : nameOf(feed);
      caption.replaceChildren(h("span", { class: "who" }, name), person?.hand_raised_at ? h("span", { class: "hand", title: t("call.hand_raised") }, " ✋") : "");
      figure.querySelector("video")?.setAttribute("aria-label", name);
      if (amHost && person && feed !== "me" && person.role !== "host") {
        caption.append(h("button", { type: "button", class: "link remove", onclick: () => remove(person) }, t("call.remove")));
      }
    }
    const raised = state.people.filter((p) => p.hand_raised_at).map((p) => (p.account_id === state.me.account_id ? t("call.me") : p.name));
    hands.textContent = raised.length ? t("call.hands", { names: raised.join(", ") }) : "";
    if (hand && hand.on !== Boolean(state.me.hand_raised_at)) hand.set(Boolean(state.me.hand_raised_at), false);
    if (amHost && !hostControls.childElementCount) {
      hostControls.append(h("button", { type: "button", onclick: async () => {
        try { await post(`/calls/${grant.call_id}/mute-all`); notify(t("call.muted_all_done")); } catch (e) { problem.textContent = errorText(e); }
      } }, t("call.mute_all")));
    }
    if (seenMuteAll === undefined) seenMuteAll = state.muted_all_at || null;
    else if (state.muted_all_at && state.muted_all_at !== seenMuteAll) {
      seenMuteAll = state.muted_all_at;
      if (!amHost && microphone?.on) { microphone.set(false, false); notify(t("call.muted_by_host")); }
    }
  }

  async function remove(person) {
    if (!(await confirmDialog(t("call.remove_confirm", { name: person.name }), t("call.remove")))) return;
    try { await post(`/calls/${grant.call_id}/participants/${person.account_id}/remove`); refresh(); }
    catch (e) { problem.textContent = errorText(e); }
  }

  async function refresh() {
    clearTimeout(poller);
    if (finished || !grant) return;
    try {
      state = await get(`/calls/${grant.call_id}/state`);
      paint();
    } catch (e) {
      if (e.code === "removed_from_call") { finish(t("call.removed")); return; }
      if (e.code === "call_over" || e.status === 404) { finish(t("timetable.call_ended")); return; }
    }
    if (!finished) poller = setTimeout(refresh, POLL_MS);
  }

  if (grant) {
    call = new MediaCall(grant, { display: grant.display, publish, video });
    call.addEventListener("local", (event) => { grid.prepend(tile(event.detail, t("call.me"), { muted: true, feed: "me" })); paint(); });
    call.addEventListener("remote", (event) => {
      const { feed, stream } = event.detail;
      grid.querySelector(`[data-feed="${feed}"]`)?.remove();
      const shown = tile(stream, nameOf(feed), { feed: String(feed) });
      if (isScreenFeed(feed)) { shown.classList.add("screen"); grid.prepend(shown); } else grid.append(shown);
      paint();
    });
    call.addEventListener("gone", (event) => grid.querySelector(`[data-feed="${event.detail.feed}"]`)?.remove());
    call.addEventListener("screen", (event) => {
      grid.querySelector('[data-feed="my-screen"]')?.remove();
      if (event.detail) grid.prepend(tile(event.detail, t("call.my_screen"), { muted: true, feed: "my-screen" }));
      else screenShare?.set(false, false);
      paint();
    });
    call.addEventListener("talking", (event) => {
      grid.querySelector(`[data-feed="${event.detail.feed}"]`)?.classList.toggle("speaking", event.detail.talking);
    });
    // Janus closed the room or put this window out: the server says which (ended, or removed by the host).
    call.addEventListener("ended", async () => {
      try { await get(`/calls/${grant.call_id}/state`); } catch (e) {
        if (e.code === "removed_from_call") { finish(t("call.removed")); return; }
      }
      finish(t("timetable.call_ended"));
    });
    call.start().catch((e) => { problem.textContent = t("call.failed"); console.warn("call", e); });
    refresh();
  }
  return {
    node,
    finish,
    get finished() { return finished; },
    close: () => { if (!finished) { finished = true; clearTimeout(poller); call?.close(); leave().catch(() => {}); } },
  };
}
