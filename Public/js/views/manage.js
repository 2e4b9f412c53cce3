// Chat management (SPEC §5): the list with filters and paging, create, edit with the member
// picker, make or unmake admins, delete (irreversible), initialize by type with a dry run.
// Only what the signed-in person may do is offered; the server refuses the rest anyway.
import { h, field, replace, select, debounce, errorLine } from "../dom.js";
import { t, date, dateTime } from "../i18n.js";
import { get, post, patch, del, errorText } from "../api.js";
import { pager, table, latestOnly, notify, confirmDialog, personName, personNames, qrImage, readonlyText, copyButton } from "../widgets.js";
import { consoleHeader } from "../parts.js";

const chatTypes = ["staff_room", "class", "parents", "subject", "custom"];
const filters = new Map(); // organization id → the list's filters, kept while moving around

export async function manageView(app, orgId, sub) {
  const org = app.organization(orgId);
  if (!org) { app.go("#/"); return null; }
  const content = h("div", { class: "tab-content" });
  const node = h("div", { class: "page wide" }, consoleHeader(app, org, "chats"), content);
  try {
    if (!sub) await chatList(app, org, content);
    else if (sub === "new") await createChat(app, org, content);
    else if (sub === "init") await initialize(app, org, content);
    else await editChat(app, org, Number(sub), content);
  } catch (e) {
    replace(content, errorLine(errorText(e)));
  }
  return { node, title: `${t("admin.chats")} — ${org.short_name}` };
}

async function chatList(app, org, content) {
  const state = filters.get(org.id) || { type: "", name: "", member: "", page: 1, perPage: 20 };
  filters.set(org.id, state);
  const isAdmin = org.roles.includes("administrator");
  const type = select([["", t("common.all_types")], ...chatTypes.map((c) => [c, t(`chat_type.${c}`)])], state.type, { id: "filter-type" });
  const name = h("input", { type: "search", id: "filter-name", value: state.name });
  const member = h("input", { type: "search", id: "filter-member", value: state.member });
  const listBox = h("div", { "aria-live": "polite" });
  const guard = latestOnly();
  async function load() {
    Object.assign(state, { type: type.value, name: name.value, member: member.value });
    const ticket = guard.next();
    try {
      const list = await get(`/organizations/${org.id}/chats`, { type: state.type, name: state.name, member: state.member, page: state.page, per_page: state.perPage });
      if (!guard.isCurrent(ticket)) return;
      replace(listBox, table(
        ["№", t("manage.name"), t("manage.type"), t("manage.members"), t("manage.year"), t("manage.class"), t("manage.admins"), ""],
        list.items.map((c) => [String(c.number), h("a", { href: `#/org/${org.id}/chats/${c.id}` }, c.name), t(`chat_type.${c.type}`),
          c.pending_count ? `${c.member_count} (+${c.pending_count})` : String(c.member_count), c.school_year || "—", c.class_name || "—",
          c.admins.length ? personNames(c.admins) : "—",
          app.messenger.chats.has(c.id) ? h("a", { href: `#/chats/${c.id}` }, t("manage.go_to_chat")) : h("span", { class: "muted" }, t("manage.not_member"))]),
        t("manage.list")),
      pager(list, (p, n) => { state.page = p; state.perPage = n; load(); }));
    } catch (e) { replace(listBox, errorLine(errorText(e))); }
  }
  const reload = () => { state.page = 1; load(); };
  type.addEventListener("change", reload);
  name.addEventListener("input", debounce(reload));
  member.addEventListener("input", debounce(reload));
  await load();
  replace(content,
    h("div", { class: "row spread" }, h("h2", {}, t("manage.title")),
      h("div", { class: "row" },
        isAdmin ? h("a", { class: "button", href: `#/org/${org.id}/chats/init` }, t("manage.initialize")) : null,
        h("a", { class: "button primary", href: `#/org/${org.id}/chats/new` }, t("manage.create")))),
    h("form", { class: "filters", role: "search", onsubmit: (e) => { e.preventDefault(); reload(); } },
      field(t("manage.type"), type), field(t("manage.name"), name), field(t("manage.member_surname"), member)),
    listBox);
}

async function createChat(app, org, content) {
  // Only the classes and subjects this person may make chats for (all of them for administrators).
  const { classes, subjects } = await get(`/organizations/${org.id}/chats/creation-options`);
  const isAdmin = org.roles.includes("administrator");
  // A teacher who is not an administrator makes the other chats of a class they lead.
  const type = select(chatTypes.map((c) => [c, t(`chat_type.${c}`)]), isAdmin ? "custom" : "class", { name: "type" });
  const noClass = () => (type.value === "custom" && isAdmin ? t("manage.no_class") : t("invites.choose_class"));
  const klass = select([["", noClass()], ...classes.map((c) => [c.id, `${c.name} (${c.school_year})`])], classes.length === 1 ? String(classes[0].id) : "", { name: "class_id" });
  const subject = select([["", t("manage.choose_subject")], ...subjects.map((s) => [s.id, s.name])], "", { name: "subject_id" });
  const group = h("input", { name: "group" });
  // A custom chat's members may follow a rule (administrators; a homeroom teacher the committee of their class).
  const rules = isAdmin ? ["all_staff", "whole_school", "administration", "student_council", "parents_of_grade", "parents_of_classes", "parents_committee"] : ["parents_committee"];
  const rule = select([["", t("rule.none")], ...rules.map((r) => [r, t(`rule.${r}`)])], "", { name: "rule" });
  const grade = h("input", { type: "number", name: "grade", min: 1, max: 11, inputmode: "numeric" });
  const manyClasses = h("select", { name: "class_ids", multiple: true, size: Math.min(8, Math.max(3, classes.length)) },
    classes.map((c) => h("option", { value: c.id }, `${c.name} (${c.school_year})`)));
  const ruleField = field(t("manage.rule"), rule);
  const gradeField = field(t("manage.grade"), grade);
  const classesField = field(t("manage.classes"), manyClasses, t("manage.classes_hint"));
  const name = h("input", { name: "name", maxlength: 200 });
  const classField = field(t("manage.class"), klass);
  const subjectField = field(t("manage.subject"), subject);
  const groupField = field(t("manage.group"), group, t("manage.group_hint"));
  const nameHint = h("small", { class: "hint" });
  // The name a chat gets without one is the server's rule (the domain's naming), asked as the
  // form changes; an incomplete form simply has no suggestion yet.
  const guard = latestOnly();
  const suggest = async () => {
    nameHint.textContent = type.value === "custom" ? t("manage.name_required") : t("manage.name_suggested");
    ruleField.hidden = type.value !== "custom";
    const chosenRule = ruleField.hidden ? "" : rule.value;
    gradeField.hidden = chosenRule !== "parents_of_grade";
    classesField.hidden = chosenRule !== "parents_of_classes";
    classField.hidden = !["class", "parents", "subject", "custom"].includes(type.value) || (chosenRule && chosenRule !== "parents_committee");
    klass.options[0].textContent = noClass();
    if (chosenRule) nameHint.textContent = t("manage.name_suggested");
    subjectField.hidden = groupField.hidden = type.value !== "subject";
    const ticket = guard.next();
    let suggestion = null;
    try {
      suggestion = (await get(`/organizations/${org.id}/chats/suggested-name`, {
        type: type.value, class_id: classField.hidden ? "" : klass.value, subject_id: subjectField.hidden ? "" : subject.value,
        group: groupField.hidden ? "" : group.value.trim(),
      })).name;
    } catch { suggestion = null; }
    if (guard.isCurrent(ticket)) name.placeholder = suggestion || "";
  };
  for (const control of [type, klass, subject, rule]) control.addEventListener("change", suggest);
  group.addEventListener("input", debounce(suggest));
  suggest();
  const error = errorLine();
  const form = h("form", { class: "grid-form", novalidate: true },
    field(t("manage.type"), type), ruleField, gradeField, classesField, classField, subjectField, groupField,
    h("div", { class: "field" }, h("label", { for: name.id || (name.id = "new-chat-name") }, t("manage.name")), name, nameHint),
    error, h("div", { class: "row" }, h("a", { class: "button", href: `#/org/${org.id}/chats` }, t("common.cancel")),
      h("button", { type: "submit", class: "primary" }, t("manage.create_and_pick"))));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { type: type.value, name: name.value.trim() || undefined };
    if (!classField.hidden && klass.value) body.class_id = Number(klass.value);
    if (!subjectField.hidden && subject.value) body.subject_id = Number(subject.value);
    if (!groupField.hidden && group.value.trim()) body.group = group.value.trim();
    const chosenRule = ruleField.hidden ? "" : rule.value;
    if (chosenRule === "parents_of_grade") body.rule = `parents_of_grade:${grade.value}`;
    else if (chosenRule === "parents_of_classes") body.rule = `parents_of_classes:${[...manyClasses.selectedOptions].map((o) => o.value).join(",")}`;
    else if (chosenRule === "parents_committee") { body.rule = `parents_committee:${klass.value}`; delete body.class_id; }
    else if (chosenRule) body.rule = chosenRule;
    try {
      const chat = await post(`/organizations/${org.id}/chats`, body);
      notify(t("manage.created", { name: chat.name }));
      app.go(`#/org/${org.id}/chats/${chat.id}`);
    } catch (e) { error.textContent = errorText(e); }
  });
  replace(content, h("section", { class: "card" }, h("h2", {}, t("manage.create")), h("p", { class: "muted" }, t("manage.create_intro")), form));
}

async function editChat(app, org, chatId, content) {
  let chat = await get(`/organizations/${org.id}/chats/${chatId}`);
  const can = (action) => (chat.allowed || []).includes(action);
  const error = errorLine();
  const membersBox = h("div", { class: "members-list", "aria-live": "polite" });
  const pickerBox = h("div");
  let memberPage = 1, memberPerPage = 20;
  const chosen = new Map(); // "person:1" / "account:2" → {key, name}: members ticked for removal
  const memberSurname = h("input", { type: "search", name: "member_surname", maxlength: 100, autocomplete: "off" });
  const removeChosen = h("button", { type: "button", class: "danger", hidden: true, onclick: async () => {
    const names = [...chosen.values()].map((c) => c.name);
    if (!(await confirmDialog(t("manage.remove_chosen_confirm", { count: names.length, names: names.slice(0, 10).join(", ") }), t("manage.remove")))) return;
    const body = { person_ids: [], account_ids: [] };
    for (const { key } of chosen.values()) (key.person_id ? body.person_ids : body.account_ids).push(key.person_id || key.account_id);
    try { const r = await post(`/organizations/${org.id}/chats/${chatId}/members/remove`, body); notify(t("manage.removed_count", { count: r.removed ?? names.length })); chosen.clear(); refresh(); }
    catch (err) { error.textContent = errorText(err); }
  } });
  const syncChosen = () => {
    removeChosen.hidden = !chosen.size;
    removeChosen.textContent = t("manage.remove_chosen", { count: chosen.size });
  };
  const latestMembers = latestOnly();

  async function loadMembers() {
    const ticket = latestMembers.next();
    const list = await get(`/organizations/${org.id}/chats/${chatId}/members`,
      { page: memberPage, per_page: memberPerPage, surname: memberSurname.value.trim() || undefined });
    if (!latestMembers.isCurrent(ticket)) return;
    replace(membersBox, table([can("remove_members") ? "" : null, t("manage.member"), t("roster.role"), t("manage.source"), t("manage.admin"), ""].filter((c) => c !== null),
      list.items.map((mb) => {
        const key = mb.person_id ? { person_id: mb.person_id } : { account_id: mb.account_id };
        const id = mb.person_id ? `person:${mb.person_id}` : `account:${mb.account_id}`;
        const adminCell = can("change_admins") && !mb.pending ? h("label", { class: "check" },
          h("input", { type: "checkbox", checked: mb.admin, "aria-label": t("manage.make_admin_of", { name: mb.full_name }), onchange: async (e) => {
            try { await post(`/organizations/${org.id}/chats/${chatId}/admins`, { ...key, admin: e.target.checked }); notify(e.target.checked ? t("manage.now_admin", { name: mb.full_name }) : t("manage.no_longer_admin", { name: mb.full_name })); loadMembers(); }
            catch (err) { e.target.checked = !e.target.checked; error.textContent = errorText(err); }
          } }), t("manage.admin")) : (mb.admin ? "✓" : "");
        const tick = can("remove_members") ? [h("input", { type: "checkbox", name: "remove_member", checked: chosen.has(id),
          "aria-label": t("manage.choose_member", { name: mb.full_name }), onchange: (e) => {
            if (e.target.checked) chosen.set(id, { key, name: mb.full_name }); else chosen.delete(id);
            syncChosen();
          } })] : [];
        return [...tick, personName(mb.full_name, mb.name_confirmed), mb.role ? t(`role.${mb.role}`) : "—",
          [mb.from_roster ? t("manage.from_roster") : null, mb.via_invite_id ? t("manage.by_link") : mb.added_by_hand ? t("manage.by_hand") : null, mb.pending ? t("info.pending") : null].filter(Boolean).join(", "),
          adminCell,
          can("remove_members") ? h("button", { type: "button", onclick: async () => {
            try { await post(`/organizations/${org.id}/chats/${chatId}/members/remove`, mb.person_id ? { person_ids: [mb.person_id] } : { account_ids: [mb.account_id] }); notify(t("manage.removed", { name: mb.full_name })); chosen.delete(id); refresh(); }
            catch (err) { error.textContent = errorText(err); }
          } }, t("manage.remove")) : ""];
      }), t("manage.members_of", { count: list.total })),
    pager(list, (p, n) => { memberPage = p; memberPerPage = n; loadMembers(); }));
    syncChosen();
  }
  memberSurname.addEventListener("input", debounce(() => { memberPage = 1; loadMembers(); }, 250));
  const membersTools = h("div", { class: "row" }, field(t("manage.member_surname"), memberSurname), removeChosen);

  async function refresh() {
    chat = await get(`/organizations/${org.id}/chats/${chatId}`);
    renderHead();
    await loadMembers();
  }

  const head = h("div");
  function renderHead() {
    const nameInput = h("input", { value: chat.name, id: "chat-name", maxlength: 200 });
    const rename = can("rename") ? h("form", { class: "row", onsubmit: async (e) => {
      e.preventDefault();
      try { chat = await patch(`/organizations/${org.id}/chats/${chatId}`, { name: nameInput.value }); notify(t("common.saved")); renderHead(); }
      catch (err) { error.textContent = errorText(err); }
    } }, field(t("manage.name"), nameInput), h("button", { type: "submit" }, t("manage.rename"))) : null;
    const remove = can("delete") ? h("button", { type: "button", class: "danger", onclick: async () => {
      if (!(await confirmDialog(t("manage.delete_confirm", { name: chat.name }), t("manage.delete")))) return;
      try { await del(`/organizations/${org.id}/chats/${chatId}`); notify(t("manage.deleted", { name: chat.name })); app.go(`#/org/${org.id}/chats`); }
      catch (err) { error.textContent = errorText(err); }
    } }, t("manage.delete")) : null;
    replace(head, h("div", { class: "row spread" }, h("h2", {}, chat.name),
      h("div", { class: "row" }, app.messenger.chats.has(chat.id) ? h("a", { class: "button", href: `#/chats/${chat.id}` }, t("manage.go_to_chat")) : null, remove)),
    h("p", { class: "muted" }, t(`chat_type.${chat.type}`), chat.class_name ? ` · ${chat.class_name}` : "", chat.school_year ? ` · ${chat.school_year}` : "",
      ` · ${t("info.members", { count: chat.member_count })}`, chat.follows_roster ? ` · ${t("manage.follows_roster")}` : "",
      chat.rule ? ` · ${t("manage.follows_rule", { rule: t(`rule.${chat.rule.split(":")[0]}`) })}` : ""),
    rename);
  }
  renderHead();
  await loadMembers();
  if (can("add_members")) await picker(app, org, chatId, pickerBox, () => refresh());
  const invitesBox = h("div");
  if ((chat.invite_roles || []).length) await chatInvites(org, chat, invitesBox);
  replace(content, h("p", {}, h("a", { href: `#/org/${org.id}/chats` }, "‹ ", t("manage.back_to_list"))), head, error,
    h("section", {}, h("h3", {}, t("manage.members")), membersTools, membersBox),
    can("add_members") ? h("section", { class: "card" }, h("h3", {}, t("picker.title")), pickerBox) : null,
    (chat.invite_roles || []).length ? h("section", { class: "card" }, h("h3", {}, t("chat_invites.title")), invitesBox) : null);
}

/** A chat's invite links: make one for the roles the viewer may invite; show any again (link and QR), revoke. */
async function chatInvites(org, chat, box) {
  const base = `/organizations/${org.id}/chats/${chat.id}/invites`;
  // Ticked at first: whom such a chat is for.
  const usual = { parents: ["parents"], class: ["students"], subject: ["students"], staff_room: ["staff"] }[chat.type] || ["students", "parents"];
  const roles = chat.invite_roles.map((r) => h("label", { class: "check" },
    h("input", { type: "checkbox", name: "invite_role", value: r, checked: usual.includes(r) }), t(`chat_invite.roles.${r}`)));
  const days = h("input", { type: "number", min: 1, max: 90, value: 7, inputmode: "numeric" });
  const uses = h("input", { type: "number", min: 1, max: 10000, inputmode: "numeric", placeholder: t("invites.unlimited") });
  const error = errorLine();
  const shown = h("div", { "aria-live": "polite" });
  const listBox = h("div");
  let page = 1, perPage = 10;
  function show(invite) {
    const link = readonlyText(invite.url, t("chat_invites.link"));
    replace(shown, h("div", { class: "issued" },
      qrImage(invite.qr_png_base64, t("chat_invites.qr_alt")),
      h("div", { class: "row" }, link, copyButton(invite.url, t("invites.copy_link"), link)),
      navigator.share ? h("button", { type: "button", onclick: () => navigator.share({ title: chat.name, url: invite.url }).catch(() => {}) }, t("invites.share")) : null));
  }
  async function loadList() {
    const list = await get(base, { page, per_page: perPage });
    replace(listBox, list.items.length ? [table(
      [t("chat_invites.for"), t("invites.status"), t("invites.used"), t("invites.expires"), ""],
      list.items.map((i) => [i.roles.map((r) => t(`chat_invite.roles.${r}`)).join(", "), t(`invite_status.${i.status}`),
        i.max_uses ? `${i.use_count} / ${i.max_uses}` : String(i.use_count), dateTime(i.expires_at),
        i.status === "active" ? h("div", { class: "row" },
          h("button", { type: "button", onclick: async () => {
            try { show(await get(`${base}/${i.id}`)); } catch (e) { error.textContent = errorText(e); }
          } }, t("chat_invites.show")),
          h("button", { type: "button", onclick: async () => {
            try { await del(`${base}/${i.id}`); notify(t("chat_invites.revoked")); replace(shown); loadList(); } catch (e) { error.textContent = errorText(e); }
          } }, t("invites.revoke"))) : ""]), t("chat_invites.title")),
      pager(list, (p, n) => { page = p; perPage = n; loadList(); })] : h("p", { class: "muted" }, t("chat_invites.none")));
  }
  const form = h("form", { class: "grid-form" },
    h("fieldset", {}, h("legend", {}, t("chat_invites.for")), roles),
    field(t("chat_invites.days"), days), field(t("chat_invites.uses"), uses, t("chat_invites.uses_hint")),
    error, h("button", { type: "submit", class: "primary" }, t("chat_invites.create")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = { roles: roles.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value), expires_in_days: Number(days.value) || undefined };
    if (uses.value) body.max_uses = Number(uses.value);
    try { show(await post(base, body)); notify(t("chat_invites.created")); loadList(); }
    catch (e) { error.textContent = errorText(e); }
  });
  await loadList();
  replace(box, h("p", { class: "muted" }, t("chat_invites.hint")), form, shown, listBox);
}

/** The member picker: filters, page size, select on this page or all N matching; members marked. */
async function picker(app, org, chatId, box, onAdded) {
  // The classes this person works with (all of them for administrators).
  const { classes } = await get(`/organizations/${org.id}/chats/creation-options`).catch(() => ({ classes: [] }));
  const role = select([["", t("common.all")], ["staff", t("picker.staff")], ["students", t("picker.students")], ["parents", t("picker.parents")]], "", { id: "pick-role" });
  const gender = select([["", t("common.all")], ["male", t("gender.male")], ["female", t("gender.female")]], "", { id: "pick-gender" });
  const klass = select([["", t("roster.any_class")], ...classes.map((c) => [c.id, c.name])], "", { id: "pick-class" });
  const surname = h("input", { type: "search", id: "pick-surname" });
  const q = h("input", { type: "search", id: "pick-q" });
  const results = h("div", { "aria-live": "polite" });
  const selected = new Set();
  // 50 a page, as in the school system's lists.
  let page = 1, perPage = 50, lastTotal = 0, allMatching = false;
  const query = () => ({ role: role.value, gender: gender.value, class_id: klass.value, surname: surname.value, q: q.value });
  const addButton = h("button", { type: "button", class: "primary" });
  const paintAdd = () => {
    addButton.textContent = allMatching ? t("picker.add_all", { count: lastTotal }) : t("picker.add_selected", { count: selected.size });
    addButton.disabled = !allMatching && selected.size === 0;
  };
  const guard = latestOnly();
  async function load() {
    const ticket = guard.next();
    const list = await get(`/organizations/${org.id}/chats/${chatId}/candidates`, { ...query(), page, per_page: perPage });
    if (!guard.isCurrent(ticket)) return;
    lastTotal = list.total;
    const boxes = [];
    // Administrators get birth dates, to tell namesakes apart.
    const withBirthDates = list.items.some((c) => "birth_date" in c.person);
    const rows = list.items.map((c) => {
      const box = h("input", { type: "checkbox", checked: c.is_member || allMatching || selected.has(c.person.id), disabled: c.is_member,
        "aria-label": t("picker.select", { name: c.person.full_name }) });
      if (!c.is_member) boxes.push([box, c.person.id]);
      box.addEventListener("change", () => { if (box.checked) selected.add(c.person.id); else selected.delete(c.person.id); allMatching = false; paintAdd(); });
      const born = withBirthDates ? [c.person.birth_date ? date(c.person.birth_date) : "—"] : [];
      return [box, c.person.full_name, ...born, t(`role.${c.person.role}`), c.is_member ? h("span", { class: "badge" }, t("picker.member")) : ""];
    });
    const selectPage = h("button", { type: "button", onclick: () => { for (const [b, id] of boxes) { b.checked = true; selected.add(id); } paintAdd(); } }, t("picker.select_page"));
    const selectAll = h("button", { type: "button", onclick: () => { allMatching = true; for (const [b] of boxes) b.checked = true; paintAdd(); } }, t("picker.select_all", { count: list.total }));
    const clear = h("button", { type: "button", class: "link", onclick: () => { allMatching = false; selected.clear(); for (const [b] of boxes) b.checked = false; paintAdd(); } }, t("picker.clear"));
    replace(results, h("div", { class: "row" }, selectPage, selectAll, clear),
      table(["", t("members.name"), ...(withBirthDates ? [t("roster.birth_date")] : []), t("roster.role"), ""], rows, t("picker.found", { count: list.total })),
      pager(list, (p, n) => { page = p; perPage = n; load(); }));
    paintAdd();
  }
  const reload = () => { page = 1; allMatching = false; load(); };
  for (const control of [role, gender, klass]) control.addEventListener("change", reload);
  for (const control of [surname, q]) control.addEventListener("input", debounce(reload));
  const error = errorLine();
  addButton.addEventListener("click", async () => {
    error.textContent = "";
    const body = allMatching ? { all_matching: Object.fromEntries(Object.entries(query()).filter(([, v]) => v).map(([k, v]) => [k, k === "class_id" ? Number(v) : v])) }
      : { person_ids: [...selected] };
    try {
      const result = await post(`/organizations/${org.id}/chats/${chatId}/members`, body);
      notify(t("picker.added", { count: result.added }));
      selected.clear(); allMatching = false;
      await onAdded();
      await load();
    } catch (e) { error.textContent = errorText(e); }
  });
  await load();
  replace(box, h("form", { class: "filters", role: "search", onsubmit: (e) => { e.preventDefault(); reload(); } },
    field(t("picker.role"), role), field(t("picker.gender"), gender), field(t("manage.class"), klass),
    field(t("picker.surname"), surname), field(t("picker.text"), q)), results, error, h("div", { class: "row" }, addButton));
}

async function initialize(app, org, content) {
  const types = ["staff_room", "class", "parents", "subject"];
  const boxes = types.map((type) => h("input", { type: "checkbox", checked: true, id: `init-${type}`, value: type }));
  const report = h("div", { "aria-live": "polite" });
  const error = errorLine();
  const run = async (dryRun) => {
    error.textContent = "";
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!chosen.length) { error.textContent = t("init.choose"); return; }
    try {
      const result = await post(`/organizations/${org.id}/chats/initialize`, { types: chosen, dry_run: dryRun });
      const counts = ["chats_created", "chats_renamed", "members_added", "members_removed", "admin_changes"];
      replace(report, h("section", { class: "card" },
        h("h3", {}, dryRun ? t("init.preview") : t("init.done")),
        table([t("manage.type"), ...counts.map((c) => t(`init.${c}`))],
          [...Object.entries(result.by_type).map(([type, n]) => [t(`chat_type.${type}`), ...counts.map((c) => String(n[c]))]),
            [h("strong", {}, t("init.total")), ...counts.map((c) => h("strong", {}, String(result.total[c])))]])));
    } catch (e) { error.textContent = errorText(e); }
  };
  replace(content, h("p", {}, h("a", { href: `#/org/${org.id}/chats` }, "‹ ", t("manage.back_to_list"))),
    h("section", { class: "card" }, h("h2", {}, t("manage.initialize")), h("p", { class: "muted" }, t("init.intro")),
      h("fieldset", {}, h("legend", {}, t("init.types")), types.map((type, i) => h("div", { class: "check" }, boxes[i], h("label", { for: boxes[i].id }, t(`chat_type.${type}`))))),
      error, h("div", { class: "row" }, h("button", { type: "button", onclick: () => run(true) }, t("init.dry_run")),
        h("button", { type: "button", class: "primary", onclick: () => run(false) }, t("init.run")))), report);
}
