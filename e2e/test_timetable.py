"""The timetable and distance lessons in headless Chromium against `parta serve --demo`: a
teacher makes a distance lesson of a lesson that runs now, a student enters it from the diary, a
lesson that starts later says so, a student of another class cannot enter, and at the end the
lesson's screen says «Звонок завершён» and goes back to the main screen. (Video in the lesson
comes with the calls work: issue 17.)"""
import datetime
import time
from zoneinfo import ZoneInfo

import pytest

from parta_client import link_person, sign_in
from test_web import ADMIN, assert_clean, browsers, chromium_available, school  # noqa: F401 (fixtures)

if not chromium_available():
    pytestmark = pytest.mark.skip(reason="needs Debian's chromium and chromium-driver")

ORG = "/api/v1/organizations/1"
# A zone where it is daytime now, so that a lesson can run now and another start later today.
ZONES = ["Europe/Moscow", "Asia/Yekaterinburg", "Asia/Novosibirsk", "Asia/Vladivostok", "Asia/Kamchatka",
         "Europe/Kaliningrad", "America/Sao_Paulo", "America/New_York", "America/Los_Angeles", "Pacific/Honolulu"]


def daytime_zone():
    for zone in ZONES:
        if 7 <= datetime.datetime.now(ZoneInfo(zone)).hour < 19:
            return zone
    raise AssertionError("no daytime zone in the list")


def as_browser(browser, session):
    """Opens the app in `browser` already signed in as `session` (its token in localStorage)."""
    browser.open("/#/signin")
    browser.driver.execute_script("localStorage.setItem('parta.token', arguments[0])", session.token)


def lesson_people(url, phones):
    """The demo school in a zone where it is daytime, a whole-class assignment, and its teacher, a
    student of its class and a student of another class linked to `phones` (three).
    Answers (admin, zone, assignment, teacher, student, outsider)."""
    admin = sign_in(url, ADMIN)
    zone = daytime_zone()
    assert admin.call("PATCH", ORG, json={"time_zone": zone}).status_code == 200
    assignment = next(a for a in admin.call("GET", f"{ORG}/assignments").json()["items"] if not a["group"])
    class_id = assignment["school_class"]["id"]
    students = admin.call("GET", f"{ORG}/classes/{class_id}/students").json()["items"]
    other_class = next(c for c in admin.call("GET", f"{ORG}/classes").json()["items"] if c["id"] != class_id)
    outsider_person = admin.call("GET", f"{ORG}/classes/{other_class['id']}/students").json()["items"][0]
    teacher = link_person(url, admin, assignment["teacher"]["id"], phones[0])
    student = link_person(url, admin, students[0]["id"], phones[1])
    outsider = link_person(url, admin, outsider_person["id"], phones[2])
    return admin, zone, assignment, teacher, student, outsider


def test_a_distance_lesson_from_the_teachers_week_to_the_students_diary(school, browsers):
    admin, zone, assignment, teacher, student, outsider = lesson_people(school.url, ["+79990003001", "+79990003002", "+79990003003"])
    class_id = assignment["school_class"]["id"]

    # Two lessons today: one that runs now and ends within two minutes, one three hours later.
    now = datetime.datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0)
    today = now.date().isoformat()
    base = {"date": today, "class_id": class_id, "subject_id": assignment["subject"]["id"], "teacher_id": assignment["teacher"]["id"]}
    running = admin.call("POST", f"{ORG}/lessons", json={**base, "start": (now - datetime.timedelta(minutes=20)).strftime("%H:%M"),
                                                         "end": (now + datetime.timedelta(minutes=2)).strftime("%H:%M"), "topic": "Сейчас"})
    assert running.status_code == 201, running.text
    later_start = (now + datetime.timedelta(hours=3)).strftime("%H:%M")
    later = admin.call("POST", f"{ORG}/lessons", json={**base, "start": later_start,
                                                       "end": (now + datetime.timedelta(hours=3, minutes=45)).strftime("%H:%M"), "topic": "Потом"})
    assert later.status_code == 201, later.text

    # The teacher makes both distance lessons from their week.
    tb = browsers(school.url, name="teacher")
    as_browser(tb, teacher)
    tb.open("/#/timetable")
    tb.wait_text("Мои уроки", "h2")
    for lesson in (running.json(), later.json()):
        tb.click_in_row(".lesson", lesson["topic"], "button")
        tb.wait(lambda: any("Дистанционный урок" in row.text and lesson["topic"] in row.text for row in tb.all(".lesson")) or None,
                message="the distance lesson on the row")
    made = admin.call("GET", f"{ORG}/lessons/{running.json()['id']}").json()["distance_lesson"]
    subject = assignment["subject"]["name"]
    assert made["name"] == f"Урок по предмету «{subject}» от {now.strftime('%d.%m.%Y')} {(now - datetime.timedelta(minutes=20)).strftime('%H:%M')}"
    tb.shot("9-teacher-week")

    # The student enters from the diary; the later one has not started.
    sb = browsers(school.url, name="student", width=390, height=844)
    as_browser(sb, student)
    sb.open("/#/timetable")
    sb.wait_text("Дневник:", "h2")
    sb.click_in_row(".lesson", "Потом", "button")
    sb.wait_text(f"Дистанционный урок ещё не начался. Начало в {later_start}.", "[role=alert]")
    sb.click_in_row(".lesson", "Сейчас", "button")
    sb.wait_text("Вы на уроке")
    sb.shot("9-student-lesson")
    assert sb.no_horizontal_scroll()

    # Another class's student is refused, and does not see the lesson in their diary.
    refused = outsider.call("POST", f"{ORG}/distance-lessons/{made['id']}/enter")
    assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    ob = browsers(school.url, name="outsider")
    as_browser(ob, outsider)
    ob.open("/#/timetable")
    ob.wait_text("Дневник:", "h2")
    assert "Сейчас" not in ob.find("main").text

    # The teacher enters too; at the end both are told the call is over and go back home.
    tb.click_in_row(".lesson", "Сейчас", "button")
    tb.wait_text("Вы ведёте урок")
    deadline = time.time() + 180
    for browser in (tb, sb):
        browser.wait_text("Звонок завершён", timeout=max(5, deadline - time.time()))
    for browser in (tb, sb):
        browser.wait(lambda b=browser: b.driver.current_url.endswith("#/") or None, timeout=15, message="back on the main screen")
    ended = student.call("POST", f"{ORG}/distance-lessons/{made['id']}/enter")
    assert ended.status_code == 410 and ended.json()["error"] == "lesson_ended"
    assert_clean(tb, sb, ob)


def test_the_administrator_keeps_a_class_week_by_hand(school, browsers):
    """The console's timetable: a lesson added for a class from its assignments, changed,
    cancelled and restored, deleted — each seen in the class's week and over the API."""
    admin = sign_in(school.url, ADMIN)
    assignment = next(a for a in admin.call("GET", f"{ORG}/assignments").json()["items"] if not a["group"])
    school_class = assignment["school_class"]
    today = datetime.datetime.now(ZoneInfo(admin.call("GET", ORG).json()["time_zone"])).date()  # the console's week is the school's
    monday = today - datetime.timedelta(days=today.weekday())
    wednesday = (monday + datetime.timedelta(days=2)).isoformat()

    def week():
        return admin.call("GET", f"{ORG}/classes/{school_class['id']}/timetable",
                          params={"from": monday.isoformat(), "to": (monday + datetime.timedelta(days=6)).isoformat()}).json()["items"]
    before = len(week())

    ab = browsers(school.url, name="admin")
    as_browser(ab, admin)
    ab.open("/#/org/1/lessons")
    ab.wait_text("Расписание", "nav")
    ab.select("select[name=class]", school_class["name"])
    ab.driver.execute_script("const f = document.querySelector('.lesson-form'); f.querySelector('[name=date]').value = arguments[0];"
                             "f.querySelector('[name=start]').value = '13:05'; f.querySelector('[name=end]').value = '13:50';", wednesday)
    ab.select("select[name=teaching]", f"{assignment['subject']['name']} — {assignment['teacher']['full_name']}")
    ab.type("input[name=topic]", "Контрольная работа")
    ab.type("input[name=room]", "214")
    ab.click("Добавить урок")
    ab.wait_text("Контрольная работа", ".lessons-list")
    made = [l for l in week() if l["topic"] == "Контрольная работа"]
    assert len(made) == 1 and len(week()) == before + 1
    lesson = made[0]
    assert (lesson["date"], lesson["start"], lesson["end"], lesson["room"], lesson["subject"]["id"], lesson["teacher"]["id"]) == (
        wednesday, "13:05", "13:50", "214", assignment["subject"]["id"], assignment["teacher"]["id"])

    # Changed: the form takes the lesson, the change is saved in place.
    ab.click_in_row(".lessons-list tr", "Контрольная работа", "button")
    ab.wait_text("Изменить урок", ".lesson-form")
    ab.type("input[name=topic]", "Самостоятельная работа")
    ab.click("Сохранить", ".lesson-form button")
    ab.wait_text("Самостоятельная работа", ".lessons-list")
    changed = admin.call("GET", f"{ORG}/lessons/{lesson['id']}").json()
    assert changed["topic"] == "Самостоятельная работа" and changed["room"] == "214" and len(week()) == before + 1

    # Cancelled and restored, then deleted after asking.
    ab.click_in_row(".lessons-list tr", "Самостоятельная работа", f"[data-lesson-id='{lesson['id']}'] button:nth-child(2)")
    ab.wait_text("Отменён", ".lessons-list")
    assert admin.call("GET", f"{ORG}/lessons/{lesson['id']}").json()["cancelled"] is True
    ab.click("Вернуть", ".lessons-list button")
    ab.wait(lambda: admin.call("GET", f"{ORG}/lessons/{lesson['id']}").json()["cancelled"] is False or None, message="restored")
    ab.click_in_row(".lessons-list tr", "Самостоятельная работа", "button.danger")
    ab.click("Удалить", "dialog button")
    ab.wait(lambda: "Самостоятельная работа" not in ab.find(".lessons-list").text or None, message="the lesson gone")
    assert admin.call("GET", f"{ORG}/lessons/{lesson['id']}").status_code == 404 and len(week()) == before
    assert ab.no_horizontal_scroll()
    assert_clean(ab)
