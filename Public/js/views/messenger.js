// The messenger: my chats (last message, unread badge) and one chat (history, replies, edits,
// deletions, attachments with upload progress, read state, info). One column on a phone, two
// on a wide screen. Everything people wrote is set with textContent. A closed chat is read
// without a composer; names the school has not confirmed carry their mark (personName).
import { h, replace, debounce, icon, errorLine } from "../dom.js";
import { t, time, date, shortWhen, fileSize, zonedInstant, today } from "../i18n.js";
import { get, patch, post, del, upload, blobURL, errorText } from "../api.js";
import { notify, infoDialog, confirmDialog, personName, personNames } from "../widgets.js";

// How long a chat that is not in my list yet is shown as opening (its live event is on the way).
const OPENING_MS = 5000;
const imageURLs = new Map(); // attachment id → promise of an object URL (fetched with the token once)
/** The mark of a closed chat (kept to be read) in the list and in its header. */
const closedLabel = () => h("span", { class: "badge closed" }, t("chats.closed"));

export function messengerView(app, chatId) {
  const m = app.messenger;
  const listPane = h("aside", { class: "chat-list", "aria-label": t("chats.list") });
  const chatPane = h("section", { class: "chat-pane", "aria-label": t("chats.chat") });
  const root = h("div", { class: "messenger", "data-open": chatId ? "chat" : "list" }, listPane, chatPane);
  const filter = h("input", { type: "search", placeholder: t("chats.filter"), "aria-label": t("chats.filter") });
  const listBody = h("ul", { class: "chats" });
  filter.addEventListener("input", debounce(() => renderList(), 150));
  replace(listPane, h("h1", {}, t("nav.chats")), filter, listBody);

  function renderList() {
    const words = filter.value.trim().toLowerCase();
    const chats = m.list().filter((c) => !words || c.name.toLowerCase().includes(words));
    if (!m.ready) { replace(listBody, h("li", { class: "muted" }, t("live.connecting"))); return; }
    if (!chats.length) { replace(listBody, h("li", { class: "muted empty" }, words ? t("common.nothing_found") : t("chats.none"))); return; }
    replace(listBody, chats.map((c) => {
      const last = c.last_message;
      const preview = !last ? t("chats.no_messages")
        : last.deleted_at ? t("msg.deleted")
        : last.text || (last.attachments?.length ? t("msg.files", { names: last.attachments.map((a) => a.name).join(", ") }) : "");
      const sender = last && c.type !== "direct" ? (last.sender_id === m.myAccountId ? t("chats.you") : memberName(c.id, last.sender_id, null)) : null;
      return h("li", {}, h("a", {
        href: `#/chats/${c.id}`, class: "chat-item", "aria-current": c.id === chatId ? "true" : false, dataset: { chatId: c.id },
      },
        h("span", { class: "chat-name" }, personName(c.name, c.name_confirmed), c.closed ? closedLabel() : null),
        h("span", { class: "chat-when" }, last ? shortWhen(last.created_at, app.zoneOf(c.organization_id)) : ""),
        h("span", { class: "chat-preview" }, sender ? [sender, ": "] : "", preview),
        c.unread > 0 ? h("span", { class: "unread", "aria-label": t("chats.unread", { count: c.unread }) }, String(c.unread)) : null));
    }));
  }

  /** A member's name with its mark; `fallback` while the names are not loaded (or they left). */
  function memberName(id, accountId, fallback = t("msg.someone")) {
    const member = m.memberOf(id, accountId);
    return member ? personName(member.full_name, member.name_confirmed) : fallback;
  }

  // The open chat.
  let chat = chatId ? m.chats.get(chatId) : null;
  const openedAt = Date.now();
  let openingTimer = null;
  // The list is re-drawn as a whole, so it is not itself a live region (a screen reader would
  // read the whole chat again); new messages from others are announced in their own region.
  const log = h("ol", { class: "messages", "aria-label": t("chats.messages") });
  const announcer = h("p", { class: "visually-hidden announcer", "aria-live": "polite" });
  root.append(announcer);
  const scroller = h("div", { class: "scroller" }, log);
  let replyTo = null, editing = null, firstUnreadSeq = null, loadingOlder = false, composerEl = null, composerKey = "", announcedId = null;
  let shownHeader = ""; // what the header and composer show: re-drawn when an event changes it
  const headerShape = (c) => (c ? `${c.name}:${c.name_confirmed}:${c.closed}:${c.call?.id ?? ""}:${c.settings.announcements_only}` : "");
  const meetingsStrip = h("div", { class: "meetings", "aria-label": t("meeting.list") });
  const attachments = []; // {file, progress, ref, error}

  function renderChat() {
    chat = chatId ? m.chats.get(chatId) : null;
    if (!chatId) { replace(chatPane, h("div", { class: "placeholder" }, h("p", {}, t("chats.pick")))); return; }
    if (!chat) {
      // A chat just joined (by a link, an accepted request) reaches the list by its live event a
      // moment after the page opens: it is "opening" for a few seconds before "not found".
      const opening = m.ready && Date.now() - openedAt < OPENING_MS;
      if (opening && !openingTimer) openingTimer = setTimeout(() => { if (!chat && root.isConnected) renderChat(); }, OPENING_MS);
      replace(chatPane, h("div", { class: "placeholder" }, h("p", {}, !m.ready ? t("live.connecting") : opening ? t("chats.opening") : t("chats.not_found")),
        h("a", { href: "#/chats", class: "button" }, t("chats.back"))));
      return;
    }
    const zone = app.zoneOf(chat.organization_id);
    const callButton = (media) => h("button", {
      type: "button", class: `call-start ${media}`, title: t(`call.start_${media}`), "aria-label": t(`call.start_${media}`),
      onclick: () => startCall(media),
    }, icon(media === "audio" ? "phone" : "video"));
    const header = h("header", { class: "chat-header" },
      h("a", { href: "#/chats", class: "back", "aria-label": t("chats.back") }, "‹"),
      h("h2", {}, personName(chat.name, chat.name_confirmed), chat.closed ? closedLabel() : null),
      canStartCall(chat) ? [callButton("audio"), callButton("video")] : null,
      h("button", { type: "button", class: "info", onclick: () => openInfo(app, chat) }, t("chats.info")));
    // A call running in the chat: its members see it and come in with one tap.
    const running = chat.call && !chat.closed ? h("div", { class: "call-banner", role: "status" },
      h("span", {}, t(chat.call.media === "audio" ? "call.in_progress_audio" : "call.in_progress_video")),
      h("a", { class: "button primary", href: `#/chats/${chat.id}/call/${chat.call.id}` }, t("call.join"))) : null;
    shownHeader = headerShape(chat);
    // The composer survives re-renders (a reconnect, a rename) so that a draft is never lost.
    const key = `${chat.id}:${chat.settings.announcements_only}:${chat.is_admin}:${chat.closed}`;
    if (composerKey !== key) { composerEl = composer(zone); composerKey = key; }
    replace(chatPane, header, running, meetingsStrip, scroller, composerEl);
    renderMeetings();
    renderMessages();
  }

  /** Staff call in any chat they are in, students and parents in direct chats; announcements: admins (the server
   * decides). While a call runs, its banner is the way in. */
  function canStartCall(c) {
    return !c.closed && !c.call && (!c.settings.announcements_only || c.is_admin) && (c.type === "direct" || isStaff(c.organization_id));
  }
  function isStaff(organizationId) {
    return (app.organization(organizationId)?.roles || []).some((role) => ["teacher", "employee", "administrator"].includes(role));
  }

  async function startCall(media) {
    try {
      const joined = await post(`/chats/${chatId}/calls`, { media });
      app.go(`#/chats/${chatId}/call/${joined.call.id}`);
    } catch (e) { notify(errorText(e), "error"); }
  }

  /** The chat's meetings to come: when, and — in their window — the way in; planning one for staff. */
  function renderMeetings() {
    if (!chat) return;
    const zone = app.zoneOf(chat.organization_id);
    const meetings = m.meetings.get(chatId) || [];
    const mayPlan = !chat.closed && (!chat.settings.announcements_only || chat.is_admin) && isStaff(chat.organization_id);
    const items = meetings.map((meeting) => h("li", { class: `meeting ${meeting.state}`, dataset: { meetingId: meeting.id } },
      h("strong", {}, meeting.title), " ",
      h("span", { class: "muted" }, `${date(meeting.starts_at, zone)} ${time(meeting.starts_at, zone)}–${time(meeting.ends_at, zone)}`),
      meeting.state === "open" ? h("button", { type: "button", class: "primary", onclick: () => joinMeeting(meeting) }, t("meeting.join")) : null,
      meeting.created_by === m.myAccountId || chat.is_admin ? h("button", { type: "button", class: "link", onclick: () => cancelMeeting(meeting) }, t("meeting.cancel")) : null));
    if (!items.length && !mayPlan) { replace(meetingsStrip); return; }
    replace(meetingsStrip, items.length ? h("ul", {}, items) : null,
      mayPlan ? h("button", { type: "button", class: "link plan-meeting", onclick: () => planMeeting(app, chat) }, t("meeting.plan")) : null);
  }

  async function joinMeeting(meeting) {
    try {
      const joined = await post(`/chats/${chatId}/meetings/${meeting.id}/join`);
      app.go(`#/chats/${chatId}/call/${joined.call.id}`);
    } catch (e) { notify(errorText(e), "error"); }
  }

  async function cancelMeeting(meeting) {
    if (!(await confirmDialog(t("meeting.cancel_confirm", { title: meeting.title }), t("meeting.cancel")))) return;
    try { await del(`/chats/${chatId}/meetings/${meeting.id}`); await m.loadMeetings(chatId); } catch (e) { notify(errorText(e), "error"); }
  }

  function renderMessages() {
    if (!chat) return;
    const zone = app.zoneOf(chat.organization_id);
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
    const history = m.histories.get(chatId);
    const items = [];
    if (history && !history.oldestLoaded) items.push(h("li", { class: "older" }, h("button", { type: "button", onclick: older }, t("chats.load_older"))));
    const timeline = m.timeline(chatId);
    if (history && history.oldestLoaded && !timeline.length) items.push(h("li", { class: "muted empty" }, t("chats.no_messages")));
    let lastDay = null;
    for (const { message, call } of timeline) {
      const day = date(message ? message.created_at : call.call.started_at, zone);
      if (day !== lastDay) { items.push(h("li", { class: "day" }, day)); lastDay = day; }
      if (call) { items.push(callItem(call, zone)); continue; }
      if (firstUnreadSeq !== null && message.seq === firstUnreadSeq) items.push(h("li", { class: "unread-line" }, t("chats.new_messages")));
      items.push(messageItem(message, zone));
    }
    for (const pending of m.pendingFor(chatId)) {
      items.push(h("li", { class: "msg mine pending" }, h("p", { class: "text" }, pending.text),
        h("span", { class: "meta" }, app.live.state === "online" ? t("msg.sending") : t("msg.waiting"))));
    }
    replace(log, items);
    if (nearBottom || !scroller.dataset.scrolled) { scroller.scrollTop = scroller.scrollHeight; scroller.dataset.scrolled = "1"; }
  }

  /** A call in the timeline: who started it and when; once over, how long it ran and how many took part. */
  function callItem(entry, zone) {
    const kind = entry.call.media === "audio" ? t("call.audio") : t("call.video");
    const minutes = Math.max(1, Math.round((entry.duration_seconds || 0) / 60));
    const over = entry.ended_seq !== undefined && entry.ended_seq !== null;
    return h("li", { class: "call-line", dataset: { callId: entry.call.id } },
      icon(entry.call.media === "audio" ? "phone" : "video"), " ",
      entry.meeting_title ? `${entry.meeting_title} · ` : "", kind, " · ",
      over ? t("call.ended_line", { minutes, count: entry.participants }) : t("call.running_line"),
      h("span", { class: "meta" }, " ", time(entry.call.started_at, zone)));
  }

  function messageItem(message, zone) {
    const mine = message.sender_id === m.myAccountId;
    const deleted = Boolean(message.deleted_at);
    const quoted = message.reply_to ? m.histories.get(chatId)?.messages.get(message.reply_to) : null;
    const actions = [];
    // Each action closes the menu it sits in, then acts.
    const action = (label, fn) => h("button", { type: "button", onclick: (e) => { e.target.closest("details").open = false; fn(message); } }, label);
    if (!deleted) {
      // A closed chat is only read: nothing in it changes any more but who read what.
      if (!chat.closed) actions.push(action(t("msg.reply"), startReply));
      if (mine && !chat.closed) actions.push(action(t("msg.edit"), startEdit));
      if ((mine || chat.is_admin) && !chat.closed) actions.push(action(t("msg.delete"), confirmDelete));
      if (mine && chat.settings.read_receipts) actions.push(action(t("msg.readers"), showReaders));
    }
    return h("li", { class: `msg${mine ? " mine" : ""}${deleted ? " deleted" : ""}`, dataset: { id: message.id, seq: message.seq } },
      !mine && chat.type !== "direct" ? h("span", { class: "sender" }, memberName(chatId, message.sender_id)) : null,
      message.reply_to ? h("blockquote", { class: "quote" }, quoted ? (quoted.deleted_at ? t("msg.deleted") : quoted.text || t("msg.file")) : t("msg.earlier")) : null,
      deleted ? h("p", { class: "text" }, t("msg.deleted")) : h("p", { class: "text" }, message.text),
      deleted ? null : (message.attachments || []).map((a) => attachmentView(a)),
      h("span", { class: "meta" }, time(message.created_at, zone), message.edited_at && !deleted ? ` · ${t("msg.edited")}` : "",
        mine && !deleted ? ` · ${t("msg.sent")}` : ""),
      actions.length ? h("details", { class: "actions" }, h("summary", { "aria-label": t("msg.actions") }, "⋯"), h("div", { class: "menu" }, actions)) : null);
  }

  function attachmentView(a) {
    const download = async () => {
      try {
        const url = await blobURL(`/attachments/${a.id}`);
        const link = h("a", { href: url, download: a.name });
        document.body.appendChild(link); link.click(); link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } catch (e) { notify(errorText(e), "error"); }
    };
    if (a.content_type.startsWith("image/")) {
      const img = h("img", { alt: a.name, class: "thumb", loading: "lazy" });
      // One download per image, however often the list is re-drawn while it is on its way.
      if (!imageURLs.has(a.id)) imageURLs.set(a.id, blobURL(`/attachments/${a.id}`));
      imageURLs.get(a.id).then((url) => { img.src = url; }).catch(() => {
        imageURLs.delete(a.id);
        img.alt = `${a.name} (${t("msg.unavailable")})`;
      });
      return h("figure", { class: "attachment image" }, h("button", { type: "button", class: "plain", onclick: download, "aria-label": t("msg.download", { name: a.name }) }, img));
    }
    return h("button", { type: "button", class: "attachment file", onclick: download, "aria-label": t("msg.download", { name: a.name }) },
      icon("file"), h("span", {}, a.name), h("small", {}, fileSize(a.size)));
  }

  function composer(zone) {
    if (chat.closed) return h("p", { class: "composer readonly closed", role: "status" }, t("chats.closed_notice"));
    if (chat.settings.announcements_only && !chat.is_admin) {
      return h("p", { class: "composer readonly" }, t("chats.announcements_only"));
    }
    const text = h("textarea", { rows: 1, name: "text", placeholder: t("msg.placeholder"), "aria-label": t("msg.placeholder"), maxlength: 4000 });
    const files = h("input", { type: "file", multiple: true, class: "visually-hidden", id: `files-${chatId}` });
    const chips = h("ul", { class: "chips", "aria-live": "polite" });
    const banner = h("div", { class: "banner" });
    const error = errorLine();
    const send = h("button", { type: "submit", class: "primary send" }, t("msg.send"));
    const paintBanner = () => {
      if (editing) replace(banner, h("span", {}, t("msg.editing")), h("button", { type: "button", class: "link", onclick: cancel }, t("common.cancel")));
      else if (replyTo) replace(banner, h("span", {}, t("msg.replying_to", { text: (replyTo.text || t("msg.file")).slice(0, 80) })), h("button", { type: "button", class: "link", onclick: cancel }, t("common.cancel")));
      else replace(banner);
      send.textContent = editing ? t("common.save") : t("msg.send");
    };
    const paintChips = () => replace(chips, attachments.map((a, index) => h("li", { class: a.error ? "chip failed" : "chip" },
      h("span", {}, a.file.name), " ",
      a.error ? h("span", {}, a.error) : a.ref ? h("span", {}, fileSize(a.file.size))
        : h("progress", { max: 100, value: Math.round(a.progress * 100), "aria-label": t("msg.uploading", { name: a.file.name }) }),
      h("button", { type: "button", class: "plain", "aria-label": t("msg.remove_file", { name: a.file.name }), onclick: () => { attachments.splice(index, 1); paintChips(); } }, "×"))));
    function cancel() { replyTo = null; editing = null; text.value = ""; paintBanner(); text.focus(); }
    startReply = (message) => { editing = null; replyTo = message; paintBanner(); text.focus(); };
    startEdit = (message) => { replyTo = null; editing = message; text.value = message.text; paintBanner(); text.focus(); };
    files.addEventListener("change", () => {
      for (const file of files.files) {
        const item = { file, progress: 0, ref: null, error: null };
        attachments.push(item);
        item.promise = upload(file, (p) => { item.progress = p; paintChips(); })
          .then((ref) => { item.ref = ref; paintChips(); })
          .catch((e) => { item.error = errorText(e); paintChips(); });
      }
      files.value = "";
      paintChips();
    });
    const form = h("form", { class: "composer" }, banner, chips, error,
      h("div", { class: "compose-row" },
        h("label", { for: files.id, class: "button attach", title: t("msg.attach") }, icon("clip"), h("span", { class: "visually-hidden" }, t("msg.attach"))),
        files, text, send));
    text.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
      if (event.key === "Escape") cancel();
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      const value = text.value.trim();
      if (editing) {
        if (!value) { error.textContent = t("msg.empty"); return; }
        const target = editing;
        try { await m.edit(chatId, target.id, value); cancel(); } catch (e) { error.textContent = errorText(e); }
        return;
      }
      if (attachments.some((a) => !a.ref && !a.error)) { error.textContent = t("msg.wait_uploads"); return; }
      const ready = attachments.filter((a) => a.ref).map((a) => a.ref);
      if (!value && !ready.length) { text.focus(); return; }
      const reply = replyTo?.id;
      text.value = ""; attachments.length = 0; replyTo = null; paintBanner(); paintChips();
      try { await m.send(chatId, value, { replyTo: reply, attachments: ready }); }
      catch (e) { error.textContent = errorText(e); text.value = value; }
      text.focus();
    });
    paintBanner();
    return form;
  }
  let startReply = () => {}, startEdit = () => {};

  async function older() {
    if (loadingOlder) return;
    loadingOlder = true;
    const before = scroller.scrollHeight;
    try { await m.loadOlder(chatId); } catch (e) { notify(errorText(e), "error"); }
    scroller.scrollTop = scroller.scrollHeight - before + scroller.scrollTop;
    loadingOlder = false;
  }
  scroller.addEventListener("scroll", () => {
    if (scroller.scrollTop < 40 && m.histories.get(chatId) && !m.histories.get(chatId).oldestLoaded) older();
  });

  async function confirmDelete(message) {
    if (!(await confirmDialog(t("msg.delete_confirm"), t("msg.delete")))) return;
    try { await m.delete(chatId, message.id); } catch (e) { notify(errorText(e), "error"); }
  }

  async function showReaders(message) {
    try {
      const readers = await get(`/chats/${chatId}/messages/${message.id}/readers`);
      await m.loadNames(chatId);
      const names = readers.account_ids.map((id) => memberName(chatId, id));
      infoDialog(t("msg.readers"), names.length ? h("ul", {}, names.map((n) => h("li", {}, n))) : h("p", {}, t("msg.no_readers")));
    } catch (e) { notify(errorText(e), "error"); }
  }

  function markReadIfVisible() {
    if (chatId && chat && document.visibilityState === "visible") m.markRead(chatId);
  }

  const onChange = (event) => {
    const { what, chatId: changed } = event.detail;
    if (what === "removed" && changed === chatId) {
      notify(t("chats.removed"), "info");
      app.go("#/chats");
      return;
    }
    renderList();
    if (!chatId) return;
    if (what === "list" && !chat && m.chats.get(chatId)) { openChat(); return; }
    if (what === "meetings" && changed === chatId) { renderMeetings(); return; }
    if (changed === chatId || what === "list") {
      if (what === "list" || what === "event" && headerShape(m.chats.get(chatId)) !== shownHeader) renderChat(); else renderMessages();
      if (what === "event") {
        const last = m.chats.get(chatId)?.last_message;
        if (last && last.sender_id !== m.myAccountId && last.id !== announcedId && changed === chatId) {
          announcedId = last.id;
          const name = memberName(chatId, last.sender_id);
          announcer.textContent = t("msg.announce", { name: name.textContent ?? name, text: last.text || t("msg.file") });
        }
        markReadIfVisible();
      }
    }
  };
  const onState = () => { if (chatId) renderMessages(); };
  const onVisible = () => markReadIfVisible();

  async function openChat() {
    chat = m.chats.get(chatId);
    m.openChat = chatId;
    if (!chat) { renderChat(); return; }
    firstUnreadSeq = null;
    const readSeq = chat.read_seq;
    renderChat();
    try {
      await m.loadLatest(chatId);
      const firstUnread = m.messages(chatId).find((msg) => msg.seq > readSeq && msg.sender_id !== m.myAccountId);
      firstUnreadSeq = firstUnread?.seq ?? null;
      renderMessages();
      markReadIfVisible();
    } catch (e) { notify(errorText(e), "error"); }
  }

  m.addEventListener("changed", onChange);
  app.live.addEventListener("state", onState);
  document.addEventListener("visibilitychange", onVisible);
  renderList();
  if (chatId) openChat(); else { m.openChat = null; renderChat(); }
  return {
    node: root,
    title: chat ? chat.name : t("nav.chats"),
    fullHeight: true,
    cleanup: () => {
      m.removeEventListener("changed", onChange);
      app.live.removeEventListener("state", onState);
      document.removeEventListener("visibilitychange", onVisible);
      clearTimeout(openingTimer);
      m.openChat = null;
    },
  };
}

/** Planning a meeting in the chat: a title, the day and its hours on the school's clock, audio or video. */
function planMeeting(app, chat) {
  const zone = app.zoneOf(chat.organization_id);
  const error = errorLine();
  const field = (label, input) => h("label", { class: "field" }, h("span", {}, label), input);
  const title = h("input", { name: "title", required: true, maxlength: 200, value: t("meeting.default_title") });
  const day = h("input", { name: "day", type: "date", required: true, value: today(zone) });
  const from = h("input", { name: "from", type: "time", required: true, value: "18:00" });
  const to = h("input", { name: "to", type: "time", required: true, value: "19:00" });
  const media = h("select", { name: "media" }, h("option", { value: "video" }, t("call.video")), h("option", { value: "audio" }, t("call.audio")));
  const form = h("form", { class: "stack plan" }, error, field(t("meeting.title"), title), field(t("meeting.day"), day),
    h("div", { class: "row" }, field(t("meeting.from"), from), field(t("meeting.to"), to)), field(t("call.kind"), media),
    h("button", { type: "submit", class: "primary" }, t("meeting.create")));
  const dialog = infoDialog(t("meeting.plan"), form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      await post(`/chats/${chat.id}/meetings`, {
        title: title.value, media: media.value,
        starts_at: zonedInstant(day.value, from.value, zone), ends_at: zonedInstant(day.value, to.value, zone),
      });
      await app.messenger.loadMeetings(chat.id);
      notify(t("meeting.created"));
      dialog.close();
    } catch (e) { error.textContent = errorText(e); }
  });
}

/** Chat info: admins, members (write to one directly), settings for the chat's admins. */
async function openInfo(app, chat) {
  const m = app.messenger;
  const body = h("div", { class: "info-body" });
  const dialog = infoDialog(personName(chat.name, chat.name_confirmed), body);
  const error = errorLine();
  let members = [];
  try { members = await m.members(chat.id); } catch (e) { error.textContent = errorText(e); }
  const admins = members.filter((x) => x.admin);
  const settings = chat.is_admin && chat.type !== "direct" ? h("fieldset", { class: "settings" }, h("legend", {}, t("info.settings")),
    ["announcements_only", "read_receipts"].map((key) => {
      const box = h("input", { type: "checkbox", checked: chat.settings[key], id: `set-${key}` });
      box.addEventListener("change", async () => {
        try { chat.settings = await patch(`/chats/${chat.id}/settings`, { [key]: box.checked }); notify(t("common.saved")); }
        catch (e) { box.checked = !box.checked; error.textContent = errorText(e); }
      });
      return h("div", { class: "check" }, box, h("label", { for: box.id }, t(`info.${key}`)));
    })) : null;
  replace(body, error,
    h("p", {}, t(`chat_type.${chat.type}`), " · ", t("info.members", { count: members.filter((x) => !x.pending).length })),
    chat.type !== "direct" ? h("p", {}, t("info.admins"), ": ", admins.length ? personNames(admins) : "—") : null,
    settings,
    chat.type !== "direct" ? h("ul", { class: "members" }, members.map((x) => h("li", {},
      personName(x.full_name, x.name_confirmed), x.role ? h("span", { class: "muted" }, ` · ${t(`role.${x.role}`)}`) : null,
      x.admin ? h("span", { class: "badge" }, t("info.admin")) : null,
      x.pending ? h("span", { class: "badge muted" }, t("info.pending")) : null,
      x.account_id && x.account_id !== m.myAccountId ? h("button", { type: "button", class: "link", onclick: async () => {
        try {
          const direct = await post(`/organizations/${chat.organization_id}/direct-chats`, { account_id: x.account_id });
          m.adopt(direct);
          dialog.close();
          app.go(`#/chats/${direct.id}`);
        } catch (e) { error.textContent = errorText(e); }
      } }, t("info.write")) : null))) : null);
}
