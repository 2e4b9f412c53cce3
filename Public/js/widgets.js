// Small pieces several screens share: a pager, a table, a copy button, a QR image, people's
// names, the status line (notify) and dialogs. They know the page, not the app: no view, no
// shell, no API.
import { h, select } from "./dom.js";
import { t } from "./i18n.js";

/** "1–20 of 134", previous/next and the page size (10/20/50/100). */
export function pager({ page, per_page: perPage, total }, onChange) {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const first = total ? (page - 1) * perPage + 1 : 0;
  const last = Math.min(total, page * perPage);
  const size = select([10, 20, 50, 100].map((n) => [n, String(n)]), perPage, {
    "aria-label": t("pager.per_page"), onchange: (e) => onChange(1, Number(e.target.value)),
  });
  return h("nav", { class: "pager", "aria-label": t("pager.label") },
    h("button", { type: "button", disabled: page <= 1, onclick: () => onChange(page - 1, perPage) }, t("pager.previous")),
    h("span", {}, t("pager.range", { first, last, total })),
    h("button", { type: "button", disabled: page >= pages, onclick: () => onChange(page + 1, perPage) }, t("pager.next")),
    h("label", {}, t("pager.per_page"), " ", size));
}

/** A table from column titles and rows of cells (nodes or text). */
export function table(columns, rows, caption) {
  return h("div", { class: "table-wrap" }, h("table", {},
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.length ? rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c))))
      : h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, t("common.nothing_found"))))));
}

/** Copies text; falls back to selecting it where the clipboard is not available. */
export function copyButton(text, label, fallbackInput) {
  return h("button", { type: "button", onclick: async () => {
    try { await navigator.clipboard.writeText(text); notify(t("common.copied")); }
    catch { if (fallbackInput) { fallbackInput.focus(); fallbackInput.select(); } notify(t("common.copy_manually")); }
  } }, label || t("common.copy"));
}

/** A QR code from the server's PNG (a data: image; no markup from the server is inserted). */
export function qrImage(base64, alt) {
  return h("img", { class: "qr", src: `data:image/png;base64,${base64}`, alt, width: 220, height: 220 });
}

/**
 * A person's name as the server gives it. A name the school has not confirmed (`name_confirmed`
 * false: what the account calls itself, not the roster's or an administrator's) carries a visible
 * «?» (style.css draws it) and says so to screen readers and on hover; a confirmed one is the
 * name alone. The node's textContent reads well where only text fits (a live announcement).
 */
export function personName(name, confirmed) {
  if (confirmed !== false) return h("span", { class: "person-name" }, name);
  return h("span", { class: "person-name unconfirmed", title: t("person.unconfirmed_hint") }, h("span", { class: "person-text" }, name),
    h("span", { class: "visually-hidden" }, ` (${t("person.unconfirmed")})`));
}

/** Names separated by commas, each with its mark; `key` is the field that holds the name. */
export function personNames(people, key = "full_name") {
  return people.flatMap((p, i) => [i ? ", " : null, personName(p[key], p.name_confirmed)]);
}

/** A read-only text box that selects itself on focus (links, ids, keys). */
export function readonlyText(value, label) {
  const input = h("input", { type: "text", readonly: true, value, "aria-label": label, class: "mono" });
  input.addEventListener("focus", () => input.select());
  return input;
}

/** For searches that reload as people type: only the newest request's answer is shown. */
export function latestOnly() {
  let counter = 0;
  return { next: () => ++counter, isCurrent: (ticket) => ticket === counter };
}

// The page's status line (index.html's #status, a polite live region beside the app).
const statusLine = document.getElementById("status");

/** Announces a short message to screen readers and shows it briefly. */
export function notify(text, kind = "info") {
  statusLine.dataset.kind = kind;
  statusLine.textContent = text;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { statusLine.textContent = ""; }, 6000);
}

/** A modal dialog with a close button; returns the <dialog>. */
export function infoDialog(title, content) {
  const dialog = h("dialog", { class: "dialog", "aria-labelledby": "dlg-title" },
    h("h2", { id: "dlg-title" }, title), content,
    h("form", { method: "dialog", class: "row end" }, h("button", { type: "submit" }, t("common.close"))));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

/**
 * Asks before something that cannot be undone; resolves true when confirmed. `details` (nodes:
 * what will happen, a choice to make) sit between the question and the buttons.
 */
export function confirmDialog(question, action, details) {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "dialog", role: "alertdialog", "aria-labelledby": "cfm-title" },
      h("p", { id: "cfm-title" }, question), details,
      h("form", { method: "dialog", class: "row end" },
        h("button", { type: "submit", value: "cancel", autofocus: true }, t("common.cancel")),
        h("button", { type: "submit", value: "ok", class: "danger" }, action)));
    dialog.addEventListener("close", () => { resolve(dialog.returnValue === "ok"); dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}
