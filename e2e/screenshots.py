"""Screenshots of the web client's main screens on the demo school, for the README.

Usage: python e2e/screenshots.py <server url> <output directory>. The server must run
`parta serve --demo` on a fresh `parta demo --students N --schools M --history-weeks W` territory;
scripts/screenshots does that."""
import sys
import time
import uuid
from pathlib import Path

from browser import Browser
from parta_client import link_person, sign_in

ADMIN, TEACHER_PHONE = "+79000000010", "+79990005566"
MUNICIPAL, REGIONAL = "+79000000002", "+79000000003"


def seed(url):
    """A teacher linked to the roster and a few messages, so that the screens are not empty."""
    admin = sign_in(url, ADMIN, device="Chrome on Linux")
    classes = admin.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    tenth = next(c for c in classes if c["name"] == "10А")
    person = tenth["homeroom_teacher"]  # the homeroom teacher of 10А: the staff room and the class's chats
    teacher = link_person(url, admin, person["id"], TEACHER_PHONE, device="Safari on iPhone")
    chats = {c["name"]: c for c in teacher.call("GET", "/api/v1/me/chats").json()["items"]}

    def say(session, chat, text, reply_to=None):
        body = {"client_id": str(uuid.uuid4()), "text": text}
        if reply_to:
            body["reply_to"] = reply_to
        return session.call("POST", f"/api/v1/chats/{chat['id']}/messages", json=body).json()

    staff = chats["Учительская"]
    first = say(admin, staff, "Коллеги, педсовет в четверг в 15:00 в актовом зале.")
    say(teacher, staff, "Приду. Нужно ли подготовить отчёт по успеваемости 10А?", first["id"])
    say(admin, staff, "Да, коротко: средний балл и кто в зоне риска.")
    parents = chats.get("10А - Родители")
    if parents:
        say(teacher, parents, "Уважаемые родители! В пятницу экскурсия в краеведческий музей, сбор в 9:00 у школы.")
        say(teacher, parents, "Не забудьте подписать согласие — бланк у детей в дневниках.")
    admin.call("POST", "/api/v1/organizations/1/invites", json={"role": "teacher", "note": "Новые учителя"})
    admin.call("POST", "/api/v1/organizations/1/invites", json={"role": "parent", "class_id": tenth["id"], "note": "Родители 10А"})
    applicant = sign_in(url, "+79990007788")
    applicant.call("PATCH", "/api/v1/me", json={"surname": "Егорова", "given_name": "Светлана", "patronymic": "Игоревна"})
    applicant.call("POST", "/api/v1/organizations/1/join-requests", json={"role": "teacher", "message": "Учитель физики, с 1 декабря"})


def main(url, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    seed(url)
    shots = []

    def shot(browser, name):
        time.sleep(0.4)  # let fonts and images settle
        browser.driver.save_screenshot(str(out / f"{name}.png"))
        shots.append(name)

    guest = Browser(url, width=1200, height=760, name="guest")
    try:
        guest.open("/#/signin")
        guest.find("input[name=phone]")
        shot(guest, "sign-in")
    finally:
        guest.close()

    desktop = Browser(url, width=1280, height=800, name="teacher")
    try:
        desktop.open("/")
        desktop.sign_in(TEACHER_PHONE)
        desktop.click("Чаты")
        desktop.wait(lambda: next((e for e in desktop.all(".chat-item") if "Учительская" in e.text), None)).click()
        desktop.wait_text("педсовет", ".msg .text")
        shot(desktop, "messenger")
    finally:
        desktop.close()

    phone = Browser(url, width=390, height=844, name="phone")
    try:
        phone.open("/")
        phone.sign_in(TEACHER_PHONE)
        phone.click("Чаты")
        phone.wait(lambda: len(phone.all(".chat-item")) > 1 or None)
        shot(phone, "phone-chats")
        phone.wait(lambda: next((e for e in phone.all(".chat-item") if "Родители" in e.text), None)).click()
        phone.wait_text("экскурсия", ".msg .text")
        shot(phone, "phone-chat")
    finally:
        phone.close()

    # Where a code from a printed card is typed, on a phone that cannot scan it.
    typing = Browser(url, width=390, height=844, name="typing")
    try:
        typing.open("/#/link")
        typing.find("input[name=code]")
        shot(typing, "phone-link-code")
    finally:
        typing.close()

    admin = Browser(url, width=1280, height=900, name="admin")
    try:
        admin.open("/")
        admin.sign_in(ADMIN)
        admin.click("Управление")
        admin.wait_text("Идентификатор сообщества")
        shot(admin, "admin-profile")
        admin.click("Приглашения")
        admin.select("select[name=role]", "Родитель")
        admin.select("select[name=class_id]", "10А (2026/2027)")
        admin.type("input[name=note]", "Родители 10А, собрание 5 декабря")
        admin.click("Создать приглашение")
        admin.find(".issued img.qr")
        shot(admin, "admin-invite")
        admin.click("Заявки")
        admin.wait_text("Егорова Светлана Игоревна")
        admin.click("Рассмотреть")
        admin.find(".review")
        shot(admin, "admin-join-request")
        admin.click("Чаты", ".tabs a")
        admin.wait_text("Управление чатами")
        admin.select("#filter-type", "Родители")
        admin.wait(lambda: all("Родители" in r.text for r in admin.all(".table-wrap tbody tr")) or None)
        shot(admin, "admin-chats")
        admin.click("10А - Родители")
        admin.wait_text("Добавить участников")
        shot(admin, "admin-chat-edit")
        # An invite link to the parents chat, with its QR code (issue 19).
        admin.click("Создать ссылку")
        admin.find(".issued img.qr")
        shot(admin, "admin-chat-invite")
        admin.click("Чаты", ".tabs a")
        admin.click("Инициализация чатов")
        admin.click("Предпросмотр (без изменений)")
        admin.wait_text("Предпросмотр: что будет сделано")
        shot(admin, "admin-initialize")
        # Printable link-code cards for a class.
        admin.open("/#/org/1/roster")
        admin.click_in_row("tbody tr", "10А", "a.button")
        admin.click("Сделать карточки")
        admin.find(".link-card img.qr")
        shot(admin, "admin-link-cards")
        # The roster in the console: a student's card, with the class, the orders and the parents.
        admin.open("/#/org/1/roster/people")
        admin.select("select[aria-label='Класс']", "10А")
        admin.wait(lambda: admin.all("tbody tr a") or None)
        admin.all("tbody tr a")[0].click()
        admin.wait_text("Класс и приказы", "h2")
        shot(admin, "admin-person-card")
        # School years and subjects.
        admin.open("/#/org/1/roster/years")
        admin.find("input[name=new_subject]")
        shot(admin, "admin-years-subjects")
        # An invite's link shown again from the list.
        admin.open("/#/org/1/invites")
        admin.click("Показать ссылку")
        admin.find(".issued img.qr")
        shot(admin, "admin-invite-again")
    finally:
        admin.close()

    # Statistics: the regional officer's territory on a desktop, a municipality on a phone.
    officer = Browser(url, width=1200, height=1400, name="officer")
    try:
        officer.open("/")
        officer.sign_in(REGIONAL)
        officer.click("Статистика", "header nav a")
        officer.wait_text("Муниципалитеты", "h2")
        officer.find(".chart svg")
        shot(officer, "stats-region")
        officer.click("Городской округ Образцово", ".stats-table a")
        officer.wait_text("Школы", "h2")
        officer.click("Школа № 1 г. Образцово", ".stats-table a")
        officer.wait_text("Школа на платформе")
        shot(officer, "stats-school")
    finally:
        officer.close()
    phone = Browser(url, width=390, height=1500, name="officer-phone")
    try:
        phone.open("/")
        phone.sign_in(MUNICIPAL)
        phone.open("/#/stats")
        phone.wait_text("Школы", "h2")
        phone.find(".chart svg")
        shot(phone, "phone-stats")
    finally:
        phone.close()
    for name in shots:
        print(out / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
