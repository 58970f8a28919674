"""`outsidein reanalyze`: analyse stored feedback again after a model or codebook change.

The text analysis runs in worker processes on all cores (or here, for job workers and web
threads); the main process reads items in keyset-ordered chunks and saves every chunk
through `_save`, whichever process analysed it, so both paths store the same things.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import click
from django.db import connections, transaction
from django.utils import timezone

from .analysis import (
    ANALYSIS_FIELDS,
    current_analyzer,
    finish_analysis,
    keep_corrections_made_meanwhile,
    lock_stored,
    prepare_items,
)
from .deep_pass import current_model_tag
from .models import FeedbackItem

CHUNK = 2000
_worker_analyzer = None


def _init_worker(codebook_dict: dict) -> None:
    global _worker_analyzer
    from outsidein.text.codebook import Codebook
    from outsidein.text.pipeline import Analyzer

    _worker_analyzer = Analyzer(codebook=Codebook.from_dict(codebook_dict))


def _analyze_chunk(rows: list[tuple[str, str | None]]):
    return _worker_analyzer.analyze_batch([t for t, _ in rows], [lang for _, lang in rows])


def _chunks(queryset) -> Iterator[list[FeedbackItem]]:
    last_id = 0
    while True:
        chunk = list(queryset.filter(id__gt=last_id).order_by("id")[:CHUNK])
        if not chunk:
            return
        last_id = chunk[-1].id
        yield chunk


def _work(chunk: list[FeedbackItem]) -> list[tuple[str, str | None]]:
    """The analyser's input: the texts, with the language a source gave (detected ones are
    detected again)."""
    return [(item.text, item.language or None) for item in prepare_items(chunk)]


def compute(chunk: list[FeedbackItem], results=None) -> None:  # noqa: ANN001 - list[Analysis]
    """Analyse the chunk again in memory; `results` come from a worker process given
    `_work(chunk)`, or else the analysis runs here. No database write."""
    if results is None:
        results = _analyze_here(_work(chunk))
    finish_analysis(chunk, results, deep_tag=current_model_tag())


def _analyze_here(rows: list[tuple[str, str | None]]):
    return current_analyzer().analyze_batch([t for t, _ in rows], [lang for _, lang in rows])


def write(chunk: list[FeedbackItem]) -> None:
    """Store the chunk's new analysis, keeping corrections a person made while it ran."""
    with transaction.atomic():
        stored = lock_stored([item.id for item in chunk])
        for item in chunk:
            if item.id in stored:
                keep_corrections_made_meanwhile(item, stored[item.id])
        FeedbackItem.objects.bulk_update(chunk, ANALYSIS_FIELDS, batch_size=500)


def _save(chunk: list[FeedbackItem], results=None) -> None:  # noqa: ANN001 - list[Analysis]
    compute(chunk, results)
    write(chunk)


def reanalyze(queryset, workers: int, progress=None, rollups: bool = True) -> int:
    """Analyse every item of the queryset again, then (unless `rollups` is False, for a
    caller that rebuilds them once after many calls) the rollups; returns how many."""
    if workers <= 1:
        done = _reanalyze_here(queryset, progress)
    else:
        done = _reanalyze_in_pool(queryset, workers, progress)
    if done and rollups:
        from outsidein.insights.rollups import rebuild_rollups

        rebuild_rollups()  # sentiment and themes moved: every dashboard figure may have
    return done


def _reanalyze_here(queryset, progress) -> int:
    """In this process: for job workers and web threads, which must not fork."""
    done = 0
    for chunk in _chunks(queryset):
        _save(chunk)
        done += len(chunk)
        if progress:
            progress(len(chunk))
    return done


def _reanalyze_in_pool(queryset, workers: int, progress) -> int:
    from outsidein.codebook.services import current_codebook

    codebook = current_codebook().to_dict()
    done = 0
    connections.close_all()  # never share a database connection with forked workers
    context = get_context("fork")
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=(codebook,)
    ) as pool:
        pending = []
        for chunk in _chunks(queryset):
            pending.append((chunk, pool.submit(_analyze_chunk, _work(chunk))))
            if len(pending) > workers:  # bounded read-ahead keeps memory constant
                done += _finish(pending.pop(0), progress)
        for job in pending:
            done += _finish(job, progress)
    return done


def _finish(job, progress) -> int:
    chunk, future = job
    _save(chunk, future.result())
    if progress:
        progress(len(chunk))
    return len(chunk)


@click.command("reanalyze")
@click.option("--workers", type=int, default=os.cpu_count() or 1, show_default=True)
@click.option("--post", help="Only this listening post (slug).")
@click.option("--since", type=click.DateTime(), help="Only items received since this date.")
def reanalyze_command(workers: int, post: str | None, since) -> None:
    """Analyse stored feedback again (after a model or codebook change)."""
    from rich.progress import Progress

    from outsidein.cli import ensure_database

    ensure_database()
    items = FeedbackItem.objects.all()
    if post:
        items = items.filter(listening_post__slug=post)
    if since:
        items = items.filter(received_at__gte=timezone.make_aware(since))
    total = items.count()
    with Progress(disable=not os.isatty(1)) as bar:
        task = bar.add_task("analysing", total=total)
        done = reanalyze(items, workers, lambda n: bar.advance(task, n))
    click.echo(f"reanalysed {done} of {total} feedback items with {workers} workers")
