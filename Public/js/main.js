// The web client's entry: the shell (header, navigation, connection indicator, language), the
// hash router, and the shared state every view reads (who I am, the live connection).
import { h, replace, select, errorLine } from "./dom.js";
import { t, lang, setLang, languagesAvailable } from "./i18n.js";
import { get, token, setToken, onUnauthorized, errorText } from "./api.js";
import { Live } from "./live.js";
import { Messenger } from "./messenger-state.js";
import { signInView } from "./views/signin.js";
import { homeView } from "./views/home.js";
import { joinView, linkView, linkEntryView, chatInviteView } from "./views/join.js";
import { messengerView } from "./views/messenger.js";
import { settingsView } from "./views/settings.js";
import { adminView } from "./views/admin.js";
import { rosterView, personView, linkCardsView } from "./views/roster.js";
import { manageView } from "./views/manage.js";
import { timetableView, distanceLessonView } from "./views/timetable.js";
import { chatCallView } from "./views/call.js";
import { statisticsView, statisticsHome } from "./views/statistics.js";

export const app = {
  me: null,
  live: new Live(() => token()),
  messenger: null,
  /** Re-reads /me (after joining, accepting, renaming). */
  async refreshMe() {
    this.me = await get("/me");
    app.messenger.myAccountId = this.me.account.id;
    renderHeader();
    return this.me;
  },
  organization(id) { return this.me?.organizations.find((o) => o.id === Number(id)); },
  zoneOf(organizationID) { return this.organization(organizationID)?.time_zone || "Europe/Moscow"; },
  adminOrganizations() { return (this.me?.organizations || []).filter((o) => o.roles.includes("administrator")); },
  go(hash) { if (location.hash === hash) route(); else location.hash = hash; },
  signedOut() {
    setToken(null);
    // What the tab meant to do once signed in (join a chat, link a person, go somewhere) was the
    // last person's: whoever signs in next on this device starts clean.
    for (const key of ["parta.chat_invite_join", "parta.link_confirm", "parta.after_sign_in"]) sessionStorage.removeItem(key);
    this.live.stop();
    this.me = null;
    this.messenger.reset();
    renderHeader();
    this.go("#/signin");
  },
};
app.messenger = new Messenger(app.live);

onUnauthorized(() => app.signedOut());
app.live.addEventListener("unauthorized", () => app.signedOut());

const header = document.getElementById("top");
const main = document.getElementById("app");

function renderHeader() {
  document.querySelector(".skip").textContent = t("nav.skip");
  const signedIn = Boolean(app.me);
  const here = location.hash || "#/";
  const link = (hash, label, match) => h("a", {
    href: hash, "aria-current": (match ? here.startsWith(match) : here === hash) ? "page" : false,
  }, label);
  const langSelect = select(languagesAvailable().map((code) => [code, t(`lang.${code}`)]), lang(), {
    "aria-label": t("lang.choose"),
    onchange: (event) => { setLang(event.target.value); renderHeader(); route(); },
  });
  replace(header,
    h("a", { class: "brand", href: signedIn ? "#/chats" : "#/signin" }, "Parta"),
    signedIn ? h("nav", { "aria-label": t("nav.label") },
      link("#/chats", t("nav.chats"), "#/chats"),
      app.me.organizations.length ? link("#/timetable", t("nav.timetable"), "#/timetable") : null,
      link("#/", t("nav.home")),
      app.adminOrganizations().length || hasManagement() ? link(`#/org/${defaultOrg()}`, t("nav.admin"), "#/org/") : null,
      statisticsHome(app) ? link("#/stats", t("nav.statistics"), "#/stats") : null,
      link("#/settings", t("nav.settings"), "#/settings")) : h("span"),
    h("div", { class: "top-tools" }, signedIn ? connectionIndicator() : null, langSelect));
}

function hasManagement() {
  return (app.me?.organizations || []).some((o) => o.roles.includes("teacher"));
}
function defaultOrg() {
  const admin = app.adminOrganizations()[0] || (app.me?.organizations || []).find((o) => o.roles.includes("teacher"));
  return admin?.id ?? "";
}

const indicator = h("button", { type: "button", class: "connection", "aria-live": "polite" });
indicator.addEventListener("click", () => app.live.connectNow());
let countdown;
function connectionIndicator() { updateIndicator(); return indicator; }
function updateIndicator() {
  clearInterval(countdown);
  const { state, retryAt } = app.live;
  indicator.dataset.state = state;
  const paint = () => {
    const seconds = retryAt ? Math.max(0, Math.ceil((retryAt - Date.now()) / 1000)) : 0;
    indicator.textContent = state === "online" ? t("live.online")
      : state === "connecting" ? t("live.connecting")
      : seconds > 0 ? t("live.retry_in", { count: seconds }) : t("live.offline");
  };
  paint();
  indicator.title = state === "offline" ? t("live.retry_now") : "";
  indicator.disabled = state !== "offline";
  if (state === "offline" && retryAt) countdown = setInterval(paint, 1000);
}
app.live.addEventListener("state", updateIndicator);

const routes = [
  [/^#\/signin$/, () => signInView(app), { public: true }],
  [/^#\/join\/([\w-]+)$/, (m) => joinView(app, m[1]), { public: true }],
  [/^#\/link\/([\w-]+)$/, (m) => linkView(app, m[1]), { public: true }],
  [/^#\/link$/, () => linkEntryView(app), { public: true }],
  [/^#\/chat-invite\/([\w-]+)$/, (m) => chatInviteView(app, m[1]), { public: true }],
  [/^#\/chats(?:\/(\d+))?$/, (m) => messengerView(app, m[1] ? Number(m[1]) : null)],
  [/^#\/chats\/(\d+)\/call\/(\d+)$/, (m) => chatCallView(app, Number(m[1]), Number(m[2]))],
  [/^#\/settings$/, () => settingsView(app)],
  [/^#\/timetable(?:\/(\d+)(?:\/(\d{4}-\d{2}-\d{2}))?)?$/, (m) => timetableView(app, m[1] ? Number(m[1]) : null, m[2] || null)],
  [/^#\/lesson\/(\d+)\/(\d+)$/, (m) => distanceLessonView(app, Number(m[1]), Number(m[2]))],
  [/^#\/org\/(\d+)\/chats(?:\/(new|init|\d+))?$/, (m) => manageView(app, Number(m[1]), m[2] || null)],
  [/^#\/org\/(\d+)\/cards\/(\d+)$/, (m) => linkCardsView(app, Number(m[1]), Number(m[2]))],
  [/^#\/org\/(\d+)\/roster(?:\/(classes|people|orders|years))?$/, (m) => rosterView(app, Number(m[1]), m[2] || null)],
  [/^#\/org\/(\d+)\/persons\/(new|\d+)$/, (m) => personView(app, Number(m[1]), m[2])],
  [/^#\/org\/(\d+)(?:\/([a-z-]+))?$/, (m) => adminView(app, Number(m[1]), m[2] || "profile")],
  [/^#\/stats(?:\/(platform|region|municipality|organization)(?:\/(\d+))?(?:\/(\d{4}-W\d{2}|now))?)?$/,
    (m) => statisticsView(app, m[1] || null, m[2] ? Number(m[2]) : null, m[3] || null)],
  [/^#\/?$/, () => homeView(app)],
];

let currentCleanup = null;
export async function route() {
  const hash = location.hash || "#/";
  const match = routes.map(([pattern, view, options]) => [hash.match(pattern), view, options || {}]).find(([m]) => m);
  if (typeof currentCleanup === "function") currentCleanup();
  currentCleanup = null;
  if (!match) { app.go("#/"); return; }
  const [m, view, options] = match;
  if (!options.public && !token()) {
    sessionStorage.setItem("parta.after_sign_in", hash);
    app.go("#/signin");
    return;
  }
  if (token() && !app.me) {
    try {
      await app.refreshMe();
    } catch (error) {
      // Signed out (401) already went to sign-in; otherwise the server is unreachable: say so.
      if (token()) replace(main, h("div", { class: "page center" }, h("section", { class: "card narrow" },
        h("h1", {}, "Parta"), errorLine(errorText(error)),
        h("button", { type: "button", class: "primary", onclick: () => route() }, t("common.retry")))));
      return;
    }
    app.live.start();
  }
  renderHeader();
  const rendered = await view(m);
  if (!rendered) return;
  // A view answers its node, and optionally its title, a cleanup, and `fullHeight` (the
  // messenger fills the window and scrolls inside; other screens scroll the page).
  const { node, cleanup, title, fullHeight } = rendered instanceof Node ? { node: rendered } : rendered;
  currentCleanup = cleanup;
  replace(main, node);
  document.body.dataset.layout = fullHeight ? "full" : "page";
  document.title = title ? `${title} — Parta` : "Parta";
  // Move focus into the new screen — its first field if it asks for one, else its heading — so
  // keyboard and screen-reader users land on it.
  if (!main.contains(document.activeElement)) {
    const target = main.querySelector("[autofocus]") || main.querySelector("h1, h2");
    if (target && !target.matches("input, select, textarea, button")) target.tabIndex = -1;
    target?.focus({ preventScroll: true });
  }
}

// An invite link (/join/<token>), a link code (/link/<code>) or a chat's invite link
// (/chat-invite/<token>) opens the app at its screen; /link alone, where a printed code is typed.
const linkPath = location.pathname.match(/^\/(join|link|chat-invite)\/([\w-]+)$/);
if (linkPath) history.replaceState(null, "", `/#/${linkPath[1]}/${linkPath[2]}`);
else if (location.pathname === "/link") history.replaceState(null, "", "/#/link");

window.addEventListener("hashchange", route);
route();
