"""Limits that protect the server, measured on the real binary: zip bombs in roster imports and a
live connection that reads slowly. Each prints its peak memory as a BENCH line and keeps it under
a stated bound."""
import http.client
import io
import struct
import threading
import time
import uuid
import zipfile

import pytest
import requests

from conftest import clean_env, run_cli
from parta_client import sign_in

ADMIN = "+79000000010"
# The server's peak resident memory may grow by at most this much over what it needed before
# (a debug build; the whole demo school is already loaded then).
GROWTH_BOUND_MB = 96


def peak_rss_mb(server):
    for line in open(f"/proc/{server.proc.pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def bench(capsys, name, value, unit):
    with capsys.disabled():
        print(f"\nBENCH {name} {value:.1f} {unit}")


def zeros_zip(size, name="users.csv", declare=None):
    """A deflated zip of one entry of `size` zero bytes; with `declare`, its recorded uncompressed
    size is overwritten (local header offset 22, central directory offset 24): a bomb that lies."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(name, "w") as entry:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                entry.write(chunk)
    data = bytearray(buffer.getvalue())
    if declare is not None:
        for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            at = data.find(signature)
            while at >= 0:
                data[at + offset:at + offset + 4] = struct.pack("<I", declare)
                at = data.find(signature, at + 4)
    return bytes(data)


@pytest.fixture
def school(workdir, servers):
    run_cli(["demo", "--students", "30"], cwd=workdir, check=True)
    # The slow-reader case fills a chat with 1,200 messages first: faster than a person may send.
    env = clean_env(PARTA_CODE_RESEND_INTERVAL=0, PARTA_CODE_ADDRESS_HOURLY_LIMIT=1000, PARTA_LIMIT_MESSAGES="off")
    return servers(workdir, ["--demo"], env=env).wait_ready()


def test_zip_bombs_are_refused_within_a_memory_bound(school, capsys):
    admin = sign_in(school.url, ADMIN)
    stranger = sign_in(school.url, "+79990001234")
    imports = "/api/v1/organizations/1/imports/oneroster"

    # Someone who may not import is refused before the server reads the upload: the answer comes
    # while most of a declared 50 MB body was never sent.
    connection = http.client.HTTPConnection("127.0.0.1", school.port, timeout=15)
    connection.putrequest("POST", imports)
    connection.putheader("Authorization", f"Bearer {stranger.token}")
    connection.putheader("Content-Type", "application/zip")
    connection.putheader("Content-Length", str(50 << 20))
    connection.endheaders()
    connection.send(bytes(64 << 10))
    early = connection.getresponse()
    assert early.status == 403, early.read()
    connection.close()

    honest = zeros_zip(300 << 20)             # 300 MB of zeros, declared truthfully
    liar = zeros_zip(700 << 20, declare=100)  # 700 MB of zeros, declared as 100 bytes
    assert len(honest) < 1 << 20 and len(liar) < 1 << 20
    before = peak_rss_mb(school)

    too_big = admin.call("POST", imports, data=honest, headers={"Content-Type": "application/zip"}, timeout=60)
    assert too_big.status_code == 413 and too_big.json()["error"] == "archive_too_large", too_big.text

    # Two lying bombs at once for the same school: one is refused as a second import, the other
    # stops at the first byte past what it declared. The server keeps answering meanwhile.
    answers = []

    def upload():
        answers.append(admin.call("POST", imports, data=liar, headers={"Content-Type": "application/zip"}, timeout=60))

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    health = []
    while any(thread.is_alive() for thread in threads):
        start = time.monotonic()
        assert requests.get(school.url + "/healthz", timeout=10).status_code == 200
        health.append((time.monotonic() - start) * 1000)
        time.sleep(0.02)
    for thread in threads:
        thread.join()
    codes = sorted((answer.status_code, answer.json()["error"]) for answer in answers)
    assert codes[1] == (409, "import_in_progress") or codes == [(400, "invalid_zip")] * 2, codes
    assert codes[0] == (400, "invalid_zip"), codes
    # Nothing was imported, and the school's one import slot is free again.
    assert admin.call("POST", imports, data=liar, headers={"Content-Type": "application/zip"}, timeout=60).status_code == 400

    peak = peak_rss_mb(school)
    bench(capsys, "import_zip_bomb_peak_rss_mb", peak, "mb")
    bench(capsys, "import_zip_bomb_rss_growth_mb", peak - before, "mb")
    if health:
        bench(capsys, "import_zip_bomb_healthz_max_ms", max(health), "ms")
    assert peak - before < GROWTH_BOUND_MB, f"peak {peak:.0f} MB, {peak - before:.0f} MB over the {before:.0f} MB before the bombs"


def test_a_slow_reader_removed_mid_catch_up_gets_nothing_more(school, capsys):
    import socket

    admin = sign_in(school.url, ADMIN)
    staff = next(c for c in admin.call("GET", "/api/v1/me/chats").json()["items"] if c["name"] == "Учительская")
    long = "ж" * 3900
    for n in range(1200):
        sent = admin.call("POST", f"/api/v1/chats/{staff['id']}/messages", json={"client_id": f"long-{n}", "text": f"{n} {long}"})
        assert sent.status_code == 201, sent.text
    members = admin.call("GET", f"/api/v1/organizations/1/chats/{staff['id']}/members?per_page=100").json()["items"]
    teacher_id = next(m for m in members if m["pending"] and m["role"] == "teacher")
    phone = "+79990004321"
    code = admin.call("POST", f"/api/v1/organizations/1/persons/{teacher_id['person_id']}/link-codes").json()["code"]
    teacher = sign_in(school.url, phone)
    assert teacher.call("POST", f"/api/v1/link-codes/{code}/confirm").status_code == 200
    before = peak_rss_mb(school)

    # A raw WebSocket that sends `auth` with cursor 0 and then does not read at all.
    import websocket
    ws = websocket.create_connection(school.url.replace("http://", "ws://") + "/api/v1/ws", timeout=30)
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 << 10)
    ws.send('{"type":"auth","token":"%s","cursors":{"%d":0}}' % (teacher.token, staff["id"]))
    time.sleep(1.0)
    removed = admin.call("POST", f"/api/v1/organizations/1/chats/{staff['id']}/members/remove",
                         json={"person_ids": [teacher_id["person_id"]]})
    assert removed.status_code == 200, removed.text
    later = admin.call("POST", f"/api/v1/chats/{staff['id']}/messages", json={"client_id": str(uuid.uuid4()), "text": "Без вас"})
    assert later.status_code == 201
    time.sleep(0.5)
    peak = peak_rss_mb(school)

    import json
    frames = []
    while True:
        frame = json.loads(ws.recv())
        frames.append(frame)
        if frame["type"] == "chat_removed" and frame["chat_id"] == staff["id"]:
            break
    ws.send('{"type":"ping","req":"end"}')
    while True:
        frame = json.loads(ws.recv())
        frames.append(frame)
        if frame["type"] == "pong":
            break
    ws.close()
    events = [f for f in frames if f["type"] == "event" and f["chat_id"] == staff["id"]]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert all(e["seq"] < later.json()["seq"] for e in events)
    assert not any("Без вас" in json.dumps(f, ensure_ascii=False) for f in frames)
    assert len([e for e in events if e["kind"] == "message"]) < 1200
    bench(capsys, "slow_reader_peak_rss_mb", peak, "mb")
    assert peak - before < GROWTH_BOUND_MB, f"peak {peak:.0f} MB, {peak - before:.0f} MB over {before:.0f} MB"


def test_data_files_are_owner_only(workdir, servers):
    """The data directory holds minors' personal data: whatever the shell's umask, everything the
    server and the command line write there is readable by their user only."""
    import os
    import stat
    old = os.umask(0o022)
    try:
        run_cli(["demo"], cwd=workdir, check=True)
        server = servers(workdir, ["--demo"], env=clean_env(PARTA_CODE_RESEND_INTERVAL=0)).wait_ready()
        admin = sign_in(server.url, ADMIN)
        uploaded = admin.call("POST", "/api/v1/attachments?name=plan.txt", data="План урока".encode(), headers={"Content-Type": "text/plain"})
        assert uploaded.status_code == 201, uploaded.text
        assert server.stop() == 0
    finally:
        os.umask(old)
    data = workdir / "parta-data"
    seen = []
    for root, dirs, files in os.walk(data):
        for name in [root] + [os.path.join(root, f) for f in files]:
            mode = stat.S_IMODE(os.stat(name).st_mode)
            seen.append(name)
            assert mode & 0o077 == 0, f"{name} is {oct(mode)}"
    assert any(name.endswith("parta.sqlite") for name in seen)
    assert any("/attachments/" in name for name in seen)
