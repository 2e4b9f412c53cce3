#!/usr/bin/env python3
"""Crash test: senders post messages to a `parta serve` on SQLite, the server is killed with
SIGKILL mid-load and restarted; every message the server acknowledged must be there exactly
once, and a resend of each message that was in flight must end up there exactly once too.

    scripts/crash_test.py [--senders 3] [--messages 200] [--bin .build/debug/parta]

scripts/test runs it at a small size. It starts and stops its own server on loopback.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "e2e"))
import requests  # noqa: E402
from parta_client import free_port, sign_in  # noqa: E402

ADMIN = "+79000000010"
STAFF = ["+79000000011", "+79000000012", "+79000000013", "+79000000014"]


def start(bin_path, workdir, port, log):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTA_")}
    # The senders send faster than a person may: the crash test is about durability, not limits.
    env["PARTA_LIMIT_MESSAGES"] = "off"
    proc = subprocess.Popen([bin_path, "serve", "--demo", "--port", str(port)], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            if requests.get(url + "/readyz", timeout=1).status_code == 200:
                return proc, url
        except requests.RequestException:
            pass
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("the server did not become ready")


def history(session, chat):
    """Every message of the chat, oldest first."""
    items, after = [], 0
    while True:
        page = session.call("GET", f"/api/v1/chats/{chat}/messages", params={"after": after, "limit": 200})
        page.raise_for_status()
        batch = page.json()["items"]
        if not batch:
            return items
        items += batch
        after = batch[-1]["seq"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(Path(__file__).resolve().parent.parent / ".build" / "debug" / "parta"))
    parser.add_argument("--workdir")
    parser.add_argument("--senders", type=int, default=3)
    parser.add_argument("--messages", type=int, default=200, help="per sender")
    parser.add_argument("--kill-after", type=float, default=0.4, help="share of all messages acknowledged before the kill")
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="parta-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log = open(workdir / "crash-serve.log", "a")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTA_")}
    subprocess.run([args.bin, "demo"], cwd=workdir, env=env, check=True, capture_output=True)
    port = free_port()
    proc, url = start(args.bin, workdir, port, log)
    try:
        admin = sign_in(url, ADMIN, "crash-admin")
        org = admin.me()["organizations"][0]["id"]
        # Each sender writes as one of the staff, in a direct chat with the administrator; senders
        # beyond four share a person (and so a chat) with another sender.
        people = {}
        for phone in STAFF[:min(args.senders, len(STAFF))]:
            session = sign_in(url, phone, "crash")
            account = session.me()["account"]["id"]
            chat = admin.call("POST", f"/api/v1/organizations/{org}/direct-chats", json={"account_id": account}).json()["id"]
            people[phone] = (session, chat)

        acked, in_flight, lock = {}, {}, threading.Lock()
        total = args.senders * args.messages

        def send(index):
            session, chat = people[STAFF[index % len(people)]]
            for k in range(args.messages):
                client_id = f"s{index}-{k}"
                with lock:
                    in_flight[client_id] = (session, chat)
                try:
                    response = session.call("POST", f"/api/v1/chats/{chat}/messages",
                                            json={"client_id": client_id, "text": f"Сообщение {k} от отправителя {index}"}, timeout=5)
                except requests.RequestException:
                    return  # the server is gone; this one stays in flight
                if response.status_code not in (200, 201):
                    raise SystemExit(f"unexpected {response.status_code}: {response.text}")
                message = response.json()
                with lock:
                    del in_flight[client_id]
                    acked[client_id] = (chat, message["id"], message["seq"])

        threads = [threading.Thread(target=send, args=(i,)) for i in range(args.senders)]
        for thread in threads:
            thread.start()
        while True:
            with lock:
                done = len(acked)
            if done >= total * args.kill_after or not any(t.is_alive() for t in threads):
                break
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for thread in threads:
            thread.join()
        killed_at = len(acked)

        proc, url = start(args.bin, workdir, port, log)
        failures = []

        def check():
            seen = {}
            for phone, (session, chat) in people.items():
                session.url = url
                messages = history(session, chat)
                seqs = [m["seq"] for m in messages]
                if seqs != sorted(set(seqs)):
                    failures.append(f"chat {chat}: sequence numbers repeat or go back")
                for m in messages:
                    if m["client_id"] in seen:
                        failures.append(f"{m['client_id']} is there twice")
                    seen[m["client_id"]] = (m["chat_id"], m["id"], m["seq"])
            for client_id, stored in acked.items():
                if seen.get(client_id) != stored:
                    failures.append(f"acknowledged {client_id} {stored} is {'missing' if client_id not in seen else seen[client_id]}")
            return seen

        check()
        # What was in flight at the kill either committed (a resend answers 200 with it) or did
        # not (201, sent now); either way it is there once afterwards.
        resent = {200: 0, 201: 0}
        for client_id, (session, chat) in in_flight.items():
            session.url = url
            response = session.call("POST", f"/api/v1/chats/{chat}/messages", json={"client_id": client_id, "text": "повтор"})
            resent[response.status_code] = resent.get(response.status_code, 0) + 1
            message = response.json()
            acked[client_id] = (chat, message["id"], message["seq"])
        seen = check()
        print(f"crash test: {args.senders} senders, {killed_at} messages acknowledged before kill -9, "
              f"{len(in_flight)} in flight (resent: {resent.get(200, 0)} had been committed, {resent.get(201, 0)} had not); "
              f"{len(seen)} messages after restart")
        if failures:
            print("\n".join(failures[:20]))
            return 1
        print("crash test: every acknowledged message is present exactly once")
        return 0
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
