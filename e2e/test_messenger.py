"""The messenger across processes: two `parta serve` nodes on one PostgreSQL deliver each
other's events (LISTEN/NOTIFY), and a killed server loses no acknowledged message."""
import subprocess
import sys

import pytest

from conftest import BIN, ROOT, clean_env, run_cli
from parta_client import sign_in

ADMIN, TEACHER, TEACHER2 = "+79000000010", "+79000000011", "+79000000012"


def test_two_nodes_deliver_each_others_events(workdir, servers, pg_url):
    env = clean_env(PARTA_DATABASE_URL=pg_url, PARTA_DEMO="true")
    run_cli(["migrate"], workdir, env=env, check=True)
    run_cli(["demo"], workdir, env=env, check=True)
    a = servers(workdir, env=env).wait_ready()
    b = servers(workdir, env=env).wait_ready()

    admin = sign_in(a.url, ADMIN)
    teacher = sign_in(b.url, TEACHER)
    colleague = sign_in(b.url, TEACHER2)
    org = admin.me()["organizations"][0]["id"]
    teacher_id = teacher.me()["account"]["id"]
    colleague_id = colleague.me()["account"]["id"]

    # The teacher and a colleague listen on node B; the administrator on node A.
    teacher_live = teacher.live()
    colleague_live = colleague.live()
    admin_live = admin.live()
    try:
        # A chat opened on A reaches the teacher's connection on B.
        opened = admin.call("POST", f"/api/v1/organizations/{org}/direct-chats", json={"account_id": teacher_id})
        assert opened.status_code == 200, opened.text
        chat = opened.json()["id"]
        added = teacher_live.next(lambda f: f["type"] == "chat")
        assert added["chat"]["id"] == chat and added["chat"]["name"] == "Смирнова Ольга Викторовна"

        # A message committed on A is an event on B, once; and back.
        sent = admin.call("POST", f"/api/v1/chats/{chat}/messages", json={"client_id": "n-1", "text": "Совещание в 15:00"})
        assert sent.status_code == 201
        event = teacher_live.next(lambda f: f["type"] == "event" and f.get("kind") == "message")
        assert event["chat_id"] == chat and event["seq"] == sent.json()["seq"] and event["message"]["text"] == "Совещание в 15:00"

        teacher_live.send({"type": "send", "req": "r1", "chat_id": chat, "client_id": "n-2", "text": "Буду"})
        ack = teacher_live.next(lambda f: f.get("req") == "r1")
        assert ack["type"] == "ack" and ack["seq"] == event["seq"] + 1
        back = admin_live.next(lambda f: f["type"] == "event" and f.get("kind") == "message" and f["seq"] == ack["seq"])
        assert back["message"]["text"] == "Буду"

        # Nothing of it reached the colleague on B, who is not in the chat: a pong asked for now
        # comes after anything queued for them.
        colleague_live.send({"type": "ping", "req": "p"})
        colleague_live.next(lambda f: f["type"] == "pong")
        assert colleague_live.frames.empty()

        # History agrees on both nodes.
        history = [teacher.call("GET", f"/api/v1/chats/{chat}/messages").json()["items"],
                   admin.call("GET", f"/api/v1/chats/{chat}/messages").json()["items"]]
        assert [m["text"] for m in history[0]] == ["Буду", "Совещание в 15:00"] and history[0] == history[1]
    finally:
        for live in (teacher_live, colleague_live, admin_live):
            live.close()
    assert a.stop() == 0 and b.stop() == 0


def test_a_killed_server_loses_no_acknowledged_message(workdir):
    """scripts/crash-test at a small size: senders, kill -9 mid-load, restart, count."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "crash_test.py"), "--bin", BIN, "--workdir", str(workdir),
         "--senders", "3", "--messages", "60"],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every acknowledged message is present exactly once" in result.stdout
