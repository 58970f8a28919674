"""Notifications through a real SMTP server and a real HTTP receiver on loopback:
signed webhooks, retries with backoff, dead letters, no second send on a rerun."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def opened(org, make_item, make_rule, billing_member, customer):
    """A case opened for billing by a rule; returns a function adding team channels."""
    from outsidein.cases.routing import open_cases_for

    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="Detractor at the invoice")
    item = make_item(
        "x",
        nps=2,
        touchpoint=org["invoice"],
        customer=customer,
        text="Fakturaen er feil",
        answers={"consent_contact": True},
    )
    return lambda: open_cases_for([item.pk])[0]


def test_case_mail_goes_through_smtp_once_even_when_the_job_runs_twice(opened, smtp_server):
    from outsidein.cases.models import Notification
    from outsidein.cases.outbox import deliver_all

    case = opened()
    assert deliver_all() == 1
    assert deliver_all() == 0
    [msg] = smtp_server.messages
    assert msg["To"] == "billing@example.com"
    assert f"#{case.pk}" in msg["Subject"] and "Detractor at the invoice" in msg["Subject"]
    assert msg["Auto-Submitted"] == "auto-generated"
    row = Notification.objects.get()
    assert msg["Message-ID"] == f"<{row.notification_key[:40]}@example.no>"
    assert row.status == "sent" and row.attempts == 1


def test_webhooks_are_signed_and_formatted_per_kind(org, opened, receiver):
    from outsidein.cases.models import TeamChannel
    from outsidein.cases.outbox import deliver_all
    from outsidein.loop.notify import verify_signature

    TeamChannel.objects.create(
        team=org["billing"], kind="webhook", url=f"{receiver.url}/hook", secret="s3"
    )
    TeamChannel.objects.create(team=org["billing"], kind="slack", url=f"{receiver.url}/slack")
    TeamChannel.objects.create(team=org["billing"], kind="teams", url=f"{receiver.url}/teams")
    case = opened()
    deliver_all()
    by_path = {r["path"]: r for r in receiver.received}
    assert set(by_path) == {"/hook", "/slack", "/teams"}
    hook = by_path["/hook"]
    headers = {k.lower(): v for k, v in hook["headers"].items()}
    assert verify_signature(
        hook["body"], "s3", headers["x-outsidein-timestamp"], headers["x-outsidein-signature"]
    )
    assert not verify_signature(
        hook["body"] + b" ",
        "s3",
        headers["x-outsidein-timestamp"],
        headers["x-outsidein-signature"],
    )
    import json

    payload = json.loads(hook["body"])
    assert payload["event"] == "case.case_opened" and payload["case"]["id"] == case.pk
    assert payload["id"] == headers["x-outsidein-delivery"]
    assert "blocks" in json.loads(by_path["/slack"]["body"])
    assert json.loads(by_path["/teams"]["body"])["type"] == "message"


def test_failures_retry_with_backoff_then_go_to_the_dead_letter_list(
    org, opened, receiver, admin_user, client
):
    from outsidein.cases.models import Notification, TeamChannel
    from outsidein.cases.outbox import deliver_due
    from outsidein.loop.notify import MAX_ATTEMPTS

    TeamChannel.objects.create(
        team=org["billing"], kind="webhook", url=f"{receiver.url}/status/503"
    )
    TeamChannel.objects.create(team=org["billing"], kind="slack", url=f"{receiver.url}/status/404")
    opened()
    Notification.objects.filter(channel="email").delete()
    now = timezone.now()
    deliver_due(now=now)
    flaky = Notification.objects.get(channel="webhook")
    gone = Notification.objects.get(channel="slack")
    assert (flaky.status, flaky.attempts) == ("failed", 1)
    assert timedelta(seconds=14) <= flaky.next_attempt_at - now <= timedelta(seconds=31)
    assert gone.status == "dead"  # 404: retrying will not help
    assert deliver_due(now=now) == 0 and len(receiver.received) == 2  # not due yet
    for _ in range(MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=flaky.pk).update(next_attempt_at=now)
        deliver_due(now=now)
    flaky.refresh_from_db()
    assert (flaky.status, flaky.attempts) == ("dead", MAX_ATTEMPTS)
    client.force_login(admin_user)
    page = client.get("/cases/dead-letters/").content.decode()
    assert "HTTP 503" in page and "HTTP 404" in page
    client.post("/cases/dead-letters/", {"notification": [flaky.pk]})
    flaky.refresh_from_db()
    assert (flaky.status, flaky.attempts) == ("pending", 0)


def test_dead_letters_are_for_admins_only(client, cx_lead):
    client.force_login(cx_lead)
    assert client.get("/cases/dead-letters/").status_code == 403


def test_webhook_urls_must_be_public_http(org, settings):
    from django.core.exceptions import ValidationError

    from outsidein.cases.models import TeamChannel

    settings.OUTSIDEIN_WEBHOOK_ALLOW_PRIVATE = "0"
    for url in (
        "ftp://example.com/x",
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://localhost/x",
        "http://[::1]/x",
    ):
        with pytest.raises(ValidationError):
            TeamChannel.objects.create(team=org["billing"], kind="webhook", url=url)
    TeamChannel.objects.create(team=org["billing"], kind="webhook", url="https://93.184.215.14/x")


def test_digest_users_get_one_mail_a_day(opened, smtp_server, billing_member):
    from outsidein.cases.digest import send_digests
    from outsidein.cases.models import NotificationPreference
    from outsidein.cases.outbox import deliver_all

    NotificationPreference.objects.create(user=billing_member, mode="digest")
    opened()
    assert deliver_all() == 0 and smtp_server.messages == []
    assert send_digests() == 1
    assert send_digests() == 0  # a rerun finds nothing held
    deliver_all()
    [digest] = smtp_server.messages
    assert "(1)" in digest["Subject"] and "/cases/" in digest.get_content()


def test_reply_to_a_consenting_customer_goes_out_by_smtp(opened, smtp_server, billing_member):
    from outsidein.cases.outbox import deliver_all
    from outsidein.cases.workflow import CaseError, send_reply

    case = opened()
    deliver_all()
    smtp_server.messages.clear()
    send_reply(case, by=billing_member, subject="Om fakturaen din", body="Vi har rettet den.")
    deliver_all()
    [msg] = smtp_server.messages
    assert msg["To"] == "kari@example.no" and msg["Subject"] == "Om fakturaen din"
    assert "Vi har rettet den." in msg.get_content()
    case.refresh_from_db()
    assert case.first_response_at is not None and case.status == "in_progress"
    case.feedback.answers = {"consent_contact": False}
    case.feedback.save()
    with pytest.raises(CaseError):
        send_reply(case, by=billing_member, subject="x", body="y")


def test_email_url_settings():
    from outsidein.cases.email_config import email_settings

    config = email_settings("smtp://user%40x:p%3Ass@mail.example.no:587?from=cx@example.no")
    assert config["EMAIL_HOST"] == "mail.example.no" and config["EMAIL_PORT"] == 587
    assert config["EMAIL_HOST_USER"] == "user@x" and config["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"]
    assert config["DEFAULT_FROM_EMAIL"] == "cx@example.no"
    assert email_settings("smtps://mail.example.no")["EMAIL_PORT"] == 465
    assert email_settings("")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError):
        email_settings("http://mail.example.no")
