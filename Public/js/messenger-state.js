// What the messenger knows: my chats (from the live connection's `ready`, then its events; a
// `closed` chat is kept to be read, not written in), the loaded part of each chat's history, and
// the members who wrote in it (their names, confirmed by the school or not).
// Views subscribe to "changed" and re-render what they show.
import { get, post } from "./api.js";

export class Messenger extends EventTarget {
  constructor(live) {
    super();
    this.live = live;
    this.chats = new Map();     // id → chat entry (as in `ready`)
    this.histories = new Map(); // id → {messages: Map<id, message>, calls: Map<call id, entry>, oldestLoaded: bool, loaded: bool}
    this.meetings = new Map();  // chat id → meetings to come and running (as `GET /chats/{id}/meetings`)
    this.names = new Map();     // chat id → Map<account id, member ({full_name, name_confirmed, …})>
    this.sending = new Map();   // client_id → {chat_id, text, reply_to, attachments}
    this.askedNames = new Set(); // "chat:sender" pairs whose names were re-read once
    this.readTimers = new Map(); // chat id → the pending send of its read marker
    this.openChat = null;
    this.ready = false;
    live.addEventListener("ready", (e) => this.onReady(e.detail));
    live.addEventListener("event", (e) => this.onEvent(e.detail));
    live.addEventListener("chat", (e) => { this.chats.set(e.detail.id, e.detail); this.changed("list"); });
    live.addEventListener("chat_removed", (e) => this.remove(e.detail));
  }

  changed(what, chatId) { this.dispatchEvent(new CustomEvent("changed", { detail: { what, chatId } })); }

  onReady(frame) {
    const known = new Set(frame.chats.map((c) => c.id));
    for (const id of [...this.chats.keys()]) if (!known.has(id)) this.remove(id, true);
    for (const chat of frame.chats) this.chats.set(chat.id, chat);
    this.ready = true;
    this.changed("list");
    if (this.openChat && !this.histories.get(this.openChat)?.loaded) this.loadLatest(this.openChat);
  }

  remove(id, quiet) {
    this.chats.delete(id);
    this.histories.delete(id);
    this.names.delete(id);
    this.meetings.delete(id);
    if (!quiet) this.changed("removed", id);
  }

  /** Chats, most recent message first; chats without messages after them, by name. */
  list() {
    const when = (c) => c.last_message?.created_at || "";
    return [...this.chats.values()].sort((a, b) => when(b).localeCompare(when(a)) || a.name.localeCompare(b.name, "ru"));
  }

  /** Forgets everything (signing out): the next account starts empty. */
  reset() {
    this.chats.clear();
    this.histories.clear();
    this.names.clear();
    this.meetings.clear();
    this.sending.clear();
    this.askedNames.clear();
    for (const timer of this.readTimers.values()) clearTimeout(timer);
    this.readTimers.clear();
    this.openChat = null;
    this.ready = false;
    this.myAccountId = null;
  }

  onEvent(event) {
    const chat = this.chats.get(event.chat_id);
    if (!chat) return;
    chat.last_seq = Math.max(chat.last_seq, event.seq);
    const history = this.histories.get(event.chat_id);
    switch (event.kind) {
      case "message": {
        const message = event.message;
        chat.last_message = message;
        if (message.sender_id === this.myAccountId) {
          this.sending.delete(message.client_id);
          chat.read_seq = Math.max(chat.read_seq, event.seq);
        } else if (event.seq > chat.read_seq) {
          chat.unread += 1;
        }
        history?.messages.set(message.id, message);
        // A sender the names do not know yet (just joined): re-read the members once for them.
        const asked = `${event.chat_id}:${message.sender_id}`;
        if (this.names.has(event.chat_id) && !this.names.get(event.chat_id).has(message.sender_id) && !this.askedNames.has(asked)) {
          this.askedNames.add(asked);
          this.loadNames(event.chat_id, true).catch(() => {});
        }
        break;
      }
      case "message_edited":
      case "message_deleted":
        history?.messages.set(event.message.id, event.message);
        if (chat.last_message?.id === event.message.id) chat.last_message = event.message;
        break;
      case "chat_renamed":
        chat.name = event.name;
        break;
      case "settings_changed":
        chat.settings = event.settings;
        break;
      case "chat_closed":
      case "chat_reopened":
        chat.closed = event.kind === "chat_closed";
        break;
      case "members_changed":
        this.names.delete(event.chat_id);
        if (this.openChat === event.chat_id) this.loadNames(event.chat_id);
        break;
      case "call_started": {
        const call = { id: event.call.call_id, chat_id: event.chat_id, kind: event.call.meeting_id ? "meeting" : "chat", media: event.call.media,
          started_by: event.call.started_by, started_at: event.at, meeting_id: event.call.meeting_id };
        // A meeting's call is joined from its meeting; the chat's own call is "in progress — join".
        if (!event.call.meeting_id) chat.call = call;
        history?.calls.set(call.id, { call, started_seq: event.seq, participants: 0 });
        if (event.call.meeting_id && this.meetings.has(event.chat_id)) this.loadMeetings(event.chat_id).catch(() => {});
        break;
      }
      case "call_ended": {
        if (chat.call?.id === event.call.call_id) chat.call = null;
        const entry = history?.calls.get(event.call.call_id);
        if (entry) Object.assign(entry, { ended_seq: event.seq, duration_seconds: event.call.duration_seconds, participants: event.call.participants });
        this.dispatchEvent(new CustomEvent("call_ended", { detail: { chatId: event.chat_id, callId: event.call.call_id } }));
        if (this.meetings.has(event.chat_id)) this.loadMeetings(event.chat_id).catch(() => {});
        break;
      }
      case "meeting_scheduled":
      case "meeting_cancelled":
        if (this.meetings.has(event.chat_id) || this.openChat === event.chat_id) this.loadMeetings(event.chat_id).catch(() => {});
        break;
    }
    this.changed("event", event.chat_id);
  }

  /** The latest page of a chat's history. */
  async loadLatest(chatId) {
    const [page, calls] = await Promise.all([get(`/chats/${chatId}/messages`, { limit: 50 }), get(`/chats/${chatId}/calls`, { limit: 20 })]);
    const history = { messages: new Map(), calls: new Map(calls.items.map((c) => [c.call.id, c])), oldestLoaded: page.items.length < 50, loaded: true };
    this.loadMeetings(chatId).catch(() => {});
    // Events may have arrived while the page was on its way: keep what is newer.
    const previous = this.histories.get(chatId);
    for (const m of page.items) history.messages.set(m.id, m);
    if (previous) for (const [id, c] of previous.calls) if (!history.calls.has(id) || c.ended_seq) history.calls.set(id, c);
    if (previous) for (const [id, m] of previous.messages) if (!history.messages.has(id) || m.seq > (history.messages.get(id).seq)) history.messages.set(id, m);
    this.histories.set(chatId, history);
    await this.loadNames(chatId);
    this.changed("history", chatId);
  }

  /** An older page, for scrolling up. */
  async loadOlder(chatId) {
    const history = this.histories.get(chatId);
    if (!history || history.oldestLoaded) return 0;
    const oldest = Math.min(...[...history.messages.values()].map((m) => m.seq));
    const page = await get(`/chats/${chatId}/messages`, { before: oldest, limit: 50 });
    for (const m of page.items) if (!history.messages.has(m.id)) history.messages.set(m.id, m);
    if (page.items.length < 50) history.oldestLoaded = true;
    this.changed("history", chatId);
    return page.items.length;
  }

  /** The chat's meetings to come and running (re-read when one is scheduled, cancelled, opened or over). */
  async loadMeetings(chatId) {
    const page = await get(`/chats/${chatId}/meetings`);
    this.meetings.set(chatId, page.items);
    this.changed("meetings", chatId);
    return page.items;
  }

  /**
   * The chat's timeline: its messages and its calls (each where its `call_started` event stands),
   * in the chat's order. Calls older than the loaded messages wait until those are loaded.
   */
  timeline(chatId) {
    const messages = this.messages(chatId);
    const history = this.histories.get(chatId);
    if (!history) return messages.map((message) => ({ message }));
    const oldest = history.oldestLoaded ? 0 : (messages[0]?.seq ?? Infinity);
    const calls = [...history.calls.values()].filter((c) => c.started_seq && c.started_seq >= oldest);
    return [...messages.map((message) => ({ seq: message.seq, message })), ...calls.map((call) => ({ seq: call.started_seq, call }))]
      .sort((a, b) => a.seq - b.seq);
  }

  messages(chatId) {
    const history = this.histories.get(chatId);
    return history ? [...history.messages.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  /** A chat's members, admins first, in pages of 100 (at most 2,000): the info screen and names. */
  async members(chatId) {
    let members = [];
    for (let page = 1; page <= 20; page += 1) {
      const result = await get(`/chats/${chatId}/members`, { page, per_page: 100 });
      members = members.concat(result.items);
      if (page * result.per_page >= result.total) break;
    }
    return members;
  }

  /** Members' names by account; sender names come from here. */
  async loadNames(chatId, force) {
    if (this.names.has(chatId) && !force) return this.names.get(chatId);
    const names = new Map();
    this.names.set(chatId, names); // others asking meanwhile wait for no second download
    for (const member of await this.members(chatId)) if (member.account_id) names.set(member.account_id, member);
    this.changed("names", chatId);
    return names;
  }

  /** A member of a chat by account ({full_name, name_confirmed, …}), once the names are loaded. */
  memberOf(chatId, accountId) { return this.names.get(chatId)?.get(accountId); }

  /**
   * A chat the server just handed over (opening a direct chat): a new one is added, a known one
   * takes its state — opening a closed direct chat again reopens it where the rules allow.
   */
  adopt(chat) {
    const known = this.chats.get(chat.id);
    if (known) Object.assign(known, { name: chat.name, name_confirmed: chat.name_confirmed, closed: chat.closed });
    else this.chats.set(chat.id, { ...chat, cursor: chat.last_seq });
    this.changed("list");
  }

  /** Sends over the live connection; the message appears when its event arrives. */
  async send(chatId, text, { replyTo, attachments = [] } = {}) {
    const clientId = crypto.randomUUID();
    this.sending.set(clientId, { chat_id: chatId, text, reply_to: replyTo, attachments, client_id: clientId });
    this.changed("sending", chatId);
    try {
      const ack = await this.live.command({
        type: "send", chat_id: chatId, client_id: clientId, text,
        reply_to: replyTo || undefined, attachment_ids: attachments.map((a) => a.id),
      });
      this.sending.delete(clientId);
      const history = this.histories.get(chatId);
      history?.messages.set(ack.message.id, ack.message);
      this.changed("sent", chatId);
      return ack;
    } catch (error) {
      this.sending.delete(clientId);
      this.changed("sending", chatId);
      throw error;
    }
  }

  pendingFor(chatId) { return [...this.sending.values()].filter((s) => s.chat_id === chatId); }

  edit(chatId, messageId, text) { return this.live.command({ type: "edit", chat_id: chatId, message_id: messageId, text }); }
  delete(chatId, messageId) { return this.live.command({ type: "delete", chat_id: chatId, message_id: messageId }); }

  /**
   * Marks everything up to the chat's last event read. The badge clears at once; the marker is
   * sent a moment later, once for a burst of messages (a busy class chat open on thirty screens
   * would otherwise write thirty markers per message). HTTP when the line is down.
   */
  markRead(chatId) {
    const chat = this.chats.get(chatId);
    if (!chat || chat.read_seq >= chat.last_seq) return;
    chat.read_seq = chat.last_seq;
    chat.unread = 0;
    this.changed("read", chatId);
    clearTimeout(this.readTimers.get(chatId));
    this.readTimers.set(chatId, setTimeout(() => this.sendRead(chatId), 800));
  }

  async sendRead(chatId) {
    this.readTimers.delete(chatId);
    const seq = this.chats.get(chatId)?.read_seq;
    if (!seq) return;
    try {
      if (this.live.state === "online") await this.live.command({ type: "read", chat_id: chatId, seq });
      else await post(`/chats/${chatId}/read`, { seq });
    } catch { /* the marker is advisory; the next read will carry it */ }
  }
}
