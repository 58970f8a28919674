"""Exports: the row format, who sees original text, and round trips through the importer."""

from __future__ import annotations

import csv
import io
import json

import pytest

from outsidein.feedback.export import export_feedback
from outsidein.feedback.ingest import ingest_feedback
from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db

COMPARED = (
    "listening_post__slug",
    "external_id",
    "customer__external_id",
    "touchpoint__slug",
    "received_at",
    "language",
    "text",
    "nps",
    "csat",
    "ces",
    "answers",
    "metadata",
)


@pytest.fixture
def feedback(org, customers):
    rows = [
        {
            "listening_post": "nps-survey",
            "external_id": "N-1",
            "customer": "K-1001",
            "touchpoint": "first-invoice",
            "received_at": "2024-12-31T14:05:00+01:00",
            "language": "nb",
            "text": 'Fakturaen var feil; ring meg på 912 34 567, "snarest"\nHilsen Kari',
            "nps": 2,
            "answers": {"Hva kan vi gjøre bedre?": "Riktig faktura", "score": 2.5},
        },
        {
            "listening_post": "tickets",
            "external_id": "T-9",
            "received_at": "2024-07-01T09:00:00+02:00",
            "text": "Æ, ø og å fungerer fint",
            "csat": 5,
            "ces": 7,
            "metadata": {"agent": "Lise", "tags": ["installasjon"]},
        },
        {
            "listening_post": "tickets",
            "external_id": "T-10",
            "received_at": "2025-01-15T08:00:00Z",
        },
    ]
    assert ingest_feedback(rows).created == 3
    return FeedbackItem.objects.order_by("id")


def snapshot() -> set[tuple]:
    rows = FeedbackItem.objects.values_list(*COMPARED)
    return {tuple(repr(value) for value in row) for row in rows}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_an_export_imported_again_adds_nothing_and_restores_an_empty_database(
    fmt, feedback, tmp_path, outsidein
):
    before = snapshot()
    path = tmp_path / f"feedback.{fmt}"
    result = outsidein("export", "feedback", "--format", fmt, path)
    assert result.exit_code == 0, result.output
    assert "Exported 3 feedback items" in result.output

    again = outsidein("import", "feedback", path)
    assert again.exit_code == 0, again.output
    assert FeedbackItem.objects.count() == 3
    assert "Duplicates (already stored) │ 3" in again.output.replace("  ", " ")

    # An empty database: listening posts, touchpoints and customers exist, feedback does not.
    FeedbackItem.objects.all().delete()
    restored = outsidein("import", "feedback", path, "--no-analyze")
    assert restored.exit_code == 0, restored.output
    assert snapshot() == before


def test_csv_export_is_the_shared_row_format(feedback):
    out = io.BytesIO()
    export_feedback(feedback, "csv", out, include_original_text=True)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [
        "listening_post", "external_id", "customer", "touchpoint", "received_at", "language",
        "text", "nps", "csat", "ces", "answers", "metadata",
    ]  # fmt: skip
    assert rows[0]["received_at"] == "2024-12-31T14:05:00+01:00"
    assert json.loads(rows[1]["metadata"]) == {"agent": "Lise", "tags": ["installasjon"]}
    assert rows[2]["answers"] == "" and rows[2]["customer"] == ""


def test_the_original_text_only_for_those_allowed_to_see_it(feedback):
    item = feedback.first()
    item.redacted_text = "Fakturaen var feil; ring meg på [PHONE]"
    item.save()

    def exported_texts(include: bool) -> list[str]:
        out = io.BytesIO()
        export_feedback(feedback, "csv", out, include_original_text=include)
        return [r["text"] for r in csv.DictReader(io.StringIO(out.getvalue().decode("utf-8-sig")))]

    assert "912 34 567" in exported_texts(True)[0]
    assert exported_texts(False)[0] == "Fakturaen var feil; ring meg på [PHONE]"
    assert not any("912 34 567" in text for text in exported_texts(False))


def test_cli_export_filters(feedback, tmp_path, outsidein):
    path = tmp_path / "tickets.csv"
    result = outsidein("export", "feedback", path, "--post", "tickets", "--from", "2024-07-01")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    assert sorted(r["external_id"] for r in rows) == ["T-10", "T-9"]


def test_an_empty_export_is_still_a_valid_file(org, tmp_path, outsidein):
    for fmt in ("csv", "xlsx", "parquet"):
        path = tmp_path / f"empty.{fmt}"
        assert outsidein("export", "feedback", path).exit_code == 0
        result = outsidein("import", "feedback", path)
        assert result.exit_code == 0, result.output
