"""A distance lesson with real media: Janus (the VideoRoom SFU), the server and headless Chromium
with a fake camera, all inside a network namespace `scripts/test` makes
(`unshare --net scripts/lib/netns-media.sh …`: Janus will not use a loopback interface). The
student receives the teacher's video (decoded frames counted by the video element), a student of
another class is refused, and at the lesson's end both windows say «Звонок завершён» and go back
to the main screen; the room is gone from Janus."""
import datetime
import os
import subprocess
import time
from zoneinfo import ZoneInfo

import pytest

from browser import Browser, chromium_available
from conftest import ROOT
from test_timetable import ORG, as_browser, lesson_people
from test_web import assert_clean, demo_env, run_cli

JANUS = os.environ.get("PARTA_MEDIA_JANUS_URL")
pytestmark = pytest.mark.skipif(not (JANUS and chromium_available()),
                                reason="runs in the network namespace scripts/test makes (scripts/lib/netns-media.sh)")

DECODED = """
const tiles = [...document.querySelectorAll('.tile[data-feed]:not([data-feed="me"]) video')];
return Math.max(0, ...tiles.map((v) => v.getVideoPlaybackQuality().totalVideoFrames));
"""


@pytest.fixture
def media_school(workdir, servers):
    run_cli(["demo", "--students", "60"], cwd=workdir, check=True)
    env = demo_env()
    env.update(PARTA_JANUS_URL=JANUS, PARTA_JANUS_ADMIN_KEY=os.environ["PARTA_MEDIA_JANUS_ADMIN_KEY"])
    return servers(workdir, ["--demo"], env=env).wait_ready()


def watch_without_joining(room, feed):
    """Asks Janus to watch `feed` in `room` as someone who only knows the numbers would: no token,
    no participant's private id. Answers Janus's error text (empty if it let them watch)."""
    import requests
    def post(path, body):
        return requests.post(JANUS + path, json={"transaction": "w", **body}, timeout=10).json()
    session = post("", {"janus": "create"})["data"]["id"]
    handle = post(f"/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"})["data"]["id"]
    post(f"/{session}/{handle}", {"janus": "message", "body": {"request": "join", "ptype": "subscriber", "room": room, "streams": [{"feed": feed}]}})
    deadline = time.time() + 10
    while time.time() < deadline:
        answer = requests.get(f"{JANUS}/{session}?maxev=5", timeout=35).json()
        for event in answer if isinstance(answer, list) else [answer]:
            data = (event.get("plugindata") or {}).get("data") or {}
            if data.get("error_code"):
                post(f"/{session}", {"janus": "destroy"})
                return data.get("error", "")
            if data.get("videoroom") == "attached":
                post(f"/{session}", {"janus": "destroy"})
                return ""
    post(f"/{session}", {"janus": "destroy"})
    return "no answer"


def janus_rooms():
    script = f'. {ROOT}/scripts/lib/janus.sh; PARTA_JANUS_URL={JANUS} PARTA_JANUS_ADMIN_KEY={os.environ["PARTA_MEDIA_JANUS_ADMIN_KEY"]} janus_rooms'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout.strip()


def test_a_student_receives_the_teachers_video_until_the_lesson_ends(media_school):
    school = media_school
    admin, zone, assignment, teacher, student, outsider = lesson_people(school.url, ["+79990004001", "+79990004002", "+79990004003"])
    assert admin.call("GET", "/readyz").json() == {"status": "ready", "media": "ok"}
    class_id = assignment["school_class"]["id"]

    now = datetime.datetime.now(ZoneInfo(zone)).replace(second=0, microsecond=0)
    lesson = admin.call("POST", f"{ORG}/lessons", json={
        "date": now.date().isoformat(), "class_id": class_id, "subject_id": assignment["subject"]["id"],
        "teacher_id": assignment["teacher"]["id"], "start": (now - datetime.timedelta(minutes=10)).strftime("%H:%M"),
        "end": (now + datetime.timedelta(minutes=2)).strftime("%H:%M")})
    assert lesson.status_code == 201, lesson.text
    distance = teacher.call("POST", f"{ORG}/lessons/{lesson.json()['id']}/distance-lesson").json()

    opened = []
    try:
        tb = Browser(school.url, name="teacher", media=True)
        opened.append(tb)
        as_browser(tb, teacher)
        tb.open(f"/#/lesson/1/{distance['id']}")
        tb.wait_text("Вы ведёте урок")
        tb.wait(lambda: tb.driver.execute_script(
            "const v = document.querySelector('.tile[data-feed=\"me\"] video'); return v && v.videoWidth > 0") or None,
            timeout=20, message="the teacher's own camera")

        sb = Browser(school.url, name="student", width=390, height=844, media=True)
        opened.append(sb)
        as_browser(sb, student)
        sb.open(f"/#/lesson/1/{distance['id']}")
        sb.wait_text("Вы на уроке")
        sb.wait(lambda: (sb.driver.execute_script(DECODED) or 0) > 10 or None, timeout=30, message="the teacher's video decoded")
        frames = sb.driver.execute_script(DECODED)
        print(f"BENCH e2e_student_decoded_frames {frames} frames")
        # and the teacher receives the student too (both publish)
        tb.wait(lambda: (tb.driver.execute_script(DECODED) or 0) > 0 or None, timeout=30, message="the student's video at the teacher")
        teacher_name = assignment["teacher"]["full_name"].split()
        caption = f"{teacher_name[0]} {teacher_name[1][0]}."
        sb.wait(lambda: any(caption in c.text for c in sb.all(".tile figcaption")) or None, message="the teacher's name on the tile")
        sb.shot("10-student-in-call")
        assert sb.no_horizontal_scroll()

        # Knowing the room and the teacher's feed is not enough to watch.
        grant = teacher.call("POST", f"{ORG}/distance-lessons/{distance['id']}/enter").json()["media"]
        assert "private_id" in watch_without_joining(grant["room"], grant["participant"])
        refused = outsider.call("POST", f"{ORG}/distance-lessons/{distance['id']}/enter")
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"
        assert janus_rooms(), "the call's room is on Janus while the lesson runs"

        for browser in (tb, sb):
            browser.wait_text("Звонок завершён", timeout=200)
        for browser in (tb, sb):
            browser.wait(lambda b=browser: b.driver.current_url.endswith("#/") or None, timeout=15, message="back on the main screen")
        deadline = time.time() + 40
        while janus_rooms() and time.time() < deadline:
            time.sleep(1)
        assert janus_rooms() == "", "the room is destroyed after the lesson"
        assert_clean(tb, sb)
    finally:
        for browser in opened:
            browser.close()
