// A call's media: talks to the Janus VideoRoom the server granted (its URL, the room, this
// entry's token) over Janus's HTTP API — publishes the camera and microphone, subscribes to the
// others a page at a time (eight), and brings whoever speaks onto the page in place of the one
// who spoke longest ago (Janus's `talking` events). No library: the protocol is a handful of JSON requests and a long poll.
// Imports nothing; the views use it.

const PAGE = 8;

function transaction() { return Math.random().toString(36).slice(2) + Date.now().toString(36); }

/** Waits until a peer connection has gathered its ICE candidates (no trickling: one SDP). */
function gathered(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === "complete") { pc.removeEventListener("icegatheringstatechange", done); resolve(); } };
    pc.addEventListener("icegatheringstatechange", done);
    setTimeout(resolve, 3000);
  });
}

/**
 * Who makes room when `talker` speaks and is not shown: the shown feed that spoke longest ago
 * (never spoken counts as longest), or null while the page has room. `feeds` are
 * `{id, subscribed, lastTalk}`.
 */
export function speakerSwap(feeds, talker, page = PAGE) {
  const shown = feeds.filter((f) => f.subscribed && f.id !== talker);
  if (shown.length < page) return null;
  return shown.reduce((oldest, f) => ((f.lastTalk || 0) < (oldest.lastTalk || 0) ? f : oldest)).id;
}

/** Screen feeds have ids above every entry's (the server's `CallModeration.screenFeed`). */
export function isScreenFeed(id) { return id > 2 ** 52; }

export class MediaCall extends EventTarget {
  /**
   * @param grant `{url, room, token, ice_servers}` from the server's entry answer
   * @param options `{display, publish, video}`: the name others see; whether to send the
   *   microphone, and the camera too (`video: false` for an audio call)
   */
  constructor(grant, { display, publish = true, video = true } = {}) {
    super();
    this.grant = grant;
    this.display = display;
    this.publish = publish;
    this.video = video;
    this.session = null;
    this.handles = new Map(); // handle id → {kind: "publisher"|"subscriber", feed, pc, waiters}
    this.feeds = new Map(); // feed id → {display, subscribed}
    this.localStream = null;
    this.closed = false;
    this.pending = new Map(); // transaction → resolve
  }

  get iceServers() { return (this.grant.ice_servers || []).map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })); }

  /** The peer connections' settings: the TURN servers, and relay only when the server says so. */
  get rtcConfiguration() { return { iceServers: this.iceServers, iceTransportPolicy: this.grant.ice_transport_policy === "relay" ? "relay" : "all" }; }

  async request(path, body) {
    const response = await fetch(this.grant.url + path, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ transaction: transaction(), ...body }),
    });
    const answer = await response.json();
    if (answer.janus === "error") throw new Error(answer.error?.reason || "media server error");
    const data = answer.plugindata?.data;
    if (data?.error_code) throw new Error(data.error);
    return answer;
  }

  /** Sends a plugin message on a handle and waits for its asynchronous event (by transaction). */
  message(handle, body, jsep) {
    const id = transaction();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      fetch(`${this.grant.url}/${this.session}/${handle}`, {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ janus: "message", transaction: id, body, ...(jsep ? { jsep } : {}) }),
      }).then((r) => r.json()).then((answer) => {
        if (answer.janus === "error") { this.pending.delete(id); reject(new Error(answer.error?.reason)); }
      }, (e) => { this.pending.delete(id); reject(e); });
    });
  }

  async start() {
    this.session = (await this.request("", { janus: "create" })).data.id;
    this.poll();
    const publisher = (await this.request(`/${this.session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data.id;
    this.handles.set(publisher, { kind: "publisher" });
    this.publisher = publisher;
    const joined = await this.message(publisher, {
      request: "join", ptype: "publisher", room: this.grant.room, id: this.grant.participant, token: this.grant.token,
      display: this.display,
    });
    this.myId = joined.data.id;
    // Subscribing needs it: the room lets only its participants watch.
    this.privateId = joined.data.private_id;
    if (this.closed) return;
    this.addFeeds(joined.data.publishers || []);
    if (this.publish) await this.sendMedia();
  }

  async sendMedia() {
    try {
      this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true, video: this.video ? { width: 640, height: 360 } : false });
    } catch {
      this.localStream = await navigator.mediaDevices.getUserMedia({ audio: true });
    }
    // Left while the browser was asking for the camera: stop it at once.
    if (this.closed) { for (const track of this.localStream.getTracks()) track.stop(); return; }
    this.dispatchEvent(new CustomEvent("local", { detail: this.localStream }));
    const pc = new RTCPeerConnection(this.rtcConfiguration);
    for (const track of this.localStream.getTracks()) pc.addTrack(track, this.localStream);
    this.handles.get(this.publisher).pc = pc;
    await pc.setLocalDescription(await pc.createOffer());
    if (this.closed) { pc.close(); return; }
    await gathered(pc);
    const answer = await this.message(this.publisher, { request: "publish", audio: true, video: this.localStream.getVideoTracks().length > 0 },
      { type: "offer", sdp: pc.localDescription.sdp, trickle: false });
    await pc.setRemoteDescription(answer.jsep);
  }

  addFeeds(publishers) {
    for (const p of publishers) {
      if (p.id === this.myId || p.id === this.grant.screen_participant || this.feeds.has(p.id)) continue;
      this.feeds.set(p.id, { display: p.display, subscribed: false });
      // A shared screen is what everyone came to see: it is always on the page.
      if (isScreenFeed(p.id)) this.promote(p.id);
    }
    this.fillPage();
  }

  /** The host shares the screen as a second feed, with the id the server gave for it. */
  async shareScreen() {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    if (this.closed) { for (const track of stream.getTracks()) track.stop(); return; }
    const handle = (await this.request(`/${this.session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data.id;
    const pc = new RTCPeerConnection(this.rtcConfiguration);
    this.handles.set(handle, { kind: "screen", pc });
    this.screen = { handle, stream, pc };
    // The browser's own "stop sharing" ends it too.
    for (const track of stream.getVideoTracks()) track.addEventListener("ended", () => this.stopScreen());
    await this.message(handle, {
      request: "join", ptype: "publisher", room: this.grant.room, id: this.grant.screen_participant, token: this.grant.token, display: this.display,
    });
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const answer = await this.message(handle, { request: "publish", audio: false, video: true },
      { type: "offer", sdp: pc.localDescription.sdp, trickle: false });
    await pc.setRemoteDescription(answer.jsep);
    this.dispatchEvent(new CustomEvent("screen", { detail: stream }));
  }

  /** Stops sharing the screen: its feed leaves the room. */
  stopScreen() {
    if (!this.screen) return;
    const { handle, stream, pc } = this.screen;
    this.screen = null;
    for (const track of stream.getTracks()) track.stop();
    pc.close();
    this.handles.delete(handle);
    fetch(`${this.grant.url}/${this.session}/${handle}`, {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ janus: "detach", transaction: transaction() }),
    }).catch(() => {});
    this.dispatchEvent(new CustomEvent("screen", { detail: null }));
  }

  /** Subscribes to feeds until a page is shown (the others wait for a free place). */
  fillPage() {
    const shown = [...this.feeds.values()].filter((f) => f.subscribed).length;
    let room = PAGE - shown;
    for (const [id, feed] of this.feeds) {
      if (room <= 0) break;
      if (feed.subscribed) continue;
      feed.subscribed = true;
      room -= 1;
      this.subscribe(id, feed).catch((e) => this.dispatchEvent(new CustomEvent("problem", { detail: e })));
    }
  }

  /** The active speaker comes on screen: if the page is full, the feed that spoke longest ago makes room. */
  promote(feedId) {
    const feed = this.feeds.get(feedId);
    if (!feed) return;
    feed.lastTalk = Date.now();
    if (feed.subscribed || this.closed) return;
    const drop = speakerSwap([...this.feeds].map(([id, f]) => ({ id, subscribed: f.subscribed, lastTalk: f.lastTalk })), feedId);
    if (drop !== null) this.unsubscribe(drop);
    feed.subscribed = true;
    this.subscribe(feedId, feed).catch((e) => this.dispatchEvent(new CustomEvent("problem", { detail: e })));
  }

  /** Stops watching a feed (it stays in the room, off this page). */
  unsubscribe(feedId) {
    for (const [handle, entry] of this.handles) {
      if (entry.kind !== "subscriber" || entry.feed !== feedId) continue;
      entry.pc?.close();
      this.handles.delete(handle);
      fetch(`${this.grant.url}/${this.session}/${handle}`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ janus: "detach", transaction: transaction() }),
      }).catch(() => {});
    }
    const feed = this.feeds.get(feedId);
    if (feed) feed.subscribed = false;
    this.dispatchEvent(new CustomEvent("gone", { detail: { feed: feedId } }));
  }

  async subscribe(feedId, feed) {
    if (this.closed) return;
    const handle = (await this.request(`/${this.session}`, { janus: "attach", plugin: "janus.plugin.videoroom" })).data.id;
    const pc = new RTCPeerConnection(this.rtcConfiguration);
    this.handles.set(handle, { kind: "subscriber", feed: feedId, pc });
    const stream = new MediaStream();
    pc.addEventListener("track", (event) => {
      stream.addTrack(event.track);
      this.dispatchEvent(new CustomEvent("remote", { detail: { feed: feedId, display: feed.display, stream } }));
    });
    const attached = await this.message(handle, {
      request: "join", ptype: "subscriber", room: this.grant.room, private_id: this.privateId, streams: [{ feed: feedId }],
    });
    if (this.closed) { pc.close(); return; }
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    await gathered(pc);
    await this.message(handle, { request: "start" }, { type: "answer", sdp: pc.localDescription.sdp, trickle: false });
  }

  async poll() {
    while (!this.closed) {
      let events;
      try {
        const response = await fetch(`${this.grant.url}/${this.session}?maxev=10&rid=${Date.now()}`);
        events = await response.json();
      } catch {
        if (this.closed) return;
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      for (const event of Array.isArray(events) ? events : [events]) this.handle(event);
    }
  }

  handle(event) {
    const data = event.plugindata?.data;
    const waiter = event.transaction && this.pending.get(event.transaction);
    if (waiter && event.janus === "event") {
      this.pending.delete(event.transaction);
      if (data?.error_code) waiter.reject(new Error(data.error)); else waiter.resolve({ data, jsep: event.jsep });
      return;
    }
    if (!data) return;
    if (data.publishers) this.addFeeds(data.publishers);
    // Gone: stopped publishing, left, or put out by the server (`kicked` names someone else).
    const gone = data.unpublished ?? data.leaving ?? data.kicked;
    if (gone !== undefined && gone !== "ok" && this.feeds.has(gone)) {
      this.feeds.delete(gone);
      this.dispatchEvent(new CustomEvent("gone", { detail: { feed: gone } }));
      this.fillPage();
    }
    if (data.videoroom === "talking" || data.videoroom === "stopped-talking") {
      const talking = data.videoroom === "talking";
      this.dispatchEvent(new CustomEvent("talking", { detail: { feed: data.id === this.myId ? "me" : data.id, talking } }));
      if (talking && data.id !== this.myId) this.promote(data.id);
    }
    if (data.videoroom === "destroyed") this.dispatchEvent(new CustomEvent("ended"));
    // Put out by the server (no longer in the class or the call): the call is over for this window.
    if (data.leaving === "ok" && data.reason === "kicked") this.dispatchEvent(new CustomEvent("ended"));
  }

  setMicrophone(on) { for (const t of this.localStream?.getAudioTracks() || []) t.enabled = on; }
  setCamera(on) { for (const t of this.localStream?.getVideoTracks() || []) t.enabled = on; }

  async close() {
    if (this.closed) return;
    this.closed = true;
    for (const { pc } of this.handles.values()) pc?.close();
    for (const track of this.localStream?.getTracks() || []) track.stop();
    if (this.session) {
      try { await fetch(`${this.grant.url}/${this.session}`, { method: "POST", body: JSON.stringify({ janus: "destroy", transaction: transaction() }) }); } catch { /* gone anyway */ }
    }
  }
}
