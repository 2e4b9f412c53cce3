// Parts of screens that more than one screen shows: the console's header, who may open it and the classes it
// offers (the administrator's console, chat management), the request form (an invite, home's
// search), the name form (sign-in, settings). They sit below the views so no view imports another.
import { h, field, replace, select, errorLine } from "./dom.js";
import { t } from "./i18n.js";
import { get, post, patch, errorText } from "./api.js";

/** The console's sections an administrator sees, in order (chat management comes after them). */
export const consoleTabs = ["profile", "invites", "requests", "members", "roster", "lessons", "imports", "keys", "audit"];

/** The console's heading and its tabs (chat management is one of them). */
export function consoleHeader(app, org, current) {
  const isAdmin = org.roles.includes("administrator");
  const orgs = app.adminOrganizations();
  const switcher = orgs.length > 1 ? select(orgs.map((o) => [o.id, o.short_name]), org.id, {
    "aria-label": t("admin.organization"), onchange: (e) => app.go(`#/org/${e.target.value}/${current}`),
  }) : null;
  const items = (isAdmin ? consoleTabs : []).concat(["chats"]);
  return h("header", { class: "console-header" },
    h("h1", {}, org.short_name || org.full_name), switcher,
    h("nav", { class: "tabs", "aria-label": t("admin.sections") }, items.map((name) =>
      h("a", { href: `#/org/${org.id}/${name}`, "aria-current": name === current ? "page" : false }, t(`admin.${name}`)))));
}

/** The organization, if the signed-in person administers it; otherwise they are sent to the
 * organization's chats (or home) and `null` comes back (the console's views). */
export function administered(app, orgId) {
  const org = app.organization(orgId);
  if (!org) { app.go("#/"); return null; }
  if (!org.roles.includes("administrator")) { app.go(`#/org/${orgId}/chats`); return null; }
  return org;
}

/** The organization's classes (the invite form, roster views, chat creation and the picker). */
export async function classesOf(org) {
  const list = await get(`/organizations/${org.id}/classes`);
  return list.items;
}

/**
 * The request form: my name (prefilled from my account), a birth date for students, the child's
 * name for parents, a note. With an invite the role (and class) come from it.
 */
export function applyForm(app, { organization, role, inviteToken }) {
  const account = app.me.account;
  const roleSelect = role ? null : select(["teacher", "employee", "student", "parent"].map((r) => [r, t(`role.${r}`)]), "teacher", { name: "role" });
  const surname = h("input", { name: "surname", required: true, autocomplete: "family-name", value: account.surname || "" });
  const given = h("input", { name: "given_name", required: true, autocomplete: "given-name", value: account.given_name || "" });
  const patronymic = h("input", { name: "patronymic", autocomplete: "additional-name", value: account.patronymic || "" });
  const birth = h("input", { type: "date", name: "birth_date" });
  const childSurname = h("input", { name: "child_surname" });
  const childGiven = h("input", { name: "child_given_name" });
  const childPatronymic = h("input", { name: "child_patronymic" });
  const message = h("textarea", { name: "message", maxlength: 500, rows: 2 });
  const studentPart = h("div", {}, field(t("join.birth_date"), birth));
  const parentPart = h("fieldset", {}, h("legend", {}, t("join.child")),
    field(t("name.surname"), childSurname), field(t("name.given_name"), childGiven), field(t("name.patronymic"), childPatronymic));
  const currentRole = () => role || roleSelect.value;
  const showParts = () => { studentPart.hidden = currentRole() !== "student"; parentPart.hidden = currentRole() !== "parent"; };
  roleSelect?.addEventListener("change", showParts);
  showParts();
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, t("join.apply"));
  const form = h("form", { class: "apply", novalidate: true },
    roleSelect ? field(t("join.role"), roleSelect) : null,
    field(t("name.surname"), surname), field(t("name.given_name"), given), field(t("name.patronymic"), patronymic),
    studentPart, parentPart, field(t("join.message"), message, t("join.message_hint")), error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const body = {
      surname: surname.value, given_name: given.value, patronymic: patronymic.value, message: message.value || undefined,
    };
    if (inviteToken) body.invite_token = inviteToken; else body.role = currentRole();
    if (currentRole() === "student" && birth.value) body.birth_date = birth.value;
    if (currentRole() === "parent") Object.assign(body, {
      child_surname: childSurname.value || undefined, child_given_name: childGiven.value || undefined,
      child_patronymic: childPatronymic.value || undefined,
    });
    submit.disabled = true;
    try {
      await post(`/organizations/${organization.id}/join-requests`, body);
      await app.refreshMe();
      replace(form, h("p", { class: "success", role: "status" }, t("join.sent")), h("a", { class: "button", href: "#/" }, t("join.go_home")));
    } catch (e) { error.textContent = errorText(e); submit.disabled = false; }
  });
  return form;
}

/** A new account gives its name: the school sees people by name, never by phone. */
export function nameForm(app, onDone, account = {}) {
  const surname = h("input", { name: "surname", autocomplete: "family-name", required: true, maxlength: 60, value: account.surname || "" });
  const given = h("input", { name: "given_name", autocomplete: "given-name", required: true, maxlength: 60, value: account.given_name || "" });
  const patronymic = h("input", { name: "patronymic", autocomplete: "additional-name", maxlength: 60, value: account.patronymic || "" });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, t("common.save"));
  const form = h("form", { novalidate: true },
    field(t("name.surname"), surname), field(t("name.given_name"), given), field(t("name.patronymic"), patronymic), error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    submit.disabled = true;
    try {
      await patch("/me", { surname: surname.value, given_name: given.value, patronymic: patronymic.value });
      await app.refreshMe();
      onDone();
    } catch (e) { error.textContent = errorText(e); } finally { submit.disabled = false; }
  });
  return form;
}
