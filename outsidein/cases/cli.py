"""`outsidein worker`: the background jobs (rules, SLAs, notifications, digests)."""

from __future__ import annotations

import json

import click


@click.command()
@click.option("--once", is_flag=True, help="Run every job once in this process and exit.")
@click.option(
    "--pause",
    type=float,
    default=0.0,
    hidden=True,
    help="Seconds to wait after each notification (tests kill a slowed worker).",
)
def worker(once: bool, pause: float) -> None:
    """Run the background workers: new feedback → cases, SLA escalation, notifications.

    Without --once it starts a django-q2 cluster (queue in the database, or Redis with
    OUTSIDEIN_REDIS_URL) with the periodic jobs; stop it with Ctrl+C.
    """
    from outsidein.cli import ensure_database

    from .jobs import ensure_schedules, run_once

    ensure_database()
    if once:
        click.echo(json.dumps(run_once(pause=pause)))
        return
    ensure_schedules()
    from django_q.cluster import Cluster

    cluster = Cluster()
    cluster.start()
