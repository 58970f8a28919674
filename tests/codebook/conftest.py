"""Fixtures for the codebook pages: signed-in clients and feedback built in bulk."""

from __future__ import annotations

from datetime import timedelta

import pytest


@pytest.fixture
def lead_client(client, cx_lead):
    client.force_login(cx_lead)
    return client


@pytest.fixture
def make_items(org):
    """Analyse and insert feedback in one batch: make_items([(text, fields), ...])."""
    from django.utils import timezone

    from outsidein.feedback.analysis import analyze_items
    from outsidein.feedback.models import FeedbackItem

    counter = {"n": 0}

    def make(rows, post="survey"):
        items = []
        for text, fields in rows:
            counter["n"] += 1
            fields = dict(fields)
            items.append(
                FeedbackItem(
                    listening_post=org[post],
                    external_id=f"x{counter['n']}",
                    received_at=fields.pop(
                        "received_at", timezone.now() - timedelta(days=1, minutes=counter["n"])
                    ),
                    text=text,
                    **fields,
                )
            )
        analyze_items(items)
        return FeedbackItem.objects.bulk_create(items)

    return make
