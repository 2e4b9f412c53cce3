// The live connection (docs/protocol.md): one WebSocket, the token in the first frame, a
// cursor per chat so that a reconnect resumes without gaps or duplicates, and an outbox so
// that a message typed while offline is sent (once: same client_id) when the line is back.
import { ApiError } from "./api.js";

export class Live extends EventTarget {
  constructor(tokenProvider) {
    super();
    this.tokenProvider = tokenProvider;
    this.cursors = new Map();      // chat id → seq of the last event applied
    this.pending = new Map();      // req → {resolve, reject, frame}
    this.outbox = new Map();       // client_id → req of a send not yet acknowledged
    this.state = "offline";
    this.retryAt = null;
    this.attempt = 0;
    this.counter = 0;
    this.stopped = true;
    this.socket = null;
    this.onlineHandler = () => { if (this.state === "offline" && !this.stopped) this.connectNow(); };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener("online", this.onlineHandler);
    this.open();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener("online", this.onlineHandler);
    clearTimeout(this.timer);
    if (this.socket) { this.socket.onclose = null; this.socket.close(1000); this.socket = null; }
    this.failPending(new ApiError(0, null), true);
    this.cursors.clear();
    this.setState("offline");
  }

  /** Reconnects at once (the "retry now" button, the browser coming back online). */
  connectNow() {
    clearTimeout(this.timer);
    if (this.socket) return;
    this.open();
  }

  setState(state) {
    this.state = state;
    this.dispatchEvent(new CustomEvent("state", { detail: { state, retryAt: this.retryAt } }));
  }

  open() {
    const token = this.tokenProvider();
    if (!token) return;
    this.setState("connecting");
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/ws`);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "auth", token, cursors: Object.fromEntries(this.cursors) }));
    };
    socket.onmessage = (message) => {
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      this.handle(frame);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failPending(new ApiError(0, null), false);
      if (close.code === 4001) {
        this.stopped = true;
        this.setState("offline");
        this.dispatchEvent(new CustomEvent("unauthorized"));
        return;
      }
      if (this.stopped) return;
      // 1 s, 2 s, 4 s … 30 s, jittered, so a restarted server is not met by everyone at once.
      const base = Math.min(30, 2 ** this.attempt);
      const delay = (base / 2 + Math.random() * base / 2) * 1000;
      this.attempt += 1;
      this.retryAt = Date.now() + delay;
      this.setState("offline");
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  handle(frame) {
    switch (frame.type) {
      case "ready":
        this.attempt = 0;
        this.retryAt = null;
        for (const chat of frame.chats) this.cursors.set(chat.id, chat.cursor ?? chat.last_seq);
        for (const id of frame.removed || []) this.cursors.delete(id);
        this.setState("online");
        this.dispatchEvent(new CustomEvent("ready", { detail: frame }));
        this.flushOutbox();
        break;
      case "event": {
        const cursor = this.cursors.get(frame.chat_id) ?? 0;
        if (frame.seq <= cursor) return; // already applied: never twice
        this.cursors.set(frame.chat_id, frame.seq);
        this.dispatchEvent(new CustomEvent("event", { detail: frame }));
        break;
      }
      case "chat":
        this.cursors.set(frame.chat.id, frame.chat.cursor ?? frame.chat.last_seq);
        this.dispatchEvent(new CustomEvent("chat", { detail: frame.chat }));
        break;
      case "chat_removed":
        this.cursors.delete(frame.chat_id);
        this.dispatchEvent(new CustomEvent("chat_removed", { detail: frame.chat_id }));
        break;
      case "ack":
      case "error":
      case "pong": {
        const waiting = this.pending.get(frame.req);
        if (!waiting) return;
        this.pending.delete(frame.req);
        if (waiting.frame.client_id) this.outbox.delete(waiting.frame.client_id);
        if (frame.type === "error") waiting.reject(new ApiError(frame.status, frame));
        else waiting.resolve(frame);
        break;
      }
    }
  }

  /** Sends a command; resolves with its ack. Sends wait in the outbox across reconnects. */
  command(frame) {
    this.counter += 1;
    const req = `r${this.counter}`;
    const full = { ...frame, req };
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject, frame: full });
      if (full.type === "send") this.outbox.set(full.client_id, req);
      if (this.state === "online" && this.socket) this.socket.send(JSON.stringify(full));
      else if (full.type !== "send") { this.pending.delete(req); reject(new ApiError(0, null)); }
    });
  }

  flushOutbox() {
    for (const req of this.outbox.values()) {
      const waiting = this.pending.get(req);
      if (waiting && this.socket) this.socket.send(JSON.stringify(waiting.frame));
    }
  }

  /** The line dropped: commands other than sends fail; sends stay for the next connection. */
  failPending(error, includingSends) {
    for (const [req, waiting] of this.pending) {
      if (!includingSends && waiting.frame.type === "send") continue;
      this.pending.delete(req);
      if (waiting.frame.client_id) this.outbox.delete(waiting.frame.client_id);
      waiting.reject(error);
    }
  }
}
