"""Work the codebook pages start: reanalysis and topic discovery, now or in the job queue.

A small database is done within the request (seconds). A larger one goes to the django-q2
queue that `outsidein worker` runs. Both paths analyse in this process, chunk by chunk:
a web server thread must not fork, and django-q2 workers are daemonic processes, which
may not start the process pool `outsidein reanalyze` uses.
"""

from __future__ import annotations

from collections.abc import Callable

from outsidein.cases.jobs import enqueue
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.reanalyze import reanalyze

SYNC_LIMIT = 5_000  # items analysed within a request (~2,000 items/s per core)
CHUNK = 1_000
REANALYZE_JOB = "outsidein.codebook.jobs.reanalyze_job"
DISCOVER_JOB = "outsidein.codebook.jobs.discover_job"
TRAIN_JOB = "outsidein.codebook.jobs.train_sentiment_job"


def reanalyze_in_process(queryset=None, progress: Callable[[int], None] | None = None) -> int:
    """Analyse the items again with the current codebook and models; returns how many.

    One process: a web thread or a daemonic job worker must not fork a process pool."""
    queryset = FeedbackItem.objects.all() if queryset is None else queryset
    return reanalyze(queryset, workers=1, progress=progress)


def reanalyze_job() -> int:
    return reanalyze_in_process()


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
    return ("queued" if enqueue(REANALYZE_JOB) else "failed"), total
