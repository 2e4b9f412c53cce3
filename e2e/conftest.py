"""Process-level tests: the `parta` binary as an operator runs it.

The binary is `$PARTA_BIN` (default `.build/debug/parta`). PostgreSQL tests use `$PARTA_PG_URL`
(a throwaway local cluster that scripts/test starts) and are skipped without it unless
`PARTA_TEST_REQUIRE_POSTGRES=1`.
"""
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from parta_client import free_port

ROOT = Path(__file__).resolve().parent.parent
# The schema version this checkout's binary migrates to: one numbered file per migration.
SCHEMA_VERSION = len(list((ROOT / "Sources" / "PartaStore" / "Migrations").glob("[0-9][0-9][0-9][0-9]_*.swift")))
BIN = os.environ.get("PARTA_BIN", str(ROOT / ".build" / "debug" / "parta"))


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTA_")}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_cli(args, cwd, env=None, check=False):
    result = subprocess.run([BIN, *args], cwd=cwd, env=env or clean_env(), capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"parta {' '.join(args)} failed: {result.stdout}\n{result.stderr}")
    return result


class Server:
    """`parta serve` in a subprocess, with its output captured to a file."""

    def __init__(self, cwd, args=(), env=None, port=None):
        self.cwd = Path(cwd)
        self.port = port or free_port()
        self.log_path = self.cwd / f"serve-{self.port}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", str(self.port), *args],
            cwd=cwd, env=env or clean_env(), stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if requests.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise AssertionError(f"server not ready in {timeout}s:\n{self.output()}")

    def wait_exit(self, timeout=30):
        return self.proc.wait(timeout=timeout)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.log.close()
        return code

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.log.closed:
            self.log.close()


@pytest.fixture
def workdir(tmp_path):
    return tmp_path


@pytest.fixture
def servers():
    started = []

    def start(*args, **kwargs):
        server = Server(*args, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.kill()


@pytest.fixture
def pg_url():
    """A fresh, empty database on the throwaway cluster, dropped afterwards."""
    base = os.environ.get("PARTA_PG_URL")
    if not base:
        if os.environ.get("PARTA_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail("PARTA_PG_URL is required")
        pytest.skip("no PostgreSQL (PARTA_PG_URL)")
    name = "e2e_" + uuid.uuid4().hex[:12]
    subprocess.run(["psql", base, "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    subprocess.run(["psql", base, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


class Gateway:
    """A stand-in SMS gateway on loopback recording what Parta posts."""

    def __init__(self):
        self.messages = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.messages.append({
                    "authorization": self.headers.get("Authorization"),
                    "body": json.loads(self.rfile.read(length)),
                })
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def last_code(self, phone):
        for message in reversed(self.messages):
            if message["body"]["phone"] == phone:
                return "".join(c for c in message["body"]["text"] if c.isdigit())[:6]
        return None

    def close(self):
        self.server.shutdown()


@pytest.fixture
def gateway():
    g = Gateway()
    yield g
    g.close()
