"""Background jobs (django-q2) and their schedules.

The jobs are thin: each calls a plain function that is safe to run twice or
concurrently (the outbox, unique keys and evaluation marks make it so), because a
queue may run a job again after a worker died.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .digest import send_digests
from .escalation import check_slas
from .outbox import deliver_all
from .routing import open_cases_for, sweep

logger = logging.getLogger(__name__)

DIGEST_HOUR = 7  # local time (settings.TIME_ZONE) of the daily digest
# name → (function path, schedule type: I = every N minutes, D = daily at an hour)
SCHEDULES = {
    "outsidein: evaluate missed feedback": ("outsidein.cases.jobs.sweep_job", "I", 1),
    "outsidein: SLA and escalation check": ("outsidein.cases.jobs.sla_job", "I", 5),
    "outsidein: deliver notifications": ("outsidein.cases.jobs.deliver_job", "I", 1),
    "outsidein: daily digest": ("outsidein.cases.jobs.digest_job", "D", DIGEST_HOUR),
    "outsidein: deep sentiment pass": ("outsidein.feedback.deep_pass.deep_sentiment_pass", "I", 5),
    "outsidein: weekly emerging topics": (
        "outsidein.codebook.topics.discover_emerging_topics",
        "I",
        7 * 24 * 60,
    ),
}


def evaluate_job(feedback_ids: list[int]) -> int:
    opened = open_cases_for(feedback_ids)
    deliver_all()
    return len(opened)


def sweep_job() -> int:
    return sweep()


def sla_job() -> int:
    return check_slas()


def deliver_job() -> int:
    return deliver_all()


def digest_job() -> int:
    return send_digests()


def queue_case_opening(feedback_ids: Iterable[int]) -> None:
    """For ingestion: evaluate in a worker once this transaction commits.

    ``transaction.on_commit(lambda: open_cases_for(ids))`` does the same in-process.
    """
    ids = sorted(set(feedback_ids))
    if ids:
        transaction.on_commit(lambda: enqueue("outsidein.cases.jobs.evaluate_job", ids))


def queue_evaluation(feedback_ids: list[int]) -> None:
    """Evaluate already committed feedback in a worker (large imports)."""
    enqueue("outsidein.cases.jobs.evaluate_job", sorted(set(feedback_ids)))


def enqueue_delivery() -> None:
    enqueue("outsidein.cases.jobs.deliver_job")


def enqueue(func: str, *args) -> bool:
    """Queue a job for `outsidein worker`; False (and logged) when the queue cannot take it.

    Never raises: callers are requests and commits, and the periodic jobs catch up."""
    from django_q.tasks import async_task

    try:
        async_task(func, *args, task_name=None)
    except Exception:  # noqa: BLE001 - see the docstring
        logger.exception("could not queue %s", func)
        return False
    return True


def ensure_schedules(now: datetime | None = None) -> None:
    """Create or update the periodic jobs (idempotent; the worker calls it at start)."""
    from django_q.models import Schedule

    now = timezone.localtime(now)
    for name, (func, kind, when) in SCHEDULES.items():
        if kind == Schedule.DAILY:
            first = now.replace(hour=when, minute=0, second=0, microsecond=0)
            next_run = first if first > now else first + timedelta(days=1)
            fields = {"func": func, "schedule_type": kind, "repeats": -1}
        else:
            next_run = now
            fields = {"func": func, "schedule_type": kind, "minutes": when, "repeats": -1}
        # next_run only on creation: a restart must not postpone or repeat a run.
        schedule, created = Schedule.objects.get_or_create(
            name=name, defaults={**fields, "next_run": next_run}
        )
        if not created:
            Schedule.objects.filter(pk=schedule.pk).update(**fields)


def run_once(pause: float = 0.0) -> dict[str, int]:
    """Every job once, in this process: for cron, tests and `outsidein worker --once`."""
    return {
        "cases_opened": sweep(),
        "escalations": check_slas(),
        "delivered": deliver_all(pause=pause),
    }
