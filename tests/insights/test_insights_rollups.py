"""Rollups equal the raw computation exactly, for every metric, breakdown, filter and period.

The raw side here is written independently of outsidein.insights.query: plain Python over the
feedback items (their touchpoint, listening post, customer), counting answers with
outsidein.analytics.metrics.metric_from_scores.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outsidein.analytics import metrics as am

from .conftest import make_items

BYS = [
    None,
    "touchpoint",
    "listening_post",
    "channel",
    "journey",
    "stage",
    "team",
    "language",
    "country",
    "value_tier",
    "sentiment",
    "theme",
]
THEMES = ["billing", "price", "staff"]
START = date(2026, 3, 27)  # spans a month and a quarter boundary

item_spec = st.fixed_dictionaries(
    {
        "post": st.sampled_from(["survey", "tickets", "chat"]),
        "touchpoint": st.sampled_from([None, "invoice", "install", "order"]),
        "day": st.integers(0, 12).map(lambda d: START + timedelta(days=d)),
        "hour": st.sampled_from([0, 1, 12, 22, 23]),  # around local midnight (UTC+1/+2)
        "customer": st.sampled_from([None, "A", "B", "C"]),
        "nps": st.one_of(st.none(), st.integers(0, 10)),
        "csat": st.one_of(st.none(), st.integers(1, 5)),
        "ces": st.one_of(st.none(), st.integers(1, 7)),
        "sentiment": st.sampled_from(["", "negative", "neutral", "positive"]),
        "language": st.sampled_from(["", "nb", "sv"]),
        "themes": st.lists(
            st.one_of(st.sampled_from(THEMES), st.sampled_from(THEMES).map(lambda c: {"code": c})),
            max_size=3,
        ),
    }
)


def raw_key(item, by):
    tp, post = item.touchpoint, item.listening_post
    if by is None:
        return ()
    if by == "touchpoint":
        return (tp.slug if tp else "",)
    if by == "listening_post":
        return (post.slug,)
    if by == "channel":
        return (post.channel,)
    if by == "journey":
        return (tp.stage.journey.slug if tp else "",)
    if by == "stage":
        return (f"{tp.stage.journey.slug}/{tp.stage.slug}" if tp else "",)
    if by == "team":
        team = (tp.owner_team if tp else None) or post.owner_team
        return (team.slug if team else "",)
    if by == "country":
        return (item.customer.country if item.customer else "",)
    if by == "value_tier":
        return (item.customer.value.tier if item.customer else "",)
    return (getattr(item, by) or "",)


def codes(item):
    return sorted({t["code"] if isinstance(t, dict) else t for t in item.themes})


def raw_figures(metric, by, scope_filter, period):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.insights.query import period_start

    groups = defaultdict(list)
    periods = defaultdict(list)
    for item in FeedbackItem.objects.select_related(
        "touchpoint__stage__journey", "listening_post", "customer__value"
    ):
        if not scope_filter(item):
            continue
        day = timezone.localtime(item.received_at).date()
        keys = [(c,) for c in codes(item)] if by == "theme" else [raw_key(item, by)]
        score = getattr(item, metric.removesuffix("_mean"))
        for key in keys:
            groups[key].append(score)
            periods[(key, period_start(day, period))].append(score)
    figs = {k: am.metric_from_scores(metric, v, min_n=5) for k, v in groups.items()}
    trend = {k: am.metric_from_scores(metric, v, min_n=5) for k, v in periods.items()}
    return figs, trend


FILTERS = {
    "none": ({}, lambda i: True),
    "team": (
        {"team": "billing"},
        lambda i: (
            (i.touchpoint and i.touchpoint.owner_team and i.touchpoint.owner_team.slug == "billing")
            or (i.listening_post.owner_team and i.listening_post.owner_team.slug == "billing")
        ),
    ),
    "tier": (
        {"value_tier": "gold"},
        lambda i: bool(i.customer and i.customer.value.tier == "gold"),
    ),
    "range": (
        {"received_from": START + timedelta(days=2), "received_to": START + timedelta(days=8)},
        lambda i: (
            START + timedelta(days=2)
            <= timezone.localtime(i.received_at).date()
            <= START + timedelta(days=8)
        ),
    ),
    "channel": (
        {"channel": "support_ticket"},
        lambda i: i.listening_post.channel == "support_ticket",
    ),
}


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=st.lists(item_spec, max_size=40),
    split=st.integers(0, 40),
    metric=st.sampled_from(list(am.METRICS)),
    by=st.sampled_from(BYS),
    period=st.sampled_from(["week", "month", "quarter"]),
    filter_name=st.sampled_from(list(FILTERS)),
)
def test_rollups_equal_raw(world, specs, split, metric, by, period, filter_name):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.insights import query as q
    from outsidein.insights.measures import metric_breakdown
    from outsidein.insights.rollups import rebuild_rollups, refresh_rollups_for

    FeedbackItem.objects.all().delete()
    for i, s in enumerate(specs):
        s["external_id"] = f"h-{i}"
    first = make_items(world, specs[:split])
    rebuild_rollups()
    later = make_items(world, specs[split:])  # arrives after the rebuild: incremental path
    refresh_rollups_for([i.pk for i in later])
    assert first is not None

    kwargs, keep = FILTERS[filter_name]
    scope = q.Scope(**kwargs)
    figs, trend = raw_figures(metric, by, keep, period)
    for source in (q.rollup_counts, q.raw_counts):
        result = metric_breakdown(metric, scope, by=by, period=period, min_n=5, source=source)
        got = {g.key: g.value for g in result.groups}
        assert got == figs  # exact equality of every field: value, n, interval, counts, flag
        got_trend = {(g.key, p): m for g in result.groups for p, m in g.trend}
        assert got_trend == trend
