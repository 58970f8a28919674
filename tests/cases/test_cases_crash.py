"""Nothing lost: a worker killed with SIGKILL in the middle of a batch, then restarted.

Every qualifying item ends with exactly one case, and every notification reaches the
local receivers (a real SMTP server and a real HTTP server on loopback). Delivery is
at-least-once with a stable identity: a notification sent just before the kill and not
yet marked sent is sent again after restart with the same Message-ID /
X-OutsideIn-Delivery key. The receivers count *distinct* keys (what a deduplicating
receiver acts on) and the test bounds the raw repeats by the one message in flight.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HELPER = Path(__file__).with_name("crash_worker.py")
ITEMS = 44  # 28 qualify (nps 0-6): 28 cases, 56 notifications (e-mail + webhook)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def receivers():
    from aiosmtpd.controller import Controller

    seen: dict[str, list[str]] = {"email": [], "webhook": []}

    class Mail:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            from email import message_from_bytes

            seen["email"].append(message_from_bytes(envelope.content)["Message-ID"])
            return "250 OK"

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen["webhook"].append(self.headers["X-OutsideIn-Delivery"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    port = _free_port()
    smtp = Controller(Mail(), hostname="127.0.0.1", port=port)
    smtp.start()
    http = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield seen, port, f"http://127.0.0.1:{http.server_address[1]}/hook"
    smtp.stop()
    http.shutdown()


@pytest.fixture
def crash_env(tmp_path, receivers):
    """Environment of the helper processes: their own database (file SQLite, or a fresh
    PostgreSQL database next to the test database)."""
    env = dict(os.environ)
    env.update(
        OUTSIDEIN_DATA_DIR=str(tmp_path),
        OUTSIDEIN_HTTPS="0",
        OUTSIDEIN_WEBHOOK_ALLOW_PRIVATE="1",
        OUTSIDEIN_NOTIFY_LEASE_SECONDS="1",
        CRASH_SMTP_PORT=str(receivers[1]),
        CRASH_HOOK_URL=receivers[2],
    )
    url = os.environ.get("OUTSIDEIN_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/')}_crash"
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["OUTSIDEIN_DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    return env


def _run(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(HELPER), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(receivers, crash_env):
    seen, _, _ = receivers
    _run(crash_env, "seed", str(ITEMS))
    worker = subprocess.Popen(
        [sys.executable, str(HELPER), "work", "0.05"],
        env=crash_env,
        start_new_session=True,  # its own process group: the kill takes every child too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while len(seen["email"]) + len(seen["webhook"]) < 15:
        assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.02)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    delivered_before = len(seen["email"]) + len(seen["webhook"])

    time.sleep(1.1)  # the dead worker's claim (lease) runs out
    state = json.loads(_run(crash_env, "work", "0"))

    assert state["qualifying"] == 28
    assert state["items_with_case"] == 28 and state["max_cases_per_item"] == 1
    assert state["unqualified_cases"] == 0
    assert state["notification_states"] == {"sent": 56}
    mail_keys, hook_keys = set(state["keys"]["email"]), set(state["keys"]["webhook"])
    emails, hooks = set(seen["email"]), set(seen["webhook"])
    assert len(mail_keys) == len(hook_keys) == 28
    assert {m.strip("<>").split("@")[0] for m in emails} == {k[:40] for k in mail_keys}
    assert hooks == hook_keys
    # At-least-once: only the message in flight at the kill may have arrived twice.
    repeats = len(seen["email"]) + len(seen["webhook"]) - len(emails) - len(hooks)
    assert repeats <= 1, f"{repeats} repeats"
    assert delivered_before < 56  # it was killed in the middle of the batch
