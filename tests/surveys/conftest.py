"""Survey fixtures: a live NPS survey at the first-invoice touchpoint and a customer to ask.

Helpers are fixtures because tests run with --import-mode=importlib (no cross-imports).
"""

from __future__ import annotations

import os
import re
import socket
from datetime import timedelta

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM stays synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _survey_settings(settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("OUTSIDEIN_BASE_URL", "http://testserver")
    from django.core.cache import cache

    cache.clear()  # the rate limiter counts in the cache


@pytest.fixture
def warm_analysis(db):
    """Load the text models before a browser waits on a page (the first load takes seconds)."""
    from outsidein.feedback.analysis import analyze_items
    from outsidein.feedback.models import FeedbackItem

    analyze_items([FeedbackItem(text="Takk for god hjelp", language="nb")])


@pytest.fixture
def kari(org):
    from outsidein.customers.models import Customer

    return Customer.objects.create(
        external_id="C-1001", name="Kari Nordmann", email="kari@example.no", language="nb"
    )


@pytest.fixture
def nps_survey(org):
    from outsidein.surveys.library import create_from_template
    from outsidein.surveys.models import Survey

    survey = create_from_template(
        "relationship-nps",
        slug="invoice-nps",
        listening_post=org["survey"],
        touchpoint=org["invoice"],
    )
    Survey.objects.filter(pk=survey.pk).update(status="live", public_link=True, delay_minutes=60)
    survey.refresh_from_db()
    return survey


@pytest.fixture
def invite(nps_survey, kari):
    """A sent invitation and its plain token: make(customer=..., **fields) -> (invitation, token)."""
    from django.utils import timezone

    from outsidein.surveys.models import Invitation
    from outsidein.surveys.tokens import hash_token, new_token

    def make(customer=kari, survey=nps_survey, **fields):
        token = new_token()
        now = timezone.now()
        values = {
            "language": "nb",
            "scheduled_for": now,
            "sent_at": now,
            "expires_at": now + timedelta(days=14),
            "touchpoint": survey.touchpoint,
            **fields,
        }
        invitation = Invitation.objects.create(
            survey=survey, customer=customer, token_hash=hash_token(token), **values
        )
        return invitation, token

    return make


@pytest.fixture
def form_data():
    """The hidden fields of a rendered survey form plus the given answers."""

    def read(response, **answers):
        html = response.content.decode()
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
        return {**hidden, **answers}

    return read


@pytest.fixture
def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(free_port, settings):
    """A real SMTP server on loopback (aiosmtpd); Django's mail goes to it over TCP."""
    from aiosmtpd.controller import Controller

    class Mailbox:
        def __init__(self):
            self.messages = []
            self.refuse = set()

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.refuse:
                return "550 5.1.1 No such user here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            from email import message_from_bytes, policy

            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            return "250 Message accepted for delivery"

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield mailbox
    finally:
        controller.stop()
