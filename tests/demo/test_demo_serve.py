"""`outsidein serve` and `outsidein demo` really serve the app over HTTP (real processes)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from outsidein.demo import company


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTSIDEIN_")}
    # A SQLite file in a fresh data directory: never a shared PostgreSQL database.
    env.update(OUTSIDEIN_DATA_DIR=str(data_dir), **extra)
    return env


@contextmanager
def _running(args: list[str], env: dict[str, str], port: int, timeout: float = 120):
    process = subprocess.Popen(
        [sys.executable, "-m", "outsidein", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for_port(process, port, timeout)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("the server did not stop on SIGTERM") from None


def _wait_for_port(process: subprocess.Popen, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early:\n{process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not start listening in time")


def _get(url: str, opener=None) -> tuple[int, bytes, dict]:
    opener = opener or urllib.request.build_opener()
    try:
        # Generous: the first request loads the text models, slow on a busy 2-core machine.
        with opener.open(url, timeout=120) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _login_url(base: str) -> str:
    status, _, _ = _get(f"{base}/login/")
    return f"{base}/login/" if status == 200 else f"{base}/admin/login/"


def test_serve_serves_pages_and_static_files(tmp_path):
    port = _free_port()
    env = _environment(tmp_path, OUTSIDEIN_HTTPS="0")
    with _running(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"], env, port):
        base = f"http://127.0.0.1:{port}"
        status, body, _ = _get(_login_url(base))
        assert status == 200 and b"password" in body
        status, body, headers = _get(f"{base}/static/admin/css/base.css")
        assert status == 200 and b"body" in body
        assert headers["Content-Type"].startswith("text/css")
    assert (tmp_path / "outsidein.sqlite3").exists()  # serve migrated the new database


def test_demo_serves_over_plain_http_and_its_login_works(tmp_path):
    """Without OUTSIDEIN_HTTPS set, the demo still gets cookies a plain-http browser keeps."""
    port = _free_port()
    env = _environment(tmp_path)
    args = ["demo", "--customers", "10", "--feedback", "10", "--bind", f"127.0.0.1:{port}"]
    with _running(args, env, port):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        login = f"http://127.0.0.1:{port}/admin/login/?next=/admin/"
        status, body, _ = _get(login, opener)
        assert status == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = {
            "csrfmiddlewaretoken": token,
            "username": company.USERS[0].email,
            "password": company.DEMO_PASSWORD,
        }
        request = urllib.request.Request(login, data=urllib.parse.urlencode(form).encode())
        with opener.open(request, timeout=30) as response:
            assert response.status == 200
            assert response.url.endswith("/admin/")  # logged in: redirected past the form
        assert any(cookie.name == "sessionid" and not cookie.secure for cookie in jar)
