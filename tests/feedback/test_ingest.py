"""The ingestion service: validation reasons, idempotency and duplicates (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outsidein.feedback.ingest import ingest_feedback, validate_feedback_row
from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db


def row(**fields):
    base = {
        "listening_post": "nps-survey",
        "external_id": "R-1",
        "received_at": "2024-12-31T14:05:00+01:00",
        "text": "Fakturaen var feil, men kundeservice ordnet det.",
        "nps": "7",
    }
    base.update(fields)
    return base


def test_the_same_rows_twice_are_stored_once_with_the_same_ids(org, customers):
    rows = [
        row(external_id="R-1", customer="K-1001", touchpoint="first-invoice"),
        row(external_id="R-2", listening_post="tickets", nps=None, csat=4),
    ]
    first = ingest_feedback(rows)
    second = ingest_feedback(rows)

    assert [o.status for o in first.outcomes] == ["created", "created"]
    assert [o.status for o in second.outcomes] == ["duplicate", "duplicate"]
    assert [o.id for o in second.outcomes] == [o.id for o in first.outcomes]
    assert FeedbackItem.objects.count() == 2
    stored = FeedbackItem.objects.get(pk=first.outcomes[0].id)
    assert stored.customer == customers[0]
    assert stored.touchpoint == org["invoice"]
    assert stored.nps == 7
    assert (second.read, second.created, second.duplicates, second.rejected) == (2, 0, 2, 0)


def test_a_repeated_key_in_one_call_is_a_duplicate_of_the_first_row(org):
    rows = [row(external_id="A"), row(external_id="B"), row(external_id="A", text="changed")]
    # batch_size=2 puts the repeat in a later batch than its original.
    for batch_size in (1000, 2):
        FeedbackItem.objects.all().delete()
        report = ingest_feedback(rows, batch_size=batch_size)
        assert [o.status for o in report.outcomes] == ["created", "created", "duplicate"]
        assert report.outcomes[2].id == report.outcomes[0].id
        assert FeedbackItem.objects.get(external_id="A").text == rows[0]["text"]
    same_batch = ingest_feedback([row(external_id="C"), row(external_id="C")], first_row_number=10)
    assert same_batch.outcomes[1].duplicate_of_row == 10


def test_the_same_external_id_on_two_listening_posts_is_two_items(org):
    report = ingest_feedback([row(), row(listening_post="tickets")])
    assert report.created == 2


@pytest.mark.parametrize(
    ("fields", "column", "reason"),
    [
        ({"nps": "11"}, "nps", "NPS must be a whole number from 0 to 10"),
        ({"nps": "7.5"}, "nps", "NPS must be a whole number from 0 to 10"),
        ({"nps": True}, "nps", "NPS must be a whole number from 0 to 10"),
        ({"csat": 0}, "csat", "CSAT must be a whole number from 1 to 5"),
        ({"ces": "8"}, "ces", "CES must be a whole number from 1 to 7"),
        ({"external_id": ""}, "external_id", "Missing required field"),
        ({"received_at": None}, "received_at", "Missing required field"),
        ({"listening_post": ""}, "listening_post", "Missing required field"),
        ({"listening_post": "nope"}, "listening_post", "Unknown listening post 'nope'"),
        ({"touchpoint": "nope"}, "touchpoint", "Unknown touchpoint 'nope'"),
        ({"customer": "K-404"}, "customer", "Unknown customer 'K-404'"),
        ({"received_at": "31.13.2024"}, "received_at", "is not a date and time"),
        ({"received_at": "yesterday"}, "received_at", "is not a date and time"),
        ({"answers": "[1, 2]"}, "answers", "must be a JSON object"),
        ({"metadata": "{broken"}, "metadata", "must be a JSON object"),
        ({"text": "a\x00b"}, "text", "NUL"),
        ({"text": "bad \udcf8 byte"}, "text", "Wrong encoding"),
        ({"language": "x" * 11}, "language", "longer than 10 characters"),
    ],
)
def test_each_bad_value_is_rejected_with_its_reason(org, fields, column, reason):
    report = ingest_feedback([row(**fields)])
    outcome = report.outcomes[0]
    assert outcome.status == "rejected"
    assert [e.column for e in outcome.errors] == [column]
    assert reason in outcome.errors[0].reason
    assert not FeedbackItem.objects.exists()


def test_every_error_of_a_row_is_reported(org):
    clean, errors = validate_feedback_row(row(nps="11", touchpoint="nope", received_at="x"))
    assert clean is None
    assert {e.column for e in errors} == {"nps", "touchpoint", "received_at"}


def test_text_over_the_configured_limit_is_rejected_not_truncated(org, settings):
    settings.FEEDBACK_TEXT_MAX_CHARS = 20
    report = ingest_feedback([row(text="x" * 21), row(external_id="R-2", text="x" * 20)])
    assert report.outcomes[0].errors[0].reason == "Text is longer than 20 characters (21)"
    assert FeedbackItem.objects.get().text == "x" * 20


@pytest.mark.parametrize(
    ("written", "expected_utc"),
    [
        ("31.12.2024 14:05", datetime(2024, 12, 31, 13, 5, tzinfo=UTC)),
        ("2024-12-31 14:05", datetime(2024, 12, 31, 13, 5, tzinfo=UTC)),
        ("2024-07-01T14:05:00", datetime(2024, 7, 1, 12, 5, tzinfo=UTC)),  # summer time
        ("2024-12-31T14:05:00Z", datetime(2024, 12, 31, 14, 5, tzinfo=UTC)),
        ("2024-12-31T14:05:00+02:00", datetime(2024, 12, 31, 12, 5, tzinfo=UTC)),
        ("1.2.2024", datetime(2024, 1, 31, 23, 0, tzinfo=UTC)),
    ],
)
def test_iso_and_nordic_times_naive_ones_in_the_organisations_zone(
    org, settings, written, expected_utc
):
    settings.TIME_ZONE = "Europe/Oslo"
    report = ingest_feedback([row(received_at=written)])
    assert report.created == 1
    assert FeedbackItem.objects.get().received_at == expected_utc


def test_values_from_json_and_spreadsheets_are_accepted(org):
    report = ingest_feedback(
        [
            row(external_id=1234.0, nps=9, csat=5.0, answers={"Kanal": "app"}, metadata=None),
            row(external_id="R-2", received_at=datetime(2024, 5, 1, 8, 0), answers='{"q": 1}'),
        ]
    )
    assert report.created == 2, report.outcomes
    first = FeedbackItem.objects.get(external_id="1234")
    assert (first.nps, first.csat, first.answers, first.metadata) == (9, 5, {"Kanal": "app"}, {})


def test_a_default_post_fills_rows_without_one(org):
    report = ingest_feedback([row(listening_post="")], default_post="tickets")
    assert FeedbackItem.objects.get(pk=report.outcomes[0].id).listening_post == org["tickets"]


def test_analysis_runs_on_new_items_only_when_asked(org):
    ingest_feedback([row(external_id="A")], analyze=True)
    ingest_feedback([row(external_id="B")], analyze=False)
    assert FeedbackItem.objects.get(external_id="A").redacted_text
    assert FeedbackItem.objects.get(external_id="B").redacted_text == ""


def test_ingestion_stores_language_sentiment_themes_and_the_redacted_text(org):
    text = "Fakturaen var helt feil og ingen svarer på telefon. Ring meg på 912 34 567."
    ingest_feedback([row(external_id="A", text=text)], analyze=True)
    item = FeedbackItem.objects.get(external_id="A")
    assert item.text == text  # the original is kept for the roles allowed to see it
    assert item.redacted_text.endswith("Ring meg på [PHONE].") and "912" not in item.redacted_text
    assert (item.language, item.sentiment) == ("nb", "negative")
    assert -1.0 <= item.sentiment_score < 0
    codes = {theme["code"]: theme for theme in item.themes}
    assert "billing_error" in codes and codes["billing_error"]["sentiment"] == "negative"
    assert item.analyzed_at is not None


def test_bad_rows_do_not_stop_the_good_ones(org):
    rows = [row(external_id=str(n), nps=str(n)) for n in range(15)]
    report = ingest_feedback(rows, batch_size=4)
    assert (report.read, report.created, report.rejected) == (15, 11, 4)
    assert [o.row for o in report.outcomes] == list(range(1, 16))
    assert set(FeedbackItem.objects.values_list("nps", flat=True)) == set(range(11))


def test_a_non_object_item_is_rejected_not_crashing(org):
    report = ingest_feedback([["not", "a", "mapping"], row()])  # type: ignore[list-item]
    assert [o.status for o in report.outcomes] == ["rejected", "created"]
