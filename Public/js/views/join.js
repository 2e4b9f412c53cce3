// An invite link (/join/<token>): where it leads, then sign-in if needed, then the request.
import { h, replace, errorLine } from "../dom.js";
import { t, dateTime } from "../i18n.js";
import { get, post, errorText, token as sessionToken } from "../api.js";
import { applyForm, nameForm } from "../parts.js";

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
 * A link code (/link/<code>) from the school: whom it is for, first, signed in or not; "Да, это я"
 * signs in when needed (the name then comes from the roster, nobody is asked for it) and links.
 */
export async function linkView(app, code) {
  const box = h("section", { class: "card narrow" });
  const node = h("div", { class: "page center" }, box);
  let link;
  try {
    link = await get(`/link-codes/${code}`);
  } catch (e) {
    sessionStorage.removeItem("parta.link_confirm");
    replace(box, h("h1", {}, t("link.title")), errorLine(errorText(e)), h("a", { href: "#/" }, t("join.go_home")));
    return { node, title: t("link.title") };
  }
  const org = link.organization;
  const error = errorLine();
  const confirm = h("button", { type: "button", class: "primary" }, t("link.confirm"));
  const linkNow = async () => {
    confirm.disabled = true;
    sessionStorage.removeItem("parta.link_confirm");
    try {
      await post(`/link-codes/${code}/confirm`);
      await app.refreshMe();
      replace(box, h("h1", {}, t("link.done")), h("p", {}, t("link.done_text")), h("a", { class: "button primary", href: "#/chats" }, t("nav.chats")));
    } catch (e) {
      error.textContent = errorText(e);
      confirm.disabled = false;
      // Signed up for this code and it did not link: the account still needs a name.
      if (app.me && !app.me.account.surname) box.append(h("h2", {}, t("name.title")), nameForm(app, () => app.go("#/")));
    }
  };
  confirm.addEventListener("click", () => {
    if (sessionToken()) { linkNow(); return; }
    sessionStorage.setItem("parta.after_sign_in", `#/link/${code}`);
    sessionStorage.setItem("parta.link_confirm", code);
    app.go("#/signin");
  });
  replace(box, h("h1", {}, t("link.title")),
    h("p", {}, t("link.question", { name: link.person.full_name, organization: org.short_name || org.full_name })),
    h("dl", { class: "facts" },
      h("dt", {}, t("link.who")), h("dd", { class: "link-person" }, link.person.full_name),
      h("dt", {}, t("join.role")), h("dd", {}, t(`role.${link.person.role}`)),
      h("dt", {}, t("join.organization")), h("dd", {}, org.full_name),
      h("dt", {}, t("join.valid_until")), h("dd", {}, dateTime(link.expires_at))),
    h("p", { class: "muted" }, sessionToken() ? t("link.not_me") : t("link.sign_in_next")), error, confirm);
  // Back from signing in after "Да, это я" on this code: link at once.
  if (sessionToken() && sessionStorage.getItem("parta.link_confirm") === code) linkNow();
  return { node, title: t("link.title") };
}

/**
 * Where a code printed on a card is typed (/link), by someone whose phone cannot scan it: the
 * 12 characters in any case, with or without dashes; then the code's own page says whom it is for.
 */
const CYRILLIC = { А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "0", Р: "P", С: "C", Т: "T", Х: "X" };

export function linkEntryView(app) {
  const input = h("input", { name: "code", autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    maxlength: 20, placeholder: "XXXX-XXXX-XXXX", class: "mono code-entry", "aria-describedby": "code-hint" });
  const error = errorLine();
  const form = h("form", { novalidate: true },
    h("label", {}, t("link.enter_label"), input), h("p", { id: "code-hint", class: "muted" }, t("link.enter_hint")), error,
    h("button", { type: "submit", class: "primary" }, t("link.enter_go")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    // Read as the server does: case, dashes and spaces forgiven; O is 0, I and L are 1; the
    // Cyrillic look-alikes (a phone left in Russian) are their Latin letters.
    const code = [...input.value.toUpperCase().replace(/[\s-]/g, "")].map((c) => CYRILLIC[c] || c).join("")
      .replace(/O/g, "0").replace(/[IL]/g, "1");
    if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(code)) { error.textContent = t("link.enter_invalid"); input.focus(); return; }
    // The typed code does not stay in the history of a shared computer as a page of its own.
    location.replace(`#/link/${code}`);
  });
  const node = h("div", { class: "page center" }, h("section", { class: "card narrow" }, h("h1", {}, t("link.enter_title")), form));
  return { node, title: t("link.enter_title") };
}

/**
 * A chat invite link (/chat-invite/<token>) from a teacher: which chat of which school, for whom;
 * signed in, one button joins and opens the chat; not signed in, sign-in first, then it joins.
 */
export async function chatInviteView(app, inviteToken) {
  const box = h("section", { class: "card narrow" });
  const node = h("div", { class: "page center" }, box);
  let preview;
  try {
    preview = await get(`/chat-invites/${inviteToken}`);
  } catch (e) {
    // A link that no longer works still leads a member of its chat there (they tapped it again).
    if (e.status === 410 && sessionToken()) {
      const opened = await post(`/chat-invites/${inviteToken}/join`).catch(() => null);
      if (opened && !opened.joined) { app.go(`#/chats/${opened.chat_id}`); return null; }
    }
    sessionStorage.removeItem("parta.chat_invite_join");
    replace(box, h("h1", {}, t("chat_invite.title")), errorLine(errorText(e)), h("p", {}, h("a", { href: "#/" }, t("join.go_home"))));
    return { node, title: t("chat_invite.title") };
  }
  const org = preview.organization;
  const error = errorLine();
  const after = h("div");
  const join = h("button", { type: "button", class: "primary" }, sessionToken() ? t("chat_invite.join") : t("chat_invite.sign_in"));
  const joinNow = async () => {
    join.disabled = true;
    sessionStorage.removeItem("parta.chat_invite_join");
    try {
      const joined = await post(`/chat-invites/${inviteToken}/join`);
      // The chat comes over the live connection; opening it waits for it there.
      app.go(`#/chats/${joined.chat_id}`);
    } catch (e) {
      error.textContent = errorText(e);
      join.disabled = false;
      if (e.code === "chat_invite_not_in_organization") replace(after, h("a", { class: "button", href: "#/" }, t("chat_invite.apply")));
    }
  };
  join.addEventListener("click", () => {
    if (sessionToken()) { joinNow(); return; }
    sessionStorage.setItem("parta.after_sign_in", `#/chat-invite/${inviteToken}`);
    sessionStorage.setItem("parta.chat_invite_join", inviteToken);
    app.go("#/signin");
  });
  replace(box, h("h1", {}, t("chat_invite.title")),
    h("dl", { class: "facts" },
      h("dt", {}, t("chat_invite.chat")), h("dd", { class: "chat-invite-name" }, preview.chat_name),
      h("dt", {}, t("join.organization")), h("dd", {}, org.full_name),
      h("dt", {}, t("chat_invite.for")), h("dd", {}, preview.roles.map((r) => t(`chat_invite.roles.${r}`)).join(", ")),
      h("dt", {}, t("join.valid_until")), h("dd", {}, dateTime(preview.expires_at))),
    sessionToken() ? null : h("p", { class: "muted" }, t("chat_invite.sign_in_first")), error, join, after);
  // Back from signing in after "Войти и вступить" on this link: join at once.
  if (sessionToken() && sessionStorage.getItem("parta.chat_invite_join") === inviteToken) joinNow();
  return { node, title: t("chat_invite.title") };
}
