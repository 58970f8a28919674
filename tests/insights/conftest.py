"""Fixtures for the Measure pages: the shared org plus a second stage, a web listening post,
customers with value tiers, and a helper to add feedback quickly."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(day: date, hour: int = 12):
    from django.utils import timezone

    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def world(org):
    """org + a 'chat' post without owner, a first stage with 'order' (no owner team) and three
    customers in tiers platinum/gold/bronze in NO, SE and (no country)."""
    from outsidein.customers.models import Customer, Transaction
    from outsidein.insights.models import CustomerValue
    from outsidein.journeys.models import Stage, Touchpoint
    from outsidein.listening.models import Channel, ListeningPost

    chat = ListeningPost.objects.create(slug="chat", name="Chat", channel=Channel.CHAT)
    start = Stage.objects.create(journey=org["journey"], slug="before", name="Before", position=0)
    order = Touchpoint.objects.create(stage=start, slug="order", name="Order", moment_of_truth=True)
    customers = {}
    for ext, country, tier in (("A", "NO", "platinum"), ("B", "SE", "gold"), ("C", "", "bronze")):
        c = Customer.objects.create(external_id=ext, name=f"Customer {ext}", country=country)
        Transaction.objects.create(customer=c, occurred_on=date(2026, 1, 1), amount=Decimal(100))
        CustomerValue.objects.create(
            customer=c,
            recency_days=1,
            frequency=1,
            monetary=Decimal(100),
            r=3,
            f=3,
            m=3,
            rfm_score=9,
            rfm_code="333",
            tier=tier,
            computed_at=at(date(2026, 1, 2)),
        )
        customers[ext] = c
    return {**org, "chat": chat, "start": start, "order": order, "customers": customers}


def make_items(world, specs):
    """specs: dicts with post, touchpoint (key or None), day, hour, customer, nps, csat, ces,
    sentiment, language, themes; returns the created items."""
    from outsidein.feedback.models import FeedbackItem

    objs = []
    for i, s in enumerate(specs):
        tp = s.get("touchpoint")
        objs.append(
            FeedbackItem(
                listening_post=world[s.get("post", "survey")],
                external_id=s.get("external_id", f"x-{i}-{s.get('day')}-{s.get('hour', 12)}"),
                touchpoint=world[tp] if tp else None,
                customer=world["customers"].get(s.get("customer") or ""),
                received_at=at(s.get("day", date(2026, 3, 2)), s.get("hour", 12)),
                nps=s.get("nps"),
                csat=s.get("csat"),
                ces=s.get("ces"),
                sentiment=s.get("sentiment", ""),
                language=s.get("language", ""),
                themes=s.get("themes", []),
                text=s.get("text", ""),
                redacted_text=s.get("text", ""),
            )
        )
    return FeedbackItem.objects.bulk_create(objs)


def days_back(n: int) -> date:
    return date.today() - timedelta(days=n)
