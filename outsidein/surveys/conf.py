"""Survey settings from the environment (OUTSIDEIN_SURVEY_*), with defaults that suit most.

Read here rather than in outsidein/settings.py so the surveys app stays self-contained.
"""

from __future__ import annotations

import os
from datetime import timedelta


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def quarantine_days() -> int:
    """Never invite the same customer more than once per this many days, across all surveys."""
    return _int("OUTSIDEIN_SURVEY_QUARANTINE_DAYS", 30)


def edit_window() -> timedelta:
    """How long a customer may change a personal response after sending it."""
    return timedelta(minutes=_int("OUTSIDEIN_SURVEY_EDIT_MINUTES", 30))


def public_rate_limit() -> tuple[int, int]:
    """(answers, seconds): at most this many anonymous answers per client and survey."""
    return _int("OUTSIDEIN_SURVEY_RATE_LIMIT", 10), _int("OUTSIDEIN_SURVEY_RATE_WINDOW", 3600)


def from_email() -> str:
    from django.conf import settings

    return os.environ.get("OUTSIDEIN_SURVEY_FROM", settings.DEFAULT_FROM_EMAIL)


def base_url(request=None) -> str:
    """Where customers reach this server (no trailing slash): OUTSIDEIN_BASE_URL, else the
    address of the current request, else localhost. E-mails sent from cron need the setting."""
    configured = os.environ.get("OUTSIDEIN_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return "http://localhost:8000"
