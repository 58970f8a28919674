"""Fixtures for the response loop: feedback items, rules, a real SMTP server and a real
HTTP receiver on loopback (helpers are fixtures: tests run with --import-mode=importlib)."""

from __future__ import annotations

import json
import os
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
OSLO = ZoneInfo("Europe/Oslo")
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OUTSIDEIN_WEBHOOK_ALLOW_PRIVATE = "1"  # receivers run on loopback


@pytest.fixture
def customer(org):
    from outsidein.customers.models import Customer

    return Customer.objects.create(
        external_id="C-1",
        name="Kari Nordmann",
        email="kari@example.no",
        attributes={"value_tier": "Gold", "segments": ["family"], "contract_years": "7"},
    )


@pytest.fixture
def make_item(org):
    """make_item(external_id, **fields): a stored, analysed-looking feedback item."""
    from outsidein.feedback.models import FeedbackItem

    def make(external_id: str, **fields: Any) -> FeedbackItem:
        fields.setdefault("listening_post", org["survey"])
        # Recent by default: feedback older than two weeks never opens a case.
        fields.setdefault("received_at", timezone.now() - timedelta(hours=2))
        text = fields.pop("text", "")
        fields.setdefault("redacted_text", text)
        fields.setdefault("analyzed_at", fields["received_at"])
        return FeedbackItem.objects.create(external_id=external_id, text=text, **fields)

    return make


@pytest.fixture
def make_rule(cx_lead):
    from outsidein.cases.models import AlertRule

    def make(condition: dict, **fields: Any) -> AlertRule:
        fields.setdefault("name", "Unhappy customer")
        fields.setdefault("active", True)
        return AlertRule.objects.create(condition=condition, created_by=cx_lead, **fields)

    return make


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback; Django sends to it over SMTP."""
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self) -> None:
            self.messages: list[Any] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            from email import message_from_bytes
            from email.policy import default

            msg = message_from_bytes(envelope.content, policy=default)
            self.messages.append(msg)
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd checks readiness by connecting: no port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "cx@example.no"
    yield inbox
    controller.stop()


@pytest.fixture
def receiver():
    """A real HTTP server on loopback recording each POST; /status/<code> answers <code>."""
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            code = int(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/status/") else 200
            self.send_response(code)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    server.json = lambda i: json.loads(received[i]["body"])
    yield server
    server.shutdown()
