"""A small client of a running `parta serve --demo`: sign in through the development codes,
call the API, and hold a live connection (docs/protocol.md)."""
import json
import queue
import socket
import threading
import time

import requests
import websocket


def free_port():
    """A port nothing listens on now, on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def latest_code(url, phone, timeout=10):
    """The newest sign-in code sent to `phone`, from a demo server's /dev/codes.json."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in requests.get(url + "/dev/codes.json", timeout=5).json()["items"]:  # newest first
            if item["phone"] == phone:
                return item["code"]
        time.sleep(0.1)
    raise AssertionError(f"no code for {phone}")


def sign_in(url, phone, device="e2e"):
    """Signs `phone` in on the server at `url` (demo mode: the code is read from /dev/codes.json)."""
    sent = requests.post(url + "/api/v1/auth/code", json={"phone": phone}, timeout=10)
    assert sent.status_code == 202, sent.text
    code = latest_code(url, phone)
    verified = requests.post(url + "/api/v1/auth/verify", json={"phone": phone, "code": code, "device_name": device}, timeout=10)
    assert verified.status_code == 200, verified.text
    return Session(url, verified.json()["token"])


def link_person(url, admin, person_id, phone, device="e2e"):
    """Links roster person `person_id` of organization 1 to the account of `phone` the way the
    school system does: a link code from the administrator, confirmed by the signed-in person."""
    code = admin.call("POST", f"/api/v1/organizations/1/persons/{person_id}/link-codes").json()["code"]
    member = sign_in(url, phone, device=device)
    confirmed = member.call("POST", f"/api/v1/link-codes/{code}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    return member


class Session:
    def __init__(self, url, token):
        self.url = url
        self.token = token
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.url + path, **kwargs)

    def me(self):
        return self.call("GET", "/api/v1/me").json()

    def live(self, url=None, cursors=None):
        return Live(url or self.url, self.token, cursors)


class Live:
    """A live connection; frames are queued as they arrive."""

    def __init__(self, url, token, cursors=None):
        self.frames = queue.Queue()
        self.closed = threading.Event()
        self.ws = websocket.create_connection(url.replace("http://", "ws://") + "/api/v1/ws", timeout=10)
        self.ws.send(json.dumps({"type": "auth", "token": token, "cursors": {str(k): v for k, v in (cursors or {}).items()}}))
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        self.ready = self.next(lambda f: True)
        assert self.ready["type"] == "ready", self.ready

    def _read(self):
        try:
            while True:
                text = self.ws.recv()
                if not text:
                    break
                self.frames.put(json.loads(text))
        except Exception:
            pass
        self.closed.set()

    def send(self, frame):
        self.ws.send(json.dumps(frame))

    def next(self, predicate, timeout=10):
        """The next frame satisfying `predicate`, skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no matching frame in time")
            try:
                frame = self.frames.get(timeout=left)
            except queue.Empty:
                raise AssertionError("no matching frame in time")
            if predicate(frame):
                return frame

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass
