"""Each import preset on its made-up fixture: rows in our format, then through ingestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from outsidein.surveys.presets import PRESETS, UnknownPreset, load_preset

FIXTURES = Path(__file__).parent / "fixtures"
FILES = {
    "qualtrics": "qualtrics.csv",
    "surveymonkey": "surveymonkey.csv",
    "typeform": "typeform.csv",
    "google-forms": "google_forms.csv",
    "zendesk": "zendesk.json",
    "trustpilot": "trustpilot.csv",
    "app-store": "app_store.json",
    "google-play": "google_play.csv",
}
# preset → (external ids, the scored field, its values, a text of the first row)
EXPECTED = {
    "qualtrics": (["R_1a2B3c4D5e6F7g8", "R_9z8Y7x6W5v4U3t2"], "nps", [9, 3], "Rask hjelp"),
    "surveymonkey": (["11415123456", "11415123457"], "nps", [10, 4], "Quick installation"),
    "typeform": (["k2j3h4g5f6d7s8a9", "q1w2e3r4t5y6u7i8"], "nps", [8, 2], "Good value"),
    "google-forms": (None, "csat", [4, 1], "Montøren var blid"),
    "zendesk": (["35436", "35437", "35438"], "csat", [5, 1, None], "Rask og hyggelig"),
    "trustpilot": (
        ["65f1a2b3c4d5e6f7a8b9c0d1", "65f1a2b3c4d5e6f7a8b9c0d2"],
        "csat",
        [5, 1],
        "Fantastisk service\n\nFikk hjelp",
    ),
    "app-store": (
        ["00000012-3456-7890-abcd-000000000001", "00000012-3456-7890-abcd-000000000002"],
        "csat",
        [2, 5],
        "Logger meg ut\n\nAppen",
    ),
    "google-play": (None, "csat", [1, 4], "Appen krasjer"),
}


def rows_of(name: str) -> list[dict]:
    return [row for _number, row in load_preset(name).rows(FIXTURES / FILES[name])]


def test_every_preset_has_a_fixture_and_expectations():
    assert set(PRESETS) == set(FILES) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(FILES))
def test_preset_maps_its_fixture(name):
    ids, score, values, text = EXPECTED[name]
    rows = rows_of(name)
    if ids is not None:
        assert [row["external_id"] for row in rows] == ids
    assert len({row["external_id"] for row in rows}) == len(rows)
    assert [row.get(score) for row in rows] == values
    assert rows[0]["text"].startswith(text)
    assert all("+" in row["received_at"] or "-" in row["received_at"][19:] for row in rows)


def test_qualtrics_skips_its_extra_header_rows_and_keeps_personal_data_out():
    first, second = rows_of("qualtrics")
    # Times are in the survey's time zone from the ImportId row.
    assert first["received_at"] == "2026-03-02T10:15:31+01:00"
    assert (first["language"], second["language"]) == ("nb", "en")
    assert first["answers"] == {
        "Q1": "9",
        "Q2": "Rask hjelp, og fakturaen var lett å forstå.",
        "Q3": "Bredbånd",
    }  # not the derived NPS group column
    assert first["metadata"]["ExternalReference"] == "C-1001"
    flat = repr(first)
    assert "kari@example.no" not in flat and "203.0.113.7" not in flat and "Nordmann" not in flat


def test_surveymonkey_reads_its_second_header_row():
    first, second = rows_of("surveymonkey")
    assert first["received_at"] == "2026-03-02T10:15:30+01:00"
    assert second["received_at"] == "2026-03-04T21:03:10+01:00"  # 09:03:10 PM
    assert first["answers"]["Which of our services do you use? — Electricity"] == "Electricity"
    assert "203.0.113.7" not in repr(first)


def test_google_forms_gets_stable_ids_and_no_email():
    assert [r["external_id"] for r in rows_of("google-forms")] == [
        r["external_id"] for r in rows_of("google-forms")
    ]
    assert "ola@example.no" not in repr(rows_of("google-forms"))


def test_zendesk_reads_array_object_and_ndjson(tmp_path):
    import json

    tickets = json.loads((FIXTURES / "zendesk.json").read_text(encoding="utf-8"))
    ndjson = tmp_path / "tickets.ndjson"
    ndjson.write_text("\n".join(json.dumps(t) for t in tickets), encoding="utf-8")
    wrapped = tmp_path / "tickets.json"
    wrapped.write_text(json.dumps({"tickets": tickets, "count": 3}), encoding="utf-8")
    expected = rows_of("zendesk")
    for path in (ndjson, wrapped):
        assert [row for _n, row in load_preset("zendesk").rows(path)] == expected
    assert expected[0]["answers"]["ticket_description"].startswith("Fakturaen")


def test_google_play_utf16_and_languages():
    first, second = rows_of("google-play")
    assert first["external_id"] == "gp:AOqpTOF1a2b3c4d5"  # from the review link
    assert (first["language"], second["language"]) == ("nb", "sv")
    assert "mörkt läge" in second["text"]


def test_unknown_preset_and_missing_file():
    with pytest.raises(UnknownPreset, match="known: qualtrics"):
        load_preset("excel-magic")
    with pytest.raises(FileNotFoundError):
        list(load_preset("typeform").rows(FIXTURES / "nope.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FILES))
def test_preset_rows_go_through_ingestion(name, org):
    from outsidein.feedback.ingest import ingest_feedback

    rows = rows_of(name)
    report = ingest_feedback(rows, default_post="tickets", analyze=False)
    assert report.created == len(rows), [o.errors for o in report.outcomes]
    again = ingest_feedback(rows_of(name), default_post="tickets", analyze=False)
    assert again.duplicates == len(rows)  # re-importing the same export adds nothing


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(FILES))
def test_import_command_with_a_preset(name, org, tmp_path):
    from click.testing import CliRunner

    from outsidein.feedback.cli import import_
    from outsidein.feedback.models import FeedbackItem

    path = str(FIXTURES / FILES[name])
    args = ["feedback", path, "--preset", name, "--post", "tickets"]
    result = CliRunner().invoke(import_, [*args, "--rejects", str(tmp_path / "rejects.csv")])
    assert result.exit_code == 0, result.output
    expected = len(rows_of(name))
    assert FeedbackItem.objects.filter(listening_post=org["tickets"]).count() == expected
    assert FeedbackItem.objects.exclude(analyzed_at=None).count() == expected
    again = CliRunner().invoke(import_, args)
    assert again.exit_code == 0 and FeedbackItem.objects.count() == expected


@pytest.mark.django_db
def test_import_command_preset_errors(org):
    from click.testing import CliRunner

    from outsidein.feedback.cli import import_

    path = str(FIXTURES / "typeform.csv")
    unknown = CliRunner().invoke(
        import_, ["feedback", path, "--preset", "nope", "--post", "tickets"]
    )
    assert unknown.exit_code != 0 and "known: qualtrics" in unknown.output
    no_post = CliRunner().invoke(import_, ["feedback", path, "--preset", "typeform"])
    assert no_post.exit_code != 0 and "--post" in no_post.output
