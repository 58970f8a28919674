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
    assert ok.exit_code == 0 and json.loads(ok.output)["text"] == "Takk!"
    bad = runner.invoke(text, ["analyze", "-", "--workers", "1"], input="not json\n")
    assert bad.exit_code != 0 and "line 1" in bad.output


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
    out = json.loads(result.output)
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
    out = json.loads(result.output)
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
