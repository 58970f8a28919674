"""The API never shows an empty text, nor personal numbers, for feedback not analysed yet."""

from __future__ import annotations

import pytest
from django.test import Client

from outsidein.accounts.tokens import create_token
from outsidein.feedback.ingest import ingest_feedback

TEXT = "Fakturaen var feil. Ring meg på 912 34 567 eller kari@example.com"


@pytest.fixture
def unanalysed(org) -> int:
    """An item imported with --no-analyze: no redacted text is stored yet."""
    row = {
        "listening_post": "nps-survey",
        "external_id": "raw-1",
        "received_at": "2026-03-01T09:30:00+01:00",
        "text": TEXT,
        "nps": 3,
    }
    report = ingest_feedback([row], analyze=False)
    return report.outcomes[0].id


def api_for(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {create_token(user, 'tests')[1]}"})


def test_a_team_member_reads_unanalysed_feedback_redacted_not_empty(unanalysed, billing_member):
    api = api_for(billing_member)
    one = api.get(f"/api/v1/feedback/{unanalysed}").json()
    listed = api.get("/api/v1/feedback").json()["items"]
    assert [item["id"] for item in listed] == [unanalysed]
    for shown in (one, listed[0]):
        assert shown["text_is_original"] is False
        assert shown["text"].startswith("Fakturaen var feil. Ring meg på [PHONE]")
        assert "912 34 567" not in shown["text"] and "kari@example.com" not in shown["text"]


def test_the_cx_lead_still_reads_the_original(unanalysed, cx_lead):
    shown = api_for(cx_lead).get(f"/api/v1/feedback/{unanalysed}").json()
    assert shown["text"] == TEXT and shown["text_is_original"] is True
