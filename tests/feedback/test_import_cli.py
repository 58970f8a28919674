"""`outsidein import feedback`: files of every supported kind, rejects, dry runs, mapping."""

from __future__ import annotations

import json

import openpyxl
import pytest

from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db

HEADER = "listening_post,external_id,customer,touchpoint,received_at,text,nps\n"


def summary_counts(output: str) -> dict[str, int]:
    counts = {}
    labels = {"Would be created": "Created"}  # a dry run says what it would have done
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) == 4 and cells[2].replace(",", "").isdigit():
            counts[labels.get(cells[1], cells[1])] = int(cells[2].replace(",", ""))
    return counts


def test_a_file_with_bad_rows_of_every_kind(
    org, customers, settings, tmp_path, outsidein, rejects_of
):
    settings.FEEDBACK_TEXT_MAX_CHARS = 60
    lines = [
        HEADER,
        "nps-survey,ok-1,K-1001,first-invoice,31.12.2024 14:05,Blid montør på døra,9\n",
        "nps-survey,score-11,,,2024-12-31 14:05,Greit,11\n",
        "nps-survey,no-touchpoint,,kundesenter,2024-12-31 14:05,Hyggelig,8\n",
        "nps-survey,bad-date,,,31.02.2024,Tja,5\n",
        "nps-survey,,,,2024-12-31 14:05,Mangler id,5\n",
        "tickets,ok-2,K-1002,,2024-12-31T15:00:00+01:00,Prisen økte uten varsel,3\n",
        "nps-survey,too-long,,,2024-12-31 14:05," + "å" * 61 + ",4\n",
        "nps-survey,ok-1,,,2025-01-02 10:00,Samme id igjen,2\n",
        "tickets,ok-3,,installation,2025-01-03 09:30,Æ e fornøgd,10\n",
    ]
    data = "".join(lines).encode("utf-8")
    wrong = "nps-survey,encoding,,,2024-12-31 14:05,Bl\xe5b\xe6r,7\n".encode("cp1252")
    path = tmp_path / "feedback.csv"
    path.write_bytes(data + wrong)
    rejects = tmp_path / "rejects.csv"

    result = outsidein("import", "feedback", path, "--rejects", rejects)

    assert result.exit_code == 0, result.output
    counts = summary_counts(result.output)
    assert counts == {
        "Rows read": 10,
        "Created": 3,
        "Duplicates (already stored)": 1,
        "Rejected": 6,
    }
    by_row = {(r["row"], r["column"]): r for r in rejects_of(rejects)}
    expected = {
        ("3", "nps"): "NPS must be a whole number from 0 to 10",
        ("4", "touchpoint"): "Unknown touchpoint 'kundesenter'",
        ("5", "received_at"): "is not a date and time",
        ("6", "external_id"): "Missing required field",
        ("8", "text"): "Text is longer than 60 characters",
        ("9", "external_id"): "Duplicate of row 2",
        ("11", "text"): "Wrong encoding",
    }
    assert set(by_row) == set(expected)
    for key, reason in expected.items():
        assert reason in by_row[key]["reason"]
    assert by_row[("9", "external_id")]["status"] == "duplicate"
    # The original values are kept, the undecodable bytes exactly as they were.
    assert by_row[("3", "nps")]["external_id"] == "score-11"
    assert by_row[("11", "text")]["text"].encode("utf-8", "surrogateescape") == b"Bl\xe5b\xe6r"
    stored = dict(FeedbackItem.objects.values_list("external_id", "text"))
    assert stored == {
        "ok-1": "Blid montør på døra",
        "ok-2": "Prisen økte uten varsel",
        "ok-3": "Æ e fornøgd",
    }


def test_importing_the_same_file_again_adds_nothing(org, tmp_path, outsidein):
    path = tmp_path / "f.csv"
    path.write_text(
        HEADER + "nps-survey,a,,,2024-01-01 10:00,Hei,9\ntickets,b,,,2024-01-01,Hallo,\n"
    )
    assert summary_counts(outsidein("import", "feedback", path).output)["Created"] == 2
    ids = sorted(FeedbackItem.objects.values_list("id", flat=True))
    again = summary_counts(outsidein("import", "feedback", path).output)
    assert again["Duplicates (already stored)"] == 2 and again["Created"] == 0
    assert sorted(FeedbackItem.objects.values_list("id", flat=True)) == ids


def test_windows_1252_semicolons_as_nordic_excel_writes_them(org, tmp_path, outsidein):
    text = "external_id;received_at;text;nps\r\nx1;31.12.2024 14:05;Blåbærsyltetøy, takk;10\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    result = outsidein("import", "feedback", path, "--post", "nps-survey")
    assert result.exit_code == 0, result.output
    assert FeedbackItem.objects.get().text == "Blåbærsyltetøy, takk"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_utf8_with_bom_and_any_delimiter(org, tmp_path, outsidein, delimiter):
    header = delimiter.join(["external_id", "received_at", "text", "nps"])
    line = delimiter.join(["x1", "2024-12-31 14:05", "Kjempebra, ærlig talt", "9"])
    if delimiter == ",":
        line = line.replace("Kjempebra, ærlig talt", '"Kjempebra, ærlig talt"')
    path = tmp_path / "bom.csv"
    path.write_bytes(f"{header}\n{line}\n".encode("utf-8-sig"))
    result = outsidein("import", "feedback", path, "--post", "tickets")
    assert result.exit_code == 0, result.output
    item = FeedbackItem.objects.get()
    assert (item.external_id, item.text, item.nps) == ("x1", "Kjempebra, ærlig talt", 9)


def test_excel_workbook(org, tmp_path, outsidein):
    from datetime import datetime

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["listening_post", "external_id", "received_at", "text", "nps", "Region"])
    sheet.append(["nps-survey", 1001, datetime(2024, 3, 1, 9, 30), "Rask levering", 9, "Vest"])
    sheet.append([None, None, None, None, None, None])  # empty rows are skipped
    sheet.append(["nps-survey", 1002, "01.03.2024 10:00", "Treg app", 12, None])
    path = tmp_path / "survey.xlsx"
    workbook.save(path)
    rejects = tmp_path / "rejects.csv"

    result = outsidein("import", "feedback", path, "--rejects", rejects)

    assert result.exit_code == 0, result.output
    item = FeedbackItem.objects.get()
    assert (item.external_id, item.answers) == ("1001", {"Region": "Vest"})
    assert rejects.read_text().splitlines()[1].startswith("4,rejected,nps,")


def test_json_lines_with_a_broken_line(org, tmp_path, outsidein, rejects_of):
    lines = [
        json.dumps({"listening_post": "tickets", "external_id": "t1",
                    "received_at": "2024-05-01T10:00:00Z", "text": "Hei", "metadata": {"agent": 7}}),
        '{"listening_post": "tickets", "external_id": "t2", ',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"listening_post": "tickets", "external_id": "t3",
                    "received_at": "2024-05-01T11:00:00Z", "csat": 5}),
    ]  # fmt: skip
    path = tmp_path / "tickets.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"

    result = outsidein("import", "feedback", path, "--rejects", rejects)

    assert summary_counts(result.output)["Rejected"] == 2
    assert sorted(FeedbackItem.objects.values_list("external_id", flat=True)) == ["t1", "t3"]
    assert FeedbackItem.objects.get(external_id="t1").metadata == {"agent": 7}
    rows = rejects_of(rejects)
    assert [(r["row"], r["reason"][:14]) for r in rows] == [
        ("2", "Not valid JSON"),
        ("4", "Each line must"),
    ]
    assert rows[0]["original"] == lines[1]


def test_a_mapping_file_for_foreign_column_names(org, customers, tmp_path, outsidein):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "columns:\n  external_id: Svar-ID\n  received_at: Besvart\n  text: Kommentar\n"
        "  nps: Anbefaling\n  customer: Kundenummer\n"
        "defaults:\n  listening_post: nps-survey\n  language: nb\n",
        encoding="utf-8",
    )
    path = tmp_path / "questback.csv"
    path.write_text(
        "Svar-ID;Besvart;Kommentar;Anbefaling;Kundenummer;Hvor fant du oss?\n"
        "77;02.01.2025 08:15;Fin service;10;K-1001;Google\n",
        encoding="utf-8",
    )
    result = outsidein("import", "feedback", path, "--map", mapping)
    assert result.exit_code == 0, result.output
    item = FeedbackItem.objects.get()
    assert (item.external_id, item.text, item.nps, item.language) == ("77", "Fin service", 10, "nb")
    assert item.customer == customers[0]
    assert item.listening_post == org["survey"]
    assert item.answers == {"Hvor fant du oss?": "Google"}


def test_a_dry_run_validates_everything_and_writes_nothing(org, tmp_path, outsidein, rejects_of):
    path = tmp_path / "f.csv"
    path.write_text(HEADER + "nps-survey,a,,,2024-01-01,Hei,9\nnps-survey,b,,,2024-01-01,Hå,42\n")
    outsidein("import", "feedback", path.with_name("first.csv"))  # missing: no effect
    (tmp_path / "first.csv").write_text(HEADER + "nps-survey,a,,,2024-01-01,Hei,9\n")
    outsidein("import", "feedback", tmp_path / "first.csv")
    rejects = tmp_path / "rejects.csv"

    result = outsidein("import", "feedback", path, "--dry-run", "--rejects", rejects)

    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output
    assert summary_counts(result.output) == {
        "Rows read": 2,
        "Created": 0,
        "Duplicates (already stored)": 1,
        "Rejected": 1,
    }
    assert FeedbackItem.objects.count() == 1
    assert [r["status"] for r in rejects_of(rejects)] == ["duplicate", "rejected"]


def test_nothing_readable_exits_non_zero_with_a_clear_message(org, tmp_path, outsidein):
    missing = outsidein("import", "feedback", tmp_path / "nope.csv")
    assert missing.exit_code != 0 and "No such file" in missing.output
    unknown = tmp_path / "feedback.pdf"
    unknown.write_bytes(b"%PDF-1.4")
    result = outsidein("import", "feedback", unknown)
    assert result.exit_code != 0 and "Unknown file format '.pdf'" in result.output
    no_ids = tmp_path / "f.csv"
    no_ids.write_text("when,what\n2024-01-01,hei\n")
    result = outsidein("import", "feedback", no_ids, "--post", "tickets")
    assert result.exit_code != 0 and "no column for external_id, received_at" in result.output
    result = outsidein("import", "feedback", no_ids, "--post", "nowhere")
    assert result.exit_code != 0 and "Unknown listening post 'nowhere'" in result.output
    assert not FeedbackItem.objects.exists()


def test_rows_without_a_post_column_need_post(org, tmp_path, outsidein):
    path = tmp_path / "f.csv"
    path.write_text("external_id,received_at\n1,2024-01-01\n")
    result = outsidein("import", "feedback", path)
    assert result.exit_code != 0 and "listening_post" in result.output


def test_readers_stream_in_constant_memory(tmp_path):
    import tracemalloc

    from outsidein.feedback.ingest import FEEDBACK_FIELDS
    from outsidein.feedback.readers import ColumnMapping, open_rows

    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as file:
        file.write("external_id;received_at;text;nps;Kanal\n")
        for number in range(10_000):
            file.write(f"{number};2024-01-01 10:00;Kommentar nummer {number} om fakturaen;7;app\n")
    mapping = ColumnMapping.load(None, FEEDBACK_FIELDS, "answers")
    tracemalloc.start()
    try:
        count = sum(1 for _, raw in open_rows(path) if mapping.apply(raw))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 10_000
    # Holding the rows would take over 5 MB; streaming stays near one row's worth.
    assert peak < 500_000, peak
