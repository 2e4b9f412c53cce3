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
from parta_client import link_person
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


@pytest.fixture
def relayed_school(workdir, servers):
    """The demo school whose calls go only through a private coturn (PARTA_TURN_RELAY_ONLY)."""
    started = subprocess.run(["bash", "-c", f". {ROOT}/scripts/lib/coturn.sh && coturn_start 127.0.0.2 3479 127.0.0.2 >/dev/null && "
                              "echo $PARTA_COTURN_PID $PARTA_COTURN_ROOT $PARTA_TURN_SECRET"], capture_output=True, text=True, check=True)
    pid, root, secret = started.stdout.split()
    try:
        run_cli(["demo", "--students", "60"], cwd=workdir, check=True)
        env = demo_env()
        env.update(PARTA_JANUS_URL=JANUS, PARTA_JANUS_ADMIN_KEY=os.environ["PARTA_MEDIA_JANUS_ADMIN_KEY"],
                   PARTA_TURN_URLS="turn:127.0.0.2:3479?transport=udp", PARTA_TURN_SECRET=secret, PARTA_TURN_RELAY_ONLY="true")
        yield servers(workdir, ["--demo"], env=env).wait_ready()
    finally:
        subprocess.run(["kill", pid])
        subprocess.run(["rm", "-rf", root])


# Keeps every RTCPeerConnection the page makes, so the test can read which candidates carried the media.
RECORD_PEERS = """
window.__peers = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = function (...args) { const pc = new Native(...args); window.__peers.push(pc); return pc; };
window.RTCPeerConnection.prototype = Native.prototype;
"""

RELAYED = """
const done = arguments[arguments.length - 1];
Promise.all(window.__peers.filter((pc) => pc.connectionState === 'connected').map(async (pc) => {
  const stats = [...(await pc.getStats()).values()];
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  const local = pair && stats.find((s) => s.id === pair.localCandidateId);
  return [pc.getConfiguration().iceTransportPolicy, local ? local.candidateType : 'none'];
})).then(done);
"""


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

        # Observers only watch: an administrator's page modified to publish is put out of the
        # call at the sweeper's next pass, and the students never see them listed.
        entry = admin.call("POST", f"{ORG}/distance-lessons/{distance['id']}/enter").json()
        assert entry["role"] == "observer"
        call_id = entry["media"]["call_id"]
        names = [p["role"] for p in student.call("GET", f"/api/v1/calls/{call_id}/state").json()["people"]]
        assert "observer" not in names and "host" in names, names
        ob = Browser(school.url, name="observer", media=True)
        opened.append(ob)
        as_browser(ob, admin)
        ob.open("/#/")
        ob.driver.execute_script(
            "import('/js/media.js').then((m) => { window.rogue = new m.MediaCall(arguments[0], { display: 'x', publish: true }); window.rogue.start(); })",
            entry["media"])
        deadline = time.time() + 45
        while admin.call("GET", f"/api/v1/calls/{call_id}/state").status_code == 200 and time.time() < deadline:
            time.sleep(1)
        assert admin.call("GET", f"/api/v1/calls/{call_id}/state").status_code == 404, "the publishing observer is out"
        ob.close()
        opened.remove(ob)

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


TILES = "return document.querySelectorAll('.tile[data-feed]:not([data-feed=\"me\"])').length"


def open_chat(browser, name):
    """Opens the chat named `name` from the list (as a person does)."""
    browser.open("/#/chats")
    browser.wait(lambda: next((e for e in browser.all(".chat-item") if name in e.text), None), message=f"chat {name}").click()
    browser.find(".chat-header")


def test_a_direct_call_then_a_staff_room_meeting_with_three_browsers(media_school):
    school = media_school
    admin, zone, assignment, teacher, student, outsider = lesson_people(school.url, ["+79990004011", "+79990004012", "+79990004013"])
    others = [p for p in admin.call("GET", f"{ORG}/persons", params={"role": "teacher", "per_page": 50}).json()["items"]
              if p["id"] != assignment["teacher"]["id"]]
    colleague = link_person(school.url, admin, others[0]["id"], "+79990004014")
    second = link_person(school.url, admin, others[1]["id"], "+79990004015")
    student_account = student.me()["account"]["id"]
    direct = teacher.call("POST", f"{ORG}/direct-chats", json={"account_id": student_account})
    assert direct.status_code == 200, direct.text
    direct = direct.json()
    # The student may not start a call in the class chat: only in direct chats.
    class_chat = next(c for c in student.call("GET", "/api/v1/me/chats").json()["items"] if c["type"] == "class")
    refused = student.call("POST", f"/api/v1/chats/{class_chat['id']}/calls", json={"media": "video"})
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden", refused.text

    opened = []
    try:
        # A direct video call: the teacher calls from the chat, the student joins from its banner.
        tb = Browser(school.url, name="teacher", media=True)
        opened.append(tb)
        as_browser(tb, teacher)
        tb.open(f"/#/chats/{direct['id']}")
        tb.find(".call-start.video").click()
        tb.wait_text("Идёт видеозвонок", ".call-screen")
        sb = Browser(school.url, name="student", width=390, height=844, media=True)
        opened.append(sb)
        as_browser(sb, student)
        sb.open(f"/#/chats/{direct['id']}")
        sb.wait_text("Идёт видеозвонок", ".call-banner")
        assert not sb.all(".call-start"), "nothing to start: the call runs"
        sb.click("Присоединиться")
        sb.wait(lambda: (sb.driver.execute_script(DECODED) or 0) > 10 or None, timeout=30, message="the teacher's video decoded")
        tb.wait(lambda: (tb.driver.execute_script(DECODED) or 0) > 0 or None, timeout=30, message="the student's video at the teacher")
        sb.shot("11-direct-call-phone")
        assert sb.no_horizontal_scroll()
        # The student leaves; the teacher is the last one out, and the call ends with its line in the chat.
        sb.click("Выйти из звонка")
        sb.wait(lambda: sb.driver.current_url.endswith(f"#/chats/{direct['id']}") or None, message="back in the chat")
        tb.click("Выйти из звонка")
        for browser in (tb, sb):
            browser.wait_text("2 участника", ".call-line", timeout=20)
        tb.shot("11-direct-call-in-the-chat")
        calls = student.call("GET", f"/api/v1/chats/{direct['id']}/calls").json()["items"]
        assert len(calls) == 1 and calls[0]["call"]["media"] == "video" and calls[0]["participants"] == 2 and calls[0]["call"].get("ended_at")
        sb.close()
        opened.remove(sb)

        # A meeting in the staff room, planned from the chat, with three browsers in it.
        ab = Browser(school.url, name="second", media=True)
        cb = Browser(school.url, name="colleague", media=True)
        opened.extend([ab, cb])
        for browser, session in ((tb, teacher), (ab, second), (cb, colleague)):
            as_browser(browser, session)
            open_chat(browser, "Учительская")
        tb.click("Запланировать встречу")
        tb.type("dialog input[name=title]", "Педсовет")
        now = datetime.datetime.now(ZoneInfo(zone))
        tb.driver.execute_script(
            "const d = document.querySelector('dialog'); d.querySelector('[name=day]').value = arguments[0];"
            "d.querySelector('[name=from]').value = arguments[1]; d.querySelector('[name=to]').value = arguments[2];",
            now.date().isoformat(), now.strftime("%H:%M"), (now + datetime.timedelta(minutes=30)).strftime("%H:%M"))
        tb.click("Запланировать", "dialog button")
        tb.wait_text("Встреча запланирована.")
        for browser in (tb, ab, cb):
            browser.wait_text("Педсовет", ".meetings", timeout=20)
            browser.click("Войти на встречу")
            browser.find(".call-screen")
        for browser in (tb, ab, cb):
            browser.wait(lambda b=browser: (b.driver.execute_script(TILES) or 0) >= 2 or None, timeout=40, message="the two others' tiles")
            browser.wait(lambda b=browser: (b.driver.execute_script(DECODED) or 0) > 0 or None, timeout=40, message="video from the others")
        cb.shot("12-staff-meeting")
        staff = next(c for c in teacher.call("GET", "/api/v1/me/chats").json()["items"] if c["type"] == "staff_room")
        meeting = teacher.call("GET", f"/api/v1/chats/{staff['id']}/meetings").json()["items"][0]
        assert meeting["title"] == "Педсовет" and meeting["state"] == "open" and meeting.get("call_id")
        # The host shares the screen: everyone gets it as a tile named after them, then it goes.
        tb.click("Показать экран")
        host_name = teacher.call("GET", f"/api/v1/calls/{meeting['call_id']}/state").json()["me"]["name"]
        for browser in (ab, cb):
            browser.wait(lambda b=browser: any(f"Экран: {host_name}" in c.text for c in b.all(".tile.screen figcaption")) or None,
                         timeout=30, message="the host's screen")
        cb.wait(lambda: cb.driver.execute_script(
            "const v = document.querySelector('.tile.screen video'); return v && v.getVideoPlaybackQuality().totalVideoFrames > 5") or None,
            timeout=30, message="the screen's frames decoded")
        cb.shot("13-shared-screen")
        tb.click("Показать экран")
        for browser in (ab, cb):
            browser.wait(lambda b=browser: not b.all(".tile.screen") or None, timeout=20, message="the screen gone")

        # Inside it: a raised hand shows to everyone, the host mutes everyone and removes someone.
        cb.click("Поднять руку")
        for browser in (tb, ab):
            browser.wait_text("Подняли руку", ".hands", timeout=10)
        tb.click("Выключить микрофоны всем")
        microphone = lambda: cb.button("Микрофон").get_attribute("aria-pressed")  # noqa: E731
        cb.wait(lambda: microphone() == "false" or None, timeout=10, message="the microphone turned off by the host")
        assert tb.button("Микрофон").get_attribute("aria-pressed") == "true", "the host keeps their own"
        surname = others[1]["full_name"].split()[0]
        tb.click_in_row(".tile", surname, "button.remove")
        tb.click("Удалить из звонка", "dialog button")
        ab.wait_text("Ведущий удалил вас из звонка.", timeout=15)
        ab.wait(lambda: ab.driver.current_url.endswith(f"#/chats/{staff['id']}") or None, timeout=15, message="back in the chat")
        back = second.call("POST", f"/api/v1/chats/{staff['id']}/meetings/{meeting['id']}/join")
        assert back.status_code == 403 and back.json()["error"] == "removed_from_call", back.text
        tb.wait(lambda: (tb.driver.execute_script(TILES) or 0) == 1 or None, timeout=20, message="the removed one's tile gone")

        # Whoever planned it ends it for everyone: every window says so and goes back to the chat.
        tb.click("Завершить для всех")
        for browser in (tb, cb):
            browser.wait_text("Звонок завершён", timeout=20)
            browser.wait(lambda b=browser: b.driver.current_url.endswith(f"#/chats/{staff['id']}") or None, timeout=15, message="back in the chat")
        deadline = time.time() + 20
        while janus_rooms() and time.time() < deadline:
            time.sleep(1)
        assert janus_rooms() == "", "no room is left on Janus"
        assert_clean(tb, ab, cb)
        audit = admin.call("GET", f"{ORG}/audit", params={"action": "calls.participant_removed"}).json()["items"]
        assert [entry["details"] for entry in audit] == [{"account": str(second.me()["account"]["id"])}]
    finally:
        for browser in opened:
            browser.close()


def test_calls_forced_through_coturn_still_carry_video(relayed_school):
    school = relayed_school
    admin, zone, assignment, teacher, student, outsider = lesson_people(school.url, ["+79990004021", "+79990004022", "+79990004023"])
    direct = teacher.call("POST", f"{ORG}/direct-chats", json={"account_id": student.me()["account"]["id"]}).json()
    opened = []
    try:
        browsers = []
        for name, session in (("teacher", teacher), ("student", student)):
            browser = Browser(school.url, name=name, media=True)
            opened.append(browser)
            browser.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_PEERS})
            as_browser(browser, session)
            browsers.append(browser)
        tb, sb = browsers
        tb.open(f"/#/chats/{direct['id']}")
        tb.find(".call-start.video").click()
        tb.find(".call-screen")
        sb.open(f"/#/chats/{direct['id']}")
        sb.click("Присоединиться")
        sb.wait(lambda: (sb.driver.execute_script(DECODED) or 0) > 10 or None, timeout=40, message="the teacher's video through coturn")
        for browser in (tb, sb):
            peers = browser.driver.execute_async_script(RELAYED)
            assert peers and all(p == ["relay", "relay"] for p in peers), f"{browser.name}: {peers}"
        grant = teacher.call("POST", f"/api/v1/chats/{direct['id']}/calls").json()["media"]
        assert grant["ice_transport_policy"] == "relay" and grant["ice_servers"][0]["urls"] == ["turn:127.0.0.2:3479?transport=udp"]
        sb.click("Выйти из звонка")
        tb.click("Выйти из звонка")
        for browser in (tb, sb):
            browser.wait_text("участника", ".call-line", timeout=20)
        assert_clean(tb, sb)
    finally:
        for browser in opened:
            browser.close()
