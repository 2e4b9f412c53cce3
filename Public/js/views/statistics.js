// Statistics (SPEC §8): an officer's territory — its total, a row per region, municipality or
// school to drill down to, trends over the weeks, a bar chart of the rows, sorting, filters and
// the exports; a school administrator's own school beside its municipality's average school.
import { h, replace, select, field, errorLine } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { get, blobURL, errorText } from "../api.js";
import { notify } from "../widgets.js";
import { lineChart, barChart, formatNumber } from "../charts.js";

const child = { platform: "region", region: "municipality", municipality: "organization" };
const rosterKinds = ["staff_room", "class", "parents", "subject"];
const percent = (part, whole) => (whole > 0 ? Math.round((part * 1000) / whole) / 10 : null);
const sum = (counts) => Object.values(counts || {}).reduce((a, b) => a + b, 0);
/** Roster chats that exist, of those that should. */
function coverage(f) {
  const present = rosterKinds.reduce((a, kind) => a + (f.chats?.[kind] || 0), 0);
  return percent(present, present + f.missing_roster_chats);
}

/** The figures the console compares: how each is read from a week's figures, and whether it is a percentage. */
const metrics = {
  active: { value: (f) => percent(f.active_organizations, f.organizations), percent: true },
  teachers: { value: (f) => f.verified_teachers },
  students_linked: { value: (f) => percent(f.students_linked, f.students), percent: true },
  parents_linked: { value: (f) => percent(f.parents_linked, f.parents), percent: true },
  messages: { value: (f) => f.messages },
  active_accounts: { value: (f) => sum(f.active_accounts_by_role) },
  coverage: { value: coverage, percent: true },
  calls: { value: (f) => f.calls + f.distance_lessons },
};

/** Where my statistics start: the whole platform, my region or municipality, or my school. */
export function statisticsHome(app) {
  const roles = app.me?.platform_roles || [];
  if (roles.some((r) => r.role === "operator")) return "#/stats/platform";
  const regional = roles.find((r) => r.role === "regional_officer");
  if (regional) return `#/stats/region/${regional.region_id}`;
  const municipal = roles.find((r) => r.role === "municipal_officer");
  if (municipal) return `#/stats/municipality/${municipal.municipality_id}`;
  const school = app.adminOrganizations()[0];
  return school ? `#/stats/organization/${school.id}` : null;
}

/** Whether I may open a level above the page (an officer within their territory): a
 * municipality's region is the one before it in the trail. */
function mayOpen(app, place, trail) {
  const roles = app.me?.platform_roles || [];
  if (roles.some((r) => r.role === "operator")) return true;
  if (place.level === "region") return roles.some((r) => r.role === "regional_officer" && r.region_id === place.id);
  if (place.level === "municipality") {
    const region = trail.find((p) => p.level === "region")?.id;
    return roles.some((r) => (r.role === "municipal_officer" && r.municipality_id === place.id)
      || (r.role === "regional_officer" && r.region_id === region));
  }
  return false;
}

export async function statisticsView(app, level, id, week) {
  if (!level) {
    const home = statisticsHome(app);
    if (home) { app.go(home); return null; }
    return { node: h("div", { class: "page" }, h("h1", {}, t("stats.title")), errorLine(t("stats.not_allowed"))), title: t("stats.title") };
  }
  const path = level === "platform" ? "/statistics" : `/statistics/${level === "organization" ? "organizations" : `${level === "region" ? "regions" : "municipalities"}`}/${id}`;
  const hash = (w) => `#/stats/${level}${id ? `/${id}` : ""}${w ? `/${w}` : ""}`;
  let page;
  try {
    page = await get(path, week ? { week } : {});
  } catch (e) {
    const none = e.code === "no_snapshot";
    return {
      node: h("div", { class: "page" }, h("h1", {}, t("stats.title")), errorLine(none ? t("stats.no_snapshot") : errorText(e)),
        none ? h("button", { type: "button", onclick: () => app.go(hash("now")) }, t("stats.count_now")) : null),
      title: t("stats.title"),
    };
  }
  const isSchool = level === "organization";
  const total = page.total;

  const weekSelect = select([["now", t("stats.now")], ...page.weeks.map((w) => [w, t("stats.week_of", { week: w })])],
    page.provisional ? "now" : page.week, { name: "week", onchange: (e) => app.go(hash(e.target.value)) });
  const trail = page.trail.filter((p) => mayOpen(app, p, page.trail)).map((p) =>
    h("a", { href: `#/stats/${p.level}${p.id ? `/${p.id}` : ""}/${page.provisional ? "now" : page.week}` }, p.name));

  async function download(format, button) {
    button.disabled = true;
    try {
      const url = await blobURL(`${path}?format=${format}&week=${page.provisional ? "now" : page.week}`);
      const name = `statistics-${page.week}${page.provisional ? "-provisional" : ""}-${level}${id ? `-${id}` : ""}.${format}`;
      const link = h("a", { href: url, download: name, hidden: true });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) { notify(errorText(e), "error"); } finally { button.disabled = false; }
  }
  const csvButton = h("button", { type: "button", onclick: () => download("csv", csvButton) }, t("stats.download_csv"));
  const xlsxButton = h("button", { type: "button", onclick: () => download("xlsx", xlsxButton) }, t("stats.download_xlsx"));

  const node = h("div", { class: "page stats" },
    trail.length ? h("nav", { class: "breadcrumbs", "aria-label": t("stats.up") }, trail.flatMap((a, i) => (i ? [" › ", a] : [a]))) : null,
    h("h1", {}, page.name),
    h("div", { class: "stats-tools" }, field(t("stats.week"), weekSelect),
      page.provisional ? null : h("div", { class: "actions" }, csvButton, xlsxButton)),
    h("p", { class: page.provisional ? "notice" : "muted" }, page.provisional
      ? t("stats.provisional", { at: dateTime(page.as_of) }) : t("stats.as_of", { at: dateTime(page.as_of) })),
    summary(total, isSchool, page.municipality_total),
    trends(page, isSchool),
    isSchool ? comparison(page) : rowsSection(app, page, level, hash));
  return { node, title: `${t("stats.title")}: ${page.name}` };
}

/** The key figures of the page's total, each with its share. */
function summary(f, isSchool, municipality) {
  const item = (label, value, note) => h("div", { class: "stat" }, h("dt", {}, label), h("dd", {}, value, note ? h("small", {}, note) : null));
  const ofWhole = (part, whole) => t("stats.of", { part: formatNumber(part), whole: formatNumber(whole), share: formatNumber(percent(part, whole), true) });
  const avg = municipality?.organizations ? (value) => t("stats.municipal_average", { value: formatNumber(Math.round((value * 10) / municipality.organizations) / 10) }) : () => null;
  return h("dl", { class: "stat-grid" },
    isSchool
      ? item(t("stats.status"), f.active_organizations ? t("stats.active_yes") : t("stats.active_no"), f.active_since ? t("stats.active_since", { week: f.active_since }) : null)
      : item(t("stats.active_organizations"), ofWhole(f.active_organizations, f.organizations)),
    item(t("stats.verified_teachers"), formatNumber(f.verified_teachers), isSchool ? avg(municipality?.verified_teachers || 0) : t("stats.employees", { count: f.verified_employees })),
    item(t("stats.students_linked"), ofWhole(f.students_linked, f.students)),
    item(t("stats.parents_linked"), ofWhole(f.parents_linked, f.parents)),
    item(t("stats.messages"), formatNumber(f.messages), isSchool ? avg(municipality?.messages || 0) : null),
    item(t("stats.active_accounts"), formatNumber(sum(f.active_accounts_by_role))),
    item(t("stats.coverage"), formatNumber(coverage(f), true), t("stats.missing_chats", { count: f.missing_roster_chats })),
    item(t("stats.calls"), formatNumber(f.calls + f.distance_lessons), t("stats.call_minutes", { minutes: formatNumber(f.call_minutes) })),
    item(t("stats.joining"), formatNumber(f.invites_created), t("stats.joining_line", { accepted: f.join_requests_accepted, rejected: f.join_requests_rejected })));
}

/** Trends over the weeks: active organizations, confirmed teachers, linked students and parents, messages. */
function trends(page, isSchool) {
  const labels = page.trend.map((p) => p.week);
  const line = (key) => page.trend.map((p) => metrics[key].value(p.figures));
  return h("section", { class: "chart-grid", "aria-label": t("stats.trends") },
    isSchool ? null : lineChart({ title: t("stats.metric.active"), labels, percent: true, series: [{ name: t("stats.metric.active"), values: line("active") }] }),
    lineChart({ title: t("stats.metric.teachers"), labels, series: [{ name: t("stats.metric.teachers"), values: line("teachers") }] }),
    lineChart({
      title: t("stats.linked_trend"), labels, percent: true,
      series: [{ name: t("stats.metric.students_linked"), values: line("students_linked") }, { name: t("stats.metric.parents_linked"), values: line("parents_linked") }],
    }),
    lineChart({ title: t("stats.metric.messages"), labels, series: [{ name: t("stats.metric.messages"), values: line("messages") }] }));
}

/** A school beside its municipality's average school: no other school's name. */
function comparison(page) {
  const m = page.municipality_total;
  if (!m?.organizations) return null;
  const keys = ["students_linked", "parents_linked", "coverage"];
  return h("section", { class: "chart-grid", "aria-label": t("stats.comparison") }, keys.map((key) => barChart({
    title: t(`stats.metric.${key}`), percent: true, highlight: 0,
    items: [{ label: page.name, value: metrics[key].value(page.total) }, { label: t("stats.municipality_all"), value: metrics[key].value(m) }],
  })));
}

/** The rows: a bar chart of one figure, then the table with sorting and filters. */
function rowsSection(app, page, level, hash) {
  const next = child[level];
  const schools = next === "organization";
  const state = { sort: "name", descending: false, status: "all", below: "", metric: "parents_linked" };
  const chartBox = h("div");
  const tableBox = h("div");
  const columns = ["name", "active", "teachers", "students_linked", "parents_linked", "messages", "active_accounts", "coverage", "calls"];
  const valueOf = (row, key) => (key === "name" ? row.name : key === "active" && schools ? row.figures.active_organizations : metrics[key].value(row.figures));

  function visible() {
    let rows = page.rows.filter((row) => {
      const active = row.figures.active_organizations;
      if (state.status === "active" && !(active > 0 && active === row.figures.organizations)) return false;
      if (state.status === "inactive" && active === row.figures.organizations) return false;
      const limit = Number(state.below);
      return !(state.below !== "" && Number.isFinite(limit) && !((coverage(row.figures) ?? 0) < limit));
    });
    rows = rows.slice().sort((a, b) => {
      const [x, y] = [valueOf(a, state.sort), valueOf(b, state.sort)];
      const order = typeof x === "string" ? x.localeCompare(y, "ru") : (x ?? -1) - (y ?? -1);
      return state.descending ? -order : order;
    });
    return rows;
  }
  function cell(row, key) {
    if (key === "name") return h("a", { href: `#/stats/${next}/${row.id}/${page.provisional ? "now" : page.week}` }, row.name);
    if (key === "active" && schools) {
      return row.figures.active_organizations ? h("span", { class: "status accepted" }, t("stats.active_yes")) : h("span", { class: "status rejected" }, t("stats.active_no"));
    }
    if (key === "active") return `${row.figures.active_organizations} / ${row.figures.organizations}`;
    return formatNumber(metrics[key].value(row.figures), metrics[key].percent);
  }
  function render() {
    const rows = visible();
    replace(chartBox, barChart({
      title: t(`stats.metric.${state.metric}`), percent: Boolean(metrics[state.metric].percent),
      items: rows.map((row) => ({ label: row.name, value: metrics[state.metric].value(row.figures) })), labelHeading: t(`stats.level.${next}`),
    }));
    const head = columns.map((key) => {
      const sorted = state.sort === key;
      return h("th", { scope: "col", "aria-sort": sorted ? (state.descending ? "descending" : "ascending") : false },
        h("button", { type: "button", class: "link", onclick: () => {
          state.descending = sorted ? !state.descending : key !== "name";
          state.sort = key;
          render();
        } }, key === "name" ? t(`stats.level.${next}`) : t(`stats.column.${key}`), sorted ? (state.descending ? " ↓" : " ↑") : ""));
    });
    replace(tableBox, h("div", { class: "table-wrap" }, h("table", { class: "stats-table" },
      h("caption", {}, t("stats.rows_caption", { shown: rows.length, total: page.rows.length })),
      h("thead", {}, h("tr", {}, head)),
      h("tbody", {}, rows.length ? rows.map((row) => h("tr", { "data-id": row.id }, columns.map((key) => (key === "name" ? h("th", { scope: "row" }, cell(row, key)) : h("td", {}, cell(row, key))))))
        : h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, t("common.nothing_found")))))));
  }
  const status = select([["all", t("stats.filter_all")], ["active", t("stats.filter_active")], ["inactive", t("stats.filter_inactive")]], state.status,
    { name: "status", onchange: (e) => { state.status = e.target.value; render(); } });
  const below = h("input", { type: "number", name: "coverage_below", min: 0, max: 100, step: 1, inputmode: "numeric", placeholder: "100",
    oninput: (e) => { state.below = e.target.value.trim(); render(); } });
  const metric = select(Object.keys(metrics).map((key) => [key, t(`stats.metric.${key}`)]), state.metric,
    { name: "metric", onchange: (e) => { state.metric = e.target.value; render(); } });
  render();
  return h("section", { "aria-labelledby": "rows-h" },
    h("h2", { id: "rows-h" }, t(`stats.rows.${next}`)),
    h("div", { class: "stats-tools" }, field(t("stats.filter_status"), status), field(t("stats.filter_coverage"), below), field(t("stats.chart_metric"), metric)),
    chartBox, tableBox);
}
