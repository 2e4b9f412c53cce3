// Home: my organizations and roles, my join requests and their outcome, and finding a school
// to apply to when nobody sent a link.
import { h, field, replace, debounce, errorLine } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { get, post, errorText } from "../api.js";
import { applyForm } from "../parts.js";
import { personNames } from "../widgets.js";

export async function homeView(app) {
  // Fresh each time: a request may have been decided since.
  const me = await app.refreshMe().catch(() => app.me);
  const organizations = me.organizations.map((o) => h("li", { class: "card org" },
    h("h3", {}, o.short_name || o.full_name),
    h("p", { class: "muted" }, `${o.municipality.name}, ${o.region.name}`),
    h("p", {}, o.roles.map((r) => h("span", { class: "badge" }, t(`role.${r}`))),
      o.verified ? h("span", { class: "badge verified", title: t("home.verified_hint") }, t("home.verified")) : null),
    h("p", {}, t("home.administrators"), ": ", o.administrators.length ? personNames(o.administrators, "short_name") : "—"),
    h("p", {}, t("home.teachers", { count: o.teacher_count })),
    o.roles.includes("administrator") ? h("p", {}, h("a", { href: `#/org/${o.id}` }, t("home.open_console"))) : null));

  const requests = me.join_requests.map((r) => {
    const withdraw = r.status === "pending" ? h("button", { type: "button", onclick: async (event) => {
      event.target.disabled = true;
      try { await post(`/me/join-requests/${r.id}/withdraw`); await app.refreshMe(); app.go("#/"); }
      catch (e) { event.target.disabled = false; alertLine.textContent = errorText(e); }
    } }, t("home.withdraw")) : null;
    return h("li", { class: `card request ${r.status}` },
      h("h3", {}, r.organization.short_name || r.organization.full_name),
      h("p", {}, t(`role.${r.role}`), r.class_name ? ` · ${r.class_name}` : ""),
      h("p", {}, h("span", { class: `status ${r.status}` }, t(`request.${r.status}`)), " · ", dateTime(r.decided_at || r.created_at)),
      r.reason ? h("p", {}, t("home.reason"), ": ", r.reason) : null,
      withdraw);
  });
  const alertLine = errorLine();

  const node = h("div", { class: "page" },
    h("h1", {}, t("home.title", { name: me.account.given_name || me.account.full_name })),
    alertLine,
    h("section", { "aria-labelledby": "orgs-h" },
      h("h2", { id: "orgs-h" }, t("home.my_organizations")),
      organizations.length ? h("ul", { class: "cards" }, organizations) : h("p", {}, t("home.no_organizations"))),
    requests.length ? h("section", { "aria-labelledby": "req-h" },
      h("h2", { id: "req-h" }, t("home.my_requests")), h("ul", { class: "cards" }, requests)) : null,
    me.platform_roles.length ? h("section", {}, h("h2", {}, t("home.platform_roles")),
      h("ul", {}, me.platform_roles.map((p) => h("li", {}, t(`platform.${p.role}`), p.scope_name ? ` — ${p.scope_name}` : ""))),
      h("p", {}, h("a", { href: "#/stats" }, t("nav.statistics")))) : null,
    h("section", { "aria-labelledby": "code-h" }, h("h2", { id: "code-h" }, t("home.have_code")),
      h("p", {}, h("a", { class: "button", href: "#/link" }, t("home.enter_code")))),
    searchSection(app));
  return { node, title: t("nav.home") };
}

/** Find an organization by name and apply to it with a role. */
function searchSection(app) {
  const query = h("input", { type: "search", name: "q", autocomplete: "off" });
  const results = h("ul", { class: "results", "aria-live": "polite" });
  const detail = h("div");
  const run = debounce(async () => {
    replace(detail);
    if (query.value.trim().length < 2) { replace(results); return; }
    try {
      const page = await get("/organizations", { q: query.value, per_page: 10 });
      replace(results, page.items.length ? page.items.map((o) => h("li", {},
        h("button", { type: "button", class: "link", onclick: () => replace(detail, h("div", { class: "card" },
          h("h3", {}, o.full_name), h("p", { class: "muted" }, `${o.address || ""} ${o.municipality.name}`),
          applyForm(app, { organization: o }))) }, o.short_name || o.full_name),
        h("span", { class: "muted" }, ` — ${o.municipality.name}`))) : h("li", {}, t("common.nothing_found")));
    } catch (e) { replace(results, h("li", { class: "error" }, errorText(e))); }
  });
  query.addEventListener("input", run);
  return h("section", { "aria-labelledby": "find-h" },
    h("h2", { id: "find-h" }, t("home.find_title")), h("p", { class: "muted" }, t("home.find_intro")),
    field(t("home.find_label"), query), results, detail);
}
