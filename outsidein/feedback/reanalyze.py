"""`outsidein reanalyze`: analyse stored feedback again after a model or codebook change.

The text analysis runs in worker processes on all cores; the main process reads items in
keyset-ordered chunks and writes the results back with bulk updates.
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
    adapt_sentiment,
    analyze_items,
    apply_analysis,
    language_was_given,
)
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


def _save(chunk: list[FeedbackItem], results) -> None:
    now = timezone.now()
    with_text = [item for item in chunk if item.text.strip()]
    adapt_sentiment([item.text for item in with_text], results)
    by_item = {id(item): result for item, result in zip(with_text, results, strict=True)}
    for item in chunk:
        apply_analysis(item, by_item.get(id(item)), now)
    with transaction.atomic():
        FeedbackItem.objects.bulk_update(chunk, ANALYSIS_FIELDS, batch_size=500)


def _work(chunk: list[FeedbackItem]) -> list[tuple[str, str | None]]:
    # The language a source gave is kept; a detected one is detected again.
    for item in chunk:
        if not language_was_given(item):
            item.language = ""
    return [(item.text, item.language or None) for item in chunk if item.text.strip()]


def reanalyze(queryset, workers: int, progress=None) -> int:
    """Analyse every item of the queryset again, then the rollups; returns how many."""
    if workers <= 1:
        done = _reanalyze_here(queryset, progress)
    else:
        done = _reanalyze_in_pool(queryset, workers, progress)
    if done:
        from outsidein.insights.rollups import rebuild_rollups

        rebuild_rollups()  # sentiment and themes moved: every dashboard figure may have
    return done


def _reanalyze_here(queryset, progress) -> int:
    """In this process: for job workers and web threads, which must not fork."""
    done = 0
    for chunk in _chunks(queryset):
        analyze_items(chunk)
        with transaction.atomic():
            FeedbackItem.objects.bulk_update(chunk, ANALYSIS_FIELDS, batch_size=500)
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
