"""The web client in headless Chromium against a real `parta serve --demo` on a demo school
(docs: README, issue 7's three scenarios). Screenshots of the key screens are saved as
artifacts in `.build/artifacts/browser/` (or `$PARTA_ARTIFACTS`)."""
import base64
import os
import re
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests
from selenium.webdriver.support.ui import Select

from browser import Browser, chromium_available
from conftest import run_cli, clean_env
from parta_client import Session, latest_code, link_person, sign_in

if not chromium_available():
    if os.environ.get("PARTA_TEST_REQUIRE_BROWSER") == "1":
        raise RuntimeError("PARTA_TEST_REQUIRE_BROWSER=1 but chromium or chromedriver is missing")
    pytestmark = pytest.mark.skip(reason="needs Debian's chromium and chromium-driver")

ADMIN = "+79000000010"


@pytest.fixture
def school(workdir, servers):
    """A demo school with a generated roster (and its roster chats), served in demo mode."""
    run_cli(["demo", "--students", "60"], cwd=workdir, check=True)
    return servers(workdir, ["--demo"], env=demo_env()).wait_ready()


def demo_env():
    """Several people sign in from one address within a minute: lift the per-phone resend wait
    and the per-address cap, which the sign-in tests cover."""
    return clean_env(PARTA_CODE_RESEND_INTERVAL=0, PARTA_CODE_ADDRESS_HOURLY_LIMIT=1000)


@pytest.fixture
def browsers():
    opened = []

    def open_browser(url, **kwargs):
        browser = Browser(url, **kwargs)
        opened.append(browser)
        return browser

    yield open_browser
    for browser in opened:
        browser.close()


def assert_clean(*browsers):
    """No script errors and no Content-Security-Policy violations in any console."""
    for browser in browsers:
        errors = browser.errors()
        assert not errors, f"{browser.name} console: {errors}"


def test_invite_join_accept_and_live_staff_room(school, browsers):
    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)

    # The administrator creates a teacher invite in the console and sees its QR code and link.
    admin.click("Управление")
    admin.click("Приглашения")
    admin.select("select[name=role]", "Учитель")
    admin.click("Создать приглашение")
    link_box = admin.find(".issued input.mono")
    invite_url = link_box.get_attribute("value")
    assert re.fullmatch(re.escape(school.url) + r"/join/[\w-]+", invite_url), invite_url
    qr = admin.find(".issued img.qr")
    assert admin.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr)
    admin.shot("1-admin-invite-created")

    # Later — the page opened afresh — the same link and QR code are shown again from the list.
    admin.driver.refresh()
    admin.wait(lambda: not admin.all(".issued") and admin.all("tbody tr") or None, message="the invites list, without the new link")
    admin.click_in_row("tbody tr", "Учитель", "button")
    shown = admin.find(".issued input.mono")
    assert shown.get_attribute("value") == invite_url
    assert "открыть снова" not in admin.find(".issued").text and "ещё действует" in admin.find(".issued").text
    assert admin.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", admin.find(".issued img.qr"))

    # A new person opens the link in another browser, signs in with a new phone, names
    # themselves and applies.
    teacher = browsers(school.url, name="teacher")
    teacher.driver.get(invite_url)
    teacher.wait_text("Приглашение в")
    teacher.wait_text("Учитель", "dl.facts")
    teacher.shot("1-teacher-invite-opened")
    teacher.click("Войти и подать заявку")
    teacher.sign_in("+79990001122", name=("Новикова", "Ирина"))
    teacher.find("form.apply")
    assert teacher.find("input[name=surname]").get_attribute("value") == "Новикова"
    teacher.type("input[name=patronymic]", "Сергеевна")
    teacher.click("Подать заявку")
    teacher.wait_text("Заявка отправлена")
    teacher.shot("1-teacher-applied")

    # The administrator accepts it from the queue as a new roster person.
    admin.click("Заявки")
    admin.wait_text("Новикова Ирина Сергеевна")
    admin.click("Рассмотреть")
    admin.find(".review")
    admin.shot("1-admin-review-request")
    admin.click("Принять")
    admin.wait_text("заявка принята")
    admin.wait_text("Заявок нет.")

    # The teacher sees the outcome at home and the staff room in the messenger, live.
    teacher.open("/#/")
    teacher.wait_text("Принята")
    teacher.wait_text("Подтверждён")
    teacher.click("Чаты")
    staff_room = teacher.wait(lambda: next((e for e in teacher.all(".chat-item") if "Учительская" in e.text), None), message="staff room in the list")
    staff_room.click()
    teacher.find("textarea[name=text]")

    admin.click("Чаты")
    admin.wait(lambda: next((e for e in admin.all(".chat-item") if "Учительская" in e.text), None), message="admin's staff room").click()
    admin.find("textarea[name=text]")

    # A message sent by one appears in the other's window without reloading.
    teacher.type("textarea[name=text]", "Добрый день, коллеги! <b>не разметка</b>")
    teacher.press_enter("textarea[name=text]")
    admin.wait_text("Добрый день, коллеги! <b>не разметка</b>", ".msg .text")
    assert not admin.driver.find_elements("css selector", ".msg .text b"), "user text must never become markup"
    admin.wait_text("Новикова Ирина Сергеевна", ".msg .sender")
    # Screen readers hear the new message once, with its sender (not the whole chat again).
    admin.wait(lambda: admin.driver.execute_script("return document.querySelector('.messenger .announcer').textContent")
               == "Новикова Ирина Сергеевна: Добрый день, коллеги! <b>не разметка</b>" or None, message="announcement")
    assert admin.driver.execute_script("return document.querySelector('.messages').getAttribute('aria-live')") is None
    # Seen in an open chat means read: the marker reaches the server (once the burst settles).
    admin_api = Session(school.url, admin.driver.execute_script("return localStorage.getItem('parta.token')"))
    staff_unread = lambda: next(c for c in admin_api.call("GET", "/api/v1/me/chats").json()["items"] if c["name"] == "Учительская")["unread"]
    admin.wait(lambda: staff_unread() == 0 or None, message="read marker on the server")
    admin.type("textarea[name=text]", "Здравствуйте, Ирина Сергеевна!")
    admin.click("Отправить")
    teacher.wait_text("Здравствуйте, Ирина Сергеевна!", ".msg .text")
    # Each message exactly once on both sides.
    for browser in (admin, teacher):
        texts = [e.text for e in browser.all(".msg .text")]
        assert texts.count("Здравствуйте, Ирина Сергеевна!") == 1, texts
        assert texts.count("Добрый день, коллеги! <b>не разметка</b>") == 1, texts
    teacher.shot("1-teacher-staff-room")
    admin.shot("1-admin-staff-room")
    assert_clean(admin, teacher)


def link_teacher(url, admin_session, name, phone):
    """Links the roster teacher named `name` to a new phone; returns the person and the session."""
    people = admin_session.call("GET", "/api/v1/organizations/1/persons", params={"role": "teacher", "q": name, "per_page": 10}).json()["items"]
    return people[0], link_person(url, admin_session, people[0]["id"], phone)


def test_chat_management_filter_create_pick_admin_delete(school, browsers):
    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)
    setup = Session(school.url, admin.driver.execute_script("return localStorage.getItem('parta.token')"))
    link_teacher(school.url, setup, "Виноградова Галина", "+79990002233")

    # The member whose chat list stays open while the administrator works.
    member = browsers(school.url, name="member")
    member.open("/")
    member.sign_in("+79990002233")
    member.click("Чаты")
    member.wait(lambda: len(member.all(".chat-item")) > 0 or None, message="member's chats")

    # Filter the list by type and name.
    admin.click("Управление")
    admin.click("Чаты", ".tabs a")
    admin.wait_text("Управление чатами")
    admin.select("#filter-type", "Предмет")
    admin.type("#filter-name", "Алгебра")
    admin.wait(lambda: (rows := admin.all(".table-wrap tbody tr")) and all("Алгебра" in r.text and "Предмет" in r.text for r in rows) or None,
               message="only algebra subject chats")
    rows = admin.all(".table-wrap tbody tr")
    assert 1 <= len(rows) < 20
    admin.shot("2-admin-chat-list-filtered")
    admin.select("#filter-type", "Все типы")
    admin.find("#filter-name").clear()
    admin.type("#filter-member", "Виноградова")
    admin.wait(lambda: (rows := admin.all(".table-wrap tbody tr")) and all("Алгебра" in r.text or "Учительская" in r.text or "Виноградова" in r.text for r in rows) or None,
               message="chats with member Виноградова")

    # Initialization by type: a dry-run preview first, then the real run reports the same.
    admin.click("Инициализация чатов")
    for label in ("Учительская", "Родители", "Предмет"):
        admin.labelled(label).click()
    admin.click("Предпросмотр (без изменений)")
    admin.wait_text("Предпросмотр: что будет сделано")
    preview = [r.text for r in admin.all("tbody tr")]
    assert len(preview) == 2 and preview[0].startswith("Класс") and preview[1].startswith("Итого"), preview
    admin.click("Инициализировать")
    admin.wait_text("Готово: что сделано")
    assert [r.text for r in admin.all("tbody tr")] == preview
    admin.click("‹ К списку чатов")

    # Create a subject chat, then pick members with the picker.
    admin.click("Создать чат")
    admin.select("select[name=type]", "Предмет")
    admin.select("select[name=class_id]", "10А (2026/2027)")
    admin.select("select[name=subject_id]", "Физика")
    admin.type("input[name=group]", "Физ.проф")
    # The suggestion is the server's naming rule, asked as the form changes.
    admin.wait(lambda: admin.find("input[name=name]").get_attribute("placeholder") == "10А - Физика (Физ.проф)" or None, message="suggested name")
    admin.click("Создать и выбрать участников")
    admin.wait_text("10А - Физика (Физ.проф)", "h2")
    admin.wait_text("Добавить участников")
    admin.select("#pick-role", "Сотрудники")
    admin.type("#pick-surname", "Виноградова")
    admin.click_in_row(".card .table-wrap tbody tr", "Виноградова Галина", "input[type=checkbox]")
    admin.click("Добавить 1")
    admin.wait_text("Добавлен 1 участник")
    # Students of the class, everyone matching at once; already-members are marked.
    admin.select("#pick-role", "Ученики")
    admin.find("#pick-surname").clear()
    admin.select("#pick-class", "10А")
    select_all = admin.wait(lambda: next((b for b in admin.all("button") if b.text.startswith("Выбрать всех:")), None), message="select all")
    total = int(select_all.text.split(":")[1])
    assert total > 1
    select_all.click()
    admin.click(f"Добавить всех найденных ({total})")
    admin.wait(lambda: len([b for b in admin.all(".card .badge") if b.text == "уже в чате"]) >= min(total, 20) or None, message="members marked in the picker")
    admin.shot("2-admin-picker")
    headers = [th.text for th in admin.all(".card .table-wrap thead th")]
    assert "Дата рождения" in headers, headers  # administrators tell namesakes apart by it
    assert admin.all(".card nav.pager select")[0].get_attribute("value") == "50"

    # Make the teacher an admin of the chat.
    members_table = lambda: admin.all("section .table-wrap tbody tr")
    teacher_row = admin.wait(lambda: next((r for r in members_table() if "Виноградова Галина" in r.text), None), message="teacher among members")
    assert not teacher_row.find_element("css selector", "label.check input[type=checkbox]").is_selected()
    admin.click_in_row("section .table-wrap tbody tr", "Виноградова Галина", "label.check input[type=checkbox]")
    admin.wait_text("теперь администратор чата")
    chat = setup.call("GET", "/api/v1/organizations/1/chats", params={"name": "Физ.проф"}).json()["items"][0]
    assert any(a["full_name"].startswith("Виноградова Галина") for a in chat["admins"]), chat["admins"]
    assert chat["member_count"] == total + 2

    # The member sees the new chat arrive in their open list, then vanish when it is deleted.
    member.wait(lambda: any("10А - Физика (Физ.проф)" in e.text for e in member.all(".chat-item")) or None, message="new chat in member's list")
    member.shot("2-member-list-with-new-chat")
    admin.click("Удалить чат")
    dialog = admin.find("dialog")
    assert "нельзя" in dialog.text
    admin.shot("2-admin-delete-confirmation")
    admin.click("Удалить чат", "dialog button")
    admin.wait_text("Управление чатами")
    member.wait(lambda: not any("10А - Физика (Физ.проф)" in e.text for e in member.all(".chat-item")) or None, message="deleted chat gone from member's list")
    assert any("Алгебра" in e.text for e in member.all(".chat-item")), "the member's other chats stay"
    member.shot("2-member-list-after-delete")
    assert setup.call("GET", f"/api/v1/organizations/1/chats/{chat['id']}").status_code == 404

    # A chat of the parents of two classes, by rule: its members are the roster's, named for the classes.
    admin.click("Создать чат")
    admin.select("select[name=type]", "Свой")
    admin.select("select[name=rule]", "Родители выбранных классов")
    classes = admin.all("select[name=class_ids] option")
    picked = [o for o in classes if o.text.startswith(("10А ", "11А "))]
    assert len(picked) == 2, [o.text for o in classes]
    for option in picked:
        admin.driver.execute_script("arguments[0].selected = true", option)
    admin.click("Создать и выбрать участников")
    admin.wait_text("Родители 10А, 11А", "h2")
    admin.wait_text("состав по правилу: Родители выбранных классов")
    ruled = setup.call("GET", "/api/v1/organizations/1/chats", params={"name": "Родители 10А, 11А"}).json()["items"][0]
    assert ruled["rule"].startswith("parents_of_classes:")

    def parents_in(chat_id):
        items = setup.call("GET", f"/api/v1/organizations/1/chats/{chat_id}/members", params={"per_page": 100}).json()["items"]
        return {m["person_id"] for m in items if m.get("role") == "parent"}
    expected = set()
    for name in ("10А - Родители", "11А - Родители"):
        expected |= parents_in(setup.call("GET", "/api/v1/organizations/1/chats", params={"name": name}).json()["items"][0]["id"])
    assert expected and parents_in(ruled["id"]) == expected
    assert_clean(admin, member)


def test_phone_viewport_has_no_horizontal_scroll(school, browsers):
    setup = sign_in(school.url, ADMIN)
    teacher = link_teacher(school.url, setup, "Виноградова Галина", "+79990003344")[1]
    chats = teacher.call("GET", "/api/v1/me/chats").json()["items"]
    chat = next(c for c in chats if "Алгебра" in c["name"])
    long_word = "Очень" * 40
    for text in ["Домашнее задание: № 112, 115 на странице 48.", long_word, "https://example.org/" + "a" * 120]:
        sent = teacher.call("POST", f"/api/v1/chats/{chat['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": text})
        assert sent.status_code == 201, sent.text

    phone = browsers(school.url, width=390, height=844, name="phone")
    phone.open("/")
    phone.sign_in("+79990003344")
    phone.click("Чаты")
    phone.wait(lambda: len(phone.all(".chat-item")) > 1 or None, message="chat list")
    assert phone.driver.execute_script("return window.innerWidth") == 390
    assert phone.no_horizontal_scroll(), "chat list scrolls sideways"
    phone.shot("3-phone-chat-list")

    next(e for e in phone.all(".chat-item") if "Алгебра" in e.text).click()
    phone.wait_text("на странице 48", ".msg .text")
    assert not phone.all(".chat-list"), "one column on a phone: the list hides while a chat is open"
    assert phone.no_horizontal_scroll(), "the chat scrolls sideways"
    widths = phone.driver.execute_script("return [...document.querySelectorAll('.msg')].map(m => m.getBoundingClientRect().right)")
    assert max(widths) <= 390
    phone.shot("3-phone-chat")
    phone.click("‹")
    phone.find(".chat-list")
    assert_clean(phone)


def test_sign_in_errors_and_english(school, browsers):
    browser = browsers(school.url, name="english")
    browser.open("/#/signin")
    browser.find("input[name=phone]")
    browser.select("header select", "English")
    browser.wait_text("Sign in to Parta", "h1")
    assert browser.driver.execute_script("return document.documentElement.lang") == "en"
    # A phone that is not a phone number: a clear error, and the field is marked.
    browser.type("input[name=phone]", "12345")
    browser.click("Get a code")
    browser.wait_text("That number does not look right", "[role=alert]")
    assert browser.find("input[name=phone]").get_attribute("aria-invalid") == "true"
    # A wrong code says how many tries are left.
    browser.type("input[name=phone]", "+79990004455")
    browser.click("Get a code")
    browser.find("input[name=code]")
    right = latest_code(school.url, "+79990004455")
    wrong = "".join("1" if c != "1" else "2" for c in right)
    browser.type("input[name=code]", wrong)
    browser.click("Sign in")
    browser.wait_text("Wrong code.", "[role=alert]")
    assert re.search(r"\d+ tr(y|ies) left", browser.text())
    browser.shot("4-english-wrong-code")
    # The language stays after a reload; the right code signs in, and sign-out returns here.
    browser.driver.refresh()
    browser.wait_text("Sign in to Parta", "h1")
    browser.type("input[name=phone]", "+79990004455")
    browser.click("Get a code")
    browser.type("input[name=code]", latest_code(school.url, "+79990004455"))
    browser.click("Sign in")
    browser.type("input[name=surname]", "Морозов")
    browser.type("input[name=given_name]", "Олег")
    browser.click("Save")
    browser.wait_text("Hello, Олег!", "h1")
    browser.click("Profile")
    browser.wait_text("This device")
    browser.click("Sign out")
    browser.wait_text("Sign in to Parta", "h1")
    assert browser.driver.execute_script("return localStorage.getItem('parta.token')") is None
    assert_clean(browser)


def test_reconnects_after_a_restart_and_resumes_without_duplicates(workdir, servers, browsers):
    run_cli(["demo", "--students", "60"], cwd=workdir, check=True)
    env = demo_env()
    server = servers(workdir, ["--demo"], env=env).wait_ready()
    admin = sign_in(server.url, ADMIN)
    teacher_session = link_teacher(server.url, admin, "Виноградова Галина", "+79990006677")[1]
    staff = next(c for c in admin.call("GET", "/api/v1/me/chats").json()["items"] if c["name"] == "Учительская")

    teacher = browsers(server.url, name="teacher")
    teacher.open("/")
    teacher.sign_in("+79990006677")
    teacher.click("Чаты")
    teacher.wait(lambda: next((e for e in teacher.all(".chat-item") if "Учительская" in e.text), None), message="staff room").click()
    admin.call("POST", f"/api/v1/chats/{staff['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": "До перезапуска"})
    teacher.wait_text("До перезапуска", ".msg .text")
    teacher.wait_text("В сети", ".connection")

    # The server restarts (an upgrade): the page notices, says so, and reconnects by itself.
    server.stop()
    teacher.wait(lambda: teacher.find(".connection").get_attribute("data-state") == "offline" or None, message="offline indicator")
    teacher.shot("5-offline")
    restarted = servers(workdir, ["--demo"], env=env, port=server.port).wait_ready()
    # Written while the page is still waiting to reconnect: it must arrive once, in order.
    for text in ("Пока вас не было — 1", "Пока вас не было — 2"):
        sent = admin.call("POST", f"/api/v1/chats/{staff['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": text})
        assert sent.status_code == 201, sent.text
    teacher.wait_text("Пока вас не было — 2", ".msg .text", timeout=45)
    teacher.wait_text("В сети", ".connection")
    texts = [e.text for e in teacher.all(".msg .text")]
    assert texts == ["До перезапуска", "Пока вас не было — 1", "Пока вас не было — 2"], texts
    # And the page still sends over the new connection.
    teacher.type("textarea[name=text]", "Снова на связи")
    teacher.press_enter("textarea[name=text]")
    teacher.wait_text("Снова на связи", ".msg .text")
    history = teacher_session.call("GET", f"/api/v1/chats/{staff['id']}/messages").json()["items"]
    assert [m["text"] for m in history].count("Снова на связи") == 1
    assert restarted.url == server.url
    assert_clean(teacher)


def tiny_png(path):
    """A valid 8×8 blue PNG, for an image attachment."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\x1d\x4e\xd8" * 8 for _ in range(8))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


def message_actions(browser, text, action):
    """Opens the ⋯ menu of the message showing `text` and picks `action`."""
    def attempt():
        for item in browser.all(".msg"):
            if text in item.find_element("css selector", ".text").text:
                item.find_element("css selector", ".actions summary").click()
                button = next(b for b in item.find_elements("css selector", ".actions .menu button") if b.text == action)
                button.click()
                return True
        return None
    browser.wait(attempt, message=f"{action} on {text!r}")


def test_replies_edits_deletions_attachments_and_readers(school, browsers, tmp_path):
    admin = sign_in(school.url, ADMIN)
    link_teacher(school.url, admin, "Виноградова Галина", "+79990008899")
    staff = next(c for c in admin.call("GET", "/api/v1/me/chats").json()["items"] if c["name"] == "Учительская")
    question = admin.call("POST", f"/api/v1/chats/{staff['id']}/messages",
                          json={"client_id": str(uuid.uuid4()), "text": "Кто заменит урок физики в 9А?"}).json()

    teacher = browsers(school.url, name="teacher")
    teacher.open("/")
    teacher.sign_in("+79990008899")
    teacher.open(f"/#/chats/{staff['id']}")
    teacher.wait_text("Кто заменит урок", ".msg .text")

    # Reply: the answer quotes the question.
    message_actions(teacher, "Кто заменит урок", "Ответить")
    teacher.wait_text("Ответ на: Кто заменит урок", ".banner")
    teacher.type("textarea[name=text]", "Могу я, третьим уроком")
    teacher.press_enter("textarea[name=text]")
    teacher.wait_text("Кто заменит урок физики в 9А?", ".msg.mine .quote")

    # Edit: the text changes everywhere and is marked.
    message_actions(teacher, "Могу я, третьим уроком", "Изменить")
    teacher.wait_text("Редактирование сообщения", ".banner")
    assert teacher.find("textarea[name=text]").get_attribute("value") == "Могу я, третьим уроком"
    teacher.type("textarea[name=text]", "Могу я, четвёртым уроком")
    teacher.click("Сохранить")
    teacher.wait_text("изменено", ".msg.mine .meta")
    history = admin.call("GET", f"/api/v1/chats/{staff['id']}/messages").json()["items"]
    reply = next(m for m in history if m.get("reply_to") == question["id"])
    assert reply["text"] == "Могу я, четвёртым уроком" and reply["edited_at"]

    # Attachments: an image shows inline, a file as a download; both reach the server.
    image = tiny_png(tmp_path / "расписание.png")
    notes = tmp_path / "замены.txt"
    notes.write_text("9А: физика — Виноградова Г. А.\n")
    files = teacher.driver.find_element("css selector", "form.composer input[type=file]")
    files.send_keys(f"{image}\n{notes}")
    teacher.wait(lambda: len([c for c in teacher.all(".chip") if "КБ" in c.text or "Б" in c.text]) == 2 or None, message="both uploads done")
    teacher.type("textarea[name=text]", "Расписание замен")
    teacher.click("Отправить")
    teacher.wait(lambda: teacher.driver.execute_script(
        "const img = document.querySelector('.msg.mine img.thumb'); return img && img.complete && img.naturalWidth === 8") or None,
        message="image attachment shown")
    teacher.wait_text("замены.txt", ".msg.mine .attachment.file")
    sent = next(m for m in admin.call("GET", f"/api/v1/chats/{staff['id']}/messages").json()["items"] if m["text"] == "Расписание замен")
    assert sorted(a["name"] for a in sent["attachments"]) == ["замены.txt", "расписание.png"]
    teacher.shot("6-teacher-reply-edit-attachments")

    # Readers: the chat's admin turns read receipts on (the open page learns it live); once the
    # administrator has read the chat, the sender sees who read it.
    assert admin.call("PATCH", f"/api/v1/chats/{staff['id']}/settings", json={"read_receipts": True}).status_code == 200
    admin.call("POST", f"/api/v1/chats/{staff['id']}/read", json={"seq": sent["seq"]})
    message_actions(teacher, "Расписание замен", "Кто прочитал")
    teacher.wait_text("Смирнова Ольга Викторовна", "dialog")
    teacher.click("Закрыть", "dialog button")

    # A direct chat from the chat's info, where the rules allow it.
    teacher.click("О чате")
    teacher.click_in_row("dialog .members li", "Смирнова Ольга Викторовна", "button")
    teacher.wait_text("Смирнова Ольга Викторовна", ".chat-header h2")
    teacher.type("textarea[name=text]", "Ольга Викторовна, можно вопрос лично?")
    teacher.press_enter("textarea[name=text]")
    teacher.wait_text("можно вопрос лично?", ".msg.mine .text")
    # The page shows the message as soon as it is typed (sending); wait for the server to have it.
    def direct_chat():
        found = next((c for c in admin.call("GET", "/api/v1/me/chats").json()["items"] if c["type"] == "direct"), None)
        return found if found and found.get("last_message") else None
    direct = teacher.wait(direct_chat, message="the direct message stored")
    assert direct["last_message"]["text"] == "Ольга Викторовна, можно вопрос лично?" and direct["unread"] == 1
    teacher.open(f"/#/chats/{staff['id']}")
    teacher.wait_text("Расписание замен", ".msg .text")

    # Delete: after a confirmation, for everyone; the text is gone from the server too.
    message_actions(teacher, "Могу я, четвёртым уроком", "Удалить")
    assert "нельзя отменить" in teacher.find("dialog").text
    teacher.click("Удалить", "dialog button")
    teacher.wait_text("Сообщение удалено", ".msg.mine.deleted")
    deleted = next(m for m in admin.call("GET", f"/api/v1/chats/{staff['id']}/messages").json()["items"] if m["id"] == reply["id"])
    assert deleted["deleted_at"] and deleted["text"] == ""
    assert_clean(teacher)


def test_console_keys_roster_import_audit_members_invites_requests(school, browsers, tmp_path):
    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)
    setup = Session(school.url, admin.driver.execute_script("return localStorage.getItem('parta.token')"))
    admin.click("Управление")

    # Profile: a change is saved; the community id is there to copy.
    community = admin.find(".card input.mono").get_attribute("value")
    assert re.fullmatch(r"PRT-[A-Z0-9]{4}-[A-Z0-9]{4}", community)
    admin.type("input[name=website]", "https://school1.example.ru")
    admin.click("Сохранить")
    admin.wait_text("Сохранено", "#status")
    assert setup.call("GET", "/api/v1/organizations/1").json()["website"] == "https://school1.example.ru"

    # API keys: the key is shown once, listed by name, and revoked after a confirmation.
    admin.click("Ключи API")
    admin.labelled("Название").send_keys("Электронный журнал")
    admin.click("Создать ключ")
    key = admin.find(".issued input.mono").get_attribute("value")
    assert len(key) > 20
    admin.wait_text("Электронный журнал", "tbody")
    push = lambda: requests.put(school.url + "/api/v1/integration/persons/ej-1", headers={"Authorization": f"Bearer {key}"},
                                json={"role": "teacher", "surname": "Журналов", "given_name": "Иван"}, timeout=5)
    assert push().status_code in (200, 201)
    admin.click("Отозвать", "tbody button")
    admin.click("Отозвать", "dialog button")
    admin.wait_text("Отозван", "tbody")
    assert push().status_code == 401

    # Roster: classes, people of a class, movement orders.
    admin.click("Контингент")
    admin.wait_text("10А", "tbody")
    admin.click("Люди", "button")
    admin.select("select[aria-label='Роль']", "Ученик")
    admin.select("select[aria-label='Класс']", "10А")
    admin.wait(lambda: (rows := admin.all("tbody tr")) and all("Ученик" in r.text for r in rows) or None, message="students of 10А")
    admin.click("Приказы о движении", "button")
    admin.wait(lambda: any("Зачисление" in r.text for r in admin.all("tbody tr")) or None, message="orders")

    # Import: a dry run reports and writes nothing, the import writes, a broken file is refused.
    people = tmp_path / "people.csv"
    people.write_text("external_id;role;surname;given_name;patronymic;class\nnew-1;ученик;Яковлева;Алиса;Романовна;10А\n", encoding="utf-8")
    admin.click("Импорт")
    admin.find("input[type=file]").send_keys(str(people))
    admin.click("Проверить (без изменений)")
    admin.wait_text("Проверка: что изменится")
    admin.wait_text("Добавлено людей", "tbody")
    assert not setup.call("GET", "/api/v1/organizations/1/persons", params={"q": "Яковлева Алиса"}).json()["items"]
    admin.click("Импортировать")
    admin.wait_text("Импорт выполнен")
    assert setup.call("GET", "/api/v1/organizations/1/persons", params={"q": "Яковлева Алиса"}).json()["items"]
    broken = tmp_path / "broken.csv"
    broken.write_text("external_id;role;surname;given_name\nx-1;директор;Пустов;\n", encoding="utf-8")
    admin.find("input[type=file]").send_keys(str(broken))
    admin.click("Импортировать")
    admin.wait_text("Ошибки в файле — ничего не записано")
    admin.wait_text("В файле есть ошибки — ничего не записано.", "[role=alert]")
    admin.shot("7-admin-import-problems")

    # Members: rights granted and taken back.
    admin.click("Участники")
    admin.click_in_row("tbody tr", "Иванов Пётр Николаевич", "button")
    admin.wait(lambda: any("Иванов Пётр" in r.text and "Администратор" in r.text for r in admin.all("tbody tr")) or None, message="Иванов administrator")
    admin.click_in_row("tbody tr", "Иванов Пётр Николаевич", "button")
    admin.wait(lambda: any("Иванов Пётр" in r.text and "Администратор" not in r.text for r in admin.all("tbody tr")) or None, message="Иванов no longer administrator")

    # Invites: every unused one revoked at once, after a confirmation.
    admin.click("Приглашения")
    admin.click("Создать приглашение")
    admin.find(".issued img.qr")
    admin.click("Отозвать все неиспользованные")
    admin.click("Отозвать все неиспользованные", "dialog button")
    admin.wait_text("Отозвано", "#status")
    assert not setup.call("GET", "/api/v1/organizations/1/invites", params={"usable": "true"}).json()["items"]

    # Requests: rejected with a reason the applicant sees.
    applicant = sign_in(school.url, "+79990009900")
    applicant.call("PATCH", "/api/v1/me", json={"surname": "Пустов", "given_name": "Пётр"})
    assert applicant.call("POST", "/api/v1/organizations/1/join-requests", json={"role": "teacher"}).status_code == 201
    admin.click("Заявки")
    admin.click("Рассмотреть")
    admin.labelled("Причина отказа").send_keys("Такого сотрудника в школе нет")
    admin.click("Отклонить")
    admin.wait_text("Заявок нет.")
    mine = applicant.call("GET", "/api/v1/me/join-requests").json()["items"][0]
    assert mine["status"] == "rejected" and mine["reason"] == "Такого сотрудника в школе нет"

    # The audit log shows what was just done.
    admin.click("Журнал действий")
    recent = setup.call("GET", "/api/v1/organizations/1/audit", params={"per_page": 10}).json()["items"][:3]
    assert recent and any("reject" in e["action"] for e in recent), [e["action"] for e in recent]
    admin.wait_text("Заявка отклонена", "tbody")
    shown = admin.wait(lambda: admin.driver.execute_script("return [...document.querySelectorAll('tbody span[title]')].map(s => s.title)") or None,
                       message="audit rows")
    assert [e["action"] for e in recent] == shown[:3]
    admin.shot("7-admin-audit")
    assert_clean(admin)


def test_every_control_has_a_name(school, browsers):
    """Accessibility: on the main screens every form control has an accessible name (a label,
    aria-label or aria-labelledby) and every image a text alternative."""
    admin = browsers(school.url, name="a11y")
    admin.open("/#/signin")
    unnamed_script = """
      const named = (el) => (el.id && document.querySelector(`label[for="${el.id}"]`)) || el.getAttribute('aria-label')
        || el.getAttribute('aria-labelledby') || el.closest('label') || el.type === 'hidden' || el.type === 'submit';
      return [...document.querySelectorAll('input, select, textarea')].filter(el => !named(el)).map(el => el.outerHTML.slice(0, 120))
        .concat([...document.querySelectorAll('img')].filter(img => !img.getAttribute('alt')).map(img => img.outerHTML.slice(0, 120)))
        .concat([...document.querySelectorAll('button')].filter(b => !(b.textContent.trim() || b.getAttribute('aria-label'))).map(b => b.outerHTML.slice(0, 120)));
    """
    admin.find("input[name=phone]")
    assert admin.driver.execute_script(unnamed_script) == []
    admin.sign_in(ADMIN)
    setup = sign_in(school.url, ADMIN)
    cards = [(f"/#/org/1/persons/{setup.call('GET', '/api/v1/organizations/1/persons', params={'role': role}).json()['items'][0]['id']}", ".person-card")
             for role in ("student", "parent", "teacher")]
    for path, ready in cards + [("/#/org/1/persons/new", "form"), ("/#/org/1/roster/people", "tbody"), ("/#/org/1/roster/orders", "tbody"),
                                ("/#/org/1/roster/years", "input[name=new_subject]"), ("/#/link", "input[name=code]"),
                                ("/#/chats", ".chat-item"), ("/#/org/1/profile", "form"), ("/#/org/1/invites", "form"),
                        ("/#/org/1/requests", "select"), ("/#/org/1/members", "tbody"), ("/#/org/1/roster", "tbody"),
                        ("/#/org/1/imports", "input[type=file]"), ("/#/org/1/keys", "form"), ("/#/org/1/chats", "tbody"),
                        ("/#/org/1/chats/new", "form"), ("/#/org/1/chats/init", "fieldset"), ("/#/settings", "form"), ("/#/", "h1")]:
        admin.open(path)
        admin.find(ready)
        assert admin.driver.execute_script(unnamed_script) == [], path
    admin.open("/#/chats")
    admin.find(".chat-item").click()
    admin.find("textarea[name=text]")
    assert admin.driver.execute_script(unnamed_script) == [], "chat"
    # The chat list and the composer work from the keyboard alone.
    active = admin.driver.execute_script("return document.activeElement.tagName")
    assert active in ("H1", "H2", "BODY", "MAIN", "TEXTAREA", "A")
    assert_clean(admin)


def test_a_homeroom_teacher_manages_only_the_chats_of_their_class(school, browsers):
    admin = sign_in(school.url, ADMIN)
    classes = admin.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    tenth = next(c for c in classes if c["name"] == "10А")
    code = admin.call("POST", f"/api/v1/organizations/1/persons/{tenth['homeroom_teacher']['id']}/link-codes").json()["code"]
    other = admin.call("GET", "/api/v1/organizations/1/chats", params={"name": "11А"}).json()["items"][0]

    teacher = browsers(school.url, name="homeroom")
    teacher.open(f"/link/{code}")  # the school system's link: whose it is, sign in, linked
    teacher.click("Да, это я")
    teacher.sign_in("+79990001010")
    teacher.wait_text("Готово", "h1")
    teacher.open("/#/")
    teacher.click("Управление")
    teacher.wait_text("Управление чатами")
    assert [a.text for a in teacher.all(".tabs a")] == ["Чаты"], "a teacher sees no administrator's sections"
    assert not [b for b in teacher.all("a.button") if b.text == "Инициализация чатов"]
    teacher.wait(lambda: (rows := teacher.all("tbody tr")) and all("10А" in r.text for r in rows) or None, message="only 10А chats")
    teacher.shot("8-homeroom-chat-list")
    # She makes another chat of her class (a trip group): the form offers her class alone.
    teacher.click("Создать чат")
    teacher.select("select[name=type]", "Свой")
    options = [o.text for o in teacher.all("select[name=class_id] option")]
    assert options[1:] == [f"10А ({tenth['school_year']['name']})"], options
    teacher.select("select[name=class_id]", options[1])
    teacher.type("input[name=name]", "Поездка в музей")
    teacher.click("Создать и выбрать участников")
    teacher.wait_text("Поездка в музей", "h2")
    teacher.wait_text("Свой · 10А")
    assert teacher.all("input[name=invite_role]"), "she may make invite links to it"
    teacher.click("‹ К списку чатов")
    teacher.wait(lambda: any("Поездка в музей" in r.text for r in teacher.all("tbody tr")) or None, message="the new chat in her list")
    # Console sections of administrators lead back to the chats; another class's chat is refused.
    teacher.open("/#/org/1/invites")
    teacher.wait_text("Управление чатами")
    teacher.open(f"/#/org/1/chats/{other['id']}")
    teacher.wait_text("У вас нет прав на это действие.", "[role=alert]")
    assert_clean(teacher)


def chat_item(browser, chat_id):
    """The chat list's entry for one chat (or None while it is not shown)."""
    return next(iter(browser.all(f'.chat-item[data-chat-id="{chat_id}"]')), None)


def test_removing_a_member_in_the_console_ends_their_chats_at_once(school, browsers):
    """SPEC §9, leaving ends access: the administrator removes a teacher from the organization in
    the console — one role first, then all, each after a confirmation that says what happens — and
    the teacher's open messenger loses every chat without reloading."""
    setup = sign_in(school.url, ADMIN)
    _, teacher_api = link_teacher(school.url, setup, "Виноградова Галина", "+79990002211")
    teacher_id = teacher_api.me()["account"]["id"]
    assert setup.call("PUT", f"/api/v1/organizations/1/administrators/{teacher_id}").status_code == 200

    teacher = browsers(school.url, name="teacher")
    teacher.open("/")
    teacher.sign_in("+79990002211")
    teacher.click("Чаты")
    staff_room = teacher.wait(lambda: next((e for e in teacher.all(".chat-item") if "Учительская" in e.text), None), message="staff room")
    staff_room.click()
    teacher.find("textarea[name=text]")

    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)
    admin.open("/#/org/1/members")
    row = lambda: next((r for r in admin.all("tbody tr") if "Виноградова Галина" in r.text), None)
    admin.wait(lambda: (r := row()) and "Администратор" in r.text and "Учитель" in r.text or None, message="teacher and administrator")

    # Two roles: the administrator chooses to take only one; the teacher keeps her chats.
    admin.click_in_row("tbody tr", "Виноградова Галина", "button.danger")
    dialog = admin.find("dialog")
    assert "Исключить из организации: Виноградова Галина" in dialog.text
    assert "потеряет чаты школы" in dialog.text and "привязать снова" in dialog.text, dialog.text
    assert admin.labelled("Все роли — исключить из организации").is_selected()
    admin.labelled("Только роль «Администратор»").click()
    admin.shot("9-admin-remove-member-dialog")
    admin.click("Исключить из организации", "dialog button")
    admin.wait_text("Роль «Администратор» снята", "#status")
    admin.wait(lambda: (r := row()) and "Администратор" not in r.text and "Учитель" in r.text or None, message="only the teacher role left")
    assert [e.text for e in teacher.all(".chat-item")], "one role taken: the teacher's chats stay"

    # One role left: no choice, the confirmation still says what happens; she leaves the school.
    admin.click_in_row("tbody tr", "Виноградова Галина", "button.danger")
    dialog = admin.find("dialog")
    assert "привязать снова" in dialog.text and not dialog.find_elements("css selector", "input[type=radio]")
    admin.click("Исключить из организации", "dialog button")
    admin.wait_text("Исключено из организации: Виноградова Галина", "#status")
    admin.wait(lambda: row() is None and admin.all("tbody tr") or None, message="teacher gone from the members")

    # The teacher's open page: the chat she was reading goes, and the list empties, live.
    teacher.wait_text("Чат больше недоступен.", "#status")
    teacher.wait_text("У вас пока нет чатов", ".chats")
    assert not teacher.all(".chat-item")
    teacher.shot("9-teacher-removed")
    assert setup.call("GET", "/api/v1/organizations/1/members", params={"q": "Виноградова"}).json()["items"] == []
    assert_clean(admin, teacher)


def test_a_direct_chat_whose_other_side_left_is_read_only_until_opened_again(school, browsers):
    """A direct chat closes when the other side stops standing (deactivated in the roster): the
    remaining side keeps reading it, marked closed, without a composer; once the teacher is active
    again, "write directly" reopens it and the composer is back."""
    setup = sign_in(school.url, ADMIN)
    person, teacher_api = link_teacher(school.url, setup, "Виноградова Галина", "+79990005566")
    teacher_id = teacher_api.me()["account"]["id"]
    direct = setup.call("POST", "/api/v1/organizations/1/direct-chats", json={"account_id": teacher_id}).json()
    assert not direct["closed"]
    sent = teacher_api.call("POST", f"/api/v1/chats/{direct['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": "Я на больничном до пятницы"})
    assert sent.status_code == 201, sent.text

    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)
    admin.open(f"/#/chats/{direct['id']}")
    admin.wait_text("Я на больничном до пятницы", ".msg .text")
    admin.find("textarea[name=text]")

    # The school sets the teacher inactive: the open chat closes on the page, live.
    assert setup.call("PATCH", f"/api/v1/organizations/1/persons/{person['id']}", json={"active": False}).status_code == 200
    admin.wait_text("Чат закрыт: собеседник больше не состоит в школе", ".composer.closed")
    assert "Переписку можно читать." in admin.find(".composer.closed").text
    assert not admin.all("textarea[name=text]") and not admin.all("form.composer")
    admin.wait_text("закрыт", ".chat-header .badge.closed")
    # Marked in the list, in sight however long the name (it gives way with an ellipsis).
    admin.wait(lambda: (item := chat_item(admin, direct["id"])) and any(b.is_displayed() for b in item.find_elements("css selector", ".badge.closed")) or None,
               message="closed in the list")
    assert "Виноградова Галина" in chat_item(admin, direct["id"]).text, "the closed chat keeps the roster's name"
    assert [e.text for e in admin.all(".msg .text")] == ["Я на больничном до пятницы"]
    admin.shot("10-admin-closed-direct-chat")
    refused = setup.call("POST", f"/api/v1/chats/{direct['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": "Вы здесь?"})
    assert refused.status_code == 403, refused.text

    # Active again: the chat stays closed until someone opens it; "write directly" does.
    assert setup.call("PATCH", f"/api/v1/organizations/1/persons/{person['id']}", json={"active": True}).status_code == 200
    staff = next(c for c in setup.call("GET", "/api/v1/me/chats").json()["items"] if c["name"] == "Учительская")
    admin.open(f"/#/chats/{staff['id']}")
    admin.find("textarea[name=text]")
    admin.click("О чате")
    admin.click_in_row("dialog .members li", "Виноградова Галина", "button")
    admin.wait(lambda: f"#/chats/{direct['id']}" in admin.driver.current_url or None, message="the direct chat opened")
    admin.type("textarea[name=text]", "Выздоравливайте!")
    admin.press_enter("textarea[name=text]")
    admin.wait_text("Выздоравливайте!", ".msg.mine .text")
    assert not admin.all(".badge.closed") and not admin.all(".composer.closed")
    history = teacher_api.call("GET", f"/api/v1/chats/{direct['id']}/messages").json()["items"]
    assert [m["text"] for m in sorted(history, key=lambda m: m["seq"])] == ["Я на больничном до пятницы", "Выздоравливайте!"]
    assert_clean(admin)


def test_a_name_the_school_has_not_confirmed_is_marked(school, browsers):
    """Names others see come from the roster (SPEC §9); where the server has only what the account
    calls itself, it says `name_confirmed: false` and the page marks the name. A direct chat opened
    by an older version keeps no names of its sides: once the teacher unlinks herself, the
    administrator's closed chat with her bears her self-chosen name, marked."""
    setup = sign_in(school.url, ADMIN)
    person, teacher_api = link_teacher(school.url, setup, "Виноградова Галина", "+79990006677")
    assert teacher_api.call("PATCH", "/api/v1/me", json={"surname": "Самозванова", "given_name": "Ирина"}).status_code == 200
    teacher_id = teacher_api.me()["account"]["id"]
    direct = setup.call("POST", "/api/v1/organizations/1/direct-chats", json={"account_id": teacher_id}).json()
    assert direct["name"].startswith("Виноградова Галина") and direct["name_confirmed"]
    teacher_api.call("POST", f"/api/v1/chats/{direct['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": "Добрый вечер"})
    # No API writes a direct chat without its sides' names (versions before schema 8 did): set
    # the row as an older version left it, as the server's own test of this case does.
    with sqlite3.connect(school.cwd / "parta-data" / "parta.sqlite", timeout=10) as db:
        db.execute("UPDATE direct_chats SET low_name = NULL, high_name = NULL WHERE chat_id = ?", (direct["id"],))
    db.close()
    assert teacher_api.call("DELETE", f"/api/v1/me/links/{person['id']}").status_code == 204
    entry = next(c for c in setup.call("GET", "/api/v1/me/chats").json()["items"] if c["id"] == direct["id"])
    assert (entry["name"], entry["name_confirmed"], entry["closed"]) == ("Самозванова Ирина", False, True), entry

    admin = browsers(school.url, name="admin")
    admin.open("/")
    admin.sign_in(ADMIN)
    admin.click("Чаты")
    item = admin.wait(lambda: chat_item(admin, direct["id"]), message="the direct chat in the list")
    marked = item.find_element("css selector", ".chat-name .person-name.unconfirmed")
    assert marked.text.startswith("Самозванова Ирина")
    assert marked.get_attribute("title") == "Имя указал сам пользователь, школа его не подтвердила"
    assert marked.get_attribute("textContent") == "Самозванова Ирина (имя не подтверждено)"
    mark = admin.driver.execute_script("return getComputedStyle(arguments[0], '::after').content", marked)
    assert "?" in mark, mark
    # Only that name is marked: chats named by the school, and the roster's names, are not.
    assert len(admin.all(".person-name.unconfirmed")) == 1
    item.click()
    admin.wait_text("Самозванова Ирина", ".chat-header h2 .person-name.unconfirmed")
    admin.wait_text("Переписку можно читать.", ".composer.closed")
    admin.shot("11-admin-unconfirmed-name")
    assert_clean(admin)


def test_a_parent_on_a_phone_opens_a_link_code_and_the_class_chats_come_at_once(school, browsers):
    """A parent's first minute (issue 19), on a 390 px window: the link code says whom it is for
    before anything else; "Да, это я" leads through the phone number and the SMS code without
    asking a name (the roster has it) and links; the chats the parent gained appear in the open
    app at once — the page is never reloaded — and are exactly the server's list for the parent."""
    setup = sign_in(school.url, ADMIN)
    listed = setup.call("GET", "/api/v1/organizations/1/persons", params={"role": "parent", "linked": "false"})
    assert listed.status_code == 200, listed.text
    parent = listed.json()["items"][0]
    details = setup.call("GET", f"/api/v1/organizations/1/persons/{parent['id']}").json()
    classes = {child["id"]: setup.call("GET", f"/api/v1/organizations/1/persons/{child['id']}").json()["current_class"]["name"]
               for child in details["children"]}
    code = setup.call("POST", f"/api/v1/organizations/1/persons/{parent['id']}/link-codes").json()["code"]

    phone = browsers(school.url, name="parent-phone", width=390, height=844)
    phone.open(f"/link/{code}")
    phone.wait_text(parent["full_name"], ".link-person")
    page = phone.text()
    assert "Родитель" in page and "Школа" in page, page
    assert not phone.all("input[name=surname]"), "nobody is asked a name before the code says whose it is"
    phone.shot("19-link-code-preview-phone")
    phone.driver.execute_script("window.partaNotReloaded = true")
    phone.click("Да, это я")
    phone.sign_in("+79990007788")
    phone.wait_text("Готово", "h1")
    assert not phone.all("input[name=surname]"), "the roster named the account"
    phone.click("Чаты")

    token = phone.driver.execute_script("return localStorage.getItem('parta.token')")
    mine = Session(school.url, token)
    assert mine.me()["account"]["full_name"] == parent["full_name"]
    expected = sorted(c["name"] for c in mine.call("GET", "/api/v1/me/chats").json()["items"])
    assert any(name in chat for chat in expected for name in classes.values()), (expected, classes)
    phone.wait(lambda: sorted(e.find_element("css selector", ".chat-name").text for e in phone.all(".chat-item")) == expected or None,
               message=f"the parent's chats {expected} live")
    assert phone.driver.execute_script("return window.partaNotReloaded === true"), "the page was not reloaded"
    assert phone.no_horizontal_scroll()
    phone.shot("19-parent-chats-live-phone")
    assert_clean(phone)



def test_a_parent_on_a_phone_applies_through_a_class_invite_and_the_chats_come_when_accepted(school, browsers):
    """The other way in (issue 19): a parent the school has no person for opens the class's
    invite on a 390 px phone, signs in, names themselves and their child, applies, and waits on
    the empty chat list. The administrator accepts; the class chats appear in the open app at once
    — the page is never reloaded — and are exactly the server's list for the parent."""
    setup = sign_in(school.url, ADMIN)
    student = setup.call("GET", "/api/v1/organizations/1/persons", params={"role": "student", "per_page": 10}).json()["items"][0]
    child = setup.call("GET", f"/api/v1/organizations/1/persons/{student['id']}").json()
    klass = child["current_class"]
    invite = setup.call("POST", "/api/v1/organizations/1/invites", json={"role": "parent", "class_id": klass["id"]})
    assert invite.status_code == 201, invite.text

    phone = browsers(school.url, name="applicant-phone", width=390, height=844)
    phone.driver.get(invite.json()["url"])
    phone.wait_text("Приглашение в")
    phone.wait_text(klass["name"], "dl.facts")
    phone.click("Войти и подать заявку")
    phone.sign_in("+79990006655", name=("Лебедева", "Анна"))
    phone.find("form.apply")
    phone.type("input[name=patronymic]", "Павловна")
    phone.type("input[name=child_surname]", child["person"]["surname"])
    phone.type("input[name=child_given_name]", child["person"]["given_name"])
    phone.click("Подать заявку")
    phone.wait_text("Заявка отправлена")
    phone.click("Чаты")
    phone.wait_text("У вас пока нет чатов", ".chats")
    phone.driver.execute_script("window.partaNotReloaded = true")

    pending = setup.call("GET", "/api/v1/organizations/1/join-requests", params={"status": "pending"}).json()["items"]
    request = next(r for r in pending if r["surname"] == "Лебедева")
    assert request["role"] == "parent" and request["class_name"] == klass["name"], request
    accepted = setup.call("POST", f"/api/v1/organizations/1/join-requests/{request['id']}/accept", json={"child_id": student["id"]})
    assert accepted.status_code == 200, accepted.text

    token = phone.driver.execute_script("return localStorage.getItem('parta.token')")
    mine = Session(school.url, token)
    expected = sorted(c["name"] for c in mine.call("GET", "/api/v1/me/chats").json()["items"])
    assert any(klass["name"] in name for name in expected), expected
    phone.wait(lambda: sorted(e.find_element("css selector", ".chat-name").text for e in phone.all(".chat-item")) == expected or None,
               message=f"the parent's chats {expected} live")
    assert phone.driver.execute_script("return window.partaNotReloaded === true"), "the page was not reloaded"
    assert "У вас пока нет чатов" not in phone.text()
    # The class's parents' chat opens and the parent can write in it at once.
    next(e for e in phone.all(".chat-item") if "одител" in e.text and klass["name"] in e.text).click()
    phone.find("textarea[name=text]")
    assert phone.no_horizontal_scroll()
    phone.shot("19-applicant-chats-live-phone")
    assert_clean(phone)


def test_a_teacher_makes_a_chat_invite_and_a_parent_on_a_phone_opens_it_into_the_chat(school, browsers, tmp_path):
    """Chat invite links (issue 19): the homeroom teacher of 10А makes a link for parents to the
    class's trip chat, in the console, and sees its QR code (which decodes to the link); a parent
    of 10А, signed in on a 390 px phone, opens the link, sees which chat of which school it is for,
    joins with one button and lands in the chat; the teacher's member list marks the parent as
    having come by link; a parent of another class (whom she could not add) and a student are
    refused by the same link."""
    admin = sign_in(school.url, ADMIN)
    classes = admin.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    tenth = next(c for c in classes if c["name"] == "10А")
    homeroom = link_person(school.url, admin, tenth["homeroom_teacher"]["id"], "+79990001010")
    parents = admin.call("GET", "/api/v1/organizations/1/persons", params={"role": "parent", "linked": "false"}).json()["items"]

    def child_classes(person):
        children = admin.call("GET", f"/api/v1/organizations/1/persons/{person['id']}").json()["children"]
        return {admin.call("GET", f"/api/v1/organizations/1/persons/{c['id']}").json()["current_class"]["name"] for c in children}
    parent = next(p for p in parents if "10А" in child_classes(p))
    other_parent = next(p for p in parents if "10А" not in child_classes(p))
    link_person(school.url, admin, parent["id"], "+79990007711")
    made = homeroom.call("POST", "/api/v1/organizations/1/chats", json={"type": "custom", "class_id": tenth["id"], "name": "Поездка 10А"})
    assert made.status_code == 201, made.text
    chat = made.json()

    teacher = browsers(school.url, name="homeroom-invite")
    teacher.sign_in("+79990001010")
    teacher.open(f"/#/org/1/chats/{chat['id']}")
    teacher.wait_text("Ссылки-приглашения", "h3")
    boxes = {b.get_attribute("value"): b for b in teacher.all("input[name=invite_role]")}
    assert sorted(boxes) == ["parents", "staff", "students"], boxes
    if boxes["students"].is_selected():
        boxes["students"].click()
    assert boxes["parents"].is_selected() and not boxes["staff"].is_selected()
    teacher.click("Создать ссылку")
    teacher.wait(lambda: teacher.all(".issued img.qr") or None, message="the link's QR code")
    url = teacher.find(".issued input.mono").get_attribute("value")
    assert re.fullmatch(re.escape(school.url) + r"/chat-invite/[\w-]{43}", url), url
    png = tmp_path / "chat-invite.png"
    src = teacher.find(".issued img.qr").get_attribute("src")
    png.write_bytes(base64.b64decode(src.split(",", 1)[1]))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == url
    teacher.wait(lambda: "родители" in teacher.text() and teacher.all("tbody tr") or None, message="the link listed")
    teacher.shot("19-chat-invite-created")

    phone = browsers(school.url, name="parent-invite-phone", width=390, height=844)
    phone.sign_in("+79990007711")
    phone.open(url[len(school.url):])
    phone.wait_text("Поездка 10А", ".chat-invite-name")
    page = phone.text()
    assert "Приглашение в чат" in page and "родители" in page, page
    assert phone.no_horizontal_scroll()
    phone.shot("19-chat-invite-phone")
    phone.click("Вступить в чат")
    phone.wait(lambda: f"#/chats/{chat['id']}" in phone.driver.current_url or None, message="the chat opened")
    phone.wait_text("Поездка 10А", "h2")
    phone.find("textarea")
    assert phone.no_horizontal_scroll()

    # The teacher's member list says the parent came by link; the link counted one use.
    # (Found by surname in the member list, which pages 20 at a time.)
    teacher.open(f"/#/org/1/chats/{chat['id']}")
    teacher.type("input[name=member_surname]", parent["full_name"].split()[0])
    members = ".members-list tbody tr"
    teacher.wait(lambda: any(parent["full_name"] in r.text and "по ссылке" in r.text for r in teacher.all(members)) or None,
                 message="the parent marked as come by link")
    assert all(r.text.startswith(parent["full_name"].split()[0]) for r in teacher.all(members)), [r.text for r in teacher.all(members)]
    invites = admin.call("GET", f"/api/v1/organizations/1/chats/{chat['id']}/invites").json()["items"]
    assert [i["use_count"] for i in invites] == [1]
    # A student of the school is refused by a parents' link, and nothing changes.
    students = admin.call("GET", "/api/v1/organizations/1/persons", params={"role": "student", "linked": "false"}).json()["items"]
    student = link_person(school.url, admin, students[0]["id"], "+79990007712")
    refused = student.call("POST", f"/api/v1/chat-invites/{url.rsplit('/', 1)[1]}/join")
    assert refused.status_code == 403 and refused.json()["error"] == "chat_invite_role_not_invited", refused.text
    outsider = link_person(school.url, admin, other_parent["id"], "+79990007713")
    refused = outsider.call("POST", f"/api/v1/chat-invites/{url.rsplit('/', 1)[1]}/join")
    assert refused.status_code == 403 and refused.json()["error"] == "chat_invite_not_for_you", refused.text
    assert admin.call("GET", f"/api/v1/organizations/1/chats/{chat['id']}/invites").json()["items"][0]["use_count"] == 1
    assert_clean(teacher, phone)


def test_printable_link_cards_for_a_class_carry_one_working_qr_per_unlinked_person(school, browsers, tmp_path):
    """Issue 19: an administrator prints link-code cards for a class from the console — one card
    for every student of the class and every parent of theirs not yet in the messenger, each QR
    decoding (zbarimg) to the link printed under it, and each link being that person's code."""
    admin = sign_in(school.url, ADMIN)
    tenth = next(c for c in admin.call("GET", "/api/v1/organizations/1/classes").json()["items"] if c["name"] == "10А")
    students = admin.call("GET", "/api/v1/organizations/1/persons", params={"role": "student", "class_id": tenth["id"]}).json()["items"]
    assert students
    # One of the class's parents is in the messenger already: no card for them.
    first_parents = admin.call("GET", f"/api/v1/organizations/1/persons/{students[0]['id']}").json()["parents"]
    link_person(school.url, admin, first_parents[0]["id"], "+79990007721")
    expected = {s["full_name"] for s in students if not s["linked"]}
    for student in students:
        for parent in admin.call("GET", f"/api/v1/organizations/1/persons/{student['id']}").json()["parents"]:
            if parent["id"] != first_parents[0]["id"]:
                expected.add(parent["full_name"])

    browser = browsers(school.url, name="cards")
    browser.sign_in(ADMIN)
    browser.open("/#/org/1/roster")
    browser.click_in_row("tbody tr", "10А", "a.button")
    browser.click("Сделать карточки")
    browser.wait(lambda: browser.all(".link-card") or None, message="the cards")
    cards = browser.all(".link-card")
    names = [c.find_element("css selector", "h3").text for c in cards]
    assert sorted(names) == sorted(expected), (names, expected)
    assert first_parents[0]["full_name"] not in names
    for index, card in enumerate(cards):
        link = card.find_element("css selector", ".card-link").text
        png = tmp_path / f"card-{index}.png"
        png.write_bytes(base64.b64decode(card.find_element("css selector", "img.qr").get_attribute("src").split(",", 1)[1]))
        decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True)
        assert decoded.stdout.strip() == link
        preview = requests.get(school.url + "/api/v1/link-codes/" + link.rsplit("/", 1)[1], timeout=10).json()
        assert preview["person"]["full_name"] == names[index]
        # The same code printed to type, in fours, with where to type it.
        printed = card.find_element("css selector", ".card-code strong").text
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", printed) and printed.replace("-", "") == link.rsplit("/", 1)[1], printed
        assert f"{school.url}/link " in card.find_element("css selector", ".card-enter").text + " "
    browser.shot("19-link-cards")
    assert_clean(browser)

    # Someone whose phone cannot scan: opens /link, types the first card's code as it comes (lower
    # case, spaces), and the code's page names them.
    typed = cards[0].find_element("css selector", ".card-code strong").text.lower().replace("-", " ")
    phone = browsers(school.url, name="typing-phone", width=390, height=844)
    phone.driver.get(school.url + "/link")
    phone.find("input[name=code]")
    phone.type("input[name=code]", "abc")
    phone.click("Продолжить")
    phone.wait_text("В коде 12 знаков")
    phone.find("input[name=code]").clear()
    phone.type("input[name=code]", typed)
    phone.click("Продолжить")
    phone.wait_text(names[0], ".link-person")
    assert phone.no_horizontal_scroll()
    assert_clean(phone)


def test_unlinking_my_learning_profile_says_what_happens_and_ends_the_chats_at_once(school, browsers):
    """Issue 19: in settings, a parent sees who they are in the school and unlinks that profile —
    after a confirmation that spells out the consequences — and the school's chats leave their
    open app at once, as the server says."""
    admin = sign_in(school.url, ADMIN)
    parent = admin.call("GET", "/api/v1/organizations/1/persons", params={"role": "parent", "linked": "false"}).json()["items"][0]
    member = link_person(school.url, admin, parent["id"], "+79990007731")
    assert member.call("GET", "/api/v1/me/chats").json()["items"], "the parent has the class's chats"

    phone = browsers(school.url, name="unlink-phone", width=390, height=844)
    phone.sign_in("+79990007731")
    phone.wait(lambda: phone.all(".chat-item") or None, message="the parent's chats")
    phone.open("/#/settings")
    phone.wait_text(parent["full_name"], ".profile")
    phone.click("Отвязать профиль")
    dialog = phone.find("dialog")
    assert "выйдете из всех чатов" in dialog.text and parent["full_name"] in dialog.text and "новому коду" in dialog.text, dialog.text
    phone.shot("19-unlink-profile-phone")
    phone.click("Отвязать профиль", "dialog button")
    phone.wait_text("Вы не привязаны ни к одной записи школы.")
    assert member.call("GET", "/api/v1/me/links").json()["items"] == []
    assert member.call("GET", "/api/v1/me/chats").json()["items"] == []
    phone.click("Чаты")
    phone.wait(lambda: not phone.all(".chat-item") or None, message="the school's chats gone")
    assert phone.no_horizontal_scroll()
    assert_clean(phone)


def roster_row(browser, first_cell):
    """The row of a console table whose first cell is exactly `first_cell` (10А, not 110А)."""
    return browser.wait(lambda: next((row for row in browser.all("tbody tr")
                                      if row.find_elements("css selector", "td") and row.find_element("css selector", "td").text.strip() == first_cell), None),
                        message=f"the row of {first_cell}")


def test_the_roster_console_shows_what_was_asked_last_and_moves_only_active_students_into_this_year(school, browsers):
    """Issue 19, from the review of the roster console: an inactive student is moved nowhere (the
    card says to make them active first); a transfer offers no class of a school year that is
    over; a class whose homeroom teacher was made inactive still shows them in the dialog (saving
    does not silently drop them); two tabs clicked at once end on the second."""
    api = sign_in(school.url, ADMIN)
    old_year = api.call("POST", "/api/v1/organizations/1/school-years", json={"name": "2019/2020", "start_date": "2019-09-01", "end_date": "2020-05-31"})
    assert old_year.status_code == 201, old_year.text
    old_class = api.call("POST", "/api/v1/organizations/1/classes", json={"school_year_id": old_year.json()["id"], "name": "9Я"})
    assert old_class.status_code == 201, old_class.text
    students = api.call("GET", "/api/v1/organizations/1/persons", params={"role": "student", "per_page": 10}).json()["items"]
    inactive, active = students[0], students[1]
    assert api.call("PATCH", f"/api/v1/organizations/1/persons/{inactive['id']}", json={"active": False}).status_code == 200
    classes = api.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    led = next(c for c in classes if c.get("homeroom_teacher"))
    gone = led["homeroom_teacher"]
    assert api.call("PATCH", f"/api/v1/organizations/1/persons/{gone['id']}", json={"active": False}).status_code == 200

    admin = browsers(school.url, name="admin")
    admin.sign_in(ADMIN)
    admin.open(f"/#/org/1/persons/{inactive['id']}")
    admin.wait_text("Запись неактивна", ".person-card")
    assert not admin.all("select[name=order_class]") and not admin.all("input[name=order_date]")

    admin.open(f"/#/org/1/persons/{active['id']}")
    offered = [o.text for o in Select(admin.find("select[name=order_class]")).options]
    assert offered and not any("2019/2020" in o for o in offered), offered
    now_in = api.call("GET", f"/api/v1/organizations/1/persons/{active['id']}").json()["current_class"]["id"]
    expected = sorted(f"{c['name']} ({c['school_year']['name']})" for c in classes if c["id"] not in (now_in, old_class.json()["id"]))
    assert sorted(offered) == expected, (offered, expected)

    admin.open("/#/org/1/roster")
    roster_row(admin, led["name"]).find_element("css selector", "button.link").click()
    chosen = Select(admin.find("dialog select[name=homeroom_teacher]")).first_selected_option
    assert chosen.get_attribute("value") == str(gone["id"]) and "неактивен" in chosen.text, chosen.text
    admin.click("Сохранить", "dialog button")
    admin.wait(lambda: not admin.all("dialog[open]") or None, message="the dialog closed")
    assert api.call("GET", f"/api/v1/organizations/1/classes/{led['id']}").json()["homeroom_teacher"]["id"] == gone["id"]

    # «Приказы о движении» then «Классы» in the same instant: the classes stay, the orders' late answer does not cover them.
    admin.driver.execute_script("""
        const tab = (name) => [...document.querySelectorAll('button.tab')].find((b) => b.textContent === name);
        tab('Приказы о движении').click(); tab('Классы').click();""")
    admin.wait(lambda: roster_row(admin, led["name"]) or None, message="the classes list")
    admin.wait(lambda: admin.driver.execute_script("return location.hash") == "#/org/1/roster/classes" or None, message="the classes' address")
    time.sleep(1.5)
    assert roster_row(admin, led["name"]), "the classes list stayed"
    assert_clean(admin)


def test_school_years_and_subjects_in_the_console(school, browsers):
    """Issue 19: the administrator makes the next school year (dates from its name, then changed)
    and manages subjects — added, renamed, an unused one deleted, one that is taught refused with
    why — all in Russian, without the command line."""
    api = sign_in(school.url, ADMIN)
    admin = browsers(school.url, name="admin")
    admin.sign_in(ADMIN)
    admin.open("/#/org/1/roster/years")
    admin.find("input[name=year_name]")
    admin.type("input[name=year_name]", "следующий")
    admin.click("Создать учебный год")
    admin.wait_text("Учебный год пишется как 2027/2028")
    admin.find("input[name=year_name]").clear()
    admin.type("input[name=year_name]", "2027/2028")
    admin.click("Создать учебный год")
    admin.wait(lambda: roster_row(admin, "2027/2028") or None, message="the new year listed")
    year = next(y for y in api.call("GET", "/api/v1/organizations/1/school-years").json()["items"] if y["name"] == "2027/2028")
    assert (year["start_date"], year["end_date"]) == ("2027-09-01", "2028-08-31"), year
    roster_row(admin, "2027/2028").find_element("css selector", "button.link").click()
    admin.driver.execute_script("const i = document.querySelector('dialog input[name=end_date]'); i.value = '2028-05-31'; i.dispatchEvent(new Event('input'))")
    admin.click("Сохранить", "dialog button")
    admin.wait(lambda: next(y for y in api.call("GET", "/api/v1/organizations/1/school-years").json()["items"] if y["id"] == year["id"])["end_date"] == "2028-05-31" or None,
               message="the new end date saved")

    admin.type("input[name=new_subject]", "Астрономия")
    admin.click("Добавить предмет")
    admin.wait(lambda: roster_row(admin, "Астрономия") or None, message="the new subject listed")
    roster_row(admin, "Астрономия").find_element("css selector", "button.link").click()
    admin.find("dialog input[name=subject_name]").clear()
    admin.type("dialog input[name=subject_name]", "Астрономия и космос")
    admin.click("Сохранить", "dialog button")
    admin.wait(lambda: roster_row(admin, "Астрономия и космос") or None, message="the renamed subject")
    subjects = {s["name"]: s for s in api.call("GET", "/api/v1/organizations/1/subjects").json()["items"]}
    assert "Астрономия и космос" in subjects and "Астрономия" not in subjects
    admin.click_in_row("tbody tr", "Астрономия и космос", "button.danger")
    admin.click("Удалить", "dialog button")
    admin.wait(lambda: not any(r.text.startswith("Астрономия") for r in admin.all("tbody tr")) or None, message="the subject deleted")
    assert "Астрономия и космос" not in {s["name"] for s in api.call("GET", "/api/v1/organizations/1/subjects").json()["items"]}
    taught = api.call("GET", "/api/v1/organizations/1/assignments", params={"per_page": 10}).json()["items"][0]["subject"]["name"]
    admin.click_in_row("tbody tr", taught, "button.danger")
    admin.click("Удалить", "dialog button")
    admin.wait_text("его можно только переименовать")
    assert taught in {s["name"] for s in api.call("GET", "/api/v1/organizations/1/subjects").json()["items"]}
    assert_clean(admin)


def test_the_roster_in_the_console_and_a_transfer_moving_the_class_chats_live(school, browsers):
    """Issue 19: an administrator does the roster's everyday work in the console — a class's
    homeroom teacher changed, a parent added and linked to a child with the committee mark, that
    parent's link code with a QR code, a teacher's teaching added — and transfers a student to
    another class: the student's open app loses the old class's chats and gains the new one's at
    once, exactly as the server lists them, without a reload."""
    api = sign_in(school.url, ADMIN)
    classes = api.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    student = api.call("GET", "/api/v1/organizations/1/persons", params={"role": "student", "linked": "false"}).json()["items"][0]
    current = api.call("GET", f"/api/v1/organizations/1/persons/{student['id']}").json()["current_class"]
    target = next(c for c in classes if c["id"] != current["id"] and c["school_year"]["id"] == current["school_year_id"])
    member = link_person(school.url, api, student["id"], "+79990007741")
    before = member.call("GET", "/api/v1/me/chats").json()["items"]
    assert before, "the student has the class's chats"

    phone = browsers(school.url, name="student-phone", width=390, height=844)
    phone.sign_in("+79990007741")
    names = lambda: sorted(e.find_element("css selector", ".chat-name").text for e in phone.all(".chat-item"))  # noqa: E731
    phone.wait(lambda: names() == sorted(c["name"] for c in before) or None, message="the student's chats")
    phone.driver.execute_script("window.partaNotReloaded = true")

    admin = browsers(school.url, name="admin")
    admin.sign_in(ADMIN)
    admin.open("/#/org/1/roster")

    # The target class gets another homeroom teacher from the class list.
    teachers = api.call("GET", "/api/v1/organizations/1/persons", params={"role": "teacher", "active": "true", "per_page": 100}).json()["items"]
    teacher = next(t for t in teachers if t["id"] != (target.get("homeroom_teacher") or {}).get("id"))
    roster_row(admin, target["name"]).find_element("css selector", "button.link").click()
    Select(admin.find("dialog select[name=homeroom_teacher]")).select_by_value(str(teacher["id"]))
    admin.click("Сохранить", "dialog button")
    admin.wait(lambda: teacher["full_name"] in roster_row(admin, target["name"]).text or None, message="the new homeroom teacher listed")
    after = api.call("GET", f"/api/v1/organizations/1/classes/{target['id']}").json()
    assert after["homeroom_teacher"]["id"] == teacher["id"], after
    audit = api.call("GET", "/api/v1/organizations/1/audit", params={"per_page": 10}).json()["items"]
    assert any(e["action"] == "roster.class_updated" and e["target_id"] == str(target["id"]) for e in audit), audit[:3]

    # A new parent: added, linked to the student as a child, marked for the committee.
    admin.click("Люди", "button")
    admin.click("Добавить человека")
    admin.select("select[name=role]", "Родитель")
    admin.type("input[name=surname]", "Журавлёва")
    admin.type("input[name=given_name]", "Ирина")
    admin.click("Добавить", "form button")
    admin.wait_text("Журавлёва Ирина", "h1")
    admin.type("input[name=find_children]", student["surname"])
    admin.click_in_row(".found-item", student["full_name"], "button")
    admin.wait_text(student["full_name"], "section table")
    admin.driver.find_element("css selector", "input[name=parents_committee]").click()
    admin.click("Сохранить", "form button")
    admin.wait_text("Сохранено", "#status")
    parent_id = int(admin.driver.current_url.rsplit("/", 1)[1])
    parent = api.call("GET", f"/api/v1/organizations/1/persons/{parent_id}").json()
    assert [c["id"] for c in parent["children"]] == [student["id"]] and parent["person"]["parents_committee"] is True, parent

    # Their link code, with a QR code: the link is that parent's code.
    admin.click("Выдать код привязки")
    qr = admin.find(".issued img.qr")
    assert admin.driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", qr)
    link = admin.find(".issued input.mono").get_attribute("value")
    preview = requests.get(school.url + "/api/v1/link-codes/" + link.rsplit("/", 1)[1], timeout=10).json()
    assert preview["person"]["full_name"] == parent["person"]["full_name"] == "Журавлёва Ирина", preview
    admin.shot("19-console-person-card")

    # A teacher's teaching: a subject in the target class.
    subject = api.call("GET", "/api/v1/organizations/1/subjects").json()["items"][0]
    admin.open(f"/#/org/1/persons/{teacher['id']}")
    admin.wait_text(teacher["full_name"], "h1")
    Select(admin.find("select[name=subject]")).select_by_value(str(subject["id"]))
    Select(admin.find("select[name=assignment_class]")).select_by_value(str(target["id"]))
    admin.click("Добавить", "form button")
    admin.wait(lambda: any(subject["name"] in r.text and target["name"] in r.text for r in admin.all("section tbody tr")) or None,
               message="the teaching listed")
    teaching = api.call("GET", "/api/v1/organizations/1/assignments", params={"teacher_id": teacher["id"]}).json()["items"]
    assert any(a["subject"]["id"] == subject["id"] and a["school_class"]["id"] == target["id"] for a in teaching), teaching

    # The transfer, today: the class chats move in the student's open app.
    admin.open(f"/#/org/1/persons/{student['id']}")
    admin.wait_text(f"Сейчас в классе {current['name']}.")
    Select(admin.find("select[name=order_class]")).select_by_value(str(target["id"]))
    admin.click("Перевести", "form button")
    dialog = admin.find("dialog")
    assert current["name"] in dialog.text and target["name"] in dialog.text, dialog.text
    admin.click("Перевести", "dialog button")
    admin.wait_text(f"Сейчас в классе {target['name']}.")
    admin.shot("19-console-transfer")
    moved = api.call("GET", f"/api/v1/organizations/1/persons/{student['id']}").json()
    assert moved["current_class"]["id"] == target["id"], moved
    expected = member.call("GET", "/api/v1/me/chats").json()["items"]
    assert {c["id"] for c in expected} != {c["id"] for c in before}, "the transfer changed the student's chats"
    phone.wait(lambda: names() == sorted(c["name"] for c in expected) or None, timeout=20, message="the new class's chats live")
    assert phone.driver.execute_script("return window.partaNotReloaded === true"), "the page was not reloaded"
    assert_clean(admin, phone)
