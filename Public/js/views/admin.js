// The administrator's console: profile and the active-organization checklist, invites (QR,
// copy, revoke), the join-request queue (accept with matching, reject with reason), members
// (administrator rights, removing someone from the organization), the timetable (a class's week:
// lessons made, changed, cancelled, removed by hand), imports with a dry run, API keys, the audit
// log. The roster has its own view (views/roster.js).
import { h, field, replace, select, debounce, errorLine } from "../dom.js";
import { t, has, dateTime, date, addDays, mondayOf, today } from "../i18n.js";
import { api, get, post, patch, del, errorText, sendFile } from "../api.js";
import { pager, table, copyButton, qrImage, readonlyText, notify, confirmDialog, personName } from "../widgets.js";
import { consoleTabs, consoleHeader, classesOf, administered } from "../parts.js";

export async function adminView(app, orgId, tab) {
  const org = administered(app, orgId);
  if (!org) return null;
  if (!consoleTabs.includes(tab)) { app.go(`#/org/${orgId}/profile`); return null; }
  const content = h("div", { class: "tab-content" });
  const node = h("div", { class: "page wide" },
    consoleHeader(app, org, tab),
    content);
  const render = { profile, invites, requests, members, lessons, imports, keys, audit }[tab];
  await render(app, org, content);
  return { node, title: `${t(`admin.${tab}`)} — ${org.short_name}` };
}

/** A labelled radio button of the group `group` (a request's person, a member's roles). */
function radioOption(group, value, label, checked) {
  const input = h("input", { type: "radio", name: group, value, id: `${group}-${value || "all"}`, checked });
  return h("div", { class: "check" }, input, h("label", { for: input.id }, label));
}

// ——— profile ———
async function profile(app, org, content) {
  const details = await get(`/organizations/${org.id}`);
  const fields = ["full_name", "short_name", "address", "contact_phone", "email", "website", "time_zone"];
  const inputs = Object.fromEntries(fields.map((f) => [f, h("input", { name: f, value: details[f] || "" })]));
  const kind = select(["school", "college", "kindergarten", "additional_education"].map((k) => [k, t(`kind.${k}`)]), details.kind, { name: "kind" });
  const error = errorLine();
  const form = h("form", { class: "grid-form" }, field(t("profile.kind"), kind), fields.map((f) => field(t(`profile.${f}`), inputs[f])), error,
    h("button", { type: "submit", class: "primary" }, t("common.save")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { kind: kind.value };
    for (const f of fields) body[f] = inputs[f].value;
    try { await patch(`/organizations/${org.id}`, body); notify(t("common.saved")); await app.refreshMe(); app.go(`#/org/${org.id}/profile`); }
    catch (e) { error.textContent = errorText(e); }
  });
  const activity = details.activity;
  const community = readonlyText(details.community_id || "", t("profile.community_id"));
  const checklist = activity ? h("section", { class: "card checklist" },
    h("h2", {}, activity.active ? t("profile.active") : t("profile.not_active")),
    h("ul", {}, ["administrator_signed_in", "profile_complete", "three_verified_teachers"].map((item) => {
      const done = !activity.missing.includes(item);
      return h("li", { class: done ? "done" : "todo" }, h("span", { "aria-hidden": "true" }, done ? "✓ " : "○ "),
        h("span", { class: "visually-hidden" }, done ? t("profile.done") : t("profile.todo")),
        t(`profile.check_${item}`, { count: activity.verified_teachers, required: activity.required_verified_teachers }));
    })),
    activity.missing_profile_fields.length ? h("p", {}, t("profile.missing_fields"), ": ",
      activity.missing_profile_fields.map((f) => t(`profile.${f}`)).join(", ")) : null) : null;
  replace(content,
    checklist,
    h("section", { class: "card" }, h("h2", {}, t("profile.community_id")), h("p", { class: "muted" }, t("profile.community_hint")),
      h("div", { class: "row" }, community, copyButton(details.community_id || "", t("common.copy"), community))),
    h("section", { class: "card" }, h("h2", {}, t("profile.title")), form));
}

// ——— invites ———

async function invites(app, org, content) {
  const classes = await classesOf(org).catch(() => []);
  const role = select(["teacher", "employee", "student", "parent"].map((r) => [r, t(`role.${r}`)]), "teacher", { name: "role" });
  const klass = select([["", t("invites.choose_class")], ...classes.map((c) => [c.id, `${c.name} (${c.school_year.name})`])], "", { name: "class_id" });
  const days = h("input", { type: "number", name: "expires_in_days", min: 1, max: 90, value: 7 });
  const uses = h("input", { type: "number", name: "max_uses", min: 1, max: 10000, placeholder: t("invites.unlimited") });
  const note = h("input", { name: "note", maxlength: 200 });
  const classField = field(t("invites.class"), klass);
  const syncClass = () => {
    const needsClass = role.value === "student" || role.value === "parent";
    classField.hidden = !needsClass;
    uses.placeholder = needsClass ? t("invites.unlimited") : "1";
  };
  role.addEventListener("change", syncClass);
  syncClass();
  const issued = h("div", { "aria-live": "polite" });
  const error = errorLine();
  const form = h("form", { class: "grid-form" },
    field(t("invites.role"), role), classField, field(t("invites.days"), days), field(t("invites.uses"), uses, t("invites.uses_hint")),
    field(t("invites.note"), note), error, h("button", { type: "submit", class: "primary" }, t("invites.create")));
  const listBox = h("div");
  // An invite's link and QR code, just made or shown again from the list.
  function showIssued(invite, hint) {
    const link = readonlyText(invite.url, t("invites.link"));
    const what = [t(`role.${invite.invite.role}`), invite.invite.class_name, invite.invite.note].filter(Boolean).join(", ");
    replace(issued, h("section", { class: "card issued" },
      h("h3", {}, t("invites.created", { role: what })),
      h("p", { class: "muted" }, hint),
      qrImage(invite.qr_png_base64, t("invites.qr_alt")),
      h("div", { class: "row" }, link, copyButton(invite.url, t("invites.copy_link"), link)),
      navigator.share ? h("button", { type: "button", onclick: () => navigator.share({ url: invite.url }).catch(() => {}) }, t("invites.share")) : null));
    issued.scrollIntoView({ block: "nearest" });
  }
  let page = 1, perPage = 20;
  async function loadList() {
    const list = await get(`/organizations/${org.id}/invites`, { page, per_page: perPage });
    replace(listBox, table(
      [t("invites.role"), t("invites.class"), t("invites.note"), t("invites.status"), t("invites.used"), t("invites.expires"), ""],
      list.items.map((i) => [t(`role.${i.role}`), i.class_name || "—", i.note || "—", t(`invite_status.${i.status}`),
        i.max_uses ? `${i.use_count} / ${i.max_uses}` : String(i.use_count), dateTime(i.expires_at),
        i.status === "active" ? h("div", { class: "row" },
          i.link_kept ? h("button", { type: "button", onclick: async () => {
            try { showIssued(await get(`/organizations/${org.id}/invites/${i.id}/link`), t("invites.shown_again")); }
            catch (e) { notify(errorText(e), "error"); }
          } }, t("invites.show_link")) : null,
          h("button", { type: "button", onclick: async () => {
            try { await del(`/organizations/${org.id}/invites/${i.id}`); notify(t("invites.revoked")); loadList(); }
            catch (e) { notify(errorText(e), "error"); }
          } }, t("invites.revoke"))) : ""]), t("invites.list")),
    pager(list, (p, n) => { page = p; perPage = n; loadList(); }));
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { role: role.value, expires_in_days: Number(days.value) || undefined, note: note.value || undefined };
    if (role.value === "student" || role.value === "parent") body.class_id = klass.value ? Number(klass.value) : undefined;
    if (uses.value) body.max_uses = Number(uses.value);
    try {
      const created = await post(`/organizations/${org.id}/invites`, body);
      showIssued(created, created.invite.link_kept ? t("invites.kept") : t("invites.once"));
      loadList();
    } catch (e) { error.textContent = errorText(e); }
  });
  const revokeAll = h("button", { type: "button", class: "danger", onclick: async () => {
    if (!(await confirmDialog(t("invites.revoke_unused_confirm"), t("invites.revoke_unused")))) return;
    try { const r = await post(`/organizations/${org.id}/invites/revoke-unused`); notify(t("invites.revoked_count", { count: r.revoked })); loadList(); }
    catch (e) { notify(errorText(e), "error"); }
  } }, t("invites.revoke_unused"));
  await loadList();
  replace(content,
    h("section", { class: "card" }, h("h2", {}, t("invites.new")), form, issued),
    h("section", {}, h("div", { class: "row spread" }, h("h2", {}, t("invites.list")), revokeAll), listBox));
}

// ——— join requests ———
async function requests(app, org, content) {
  const status = select(["pending", "accepted", "rejected", "withdrawn"].map((s) => [s, t(`request.${s}`)]), "pending", { "aria-label": t("requests.status") });
  const listBox = h("div");
  const detail = h("div", { "aria-live": "polite" });
  let page = 1, perPage = 20;
  async function loadList() {
    const list = await get(`/organizations/${org.id}/join-requests`, { status: status.value, page, per_page: perPage });
    replace(listBox, list.items.length ? h("ul", { class: "cards" }, list.items.map((r) => h("li", { class: "card request" },
      h("h3", {}, r.full_name),
      h("p", {}, t(`role.${r.role}`), r.class_name ? ` · ${r.class_name}` : "", " · ", dateTime(r.created_at)),
      r.child ? h("p", {}, t("requests.child"), ": ", [r.child.surname, r.child.given_name, r.child.patronymic].filter(Boolean).join(" ")) : null,
      r.message ? h("p", { class: "quote" }, r.message) : null,
      r.invite_note ? h("p", { class: "muted" }, t("requests.via_invite", { note: r.invite_note })) : null,
      r.status === "pending" ? h("button", { type: "button", class: "primary", onclick: () => openRequest(r.id) }, t("requests.review")) : h("p", {}, t(`request.${r.status}`), r.reason ? ` — ${r.reason}` : ""))))
      : h("p", { class: "muted" }, t("requests.none")), pager(list, (p, n) => { page = p; perPage = n; loadList(); }));
  }
  async function openRequest(id) {
    const d = await get(`/organizations/${org.id}/join-requests/${id}`);
    const r = d.request;
    const name = `match-${id}`, childName = `child-${id}`;
    const matchLabel = (mt) => `${mt.person.full_name}${mt.class_name ? `, ${mt.class_name}` : ""}${mt.person.birth_date ? `, ${date(mt.person.birth_date)}` : ""}${mt.children.length ? ` (${mt.children.join(", ")})` : ""}${mt.person.linked ? ` — ${t("requests.already_linked")}` : ""}`;
    const matches = h("fieldset", {}, h("legend", {}, t("requests.person")),
      d.matches.map((mt, i) => radioOption(name, mt.person.id, matchLabel(mt), i === 0 && mt.score > 0)),
      radioOption(name, "new", t("requests.new_person"), !d.matches.length));
    const children = r.role === "parent" && d.child_matches.length ? h("fieldset", {}, h("legend", {}, t("requests.child")),
      d.child_matches.map((mt, i) => radioOption(childName, mt.person.id, matchLabel(mt), i === 0))) : null;
    const reason = h("textarea", { name: "reason", maxlength: 500, rows: 2 });
    const error = errorLine();
    const chosen = (group) => detail.querySelector(`input[name="${group}"]:checked`)?.value;
    const accept = h("button", { type: "button", class: "primary", onclick: async () => {
      const person = chosen(name), child = chosen(childName);
      const body = {};
      if (person && person !== "new") body.person_id = Number(person);
      if (child) body.child_id = Number(child);
      try { await post(`/organizations/${org.id}/join-requests/${id}/accept`, body); notify(t("requests.accepted", { name: r.full_name })); replace(detail); loadList(); }
      catch (e) { error.textContent = errorText(e); }
    } }, t("requests.accept"));
    const reject = h("button", { type: "button", class: "danger", onclick: async () => {
      try { await post(`/organizations/${org.id}/join-requests/${id}/reject`, { reason: reason.value || undefined }); notify(t("requests.rejected")); replace(detail); loadList(); }
      catch (e) { error.textContent = errorText(e); }
    } }, t("requests.reject"));
    replace(detail, h("section", { class: "card review", "aria-label": t("requests.review") },
      h("h2", {}, r.full_name, " — ", t(`role.${r.role}`), r.class_name ? `, ${r.class_name}` : ""),
      r.birth_date ? h("p", {}, t("join.birth_date"), ": ", date(r.birth_date)) : null,
      matches, children, error, h("div", { class: "row" }, accept),
      field(t("requests.reason"), reason, t("requests.reason_hint")), h("div", { class: "row" }, reject)));
    detail.querySelector("h2").tabIndex = -1;
    detail.querySelector("h2").focus();
  }
  status.addEventListener("change", () => { page = 1; loadList(); });
  await loadList();
  replace(content, h("div", { class: "row" }, h("label", {}, t("requests.status"), " ", status)), detail, listBox);
}

// ——— members ———
async function members(app, org, content) {
  const role = select([["", t("common.all")], ...["administrator", "teacher", "employee", "student", "parent"].map((r) => [r, t(`role.${r}`)])], "", { "aria-label": t("members.role") });
  const q = h("input", { type: "search", "aria-label": t("members.search"), placeholder: t("members.search") });
  const listBox = h("div");
  const error = errorLine();
  let page = 1, perPage = 20;
  async function loadList() {
    const list = await get(`/organizations/${org.id}/members`, { role: role.value, q: q.value, page, per_page: perPage });
    replace(listBox, table([t("members.name"), t("members.roles"), t("members.verified"), ""],
      list.items.map((mb) => {
        const isAdmin = mb.roles.includes("administrator");
        return [personName(mb.full_name, mb.name_confirmed), mb.roles.map((r) => t(`role.${r}`)).join(", "), mb.verified ? "✓" : "",
          mb.account_id === app.me.account.id ? "" : h("div", { class: "row" }, h("button", { type: "button", onclick: async () => {
            error.textContent = "";
            try {
              if (isAdmin) await del(`/organizations/${org.id}/administrators/${mb.account_id}`);
              else await api("PUT", `/organizations/${org.id}/administrators/${mb.account_id}`);
              notify(t("common.saved")); loadList();
            } catch (e) { error.textContent = errorText(e); }
          } }, isAdmin ? t("members.revoke_admin") : t("members.grant_admin")),
          h("button", { type: "button", class: "danger", onclick: () => removeMember(mb) }, t("members.remove")))];
      })), pager(list, (p, n) => { page = p; perPage = n; loadList(); }));
  }
  // Removing: every role (they leave the organization) or, for someone with several, just one.
  // The dialog says what happens at once; the server's refusal (the last administrator) is shown.
  async function removeMember(mb) {
    const choice = `remove-${mb.account_id}`;
    const roles = mb.roles.length > 1 ? h("fieldset", {}, h("legend", {}, t("members.remove_which")),
      radioOption(choice, "", t("members.remove_all_roles"), true),
      mb.roles.map((r) => radioOption(choice, r, t("members.remove_one_role", { role: t(`role.${r}`) })))) : null;
    const explained = h("div", {}, h("p", {}, t("members.remove_explain")), roles ? h("p", { class: "muted" }, t("members.remove_role_explain")) : null, roles);
    if (!(await confirmDialog(t("members.remove_confirm", { name: mb.full_name }), t("members.remove"), explained))) return;
    const only = explained.querySelector(`input[name="${choice}"]:checked`)?.value || "";
    error.textContent = "";
    try {
      await api("DELETE", `/organizations/${org.id}/members/${mb.account_id}`, { query: { role: only } });
      notify(only ? t("members.role_removed", { name: mb.full_name, role: t(`role.${only}`) }) : t("members.removed", { name: mb.full_name }));
    } catch (e) { error.textContent = errorText(e); }
    await loadList().catch((e) => { error.textContent = errorText(e); });
  }
  role.addEventListener("change", () => { page = 1; loadList(); });
  q.addEventListener("input", debounce(() => { page = 1; loadList(); }));
  await loadList();
  replace(content, h("div", { class: "row" }, role, q), error, listBox);
}

// ——— roster ———
// ——— imports ———
async function imports(app, org, content) {
  const format = select([["csv", t("imports.csv")], ["oneroster", t("imports.oneroster")]], "csv", { name: "format" });
  const file = h("input", { type: "file", name: "file", accept: ".csv,.zip,text/csv,application/zip", required: true });
  const progress = h("progress", { max: 100, value: 0, hidden: true, "aria-label": t("imports.progress") });
  const report = h("div", { "aria-live": "polite" });
  const error = errorLine();
  const run = async (dryRun) => {
    error.textContent = "";
    replace(report);
    const chosen = file.files[0];
    if (!chosen) { error.textContent = t("imports.choose_file"); return; }
    const path = format.value === "csv" ? "imports/csv" : "imports/oneroster";
    progress.hidden = false;
    progress.value = 0;
    try {
      showReport(await sendFile(`/organizations/${org.id}/${path}?dry_run=${dryRun}&name=${encodeURIComponent(chosen.name)}`, chosen, {
        contentType: format.value === "csv" ? "text/csv" : "application/zip",
        onProgress: (p) => { progress.value = Math.round(p * 100); },
      }));
    } catch (e) {
      error.textContent = errorText(e);
      const problems = e.details?.problems;
      if (Array.isArray(problems)) replace(report, table([t("imports.file"), t("imports.line"), t("imports.column"), t("imports.problem")],
        problems.map((p) => [p.file, String(p.line), p.column || "", p.problem]), t("imports.problems")));
    } finally {
      progress.hidden = true;
    }
  };
  function showReport(data) {
    const counts = Object.entries(data.counts).filter(([, v]) => v);
    replace(report, h("section", { class: "card" },
      h("h2", {}, data.dry_run ? t("imports.dry_run_report") : t("imports.done_report")),
      counts.length ? table([t("imports.what"), t("imports.count")], counts.map(([k, v]) => [t(`import_count.${k}`), String(v)])) : h("p", {}, t("imports.nothing")),
      Object.entries(data.examples || {}).map(([k, list]) => h("details", {}, h("summary", {}, t(`import_count.${k}`)), h("ul", {}, list.map((x) => h("li", {}, x))))),
      data.warnings.length ? table([t("imports.file"), t("imports.line"), t("imports.problem")], data.warnings.map((w) => [w.file, String(w.line), w.problem]), t("imports.warnings")) : null));
  }
  replace(content, h("section", { class: "card" }, h("h2", {}, t("imports.title")), h("p", { class: "muted" }, t("imports.intro")),
    field(t("imports.format"), format), field(t("imports.file"), file), progress, error,
    h("div", { class: "row" }, h("button", { type: "button", onclick: () => run(true) }, t("imports.check")),
      h("button", { type: "button", class: "primary", onclick: () => run(false) }, t("imports.run")))), report);
}

// ——— API keys ———
async function keys(app, org, content) {
  const listBox = h("div");
  const issued = h("div", { "aria-live": "polite" });
  const name = h("input", { name: "name", required: true, placeholder: t("keys.name_example") });
  const error = errorLine();
  async function load() {
    const list = await get(`/organizations/${org.id}/api-keys`);
    replace(listBox, table([t("keys.name"), t("keys.prefix"), t("keys.created"), t("keys.last_used"), ""],
      list.items.map((k) => [k.name, k.prefix, dateTime(k.created_at), k.last_used_at ? dateTime(k.last_used_at) : "—",
        k.revoked_at ? t("keys.revoked") : h("button", { type: "button", class: "danger", onclick: async () => {
          if (!(await confirmDialog(t("keys.revoke_confirm", { name: k.name }), t("keys.revoke")))) return;
          try { await del(`/organizations/${org.id}/api-keys/${k.id}`); load(); } catch (e) { notify(errorText(e), "error"); }
        } }, t("keys.revoke"))])));
  }
  const form = h("form", { class: "row" }, field(t("keys.name"), name), h("button", { type: "submit", class: "primary" }, t("keys.create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    try {
      const key = await post(`/organizations/${org.id}/api-keys`, { name: name.value });
      const box = readonlyText(key.key, t("keys.key"));
      replace(issued, h("div", { class: "card issued" }, h("p", {}, t("keys.once")), h("div", { class: "row" }, box, copyButton(key.key, t("common.copy"), box))));
      name.value = "";
      load();
    } catch (e) { error.textContent = errorText(e); }
  });
  await load();
  replace(content, h("section", { class: "card" }, h("h2", {}, t("keys.title")), h("p", { class: "muted" }, t("keys.intro")), form, error, issued), listBox);
}

// ——— lessons ———
async function lessons(app, org, content) {
  const classes = await classesOf(org);
  if (!classes.length) { replace(content, h("p", { class: "muted" }, t("lessons.no_classes"))); return; }
  const assignments = (await get(`/organizations/${org.id}/assignments`)).items;
  let classId = classes[0].id;
  let monday = mondayOf(today(org.time_zone));
  let editing = null; // the lesson the form changes; null: a new one
  const classSelect = select(classes.map((c) => [c.id, c.name]), classId, { name: "class", "aria-label": t("lessons.class") });
  const weekTitle = h("h2", {});
  const listBox = h("div", { class: "lessons-list" });
  const error = errorLine();

  // The form: a day and its hours, what is taught by whom (the class's assignments), topic, room.
  const day = h("input", { type: "date", name: "date", required: true });
  const start = h("input", { type: "time", name: "start", required: true, value: "08:30" });
  const end = h("input", { type: "time", name: "end", required: true, value: "09:15" });
  const teaching = h("select", { name: "teaching", required: true });
  const topic = h("input", { name: "topic", maxlength: 300 });
  const room = h("input", { name: "room", maxlength: 40 });
  const submit = h("button", { type: "submit", class: "primary" }, t("lessons.add"));
  const cancelEdit = h("button", { type: "button", class: "link", hidden: true, onclick: () => edit(null) }, t("common.cancel"));
  const formTitle = h("h3", {}, t("lessons.new"));
  const form = h("form", { class: "grid-form lesson-form" }, formTitle, field(t("lessons.date"), day), field(t("lessons.start"), start),
    field(t("lessons.end"), end), field(t("lessons.teaching"), teaching), field(t("lessons.topic"), topic), field(t("lessons.room"), room),
    error, h("div", { class: "row" }, submit, cancelEdit));

  const ofClass = () => assignments.filter((a) => a.school_class.id === classId);
  const teachingLabel = (a) => `${a.subject.name}${a.group ? ` (${a.group})` : ""} — ${a.teacher.full_name}`;
  function fillTeaching(selected) {
    const options = ofClass();
    replace(teaching, options.length ? options.map((a, index) => h("option", { value: String(index) }, teachingLabel(a)))
      : h("option", { value: "" }, t("lessons.no_assignments")));
    if (selected) {
      const index = options.findIndex((a) => a.subject.id === selected.subject.id && a.teacher.id === selected.teacher.id && (a.group || "") === (selected.group || ""));
      if (index >= 0) teaching.value = String(index);
    }
  }

  function edit(lesson) {
    editing = lesson;
    error.textContent = "";
    formTitle.textContent = lesson ? t("lessons.edit_title") : t("lessons.new");
    submit.textContent = lesson ? t("common.save") : t("lessons.add");
    cancelEdit.hidden = !lesson;
    day.value = lesson ? lesson.date : monday;
    if (lesson) { start.value = lesson.start; end.value = lesson.end; topic.value = lesson.topic; room.value = lesson.room; }
    else { topic.value = ""; room.value = ""; }
    fillTeaching(lesson);
    if (lesson) day.focus();
  }

  async function act(promise) {
    try { await promise; await load(); } catch (e) { notify(errorText(e), "error"); }
  }

  async function load() {
    const to = addDays(monday, 6);
    weekTitle.textContent = t("lessons.week", { from: monday.split("-").reverse().join("."), to: to.split("-").reverse().join(".") });
    const week = await get(`/organizations/${org.id}/classes/${classId}/timetable`, { from: monday, to });
    replace(listBox, week.items.length ? table(
      [t("lessons.date"), t("lessons.time"), t("lessons.teaching"), t("lessons.topic"), t("lessons.room"), t("lessons.state"), ""],
      week.items.map((l) => [l.date.split("-").reverse().join("."), `${l.start}–${l.end}`,
        `${l.subject.name}${l.group ? ` (${l.group})` : ""} — ${l.teacher.short_name}`, l.topic, l.room,
        l.cancelled ? h("span", { class: "badge closed" }, t("timetable.cancelled")) : l.distance_lesson ? h("span", { class: "badge" }, t("lessons.distance")) : "",
        h("div", { class: "row", dataset: { lessonId: l.id } },
          h("button", { type: "button", onclick: async () => edit(await get(`/organizations/${org.id}/lessons/${l.id}`)) }, t("lessons.edit")),
          l.cancelled
            ? h("button", { type: "button", onclick: () => act(post(`/organizations/${org.id}/lessons/${l.id}/restore`)) }, t("lessons.restore"))
            : h("button", { type: "button", onclick: () => act(post(`/organizations/${org.id}/lessons/${l.id}/cancel`)) }, t("lessons.cancel")),
          h("button", { type: "button", class: "danger", onclick: async () => {
            if (!(await confirmDialog(t("lessons.delete_confirm", { subject: l.subject.name, date: l.date.split("-").reverse().join(".") }), t("lessons.delete")))) return;
            act(del(`/organizations/${org.id}/lessons/${l.id}`));
          } }, t("lessons.delete")))])) : h("p", { class: "muted" }, t("lessons.none")));
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const chosen = ofClass()[Number(teaching.value)];
    if (!chosen) { error.textContent = t("lessons.no_assignments"); return; }
    const body = {
      date: day.value, start: start.value, end: end.value, class_id: classId, group: chosen.group || "",
      subject_id: chosen.subject.id, teacher_id: chosen.teacher.id, topic: topic.value, room: room.value,
    };
    try {
      if (editing) await api("PUT", `/organizations/${org.id}/lessons/${editing.id}`, { body: { ...body, external_id: editing.external_id ?? undefined } });
      else await post(`/organizations/${org.id}/lessons`, body);
      notify(editing ? t("common.saved") : t("lessons.added"));
      const date = day.value;
      edit(null);
      day.value = date;
      await load();
    } catch (e) { error.textContent = errorText(e); }
  });
  classSelect.addEventListener("change", () => { classId = Number(classSelect.value); edit(null); load(); });
  const move = (days) => { monday = addDays(monday, days); if (!editing) day.value = monday; load(); };
  const nav = h("div", { class: "row" }, field(t("lessons.class"), classSelect),
    h("button", { type: "button", onclick: () => move(-7) }, t("timetable.previous")),
    h("button", { type: "button", onclick: () => { monday = mondayOf(today(org.time_zone)); load(); } }, t("timetable.this_week")),
    h("button", { type: "button", onclick: () => move(7) }, t("timetable.next")));
  edit(null);
  await load();
  replace(content, h("p", { class: "muted" }, t("lessons.intro")), nav, weekTitle, listBox, h("section", { class: "card" }, form));
}

// ——— audit ———
async function audit(app, org, content) {
  const listBox = h("div");
  let page = 1, perPage = 50;
  async function load() {
    const list = await get(`/organizations/${org.id}/audit`, { page, per_page: perPage });
    replace(listBox, table([t("audit.when"), t("audit.who"), t("audit.action"), t("audit.target"), t("audit.details")],
      list.items.map((e) => [dateTime(e.at, org.time_zone), e.actor_label,
        h("span", { title: e.action }, has(`audit_action.${e.action}`) ? t(`audit_action.${e.action}`) : e.action), `${e.target_type} ${e.target_id}`,
        Object.entries(e.details || {}).map(([k, v]) => `${k}: ${v}`).join("; ")])),
    pager(list, (p, n) => { page = p; perPage = n; load(); }));
  }
  await load();
  replace(content, h("h2", {}, t("admin.audit")), listBox);
}
