"""CLI round trip and the eval command's JSON shape, on made-up data in tmp_path."""

import json
from pathlib import Path

from click.testing import CliRunner

from outsidein.text.cli import eval_group, text


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_analyze_round_trip(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "in.jsonl",
        [
            {"id": 1, "text": "Appen er elendig, ring meg på ola@example.com", "score": 2},
            {"id": 2, "text": "Tack för snabb leverans!"},
        ],
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(text, ["analyze", str(src), "-o", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, 2]
    assert rows[0]["score"] == 2
    for key in ("language", "sentiment", "sentiment_score", "themes", "redacted_text"):
        assert key in rows[0]
    assert "ola@example.com" not in rows[0]["redacted_text"]
    assert (rows[0]["sentiment"], rows[1]["sentiment"]) == ("negative", "positive")
    assert rows[1]["language"] == "sv"


def test_analyze_stdin_stdout_and_bad_line() -> None:
    runner = CliRunner()
    ok = runner.invoke(text, ["analyze", "-", "--workers", "1"], input='{"text": "Takk!"}\n')
    assert ok.exit_code == 0 and json.loads(ok.stdout)["text"] == "Takk!"
    assert "1 records read: 1 analysed, 0 rejected" in ok.stderr
    bad = runner.invoke(text, ["analyze", "-", "--workers", "1"], input="not json\n")
    assert bad.exit_code == 1 and "line 1: rejected, not JSON" in bad.stderr
    assert bad.stdout == "" and "Traceback" not in bad.output


def _analyze(tmp_path: Path, lines: list[str], *extra: str):
    src = tmp_path / "in.jsonl"
    src.write_text("".join(line + "\n" for line in lines), "utf-8")
    out = tmp_path / "out.jsonl"
    args = ["analyze", str(src), "-o", str(out), "--workers", "1", *extra]
    result = CliRunner().invoke(text, args)
    return result, [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def test_a_language_that_is_no_code_is_detected_and_the_line_says_so(tmp_path: Path) -> None:
    swedish = "Tack för snabb leverans, jag är mycket nöjd med servicen!"
    result, rows = _analyze(
        tmp_path,
        [
            json.dumps({"id": 1, "text": swedish, "language": 5}),
            json.dumps({"id": 2, "text": swedish, "language": "Swedish"}),
            json.dumps({"id": 3, "text": swedish, "language": ["sv"]}),
            json.dumps({"id": 4, "text": swedish, "language": "SV"}),
            json.dumps({"id": 5, "text": swedish}),
        ],
    )
    assert result.exit_code == 0, result.output
    assert [row["id"] for row in rows] == [1, 2, 3, 4, 5]
    assert all(row["language"] == "sv" for row in rows)
    assert "language 5 is not a language code" in rows[0]["warnings"][0]
    assert '"Swedish"' in rows[1]["warnings"][0] and "detected instead" in rows[1]["warnings"][0]
    assert '["sv"]' in rows[2]["warnings"][0]
    assert rows[3]["warnings"] == [] and rows[4]["warnings"] == []
    assert "5 records read: 5 analysed (3 with warnings), 0 rejected" in result.stderr


def test_a_given_language_code_is_still_respected(tmp_path: Path) -> None:
    result, rows = _analyze(tmp_path, [json.dumps({"text": "Takk for hjelpa", "language": "nn"})])
    assert result.exit_code == 0, result.output
    assert rows[0]["language"] == "nn" and rows[0]["warnings"] == []


def test_bad_lines_are_rejected_with_reasons_and_the_rest_analysed(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 1, "text": "Takk for god hjelp!"}),
        '{"id": 2, "text": "broken',
        "",
        "[1, 2]",
        json.dumps({"id": 5, "text": 42}),
        json.dumps({"id": 6, "text": "Elendig kundeservice.", "language": 7}),
    ]
    rejects = tmp_path / "rejects.jsonl"
    result, rows = _analyze(tmp_path, lines, "--rejects", str(rejects))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert [row["id"] for row in rows] == [1, 6]
    rejected = [json.loads(line) for line in rejects.read_text("utf-8").splitlines()]
    assert [(r["line"], r["original"]) for r in rejected] == [
        (2, lines[1]),
        (4, lines[3]),
        (5, lines[4]),
    ]
    assert rejected[0]["reason"].startswith("not JSON")
    assert rejected[1]["reason"] == "expected a JSON object, not an array"
    assert rejected[2]["reason"] == "'text' must be a string, not a number"
    for number in (2, 4, 5):
        assert f"line {number}: rejected" in result.stderr
    # accepted + rejected = received: five records (the blank line is none)
    assert "5 records read: 2 analysed (1 with warnings), 3 rejected" in result.stderr


def test_undecodable_bytes_and_lone_surrogates_are_rejected_not_fatal(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        b'{"text": "Takk!"}\n'
        b'{"text": "caf\xe9"}\n'  # Latin-1, not UTF-8
        b'{"text": "a \\ud800 b"}\n'
    )
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    result = CliRunner().invoke(
        text, ["analyze", str(src), "-o", str(out), "--workers", "1", "--rejects", str(rejects)]
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert [json.loads(line)["text"] for line in out.read_text("utf-8").splitlines()] == ["Takk!"]
    with rejects.open(encoding="utf-8", errors="surrogateescape") as file:
        rejected = [json.loads(line) for line in file]
    assert [(r["line"], r["reason"]) for r in rejected] == [
        (2, "not UTF-8 text"),
        (3, "'text' holds a lone surrogate escape (\\ud800-\\udfff), not text"),
    ]
    # The original bytes come back exactly, so the line can be fixed and sent again.
    assert rejected[0]["original"].encode("utf-8", "surrogateescape") == b'{"text": "caf\xe9"}'


def test_eval_sentiment_json_shape(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "s.jsonl",
        [
            {"text": "Helt fantastisk service, tusen takk!", "lang": "nb", "label": "positive"},
            {"text": "Elendig, jeg er skuffet.", "lang": "nb", "label": "negative"},
            {"text": "Rigtig god oplevelse.", "lang": "da", "label": "positive"},
            {"text": "Jeg flyttede i marts.", "lang": "da", "label": "neutral"},
        ],
    )
    result = CliRunner().invoke(eval_group, ["text", "--data", str(data), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # stderr may carry library warnings
    assert out["task"] == "sentiment" and out["n"] == 4
    ours = [out[k] for k in ("outsidein", "outsidein_deep") if k in out]
    for system in [*ours, *out["references"].values()]:
        assert {"accuracy", "macro_f1", "per_lang", "confusion"} <= set(system)
    assert set(out["outsidein"]["per_lang"]) == {"da", "nb"}
    assert out["outsidein"]["accuracy"] >= 0.75


def test_eval_detects_langid_task(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "l.jsonl",
        [
            {"text": "Det veit eg ikkje.", "lang": "nn", "label": "nn"},
            {"text": "Jag vet inte.", "lang": "sv", "label": "sv"},
        ],
    )
    result = CliRunner().invoke(
        eval_group, ["text", "--data", str(data), "--json", "--no-references"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # stderr may carry library warnings
    assert out["task"] == "langid" and out["references"] == {}
    assert "outsidein_deep" not in out  # language ID has a single path
    assert out["outsidein"]["confusion"]["nn"] == {"nn": 1}


def test_eval_fast_only_keeps_the_shape(tmp_path: Path) -> None:
    data = _write(
        tmp_path / "s.jsonl",
        [
            {"text": "Veldig fornøyd, takk!", "lang": "nb", "label": "positive"},
            {"text": "Helt elendig app.", "lang": "nb", "label": "negative"},
        ],
    )
    args = ["text", "--data", str(data), "--json", "--no-references", "--no-deep"]
    out = json.loads(CliRunner().invoke(eval_group, args).output)
    assert set(out) == {"task", "n", "outsidein", "references"}
