// A call's screen, shared by distance lessons and chats' calls and meetings: the grid of people
// (a page of them, names from the school), microphone and camera, leaving, and — for whoever may
// — ending it for everyone. At the end it says «Звонок завершён» and hands back to its view.
// Imports the DOM helpers, strings, the toast and the media client; views import it.
import { h, errorLine } from "./dom.js";
import { t } from "./i18n.js";
import { notify } from "./widgets.js";
import { MediaCall } from "./media.js";

/** A video tile: a person's stream with their name under it (audio-only calls show the name alone). */
function tile(stream, name, { muted = false, feed = "" } = {}) {
  const video = h("video", { autoplay: true, playsinline: true, "aria-label": name });
  video.muted = muted;
  video.srcObject = stream;
  return h("figure", { class: "tile", "data-feed": feed }, video, h("figcaption", {}, name));
}

/** A button that switches something on and off, showing its state to assistive technology. */
function toggle(label, apply) {
  let on = true;
  const button = h("button", { type: "button", "aria-pressed": "true", onclick: () => {
    on = !on;
    apply(on);
    button.setAttribute("aria-pressed", String(on));
  } }, label);
  return button;
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
  const problem = errorLine();
  let call = null;
  let finished = false;
  async function finish(message) {
    if (finished) return;
    finished = true;
    await call?.close();
    if (message) { status.textContent = message; notify(message); }
    ended?.(message);
  }
  const controls = h("div", { class: "row call-controls" },
    grant && publish ? toggle(t("call.microphone"), (on) => call?.setMicrophone(on)) : null,
    grant && publish && video ? toggle(t("call.camera"), (on) => call?.setCamera(on)) : null,
    h("button", { type: "button", class: "danger", onclick: async () => {
      try { await leave(); } catch { /* leaving anyway */ }
      finish(null);
    } }, leaveLabel),
    end ? h("button", { type: "button", class: "danger outline", onclick: async () => {
      try { await end(); } catch (e) { problem.textContent = e.message || t("call.failed"); return; }
      finish(t("timetable.call_ended"));
    } }, t("call.end_for_all")) : null);
  const node = h("div", { class: "call-screen" }, heading, status, problem, grant ? grid : h("p", { class: "muted" }, t("call.no_media")), controls);

  if (grant) {
    call = new MediaCall(grant, { display: grant.display, publish, video });
    call.addEventListener("local", (event) => grid.prepend(tile(event.detail, t("call.me"), { muted: true, feed: "me" })));
    call.addEventListener("remote", (event) => {
      const { feed, display, stream } = event.detail;
      grid.querySelector(`[data-feed="${feed}"]`)?.remove();
      grid.append(tile(stream, display || "—", { feed: String(feed) }));
    });
    call.addEventListener("gone", (event) => grid.querySelector(`[data-feed="${event.detail.feed}"]`)?.remove());
    call.addEventListener("ended", () => finish(t("timetable.call_ended")));
    call.start().catch((e) => { problem.textContent = t("call.failed"); console.warn("call", e); });
  }
  return {
    node,
    finish,
    get finished() { return finished; },
    close: () => { if (!finished) { finished = true; call?.close(); leave().catch(() => {}); } },
  };
}
