"""django-q2 settings from the environment; importable before Django is set up.

settings.py::

    from outsidein.cases.jobs_config import q_cluster_settings
    Q_CLUSTER = q_cluster_settings(os.environ)

Default: the Django database is the queue (no extra server; SQLite or PostgreSQL).
``OUTSIDEIN_REDIS_URL=redis://host:6379/0`` switches to Redis so that several machines
can run ``outsidein worker`` (install the ``redis`` package there).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def q_cluster_settings(env: Mapping[str, str]) -> dict[str, Any]:
    config: dict[str, Any] = {
        "name": "outsidein",
        "label": "Background jobs",
        "workers": int(env.get("OUTSIDEIN_WORKERS", "2") or 2),
        "timeout": 300,  # seconds one job may run
        "retry": 360,  # a job not acknowledged in this time runs again (> timeout)
        "max_attempts": 5,
        "catch_up": False,  # after downtime, run a periodic job once, not once per miss
        "save_limit": 500,
        "ack_failures": True,
        "poll": 2,  # seconds between polls of the database queue
    }
    redis = env.get("OUTSIDEIN_REDIS_URL", "").strip()
    if redis:
        config["redis"] = redis
    else:
        config["orm"] = "default"
    return config
