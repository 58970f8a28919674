"""Invitations through a real SMTP server on loopback (aiosmtpd), reminders and unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _link(message, kind: str) -> str:
    body = message.get_body(("plain",)).get_content()
    pattern = {"survey": r"http://testserver(/s/[\w-]{32}/)", "unsubscribe": r"(/s/u/[^/\s]+/)"}
    return re.search(pattern[kind], body).group(1)


def _schedule(customer, touchpoint, occurred_at):
    from outsidein.surveys.distribution import schedule_for_event

    return schedule_for_event(customer, touchpoint, occurred_at, now=occurred_at)


def test_invitation_round_trip_over_smtp(client, smtp_server, nps_survey, kari, org, form_data):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.surveys.distribution import send_due_invitations
    from outsidein.surveys.models import Invitation
    from outsidein.surveys.rates import response_rates

    occurred = timezone.now() - timedelta(hours=2)
    [outcome] = _schedule(kari, org["invoice"], occurred)
    assert outcome.status == "scheduled"
    assert outcome.scheduled_for == occurred + timedelta(minutes=60)  # the survey's delay

    report = send_due_invitations(occurred + timedelta(minutes=30))
    assert report.sent == 0 and smtp_server.messages == []  # not due yet
    report = send_due_invitations(timezone.now())
    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["To"] == "kari@example.no"
    assert message["Subject"] == "Hva synes du om oss?"  # in the customer's language
    assert "Hei, Kari Nordmann!" in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"].strip().startswith("<http://testserver/s/u/")

    link = _link(message, "survey")
    token = link.strip("/").split("/")[-1]
    invitation = Invitation.objects.get()
    assert token not in str(Invitation.objects.values().get())  # only the hash is stored
    page = client.get(link)
    assert page.status_code == 200 and "Hvor sannsynlig" in page.content.decode()
    client.post(link, form_data(page, q1="2", q2="Regningen var altfor høy og helt uforståelig"))

    item = FeedbackItem.objects.get()
    assert (item.nps, item.customer, item.touchpoint) == (2, kari, org["invoice"])
    assert item.analyzed_at is not None and item.language == "nb"
    invitation.refresh_from_db()
    assert invitation.opened_at and invitation.answered_at
    [rate] = response_rates("survey")
    assert (rate.invited, rate.opened, rate.answered) == (1, 1, 1)
    [by_language] = response_rates("language")
    assert by_language.key == "nb"

    # Answered: no reminder, ever.
    assert send_due_invitations(timezone.now() + timedelta(days=5)).reminded == 0
    assert len(smtp_server.messages) == 1


def test_one_reminder_then_silence(smtp_server, nps_survey, kari, org):
    from outsidein.surveys.distribution import send_due_invitations

    _schedule(kari, org["invoice"], timezone.now() - timedelta(hours=2))
    send_due_invitations(timezone.now())
    assert send_due_invitations(timezone.now() + timedelta(days=1)).reminded == 0
    assert send_due_invitations(timezone.now() + timedelta(days=3, hours=1)).reminded == 1
    assert send_due_invitations(timezone.now() + timedelta(days=6)).reminded == 0
    first, reminder = smtp_server.messages
    assert reminder["Subject"] == "Påminnelse: Hva synes du om oss?"
    # Both links lead to the same invitation.
    assert _link(first, "survey") != _link(reminder, "survey")


def test_unsubscribe_is_honoured_everywhere(client, smtp_server, nps_survey, kari, org):
    from outsidein.surveys.distribution import send_due_invitations
    from outsidein.surveys.models import Invitation, OptOut

    _schedule(kari, org["invoice"], timezone.now() - timedelta(hours=2))
    send_due_invitations(timezone.now())
    unsubscribe = _link(smtp_server.messages[0], "unsubscribe")
    confirm = client.get(unsubscribe)
    assert confirm.status_code == 200 and not OptOut.objects.exists()  # GET changes nothing
    assert "Yes, unsubscribe me" in confirm.content.decode() or "meld meg av" in (
        confirm.content.decode()
    )
    assert client.post(unsubscribe).status_code == 200
    assert OptOut.objects.filter(customer=kari).exists()

    # No reminder for the invitation already sent ...
    assert send_due_invitations(timezone.now() + timedelta(days=4)).reminded == 0
    # ... and no new invitation, from this or any other survey, even after the quarantine.
    later = timezone.now() + timedelta(days=100)
    [outcome] = _schedule(kari, org["invoice"], later)
    assert (outcome.status, outcome.reason) == ("skipped", "opted_out")
    assert len(smtp_server.messages) == 1
    assert Invitation.objects.count() == 1


def test_opt_out_cancels_scheduled_invitations(smtp_server, nps_survey, kari, org):
    from outsidein.surveys.distribution import opt_out, send_due_invitations

    _schedule(kari, org["invoice"], timezone.now())
    opt_out(kari)
    report = send_due_invitations(timezone.now() + timedelta(hours=2))
    assert report.sent == 0 and smtp_server.messages == []


def test_refused_address_is_recorded_as_bounced(smtp_server, nps_survey, kari, org):
    from outsidein.surveys.distribution import send_due_invitations
    from outsidein.surveys.models import Invitation
    from outsidein.surveys.rates import response_rates

    smtp_server.refuse.add("kari@example.no")
    _schedule(kari, org["invoice"], timezone.now() - timedelta(hours=2))
    report = send_due_invitations(timezone.now())
    assert (report.sent, report.bounced) == (0, 1)
    invitation = Invitation.objects.get()
    assert invitation.bounced_at is not None and "550" in invitation.bounce_reason
    assert send_due_invitations(timezone.now() + timedelta(days=1)).sent == 0  # not retried
    [rate] = response_rates("survey")
    assert (rate.invited, rate.bounced) == (1, 1)


def test_unreachable_smtp_server_keeps_invitation_due(settings, nps_survey, kari, org, free_port):
    from outsidein.surveys.distribution import send_due_invitations
    from outsidein.surveys.models import Invitation

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port, 2
    _schedule(kari, org["invoice"], timezone.now() - timedelta(hours=2))
    with pytest.raises(OSError):
        send_due_invitations(timezone.now())
    assert Invitation.objects.get().sent_at is None  # tried again on the next run


def test_link_in_mail_is_usable_path(smtp_server, nps_survey, kari, org):
    from outsidein.surveys.distribution import send_due_invitations

    _schedule(kari, org["invoice"], timezone.now() - timedelta(hours=2))
    send_due_invitations(timezone.now())
    body = smtp_server.messages[0].get_body(("plain",)).get_content()
    url = re.search(r"http://testserver/s/[\w-]{32}/", body).group(0)
    assert urlsplit(url).path.count("/") == 3
