// Sign-in: a phone number, then the one-time code from the SMS; a new account names itself.
import { h, field, replace, errorLine } from "../dom.js";
import { t } from "../i18n.js";
import { post, setToken, errorText, token } from "../api.js";
import { nameForm } from "../parts.js";

export function signInView(app) {
  if (token() && app.me) { app.go("#/chats"); return null; }
  const box = h("section", { class: "card narrow" });
  phoneStep(app, box);
  return { node: h("div", { class: "page center" }, box), title: t("signin.title") };
}

function phoneStep(app, box, initial = "") {
  const phone = h("input", { type: "tel", name: "phone", autocomplete: "tel", inputmode: "tel", required: true, value: initial, placeholder: "+7 999 123-45-67", autofocus: true });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, t("signin.get_code"));
  const form = h("form", { novalidate: true }, field(t("signin.phone"), phone, t("signin.phone_hint")), error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!phone.value.trim()) { error.textContent = t("signin.phone_required"); phone.focus(); return; }
    submit.disabled = true;
    try {
      const sent = await post("/auth/code", { phone: phone.value });
      codeStep(app, box, phone.value, sent);
    } catch (e) {
      error.textContent = errorText(e);
      phone.setAttribute("aria-invalid", "true");
      phone.focus();
    } finally { submit.disabled = false; }
  });
  replace(box, h("h1", {}, t("signin.title")), h("p", {}, t("signin.intro")), form);
  phone.focus();
}

function codeStep(app, box, phone, sent) {
  const code = h("input", {
    type: "text", name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true,
    maxlength: sent.code_length, pattern: "[0-9]*",
  });
  const error = errorLine();
  const submit = h("button", { type: "submit", class: "primary" }, t("signin.sign_in"));
  const resend = h("button", { type: "button", class: "link" });
  let resendAt = Date.now() + sent.resend_in * 1000;
  const paintResend = () => {
    const seconds = Math.ceil((resendAt - Date.now()) / 1000);
    resend.disabled = seconds > 0;
    resend.textContent = seconds > 0 ? t("signin.resend_in", { count: seconds }) : t("signin.resend");
  };
  const timer = setInterval(() => { if (!box.isConnected) clearInterval(timer); else paintResend(); }, 1000);
  paintResend();
  resend.addEventListener("click", async () => {
    error.textContent = "";
    try {
      const again = await post("/auth/code", { phone });
      resendAt = Date.now() + again.resend_in * 1000;
      paintResend();
    } catch (e) {
      error.textContent = errorText(e);
      if (e.details?.retry_after) { resendAt = Date.now() + e.details.retry_after * 1000; paintResend(); }
    }
  });
  const back = h("button", { type: "button", class: "link", onclick: () => { clearInterval(timer); phoneStep(app, box, phone); } }, t("signin.other_phone"));
  const form = h("form", { novalidate: true }, field(t("signin.code"), code, t("signin.code_sent", { count: sent.code_length })), error, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const value = code.value.replace(/\D/g, "");
    if (value.length !== sent.code_length) { error.textContent = t("signin.code_length", { count: sent.code_length }); code.focus(); return; }
    submit.disabled = true;
    try {
      const result = await post("/auth/verify", { phone, code: value });
      clearInterval(timer);
      setToken(result.token);
      await app.refreshMe();
      app.live.start();
      // Signing in to confirm a link code: the roster names the account, nobody is asked.
      if (!result.account.surname && !sessionStorage.getItem("parta.link_confirm")) nameStep(app, box); else continueAfterSignIn(app);
    } catch (e) {
      error.textContent = errorText(e);
      code.setAttribute("aria-invalid", "true");
      code.select();
    } finally { submit.disabled = false; }
  });
  replace(box, h("h1", {}, t("signin.title")), h("p", {}, t("signin.code_to", { phone })), form, h("p", { class: "row" }, resend, back));
  code.focus();
}

function nameStep(app, box) {
  replace(box, h("h1", {}, t("name.title")), h("p", {}, t("name.intro")), nameForm(app, () => continueAfterSignIn(app)));
  box.querySelector("input").focus();
}

function continueAfterSignIn(app) {
  const next = sessionStorage.getItem("parta.after_sign_in");
  sessionStorage.removeItem("parta.after_sign_in");
  app.go(next && next !== "#/signin" ? next : (app.me.organizations.length ? "#/chats" : "#/"));
}
