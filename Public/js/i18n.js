// The interface language: Russian by default, English second. Every string lives in
// strings/ru.js or strings/en.js under the same key; t() looks one up and fills {placeholders}.
import ru from "./strings/ru.js";
import en from "./strings/en.js";

const languages = { ru, en };
const stored = localStorage.getItem("parta.lang");
let current = languages[stored] ? stored : "ru";

export function lang() { return current; }
export function locale() { return current === "ru" ? "ru-RU" : "en-GB"; }
export function languagesAvailable() { return Object.keys(languages); }

export function setLang(code) {
  if (!languages[code]) return;
  current = code;
  localStorage.setItem("parta.lang", code);
  document.documentElement.lang = code;
}
document.documentElement.lang = current;

/** The text for a key; a plural entry ({one, few, many, other}) is chosen by vars.count. */
export function t(key, vars = {}) {
  let entry = languages[current][key] ?? languages.ru[key];
  if (entry === undefined) return key;
  if (typeof entry === "object") {
    const rule = new Intl.PluralRules(locale()).select(Number(vars.count ?? 0));
    entry = entry[rule] ?? entry.other;
  }
  return entry.replace(/\{(\w+)\}/g, (_, name) => (vars[name] ?? `{${name}}`));
}

/** Whether a key exists (error codes the server may add later fall back to its message). */
export function has(key) { return languages[current][key] !== undefined; }

const defaultZone = "Europe/Moscow";
function zoned(options, zone) {
  try { return new Intl.DateTimeFormat(locale(), { ...options, timeZone: zone || defaultZone }); }
  catch { return new Intl.DateTimeFormat(locale(), { ...options, timeZone: defaultZone }); }
}

/** 05.12.2025 14:03 in the organization's zone. */
export function dateTime(iso, zone) {
  if (!iso) return "";
  return zoned({ day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }, zone).format(new Date(iso));
}
/** 05.12.2025 */
export function date(iso, zone) {
  if (!iso) return "";
  return zoned({ day: "2-digit", month: "2-digit", year: "numeric" }, zone).format(new Date(iso));
}
/** 14:03 */
export function time(iso, zone) {
  if (!iso) return "";
  return zoned({ hour: "2-digit", minute: "2-digit" }, zone).format(new Date(iso));
}
/** The instant (ISO, UTC) of a wall-clock date `2026-09-01` and time `18:30` in a zone: what a
 * form on the school's clock means wherever the browser is. */
export function zonedInstant(day, clock, zone) {
  const guess = new Date(`${day}T${clock}:00Z`);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone || defaultZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).formatToParts(guess);
  const part = (type) => Number(parts.find((p) => p.type === type).value);
  const shown = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"));
  return new Date(guess.getTime() - (shown - guess.getTime())).toISOString();
}
/** `2026-09-01` shifted by whole days (dates as UTC midnights: no daylight saving). */
export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
/** The Monday of the week of `2026-09-03`. */
export function mondayOf(iso) {
  return addDays(iso, -((new Date(`${iso}T00:00:00Z`).getUTCDay() + 6) % 7));
}
/** Today's date `2026-09-01` on the zone's clock (for date inputs). */
export function today(zone) {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone || defaultZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}
/** Time today, otherwise the date: for chat lists. */
export function shortWhen(iso, zone) {
  if (!iso) return "";
  const day = (d) => zoned({ day: "2-digit", month: "2-digit", year: "numeric" }, zone).format(d);
  return day(new Date(iso)) === day(new Date()) ? time(iso, zone) : day(new Date(iso));
}
/** 1,2 МБ */
export function fileSize(bytes) {
  const units = current === "ru" ? ["Б", "КБ", "МБ", "ГБ"] : ["B", "KB", "MB", "GB"];
  let value = bytes, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}
