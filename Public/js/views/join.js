// An invite link (/join/<token>): where it leads, then sign-in if needed, then the request.
import { h, field, replace, select, errorLine } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { get, post, errorText, token as sessionToken } from "../api.js";

export async function joinView(app, inviteToken) {
  const box = h("section", { class: "card narrow" });
  const node = h("div", { class: "page center" }, box);
  let preview;
  try {
    preview = await get(`/invites/${inviteToken}`);
  } catch (e) {
    replace(box, h("h1", {}, t("join.title")), errorLine(errorText(e)),
      h("p", {}, h("a", { href: "#/" }, t("join.go_home"))));
    return { node, title: t("join.title") };
  }
  const org = preview.organization;
  const what = h("dl", { class: "facts" },
    h("dt", {}, t("join.organization")), h("dd", {}, org.full_name),
    h("dt", {}, t("join.role")), h("dd", {}, t(`role.${preview.role}`)),
    preview.class_name ? [h("dt", {}, t("join.class")), h("dd", {}, preview.class_name)] : null,
    h("dt", {}, t("join.valid_until")), h("dd", {}, dateTime(preview.expires_at)));
  if (!sessionToken()) {
    sessionStorage.setItem("parta.after_sign_in", `#/join/${inviteToken}`);
    replace(box, h("h1", {}, t("join.invited_to", { name: org.short_name || org.full_name })), what,
      h("p", {}, t("join.sign_in_first")),
      h("a", { class: "button primary", href: "#/signin" }, t("join.sign_in")));
  } else {
    replace(box, h("h1", {}, t("join.invited_to", { name: org.short_name || org.full_name })), what,
      applyForm(app, { organization: org, role: preview.role, inviteToken }));
  }
  return { node, title: t("join.title") };
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

/** A link code (/link/<code>) from the school system: confirm that this roster person is me. */
export async function linkView(app, code) {
  const box = h("section", { class: "card narrow" });
  const node = h("div", { class: "page center" }, box);
  if (!sessionToken()) {
    sessionStorage.setItem("parta.after_sign_in", `#/link/${code}`);
    app.go("#/signin");
    return null;
  }
  try {
    const link = await get(`/link-codes/${code}`);
    const error = errorLine();
    const confirm = h("button", { type: "button", class: "primary", onclick: async () => {
      confirm.disabled = true;
      try {
        await post(`/link-codes/${code}/confirm`);
        await app.refreshMe();
        replace(box, h("h1", {}, t("link.done")), h("p", {}, t("link.done_text")), h("a", { class: "button primary", href: "#/chats" }, t("nav.chats")));
      } catch (e) { error.textContent = errorText(e); confirm.disabled = false; }
    } }, t("link.confirm"));
    replace(box, h("h1", {}, t("link.title")),
      h("p", {}, t("link.question", { name: link.person.full_name, organization: link.organization.short_name || link.organization.full_name })),
      h("p", { class: "muted" }, t(`role.${link.person.role}`)), error, confirm);
  } catch (e) {
    replace(box, h("h1", {}, t("link.title")), errorLine(errorText(e)), h("a", { href: "#/" }, t("join.go_home")));
  }
  return { node, title: t("link.title") };
}
