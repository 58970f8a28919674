"""Exports by people who may not see originals: unanalysed feedback redacted, not empty."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from outsidein.feedback.ingest import ingest_feedback

TEXT = "Fakturaen var feil. Ring meg på 912 34 567 eller kari@example.com"


@pytest.fixture
def member_client(client, org, billing_member):
    ingest_feedback(
        [
            {
                "listening_post": "nps-survey",
                "external_id": "raw-1",
                "received_at": "2026-03-01T09:30:00+01:00",
                "text": TEXT,
                "nps": 3,
            }
        ],
        analyze=False,  # as `outsidein import feedback --no-analyze`: no redacted text yet
    )
    client.force_login(billing_member)
    return client


def exported_texts(client, fmt: str) -> list[str]:
    response = client.get("/feedback/export/", {"format": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return [row["text"] for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))]
    sheet = load_workbook(io.BytesIO(body), read_only=True)["feedback"]
    rows = list(sheet.iter_rows(values_only=True))
    return [row[rows[0].index("text")] for row in rows[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_team_members_export_redacts_unanalysed_text(member_client, fmt):
    [text] = exported_texts(member_client, fmt)
    assert text.startswith("Fakturaen var feil. Ring meg på [PHONE]")
    assert "912 34 567" not in text and "kari@example.com" not in text
