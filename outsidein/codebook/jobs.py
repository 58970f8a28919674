"""Work the codebook pages start: reanalysis and topic discovery, now or in the job queue.

A small database is done within the request (seconds). A larger one goes to the django-q2
queue that `outsidein worker` runs, as a chain of jobs over consecutive ranges of items:
one job over everything would outlive the worker's 300 s timeout and be killed part-way.
Both paths analyse in this process, chunk by chunk: a web server thread must not fork,
and django-q2 workers are daemonic processes, which may not start the process pool
`outsidein reanalyze` uses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from outsidein.cases.jobs import enqueue  # noqa: F401 - the views queue through jobs.enqueue
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.reanalyze import reanalyze

logger = logging.getLogger(__name__)

SYNC_LIMIT = 5_000  # items analysed within a request (~2,000 items/s per core)
CHUNK = 1_000
# Items per queued job: what a request does in seconds, so a job of long comments, on a
# busy machine, still ends far inside the 300 s timeout (outsidein.cases.jobs_config).
JOB_CHUNK = 5_000
REANALYZE_JOB = "outsidein.codebook.jobs.reanalyze_job"
REANALYZE_RANGE_JOB = "outsidein.codebook.jobs.reanalyze_range_job"
ROLLUPS_JOB = "outsidein.insights.rollups.rebuild_rollups"
DISCOVER_JOB = "outsidein.codebook.jobs.discover_job"
TRAIN_JOB = "outsidein.codebook.jobs.train_sentiment_job"


def reanalyze_in_process(queryset=None, progress: Callable[[int], None] | None = None) -> int:
    """Analyse the items again with the current codebook and models; returns how many.

    One process: a web thread or a daemonic job worker must not fork a process pool."""
    queryset = FeedbackItem.objects.all() if queryset is None else queryset
    return reanalyze(queryset, workers=1, progress=progress)


def reanalyze_job() -> int:
    """A job queued before reanalysis went in ranges (one job over everything would be
    killed part-way): queue the chain instead; returns how many items it covers."""
    return FeedbackItem.objects.count() if queue_reanalysis() else 0


def reanalyze_range_job(after_id: int, last_id: int) -> int:
    """One link of the queued chain: the items with after_id < id <= last_id, no rollups
    (the chain's last job rebuilds them once)."""
    items = FeedbackItem.objects.filter(id__gt=after_id, id__lte=last_id)
    return reanalyze(items, workers=1, rollups=False)


def id_ranges(size: int) -> list[tuple[int, int]]:
    """(after_id, last_id] ranges of at most `size` items each, covering every item now.

    Items stored later were analysed at ingestion with the current codebook already."""
    ids = FeedbackItem.objects.order_by("id").values_list("id", flat=True)
    ranges: list[tuple[int, int]] = []
    after = 0
    while True:
        rest = ids.filter(id__gt=after)
        last = next(iter(rest[size - 1 : size]), None) or rest.last()
        if last is None:
            return ranges
        ranges.append((after, last))
        after = last


def queue_reanalysis() -> bool:
    """Queue the reanalysis as a chain: django-q2 starts each job when the one before it
    ended (also when it failed), and the last rebuilds the rollups. False when the queue
    cannot take it (logged)."""
    from django_q.tasks import async_chain

    chain = [(REANALYZE_RANGE_JOB, bounds) for bounds in id_ranges(JOB_CHUNK)]
    try:
        async_chain([*chain, (ROLLUPS_JOB,)])
    except Exception:  # noqa: BLE001 - a request must not fail; the page says so instead
        logger.exception("could not queue the reanalysis")
        return False
    return True


def discover_job(days: int = 30) -> int:
    from .topics import discover_emerging_topics

    return len(discover_emerging_topics(days=days))


# A queued job must end within the worker's 300 s timeout: the page trains on the newest
# comments and embeds for at most two minutes; `outsidein text train` has no such limits.
JOB_MAX_EXAMPLES = 20_000
JOB_DEEP_SECONDS = 120


def train_sentiment_job(user_id: int | None = None) -> dict:
    """`outsidein text train` for the sentiment page, bounded to fit a queued job."""
    from django.contrib.auth import get_user_model

    from .services import train_sentiment_adapter

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return train_sentiment_adapter(
        requested_by=user, max_examples=JOB_MAX_EXAMPLES, deep_seconds=JOB_DEEP_SECONDS
    )


def reanalyze_now_or_later() -> tuple[str, int]:
    """("done", n) after analysing a small database, ("queued", n) or ("failed", n) otherwise."""
    total = FeedbackItem.objects.count()
    if total <= SYNC_LIMIT:
        return "done", reanalyze_in_process()
    return ("queued" if queue_reanalysis() else "failed"), total
