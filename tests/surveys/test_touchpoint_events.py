"""POST /api/v1/touchpoint-events schedules invitations by delay, sampling and contact rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
URL = "/api/v1/touchpoint-events"


@pytest.fixture
def api(api_token):
    client = Client(headers={"Authorization": f"Bearer {api_token}"})

    def post(payload, raw=None):
        body = raw if raw is not None else json.dumps(payload)
        return client.post(URL, body, content_type="application/json")

    return post


def event(**fields):
    return {
        "customer": "C-1001",
        "touchpoint": "first-invoice",
        "occurred_at": "2026-03-02T10:00:00+01:00",
        **fields,
    }


def test_event_schedules_after_the_delay_and_is_idempotent(api, nps_survey, kari):
    from outsidein.surveys.models import Invitation

    answer = api(event())
    assert answer.status_code == 202
    [outcome] = answer.json()["invitations"]
    assert outcome["status"] == "scheduled" and outcome["survey"] == "invoice-nps"
    invitation = Invitation.objects.get(pk=outcome["invitation_id"])
    assert invitation.customer == kari and invitation.language == "nb"
    # The event is in the past: due now, or 60 minutes after it, whichever is later.
    assert invitation.scheduled_for >= invitation.created_at - timedelta(seconds=1)
    again = api(event())
    assert again.status_code == 202
    assert again.json()["invitations"][0]["status"] == "duplicate"
    assert Invitation.objects.count() == 1


def test_future_event_waits_for_the_survey_delay(api, nps_survey, kari):
    from django.utils import timezone

    from outsidein.surveys.models import Invitation

    when = timezone.now() + timedelta(days=1)
    api(event(occurred_at=when.isoformat()))
    assert Invitation.objects.get().scheduled_for == when + timedelta(minutes=60)


def test_quarantine_and_sampling_skip_with_a_reason(api, nps_survey, kari, org):
    from django.utils import timezone

    from outsidein.surveys.library import create_from_template
    from outsidein.surveys.models import Survey

    other = create_from_template(
        "support-csat", slug="install-csat", listening_post=org["survey"], touchpoint=org["install"]
    )
    Survey.objects.filter(pk=other.pk).update(status="live")
    start = timezone.now()
    assert api(event(occurred_at=start.isoformat())).json()["invitations"][0]["status"] == (
        "scheduled"
    )
    # Another survey, a week later: within the 30-day quarantine across all surveys.
    week = (start + timedelta(days=7)).isoformat()
    [skipped] = api(event(touchpoint="installation", occurred_at=week)).json()["invitations"]
    assert (skipped["status"], skipped["reason"]) == ("skipped", "quarantine")
    # After the quarantine the sampling rate decides (0: nobody).
    Survey.objects.filter(pk=other.pk).update(sampling_rate=0.0)
    months = (start + timedelta(days=60)).isoformat()
    [skipped] = api(event(touchpoint="installation", occurred_at=months)).json()["invitations"]
    assert skipped["reason"] == "not_sampled"
    Survey.objects.filter(pk=other.pk).update(sampling_rate=1.0)
    [scheduled] = api(event(touchpoint="installation", occurred_at=months)).json()["invitations"]
    assert scheduled["status"] == "scheduled"


def test_customer_without_email_or_touchpoint_without_survey(api, nps_survey, org):
    from outsidein.customers.models import Customer

    Customer.objects.create(external_id="C-9", name="No Mail")
    [skipped] = api(event(customer="C-9")).json()["invitations"]
    assert skipped["reason"] == "no_email"
    assert api(event(customer="C-9", touchpoint="installation")).json() == {"invitations": []}


def test_bad_events_get_field_errors_never_500(api, nps_survey, kari):
    answer = api(event(customer="nobody", touchpoint="nowhere", transaction="T-0"))
    assert answer.status_code == 422
    locations = [e["loc"] for e in answer.json()["detail"]]
    assert ["body", "customer"] in locations and ["body", "touchpoint"] in locations
    assert api(event(occurred_at="yesterday")).status_code == 422
    assert api({"customer": 5}).status_code == 422
    assert api(None, raw="{not json").status_code in (400, 422)
    assert api(None, raw="[]").status_code == 422


def test_requires_a_token_and_a_role_that_may_change_data(client, viewer, nps_survey):
    from outsidein.accounts.tokens import create_token

    assert client.post(URL, "{}", content_type="application/json").status_code == 401
    _token, plain = create_token(viewer, "viewer")
    headers = {"Authorization": f"Bearer {plain}"}
    answer = Client(headers=headers).post(URL, json.dumps(event()), content_type="application/json")
    assert answer.status_code == 403
