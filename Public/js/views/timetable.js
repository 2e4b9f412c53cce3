// The week: the lessons I teach, my diary, my children's diaries — a week at a time, with the
// distance lessons on their lessons' rows; and the distance lesson's own screen, which ends
// with the lesson.
import { h, replace, select, errorLine } from "../dom.js";
import { t, addDays } from "../i18n.js";
import { get, post, errorText } from "../api.js";
import { notify } from "../widgets.js";
import { callScreen } from "../call-screen.js";

/** The weekday and date of `2026-09-01`: «вт, 01.09». */
function dayTitle(iso) {
  const d = new Date(`${iso}T00:00:00Z`);
  const weekday = t(`weekday.${(d.getUTCDay() + 6) % 7 + 1}`);
  return `${weekday}, ${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
}

export async function timetableView(app, organizationID, from) {
  const organizations = app.me.organizations;
  const orgID = organizationID || organizations[0]?.id;
  if (!orgID) return { node: h("div", { class: "page" }, h("h1", {}, t("timetable.title")), h("p", {}, t("home.no_organizations"))), title: t("timetable.title") };
  const org = app.organization(orgID);
  const error = errorLine();
  let week;
  try {
    week = await get(`/organizations/${orgID}/timetable`, from ? { from } : {});
  } catch (e) {
    return { node: h("div", { class: "page" }, h("h1", {}, t("timetable.title")), errorLine(errorText(e))), title: t("timetable.title") };
  }
  const go = (monday) => app.go(`#/timetable/${orgID}/${monday}`);

  async function enter(distance) {
    try {
      await post(`/organizations/${orgID}/distance-lessons/${distance.id}/enter`);
      app.go(`#/lesson/${orgID}/${distance.id}`);
    } catch (e) { error.textContent = errorText(e); }
  }

  async function makeDistance(lesson, button) {
    button.disabled = true;
    try {
      await post(`/organizations/${orgID}/lessons/${lesson.id}/distance-lesson`);
      notify(t("timetable.distance_made"));
      app.go(`#/timetable/${orgID}/${week.from}`);
    } catch (e) { button.disabled = false; error.textContent = errorText(e); }
  }

  function lessonRow(lesson, { teaching, canEnter }) {
    const distance = lesson.distance_lesson;
    const what = [lesson.school_class.name + (lesson.group ? ` (${lesson.group})` : ""), lesson.room ? t("timetable.room", { room: lesson.room }) : null];
    const actions = [];
    if (distance && !lesson.cancelled && lesson.state !== "ended" && canEnter) {
      actions.push(h("button", { type: "button", class: "primary", onclick: () => enter(distance) }, t("timetable.enter")));
    }
    if (!distance && teaching && !lesson.cancelled && lesson.state !== "ended") {
      const button = h("button", { type: "button", onclick: () => makeDistance(lesson, button) }, t("timetable.make_distance"));
      actions.push(button);
    }
    return h("li", { class: `lesson ${lesson.state}${lesson.cancelled ? " cancelled" : ""}`, "data-lesson-id": lesson.id },
      h("span", { class: "lesson-time" }, `${lesson.start}–${lesson.end}`),
      h("div", { class: "lesson-body" },
        h("strong", {}, lesson.subject.name),
        h("span", { class: "muted" }, " · ", what.filter(Boolean).join(" · "), teaching ? "" : ` · ${lesson.teacher.short_name}`),
        lesson.topic ? h("p", { class: "lesson-topic" }, lesson.topic) : null,
        distance ? h("p", { class: "lesson-distance" }, h("span", { class: "badge" }, t("timetable.distance")), distance.name) : null),
      h("span", { class: "lesson-state" },
        lesson.cancelled ? h("span", { class: "badge" }, t("timetable.cancelled"))
          : lesson.state === "running" ? h("span", { class: "badge now" }, t("timetable.running")) : null,
        actions));
  }

  function days(lessons, options) {
    if (!lessons.length) return h("p", { class: "muted" }, t("timetable.no_lessons"));
    const byDay = new Map();
    for (const lesson of lessons) byDay.set(lesson.date, [...(byDay.get(lesson.date) || []), lesson]);
    return h("div", { class: "week" }, [...byDay].map(([day, list]) => h("section", { class: "timetable-day card" },
      h("h3", {}, dayTitle(day)), h("ol", { class: "lessons" }, list.map((lesson) => lessonRow(lesson, options))))));
  }

  const orgPicker = organizations.length > 1 ? select(organizations.map((o) => [String(o.id), o.short_name || o.full_name]), String(orgID), {
    "aria-label": t("timetable.organization"), onchange: (event) => app.go(`#/timetable/${event.target.value}`),
  }) : null;
  const nothing = !week.teaching.length && !week.diaries.length;
  const node = h("div", { class: "page timetable" },
    h("h1", {}, t("timetable.title")),
    h("div", { class: "row week-nav" }, orgPicker,
      h("button", { type: "button", onclick: () => go(addDays(week.from, -7)) }, t("timetable.previous")),
      h("button", { type: "button", onclick: () => app.go(`#/timetable/${orgID}`) }, t("timetable.this_week")),
      h("button", { type: "button", onclick: () => go(addDays(week.from, 7)) }, t("timetable.next")),
      h("span", { class: "muted" }, `${dayTitle(week.from)} — ${dayTitle(week.to)}`)),
    error,
    week.teaching.length || org?.roles.includes("teacher") ? h("section", { "aria-labelledby": "teaching-h" },
      h("h2", { id: "teaching-h" }, t("timetable.teaching")), days(week.teaching, { teaching: true, canEnter: true })) : null,
    week.diaries.map((diary) => h("section", { class: "diary", "data-student-id": diary.student_id },
      h("h2", {}, t("timetable.diary", { name: diary.student_name })), days(diary.lessons, { teaching: false, canEnter: diary.own }))),
    nothing && !org?.roles.includes("teacher") ? h("p", {}, t("timetable.nothing")) : null);
  return { node, title: t("timetable.title") };
}

/** A distance lesson while it runs: the call's screen; at the end everyone is told the call is
 * over and taken back to the main screen. */
export async function distanceLessonView(app, organizationID, distanceID) {
  const back = `#/timetable/${organizationID}`;
  const base = `/organizations/${organizationID}/distance-lessons/${distanceID}`;
  let entry;
  try {
    entry = await post(`${base}/enter`);
  } catch (e) {
    return { node: h("div", { class: "page" }, h("h1", {}, t("timetable.distance")), errorLine(errorText(e)),
      h("a", { class: "button", href: back }, t("timetable.back"))), title: t("timetable.distance") };
  }
  const lesson = entry.distance_lesson.lesson;
  const status = h("p", { class: "lesson-status", role: "status" }, t("timetable.until", { time: lesson.end }));
  let leaving;
  const screen = callScreen({
    grant: entry.media, publish: entry.role !== "observer", status, leaveLabel: t("timetable.leave"),
    heading: h("p", {}, h("strong", {}, lesson.subject.name), " · ", lesson.school_class.name, lesson.group ? ` (${lesson.group})` : "",
      " · ", lesson.teacher.short_name, " ", h("span", { class: "badge" }, t(`timetable.role.${entry.role}`))),
    leave: () => post(`${base}/leave`),
    // Left by the button: back to the week; ended: the main screen after a moment to read why.
    ended: (message) => { if (message) leaving = setTimeout(() => app.go("#/"), 3000); else app.go(back); },
  });
  const node = h("div", { class: "page distance-lesson" }, h("h1", {}, entry.distance_lesson.name), screen.node);
  const endsAt = new Date(entry.ends_at).getTime();
  const timer = setInterval(() => {
    if (Date.now() < endsAt) return;
    clearInterval(timer);
    screen.finish(t("timetable.call_ended"));
  }, 1000);
  return {
    node, title: entry.distance_lesson.name,
    cleanup: () => { clearInterval(timer); clearTimeout(leaving); screen.close(); },
  };
}
