"""The operator's command line: operators, organizations, administrators, the demo."""
import requests

from conftest import clean_env, run_cli
from parta_client import sign_in


def test_register_list_show_and_set_admin(workdir):
    added = run_cli(["operator", "add", "--name", "Орлова Анна Сергеевна", "--phone", "8 900 000-00-01"], workdir, check=True)
    assert "+7 900 000-00-01" in added.stdout
    registered = run_cli([
        "org", "register", "--region", "Тверская область", "--municipality", "г. Тверь",
        "--name", "МБОУ «Средняя общеобразовательная школа № 5»", "--short-name", "Школа № 5",
        "--kind", "school", "--admin-name", "Смирнова Ольга Викторовна", "--admin-phone", "+7 999 000-00-10",
    ], workdir, check=True)
    assert "Школа № 5" in registered.stdout
    assert "Смирнова Ольга Викторовна" in registered.stdout
    community = next(word.strip("[]") for word in registered.stdout.split() if word.startswith("[PRT-"))

    again = run_cli([
        "org", "register", "--region", "ТВЕРСКАЯ ОБЛАСТЬ", "--municipality", "Г. ТВЕРЬ",
        "--name", "МБОУ «Средняя общеобразовательная школа № 5»",
        "--admin-name", "Петров Пётр", "--admin-phone", "+7 999 000-00-11",
    ], workdir)
    assert again.returncode == 2
    assert again.stderr.strip().startswith("error: ")
    assert "already registered" in again.stderr
    assert "Traceback" not in again.stderr and "Fatal" not in again.stderr

    listed = run_cli(["org", "list", "--query", "школа 5"], workdir, check=True).stdout
    assert community in listed and "1 organizations" in listed

    changed = run_cli(["org", "set-admin", "--org", community.lower(), "--admin-name", "Козлов Иван Петрович",
                       "--admin-phone", "+7 999 000-00-12"], workdir, check=True).stdout
    assert "Козлов Иван Петрович" in changed and "Смирнова" not in changed
    kept = run_cli(["org", "set-admin", "--org", "1", "--admin-name", "Смирнова Ольга Викторовна",
                    "--admin-phone", "+7 999 000-00-10", "--keep-others"], workdir, check=True).stdout
    assert "Козлов Иван Петрович" in kept and "Смирнова Ольга Викторовна" in kept
    shown = run_cli(["org", "show", community], workdir, check=True).stdout
    assert "profile incomplete: address, contact_phone_or_email" in shown


def test_errors_are_one_clear_line(workdir):
    bad_phone = run_cli(["operator", "add", "--name", "Орлова Анна", "--phone", "12345"], workdir)
    assert bad_phone.returncode == 2
    assert bad_phone.stderr.strip() == "error: Enter a mobile phone number such as +7 999 123-45-67, 8 999 123-45-67 or 9991234567."
    bad_name = run_cli(["operator", "add", "--name", "Орлова", "--phone", "+79000000001"], workdir)
    assert bad_name.returncode == 2 and "surname first" in bad_name.stderr
    missing = run_cli(["org", "show", "42"], workdir)
    assert missing.returncode == 2 and "not found" in missing.stderr
    bad_kind = run_cli(["org", "register", "--region", "R", "--municipality", "M", "--name", "N", "--kind", "university",
                        "--admin-name", "Смирнова Ольга", "--admin-phone", "+79990000010"], workdir)
    assert bad_kind.returncode == 2 and "university" in bad_kind.stderr
    assert "0 organizations" not in run_cli(["org", "list"], workdir, check=True).stdout


def test_demo_is_idempotent_and_signs_in(workdir, servers):
    first = run_cli(["demo"], workdir, check=True).stdout
    second = run_cli(["demo"], workdir, check=True).stdout
    assert first == second
    assert "+7 900 000-00-10" in first and "Смирнова Ольга Викторовна" in first
    server = servers(workdir, args=["--demo"]).wait_ready()
    assert requests.post(server.url + "/api/v1/auth/code", json={"phone": "+79000000010"}).status_code == 202
    code = requests.get(server.url + "/dev/codes.json").json()["items"][0]["code"]
    token = requests.post(server.url + "/api/v1/auth/verify", json={"phone": "+79000000010", "code": code}).json()["token"]
    me = requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert me["organizations"][0]["roles"] == ["administrator"]
    assert me["organizations"][0]["teacher_count"] == 3
    assert server.stop() == 0


def test_remove_member_from_the_command_line(workdir, servers):
    """`parta org remove-member`: a demo teacher loses the teacher role (and the staff room) at once."""
    run_cli(["demo"], workdir, check=True)
    server = servers(workdir, ["--demo"], env=clean_env(PARTA_CODE_RESEND_INTERVAL=0)).wait_ready()
    teacher = sign_in(server.url, "+79000000011")
    admin = sign_in(server.url, "+79000000010")
    staff = teacher.call("GET", "/api/v1/me/chats").json()["items"]
    assert [c["name"] for c in staff] == ["Учительская"]
    live = teacher.live()
    try:
        removed = run_cli(["org", "remove-member", "--org", "1", "--phone", "+7 900 000-00-11", "--role", "teacher"], workdir, check=True)
        assert removed.stdout.strip() == "removed"
        # The command line is another process: its change reaches the server's open connections with
        # the chat's next event, ahead of it — the removed teacher gets chat_removed, never the message.
        sent = admin.call("POST", f"/api/v1/chats/{staff[0]['id']}/messages", json={"client_id": "after-cli", "text": "Без Иванова"})
        assert sent.status_code == 201, sent.text
        frame = live.next(lambda f: f["type"] in ("chat_removed", "event") and f.get("chat_id") == staff[0]["id"])
        assert frame["type"] == "chat_removed"
        live.send({"type": "ping", "req": "end"})
        rest = []
        while True:
            f = live.next(lambda f: True)
            if f["type"] == "pong":
                break
            rest.append(f)
        assert not any(f.get("type") == "event" for f in rest)
    finally:
        live.close()
    assert teacher.call("GET", "/api/v1/me/chats").json()["items"] == []
    assert teacher.me()["organizations"] == []
    again = run_cli(["org", "remove-member", "--org", "1", "--phone", "+7 900 000-00-11"], workdir)
    assert again.returncode == 2 and "not found" in again.stderr


def test_the_living_demo_has_its_people_in_the_roster_and_talking(workdir, servers):
    """`parta demo --living`: the people it prints are the roster's — Иванов leads a class and
    teaches in it, Волкова is the mother of two children in two classes, the student signs in —
    and each finds conversations waiting: unread messages in the class's chats and the teacher's
    direct message. Run again, even without `--living`, nothing changes: the cast stays."""
    first = run_cli(["demo", "--students", "120", "--living"], workdir, check=True).stdout
    assert "living demo: the cast is in the roster, with their conversations" in first, first
    lines = {line.split("  ")[0].strip(): line for line in first.splitlines() if line.startswith("+7 900")}
    assert "homeroom teacher of" in lines["+7 900 000-00-11"] and "Иванов Пётр Николаевич" in lines["+7 900 000-00-11"], lines
    assert "Волкова Наталья Сергеевна" in lines["+7 900 000-00-20"] and "mother of" in lines["+7 900 000-00-20"], lines
    assert "Волков" in lines["+7 900 000-00-21"] and "student of" in lines["+7 900 000-00-21"], lines
    second = run_cli(["demo", "--students", "120"], workdir, check=True).stdout
    assert "living demo: the cast is in the roster (already there)" in second, second
    assert "(already there)" in second.split("generated roster:")[1].splitlines()[0], second
    server = servers(workdir, args=["--demo"], env=clean_env(PARTA_CODE_RESEND_INTERVAL=0, PARTA_CODE_ADDRESS_HOURLY_LIMIT=1000)).wait_ready()

    admin = sign_in(server.url, "+79000000010")
    classes = admin.call("GET", "/api/v1/organizations/1/classes").json()["items"]
    theirs = next(c for c in classes if (c.get("homeroom_teacher") or {}).get("full_name") == "Иванов Пётр Николаевич")
    assert theirs["homeroom_teacher"]["linked"], theirs
    assert sum(1 for c in classes if (c.get("homeroom_teacher") or {}).get("full_name") in ("Кузнецова Мария Андреевна", "Соколов Дмитрий Игоревич")) == 2

    mother = sign_in(server.url, "+79000000020")
    links = mother.call("GET", "/api/v1/me/links").json()["items"]
    assert [link["person"]["full_name"] for link in links] == ["Волкова Наталья Сергеевна"], links
    chats = mother.call("GET", "/api/v1/me/chats").json()["items"]
    direct = next(c for c in chats if c["type"] == "direct")
    assert direct["unread"] == 1 and direct["last_message"]["text"].startswith("Наталья Сергеевна, добрый день!"), direct
    parents = next(c for c in chats if c["type"] == "parents" and c["name"].startswith(theirs["name"]))
    assert parents["unread"] == 1 and parents["last_message"]["text"].startswith("Конечно."), parents

    student = sign_in(server.url, "+79000000021")
    class_chat = next(c for c in student.call("GET", "/api/v1/me/chats").json()["items"] if c["type"] == "class")
    assert class_chat["name"].startswith(theirs["name"]) and class_chat["last_message"]["text"].startswith("Да, нужен"), class_chat
    teacher = sign_in(server.url, "+79000000012")
    subject = [c for c in teacher.call("GET", "/api/v1/me/chats").json()["items"] if c["type"] == "subject" and c["name"].startswith(theirs["name"])]
    assert any(c["last_message"] and c["last_message"]["text"].startswith("Ребята, к понедельнику") for c in subject), subject
    assert server.stop() == 0
