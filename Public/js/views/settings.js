// My account: name, my learning profiles (unlink one, its consequences said first), the devices
// signed in (end any of them), sign out.
import { h, replace, errorLine } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { get, post, del, errorText } from "../api.js";
import { notify, confirmDialog } from "../widgets.js";
import { nameForm } from "../parts.js";

export async function settingsView(app) {
  const sessions = h("ul", { class: "cards" });
  const error = errorLine();
  async function load() {
    try {
      const list = await get("/sessions");
      replace(sessions, list.items.map((s) => h("li", { class: "card session" },
        h("strong", {}, s.device_name || s.user_agent), s.current ? h("span", { class: "badge" }, t("settings.this_device")) : null,
        h("p", { class: "muted" }, t("settings.last_used", { when: dateTime(s.last_used_at) }), " · ", s.client_address),
        s.current ? null : h("button", { type: "button", onclick: async () => {
          try { await del(`/sessions/${s.id}`); notify(t("settings.ended")); load(); } catch (e) { error.textContent = errorText(e); }
        } }, t("settings.end_session")))));
    } catch (e) { error.textContent = errorText(e); }
  }
  await load();
  // The school's roster persons linked to me: who I am in each school.
  const profiles = h("ul", { class: "cards profiles" });
  const profileError = errorLine();
  async function loadProfiles() {
    try {
      const links = (await get("/me/links")).items;
      replace(profiles, links.length ? links.map((l) => {
        const org = l.organization.short_name || l.organization.full_name;
        return h("li", { class: "card profile" },
          h("strong", {}, l.person.full_name), h("p", { class: "muted" }, t(`role.${l.person.role}`), " · ", org),
          h("button", { type: "button", class: "danger", onclick: async () => {
            const consequences = t("settings.unlink_consequences", { name: l.person.full_name, role: t(`role.${l.person.role}`), organization: org });
            if (!(await confirmDialog(consequences, t("settings.unlink")))) return;
            try { await del(`/me/links/${l.person.id}`); notify(t("settings.unlinked", { organization: org })); await app.refreshMe(); loadProfiles(); }
            catch (e) { profileError.textContent = errorText(e); }
          } }, t("settings.unlink")));
      }) : h("li", { class: "muted" }, t("settings.no_profiles")));
    } catch (e) { profileError.textContent = errorText(e); }
  }
  await loadProfiles();
  const node = h("div", { class: "page" },
    h("h1", {}, t("settings.title")),
    h("section", {}, h("h2", {}, t("settings.name")), nameForm(app, () => notify(t("common.saved")), app.me.account)),
    h("section", {}, h("h2", {}, t("settings.profiles")), h("p", { class: "muted" }, t("settings.profiles_hint")), profileError, profiles),
    h("section", {}, h("h2", {}, t("settings.sessions")), error, sessions,
      h("p", { class: "row" },
        h("button", { type: "button", onclick: async () => {
          try { const r = await post("/sessions/revoke-others"); notify(t("settings.ended_others", { count: r.revoked })); load(); }
          catch (e) { error.textContent = errorText(e); }
        } }, t("settings.end_others")),
        h("button", { type: "button", class: "danger", onclick: async () => {
          try { await post("/auth/sign-out"); } catch { /* signed out either way */ }
          app.signedOut();
        } }, t("settings.sign_out")))));
  return { node, title: t("settings.title") };
}
