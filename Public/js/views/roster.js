// The roster in the administrator's console, for everyday work without files or the command line:
// classes (a new class, its homeroom teacher set or changed), people (found, added, and each one's
// card: name, birth date, position and the committee and council marks, active or not; a
// student's class with enrollment, transfer and withdrawal orders, each cancellable; a parent's
// children and a student's parents; a teacher's teaching; a link code with its QR code), movement
// orders, school years and subjects, and printable link-code cards for a class. Every change goes through the API, which
// brings the chats to the roster at once.
import { h, append, field, replace, select, debounce, errorLine } from "../dom.js";
import { t, date, dateTime, today } from "../i18n.js";
import { get, post, patch, del, errorText } from "../api.js";
import { pager, table, copyButton, qrImage, readonlyText, notify, confirmDialog, infoDialog, latestOnly } from "../widgets.js";
import { consoleHeader, classesOf, administered } from "../parts.js";

const ROLES = ["student", "parent", "teacher", "employee"];
const STAFF = ["teacher", "employee"];

/** Every item of a paged list (teachers for a select), 100 at a time. */
async function everyItem(path, query) {
  const items = [];
  for (let page = 1; page <= 50; page += 1) {
    const list = await get(path, { ...query, page, per_page: 100 });
    items.push(...list.items);
    if (items.length >= list.total || !list.items.length) break;
  }
  return items;
}

const activeTeachers = (org) => everyItem(`/organizations/${org.id}/persons`, { role: "teacher", active: true });

/** Runs an action, says it is saved (or what went wrong in `error`), then `after`. */
async function act(error, promise, after) {
  error.textContent = "";
  try {
    const result = await promise;
    notify(t("common.saved"));
    await after?.(result);
    return result;
  } catch (e) {
    error.textContent = errorText(e);
    return null;
  }
}

/** `#/org/{id}/roster[/classes|people|orders|years]`: the roster's lists. */
export async function rosterView(app, orgId, section) {
  const org = administered(app, orgId);
  if (!org) return null;
  const content = h("div", { class: "tab-content" });
  const node = h("div", { class: "page wide" }, consoleHeader(app, org, "roster"), content);
  const view = h("div");
  const buttons = {};
  let turn = 0;
  async function show(name) {
    for (const [key, button] of Object.entries(buttons)) button.setAttribute("aria-pressed", String(key === name));
    history.replaceState(null, "", `#/org/${org.id}/roster/${name}`);
    // Each list into its own box, shown only if it is still the one asked for: a slow list
    // arriving after a quicker click does not cover the newer one.
    const mine = ++turn;
    const box = h("div");
    try {
      await { classes: rosterClasses, people: rosterPeople, orders: rosterOrders, years: rosterYears }[name](app, org, box);
    } catch (e) { replace(box, errorLine(errorText(e))); }
    if (mine === turn) replace(view, box);
  }
  for (const name of ["classes", "people", "orders", "years"]) {
    buttons[name] = h("button", { type: "button", class: "tab", onclick: () => show(name) }, t(`roster.${name}`));
  }
  replace(content, h("div", { class: "row", role: "group", "aria-label": t("admin.roster") }, Object.values(buttons)), view);
  await show(section || "classes");
  return { node, title: `${t("admin.roster")} — ${org.short_name}` };
}

// ——— classes ———

async function rosterClasses(app, org, view) {
  const [classes, teachers, years] = await Promise.all([classesOf(org), activeTeachers(org), get(`/organizations/${org.id}/school-years`)]);
  const teacherOptions = [["", t("roster.no_homeroom")], ...teachers.map((p) => [p.id, p.full_name])];
  const reload = () => rosterClasses(app, org, view);

  function changeHomeroom(c) {
    // A homeroom teacher no longer active is still who the class has: shown, so that saving keeps them unless changed.
    const current = c.homeroom_teacher;
    const options = current && !teachers.some((p) => p.id === current.id)
      ? [...teacherOptions, [current.id, `${current.full_name} (${t("roster.inactive").toLowerCase()})`]] : teacherOptions;
    const choice = select(options, current?.id ?? "", { name: "homeroom_teacher" });
    const error = errorLine();
    const save = h("button", { type: "button", class: "primary" }, t("common.save"));
    const dialog = infoDialog(t("roster.homeroom_for", { name: c.name }),
      h("div", {}, field(t("roster.homeroom"), choice, t("roster.homeroom_hint")), error, h("div", { class: "row end" }, save)));
    save.addEventListener("click", () => act(error,
      patch(`/organizations/${org.id}/classes/${c.id}`, { homeroom_teacher_id: choice.value ? Number(choice.value) : null }),
      () => { dialog.close(); reload(); }));
  }

  const list = table([t("roster.class"), t("roster.year"), t("roster.homeroom"), t("roster.students"), ""],
    classes.map((c) => [c.name, c.school_year.name,
      h("span", {}, c.homeroom_teacher?.full_name || "—", " ",
        h("button", { type: "button", class: "link", "aria-label": t("roster.change_homeroom_of", { name: c.name }), onclick: () => changeHomeroom(c) },
          t("roster.change"))),
      String(c.student_count),
      h("a", { class: "button", href: `#/org/${org.id}/cards/${c.id}`, "aria-label": t("cards.for_class", { name: c.name }) }, t("cards.title"))]),
    t("roster.classes"));

  // A new class: its year, its name as the school writes it, and (if known) its homeroom teacher.
  const year = select(years.items.map((y) => [y.id, y.name]), years.items.at(-1)?.id, { name: "school_year_id" });
  const name = h("input", { name: "class_name", required: true, maxlength: 16, placeholder: "10А" });
  const homeroom = select(teacherOptions, "", { name: "new_homeroom" });
  const error = errorLine();
  const form = h("form", { class: "card" }, h("h2", {}, t("roster.new_class")),
    years.items.length ? [field(t("roster.year"), year), field(t("roster.class_name"), name, t("roster.class_name_hint")), field(t("roster.homeroom"), homeroom),
      error, h("button", { type: "submit", class: "primary" }, t("roster.create_class"))] : h("p", { class: "muted" }, t("roster.no_years")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    act(error, post(`/organizations/${org.id}/classes`, {
      school_year_id: Number(year.value), name: name.value.trim(), homeroom_teacher_id: homeroom.value ? Number(homeroom.value) : undefined,
    }), reload);
  });
  replace(view, list, form);
}

// ——— school years and subjects ———

/** The school years (made, their dates changed) and the subjects (made, renamed, deleted while unused). */
async function rosterYears(app, org, view) {
  const [years, subjects] = await Promise.all([get(`/organizations/${org.id}/school-years`), get(`/organizations/${org.id}/subjects`)]);
  const reload = () => rosterYears(app, org, view);

  function changeDates(y) {
    const start = h("input", { type: "date", name: "start_date", value: y.start_date, required: true });
    const end = h("input", { type: "date", name: "end_date", value: y.end_date, required: true });
    const error = errorLine();
    const save = h("button", { type: "button", class: "primary" }, t("common.save"));
    const dialog = infoDialog(t("roster.year_dates_for", { name: y.name }),
      h("div", {}, field(t("roster.year_start"), start), field(t("roster.year_end"), end), error, h("div", { class: "row end" }, save)));
    save.addEventListener("click", () => act(error,
      patch(`/organizations/${org.id}/school-years/${y.id}`, { start_date: start.value, end_date: end.value }),
      () => { dialog.close(); reload(); }));
  }
  const yearList = table([t("roster.year"), t("roster.year_start"), t("roster.year_end"), ""],
    years.items.map((y) => [y.name, date(y.start_date), date(y.end_date),
      h("button", { type: "button", class: "link", "aria-label": t("roster.change_dates_of", { name: y.name }), onclick: () => changeDates(y) }, t("roster.change"))]),
    t("roster.school_years"));
  // A new year: named as the school writes it (2027/2028); the dates default to 1 September – 31 August.
  const yearName = h("input", { name: "year_name", required: true, maxlength: 32, placeholder: t("roster.year_name_placeholder") });
  const yearStart = h("input", { type: "date", name: "new_start_date" });
  const yearEnd = h("input", { type: "date", name: "new_end_date" });
  const yearError = errorLine();
  const yearForm = h("form", { class: "card" }, h("h2", {}, t("roster.new_year")),
    h("div", { class: "fields-grid" }, field(t("roster.year_name"), yearName, t("roster.year_name_hint")),
      field(t("roster.year_start"), yearStart), field(t("roster.year_end"), yearEnd)),
    yearError, h("button", { type: "submit", class: "primary" }, t("roster.create_year")));
  yearForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act(yearError, post(`/organizations/${org.id}/school-years`, {
      name: yearName.value.trim(), start_date: yearStart.value || undefined, end_date: yearEnd.value || undefined,
    }), reload);
  });

  function rename(s) {
    const name = h("input", { name: "subject_name", value: s.name, required: true, maxlength: 100 });
    const error = errorLine();
    const save = h("button", { type: "button", class: "primary" }, t("common.save"));
    const dialog = infoDialog(t("roster.rename_subject", { name: s.name }), h("div", {}, field(t("roster.subject_name"), name), error,
      h("div", { class: "row end" }, save)));
    save.addEventListener("click", () => act(error, patch(`/organizations/${org.id}/subjects/${s.id}`, { name: name.value.trim() }),
      () => { dialog.close(); reload(); }));
  }
  const subjectError = errorLine();
  const remove = async (s) => {
    if (!(await confirmDialog(t("roster.delete_subject_confirm", { name: s.name }), t("roster.delete")))) return;
    act(subjectError, del(`/organizations/${org.id}/subjects/${s.id}`), reload);
  };
  const subjectList = subjects.items.length ? table([t("roster.subject"), ""],
    subjects.items.map((s) => [s.name, h("div", { class: "row" },
      h("button", { type: "button", class: "link", "aria-label": t("roster.rename_subject", { name: s.name }), onclick: () => rename(s) }, t("roster.rename")),
      h("button", { type: "button", class: "link danger", "aria-label": t("roster.delete_subject", { name: s.name }), onclick: () => remove(s) }, t("roster.delete")))]),
    t("roster.subjects")) : h("p", { class: "muted" }, t("roster.no_subjects"));
  const subjectName = h("input", { name: "new_subject", required: true, maxlength: 100, placeholder: t("roster.subject_placeholder") });
  const subjectForm = h("form", { class: "row wrap" }, field(t("roster.subject_name"), subjectName),
    h("button", { type: "submit", class: "primary" }, t("roster.create_subject")));
  subjectForm.addEventListener("submit", (e) => {
    e.preventDefault();
    act(subjectError, post(`/organizations/${org.id}/subjects`, { name: subjectName.value.trim() }), reload);
  });
  replace(view,
    h("section", {}, h("h2", {}, t("roster.school_years")), yearList, yearForm),
    h("section", { class: "card" }, h("h2", {}, t("roster.subjects")), h("p", { class: "muted" }, t("roster.subjects_hint")),
      subjectList, subjectError, subjectForm));
}

// ——— people ———

async function rosterPeople(app, org, view) {
  const classes = await classesOf(org);
  const role = select([["", t("common.all")], ...ROLES.map((r) => [r, t(`role.${r}`)])], "", { "aria-label": t("roster.role") });
  const klass = select([["", t("roster.any_class")], ...classes.map((c) => [c.id, c.name])], "", { "aria-label": t("roster.class") });
  const q = h("input", { type: "search", placeholder: t("members.search"), "aria-label": t("members.search") });
  const listBox = h("div");
  const latest = latestOnly();
  let page = 1, perPage = 50;
  async function load() {
    const ticket = latest.next();
    const list = await get(`/organizations/${org.id}/persons`, { role: role.value, class_id: klass.value, q: q.value, page, per_page: perPage });
    if (!latest.isCurrent(ticket)) return;
    replace(listBox, table([t("members.name"), t("roster.role"), t("roster.birth_date"), t("roster.linked"), t("roster.active")],
      list.items.map((p) => [h("a", { href: `#/org/${org.id}/persons/${p.id}` }, p.full_name), t(`role.${p.role}`),
        p.birth_date ? date(p.birth_date) : "—", p.linked ? "✓" : "—", p.active ? "✓" : "—"])),
    pager(list, (p, n) => { page = p; perPage = n; load(); }));
  }
  for (const control of [role, klass]) control.addEventListener("change", () => { page = 1; load(); });
  q.addEventListener("input", debounce(() => { page = 1; load(); }));
  await load();
  replace(view, h("div", { class: "row" }, role, klass, q,
    h("a", { class: "button primary", href: `#/org/${org.id}/persons/new` }, t("roster.add_person"))), listBox);
}

// ——— movement orders ———

/** Movement orders, newest first, each cancellable (which undoes exactly its effect). */
function ordersTable(org, list, onChange, { withStudent = true } = {}) {
  return table([t("roster.order_date"), t("roster.order_kind"), ...(withStudent ? [t("roster.student")] : []), t("roster.class"), ""],
    list.items.map((o) => [date(o.effective_date), t(`order.${o.kind}`),
      ...(withStudent ? [h("a", { href: `#/org/${org.id}/persons/${o.student.id}` }, o.student.full_name)] : []), o.school_class.name,
      o.cancelled ? t("roster.cancelled") : h("button", { type: "button", onclick: async () => {
        if (!(await confirmDialog(t("roster.cancel_confirm"), t("roster.cancel_order")))) return;
        try { await post(`/organizations/${org.id}/orders/${o.id}/cancel`); notify(t("common.saved")); onChange(); }
        catch (e) { notify(errorText(e), "error"); }
      } }, t("roster.cancel_order"))]), t("roster.orders"));
}

async function rosterOrders(app, org, view) {
  const listBox = h("div");
  let page = 1, perPage = 20;
  async function load() {
    const list = await get(`/organizations/${org.id}/orders`, { page, per_page: perPage });
    replace(listBox, ordersTable(org, list, load), pager(list, (p, n) => { page = p; perPage = n; load(); }));
  }
  await load();
  replace(view, listBox);
}

// ——— a person ———

/** The fields of a person's name and dates, filled from `p` (empty for a new person). */
function personFields(zone, p = {}) {
  const surname = h("input", { name: "surname", required: true, maxlength: 100, autocomplete: "off", value: p.surname || "" });
  const given = h("input", { name: "given_name", required: true, maxlength: 100, autocomplete: "off", value: p.given_name || "" });
  const patronymic = h("input", { name: "patronymic", maxlength: 100, autocomplete: "off", value: p.patronymic || "" });
  const gender = select([["unspecified", "—"], ["female", t("gender.female")], ["male", t("gender.male")]], p.gender || "unspecified", { name: "gender" });
  const birth = h("input", { type: "date", name: "birth_date", value: p.birth_date || "", max: today(zone) });
  return {
    nodes: [field(t("name.surname"), surname), field(t("name.given_name"), given), field(t("name.patronymic"), patronymic),
      field(t("roster.gender"), gender), field(t("roster.birth_date"), birth)],
    value: () => ({ surname: surname.value.trim(), given_name: given.value.trim(), patronymic: patronymic.value.trim(),
      gender: gender.value, birth_date: birth.value || null }),
  };
}

/** `#/org/{id}/persons/new` and `#/org/{id}/persons/{person_id}`. */
export async function personView(app, orgId, personId) {
  const org = administered(app, orgId);
  if (!org) return null;
  const content = h("div", { class: "tab-content" });
  const node = h("div", { class: "page wide" }, consoleHeader(app, org, "roster"), content);
  const back = h("p", {}, h("a", { href: `#/org/${org.id}/roster/people` }, "‹ ", t("roster.back_to_people")));
  if (personId === "new") {
    replace(content, back, newPersonForm(app, org));
    return { node, title: t("roster.add_person") };
  }
  const render = async () => {
    const details = await get(`/organizations/${org.id}/persons/${personId}`);
    const classes = await classesOf(org);
    replace(content, back, await personCard(app, org, details, classes, render));
    return details;
  };
  const details = await render();
  return { node, title: `${details.person.full_name} — ${org.short_name}` };
}

function newPersonForm(app, org) {
  const role = select(ROLES.map((r) => [r, t(`role.${r}`)]), "student", { name: "role" });
  const fields = personFields(org.time_zone);
  const error = errorLine();
  const form = h("form", { class: "card narrow" }, h("h1", {}, t("roster.add_person")), field(t("roster.role"), role), h("div", { class: "fields-grid" }, fields.nodes),
    h("p", { class: "muted" }, t("roster.add_person_next")), error, h("button", { type: "submit", class: "primary" }, t("roster.create_person")));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { role: role.value, ...fields.value() };
    if (!body.birth_date) delete body.birth_date;
    act(error, post(`/organizations/${org.id}/persons`, body), (created) => app.go(`#/org/${org.id}/persons/${created.person.id}`));
  });
  return form;
}

async function personCard(app, org, details, classes, reload) {
  const p = details.person;
  const sections = [h("h1", {}, p.full_name, " ", h("span", { class: "muted" }, `· ${t(`role.${p.role}`)}`)),
    p.active ? null : h("p", { class: "badge closed" }, t("roster.inactive")),
    detailsForm(org, p, reload)];
  if (p.role === "student") sections.push(await studentClass(org, details, classes, reload), relatives(org, details, "parents", reload));
  if (p.role === "parent") sections.push(relatives(org, details, "children", reload));
  if (p.role === "teacher") sections.push(await teaching(org, p, classes));
  sections.push(linkCode(org, p));
  return h("div", { class: "person-card" }, sections);
}

/** The person's name, dates, position and marks, and whether they are active. */
function detailsForm(org, p, reload) {
  const fields = personFields(org.time_zone, p);
  const position = STAFF.includes(p.role)
    ? h("input", { name: "position", maxlength: 100, value: p.position || "", placeholder: t("roster.position_placeholder") }) : null;
  const mark = (name, checked, label) => {
    const input = h("input", { type: "checkbox", name, id: `mark-${name}`, checked });
    return { input, node: h("div", { class: "check" }, input, h("label", { for: input.id }, label)) };
  };
  const committee = p.role === "parent" ? mark("parents_committee", p.parents_committee, t("roster.parents_committee")) : null;
  const council = p.role === "student" ? mark("student_council", p.student_council, t("roster.student_council")) : null;
  const active = mark("active", p.active, t("roster.active_mark"));
  const error = errorLine();
  const form = h("form", { class: "card" }, h("h2", {}, t("roster.details")),
    h("div", { class: "fields-grid" }, fields.nodes, position ? field(t("roster.position"), position, t("roster.position_hint")) : null),
    committee?.node, council?.node, active.node, error, h("button", { type: "submit", class: "primary" }, t("common.save")));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = fields.value();
    if (position) body.position = position.value.trim();
    if (committee) body.parents_committee = committee.input.checked;
    if (council) body.student_council = council.input.checked;
    body.active = active.input.checked;
    if (p.active && !body.active && !(await confirmDialog(t("roster.deactivate_confirm", { name: p.full_name }), t("roster.deactivate")))) return;
    act(error, patch(`/organizations/${org.id}/persons/${p.id}`, body), reload);
  });
  return form;
}

/** A student's class now, their periods, their orders, and the forms that enroll, transfer and withdraw. */
async function studentClass(org, details, classes, reload) {
  const p = details.person;
  const orders = await get(`/organizations/${org.id}/orders`, { student_id: p.id, per_page: 100 });
  const className = (id) => classes.find((c) => c.id === id)?.name || `#${id}`;
  const current = details.current_class;
  const periods = details.enrollment.length
    ? table([t("roster.class"), t("roster.from"), t("roster.until")],
      details.enrollment.map((e) => [className(e.class_id), date(e.start), e.end ? date(e.end) : "—"]), t("roster.periods"))
    : h("p", { class: "muted" }, t("roster.never_enrolled"));

  // Into a class of a school year not over yet (last year's classes are history, not places to go).
  const now = today(org.time_zone);
  const targets = classes.filter((c) => c.id !== current?.id && c.school_year.end_date >= now);
  const target = select(targets.map((c) => [c.id, `${c.name} (${c.school_year.name})`]), "", { name: "order_class" });
  const day = h("input", { type: "date", name: "order_date", value: now, required: true });
  const error = errorLine();
  const enroll = h("button", { type: "submit", class: "primary" }, current ? t("roster.transfer") : t("roster.enroll"));
  const withdraw = current ? h("button", { type: "button", class: "danger outline", onclick: async () => {
    if (!day.value) return;
    if (!(await confirmDialog(t("roster.withdraw_confirm", { name: p.full_name, from: current.name, date: date(day.value) }), t("roster.withdraw")))) return;
    act(error, post(`/organizations/${org.id}/orders`, { kind: "withdrawal", student_id: p.id, class_id: current.id, effective_date: day.value }), reload);
  } }, t("roster.withdraw")) : null;
  // With nowhere to go (a one-class school), the date and the withdrawal alone.
  const form = h("form", { class: "row wrap" }, targets.length ? field(current ? t("roster.transfer_to") : t("roster.enroll_to"), target) : null,
    field(t("roster.order_date"), day), targets.length ? enroll : null, withdraw);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const into = classes.find((c) => String(c.id) === target.value);
    if (!into) return;
    const question = current ? t("roster.transfer_confirm", { name: p.full_name, from: current.name, to: into.name, date: date(day.value) })
      : t("roster.enroll_confirm", { name: p.full_name, to: into.name, date: date(day.value) });
    if (!(await confirmDialog(question, current ? t("roster.transfer") : t("roster.enroll")))) return;
    act(error, post(`/organizations/${org.id}/orders`, { kind: "enrollment", student_id: p.id, class_id: into.id, effective_date: day.value }), reload);
  });
  return h("section", { class: "card" }, h("h2", {}, t("roster.class_and_orders")),
    h("p", {}, current ? t("roster.in_class_now", { name: current.name }) : t("roster.in_no_class")),
    periods,
    // An inactive student is moved nowhere: made active again first (their card's details).
    !p.active ? h("p", { class: "muted" }, t("roster.inactive_no_orders")) : targets.length || current ? form : h("p", { class: "muted" }, t("roster.no_class_to_enroll")),
    h("p", { class: "muted" }, t("roster.orders_hint")), error,
    orders.items.length ? ordersTable(org, orders, reload, { withStudent: false }) : null);
}

/** A parent's children, or a student's parents: listed, unlinked, and linked from a search. */
function relatives(org, details, kind, reload) {
  const p = details.person;
  const people = details[kind];
  const error = errorLine();
  const pair = (other) => kind === "children" ? [p.id, other] : [other, p.id];
  const unlink = async (other) => {
    if (!(await confirmDialog(t(`roster.unlink_${kind}_confirm`, { name: other.full_name }), t("roster.unlink")))) return;
    const [parent, student] = pair(other.id);
    act(error, del(`/organizations/${org.id}/persons/${parent}/children/${student}`), reload);
  };
  const list = people.length
    ? table([t("members.name"), ""], people.map((o) => [h("a", { href: `#/org/${org.id}/persons/${o.id}` }, o.full_name),
      h("button", { type: "button", class: "link", "aria-label": t("roster.unlink_named", { name: o.full_name }), onclick: () => unlink(o) }, t("roster.unlink"))]))
    : h("p", { class: "muted" }, t(`roster.no_${kind}`));

  // Someone to link: found by name among the school's students (or parents).
  const search = h("input", { type: "search", name: `find_${kind}`, placeholder: t("members.search"), "aria-label": t(`roster.find_${kind}`) });
  const found = h("div", { class: "found" });
  const latest = latestOnly();
  search.addEventListener("input", debounce(async () => {
    const ticket = latest.next();
    if (search.value.trim().length < 2) { replace(found); return; }
    try {
      const list = await get(`/organizations/${org.id}/persons`, { role: kind === "children" ? "student" : "parent", q: search.value, active: true, per_page: 10 });
      if (!latest.isCurrent(ticket)) return;
      const ids = new Set(people.map((o) => o.id));
      replace(found, list.items.filter((o) => !ids.has(o.id)).map((o) => h("div", { class: "row spread found-item" },
        h("span", {}, o.full_name, o.birth_date ? h("span", { class: "muted" }, ` · ${date(o.birth_date)}`) : ""),
        h("button", { type: "button", onclick: () => {
          const [parent, student] = pair(o.id);
          act(error, post(`/organizations/${org.id}/persons/${parent}/children`, { student_id: student }), reload);
        } }, t("roster.link_this")))));
      if (!found.children.length) replace(found, h("p", { class: "muted" }, t("common.nothing_found")));
    } catch (e) { error.textContent = errorText(e); }
  }));
  return h("section", { class: "card" }, h("h2", {}, t(`roster.${kind}`)), list,
    field(t(`roster.find_${kind}`), search), found, error);
}

/** A teacher's teaching: subject, class and group; added and removed here. */
async function teaching(org, p, classes) {
  const box = h("section", { class: "card" });
  const subjects = (await get(`/organizations/${org.id}/subjects`)).items;
  async function render() {
    const mine = (await get(`/organizations/${org.id}/assignments`, { teacher_id: p.id })).items;
    const error = errorLine();
    const subject = select(subjects.map((s) => [s.id, s.name]), "", { name: "subject" });
    const klass = select(classes.map((c) => [c.id, `${c.name} (${c.school_year.name})`]), "", { name: "assignment_class" });
    const group = h("input", { name: "group", maxlength: 100, placeholder: t("roster.group_placeholder") });
    const form = h("form", { class: "row wrap" }, field(t("roster.subject"), subject), field(t("roster.class"), klass),
      field(t("roster.group"), group), h("button", { type: "submit", class: "primary" }, t("roster.add_teaching")));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      act(error, post(`/organizations/${org.id}/assignments`, {
        teacher_id: p.id, subject_id: Number(subject.value), class_id: Number(klass.value), group: group.value.trim() || undefined,
      }), render);
    });
    replace(box, h("h2", {}, t("roster.teaching")),
      table([t("roster.subject"), t("roster.class"), t("roster.group"), ""], mine.map((a) => [a.subject.name, a.school_class.name, a.group || "—",
        h("button", { type: "button", class: "link", "aria-label": t("roster.remove_teaching_of", { subject: a.subject.name, name: a.school_class.name }), onclick: async () => {
          if (!(await confirmDialog(t("roster.remove_teaching_confirm", { subject: a.subject.name, name: a.school_class.name }), t("roster.remove_teaching")))) return;
          act(error, del(`/organizations/${org.id}/assignments/${a.id}`), render);
        } }, t("roster.remove_teaching"))]), t("roster.teaching")),
      subjects.length && classes.length ? form : h("p", { class: "muted" }, t("roster.teaching_needs")), error);
  }
  await render();
  return box;
}

/** Whether the person is in the messenger; if not, a link code with its QR code to hand them. */
function linkCode(org, p) {
  const box = h("section", { class: "card" }, h("h2", {}, t("roster.link_code")));
  if (p.linked) return append(box, [h("p", {}, t("roster.is_linked"))]);
  if (!p.active) return append(box, [h("p", { class: "muted" }, t("roster.inactive_no_code"))]);
  const error = errorLine();
  const issued = h("div", { class: "issued" });
  const make = h("button", { type: "button", class: "primary" }, t("roster.make_code"));
  make.addEventListener("click", () => act(error, post(`/organizations/${org.id}/persons/${p.id}/link-codes`), (code) => {
    const link = readonlyText(code.url, t("roster.link_code_link"));
    make.textContent = t("roster.make_code_again");
    replace(issued, qrImage(code.qr_png_base64, t("cards.qr_alt", { name: p.full_name })),
      h("p", { class: "card-code" }, t("cards.code"), " ", h("strong", { class: "mono" }, code.display_code)), link,
      h("div", { class: "row" }, copyButton(code.url, t("common.copy"), link)),
      h("p", { class: "muted" }, t("roster.code_valid_until", { at: dateTime(code.expires_at) })));
  }));
  box.append(h("p", {}, t("roster.link_code_intro")), make, error, issued);
  return box;
}

// ——— link-code cards ———

/**
 * Printable link-code cards for a class (how a school hands them out): one card per student and
 * parent not yet in the messenger, with the name, the QR code and the link; a parent's card names
 * the children. The codes are made on request (each valid 24 hours), not on opening the page.
 */
export async function linkCardsView(app, orgId, classId) {
  const org = administered(app, orgId);
  if (!org) return null;
  const content = h("div", { class: "tab-content" });
  const node = h("div", { class: "page wide" }, h("div", { class: "no-print" }, consoleHeader(app, org, "roster")), content);
  const error = errorLine();
  const make = h("button", { type: "button", class: "primary" }, t("cards.make"));
  make.addEventListener("click", async () => {
    make.disabled = true;
    try {
      const issued = await post(`/organizations/${org.id}/classes/${classId}/link-code-cards`);
      const cards = issued.cards.map((c) => h("article", { class: "link-card" },
        h("h3", {}, c.person.full_name),
        h("p", { class: "muted" }, t(`role.${c.person.role}`), c.children.length ? ` · ${t("cards.children", { names: c.children.join(", ") })}` : ""),
        qrImage(c.qr_png_base64, t("cards.qr_alt", { name: c.person.full_name })),
        h("p", { class: "card-steps" }, t("cards.steps")),
        h("p", { class: "card-code" }, t("cards.code"), " ", h("strong", { class: "mono" }, c.display_code)),
        h("p", { class: "muted card-enter" }, t("cards.enter", { url: issued.enter_url })),
        h("p", { class: "mono card-link" }, c.url)));
      replace(content,
        h("div", { class: "row spread no-print" }, h("h2", {}, t("cards.heading", { name: issued.class_name, count: issued.cards.length })),
          h("button", { type: "button", class: "primary", onclick: () => window.print() }, t("cards.print"))),
        h("p", { class: "muted no-print" }, issued.expires_at ? t("cards.valid_until", { at: dateTime(issued.expires_at) }) : t("cards.none")),
        h("div", { class: "cards-grid" }, cards));
    } catch (e) { error.textContent = errorText(e); make.disabled = false; }
  });
  replace(content, h("p", { class: "no-print" }, h("a", { href: `#/org/${org.id}/roster` }, "‹ ", t("cards.back"))),
    h("section", { class: "card narrow" }, h("h2", {}, t("cards.title")), h("p", {}, t("cards.intro")), error, make));
  return { node, title: t("cards.title") };
}
