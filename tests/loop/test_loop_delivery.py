"""Webhook delivery to a real HTTP receiver on loopback, with retry classification."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from outsidein.loop.notify import (
    DELIVERY_HEADER,
    MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    CaseNotification,
    DeliveryStatus,
    deliver_webhook,
    encode_body,
    next_retry_delay,
    should_dead_letter,
    verify_signature,
    webhook_payload,
)

SECRET = "receiver-secret"


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes
    signature_ok: bool


class Receiver:
    """A loopback HTTP server that records requests and answers from a script."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.script: list[Reply] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ok = verify_signature(
                    body,
                    SECRET,
                    self.headers.get(TIMESTAMP_HEADER),
                    self.headers.get(SIGNATURE_HEADER),
                )
                receiver.requests.append(Received(self.path, self.headers, body, ok))
                reply = receiver.script.pop(0) if receiver.script else Reply()
                time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout test)

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as server:
        yield server


NOTE = CaseNotification(
    event="case_opened", case_id=7, case_url="http://cx.test/cases/7/", title="NPS 1 – Ærlig talt"
)
PAYLOAD = webhook_payload(NOTE)


def test_signed_delivery(receiver: Receiver) -> None:
    result = deliver_webhook(
        receiver.url, PAYLOAD, SECRET, key=PAYLOAD["id"], event="case.case_opened"
    )
    assert result.status is DeliveryStatus.DELIVERED and result.http_status == 200
    assert result.response_excerpt == "ok"
    (request,) = receiver.requests
    assert request.path == "/hook" and request.signature_ok
    assert request.body == encode_body(PAYLOAD)
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers[DELIVERY_HEADER] == PAYLOAD["id"]


def test_unsigned_delivery_for_chat_webhooks(receiver: Receiver) -> None:
    assert deliver_webhook(receiver.url, {"text": "hei"}).delivered
    assert SIGNATURE_HEADER not in receiver.requests[0].headers
    assert not receiver.requests[0].signature_ok


def test_500_then_200_is_retried_and_delivered_once(receiver: Receiver) -> None:
    receiver.script = [Reply(500), Reply(200)]
    attempts = 0
    while True:  # what the Django job does, without the waiting
        attempts += 1
        result = deliver_webhook(receiver.url, PAYLOAD, SECRET, key=PAYLOAD["id"])
        if result.delivered or should_dead_letter(attempts, result):
            break
        assert result.retryable and result.http_status == 500
        assert next_retry_delay(attempts).total_seconds() >= 15
    assert result.delivered and attempts == 2
    first, second = receiver.requests
    assert (
        first.body == second.body
        and first.headers[DELIVERY_HEADER] == second.headers[DELIVERY_HEADER]
    )
    assert first.signature_ok and second.signature_ok


def test_always_failing_receiver_ends_in_dead_letter(receiver: Receiver) -> None:
    receiver.script = [Reply(503)] * MAX_ATTEMPTS
    attempts = 0
    while True:
        attempts += 1
        result = deliver_webhook(receiver.url, PAYLOAD, SECRET)
        if result.delivered or should_dead_letter(attempts, result):
            break
    assert not result.delivered and attempts == MAX_ATTEMPTS == len(receiver.requests)


@pytest.mark.parametrize(
    ("reply", "status", "retry_after"),
    [
        (Reply(204), DeliveryStatus.DELIVERED, None),
        (Reply(400), DeliveryStatus.FAILED, None),
        (Reply(404), DeliveryStatus.FAILED, None),
        (Reply(408), DeliveryStatus.RETRY, None),
        (Reply(429, {"Retry-After": "7"}), DeliveryStatus.RETRY, 7.0),
        (Reply(503, {"Retry-After": "120"}), DeliveryStatus.RETRY, 120.0),
        (Reply(302, {"Location": "http://127.0.0.1:9/elsewhere"}), DeliveryStatus.FAILED, None),
    ],
)
def test_status_classification(
    receiver: Receiver, reply: Reply, status: DeliveryStatus, retry_after: float | None
) -> None:
    receiver.script = [reply]
    result = deliver_webhook(receiver.url, PAYLOAD, SECRET)
    assert result.status is status and result.http_status == reply.status
    assert result.retry_after == retry_after
    assert len(receiver.requests) == 1  # a redirect is not followed


def test_timeout_is_retryable(receiver: Receiver) -> None:
    receiver.script = [Reply(200, delay=1.0)]
    result = deliver_webhook(receiver.url, PAYLOAD, SECRET, timeout=0.2)
    assert result.status is DeliveryStatus.RETRY and result.http_status is None
    assert "timed out" in (result.error or "").lower()


def test_connection_refused_is_retryable() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = deliver_webhook(f"http://127.0.0.1:{port}/hook", PAYLOAD, timeout=1)
    assert result.status is DeliveryStatus.RETRY and "refused" in (result.error or "").lower()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "not a url"])
def test_bad_urls_fail_for_good(url: str) -> None:
    assert deliver_webhook(url, PAYLOAD).status is DeliveryStatus.FAILED
