"""Counts per group from the rollups (what pages and the API use) or from raw feedback rows.

Both paths return the same structure, ``{(group key, period start): count vector}`` with the
vector laid out as ``models.COUNT_COLUMNS``; every figure is then computed from those counts by
outsidein.analytics, so a rollup figure and a raw figure can be compared exactly.  Derived
dimensions (channel, journey, stage, owner team) are mapped from listening post and touchpoint
ids in Python, identically for both paths.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Literal

import numpy as np
from django.db import connection, models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter, TruncWeek
from django.utils.translation import gettext_lazy as _

from outsidein.journeys.models import Touchpoint
from outsidein.listening.models import Channel, ListeningPost

from . import rollups as r
from .models import COUNT_COLUMNS, SCORE_COLUMNS

Period = Literal["week", "month", "quarter"]
PERIODS = {"week": TruncWeek, "month": TruncMonth, "quarter": TruncQuarter}
DIMENSIONS = {
    "touchpoint": _("Touchpoint"),
    "listening_post": _("Listening post"),
    "channel": _("Channel"),
    "journey": _("Journey"),
    "stage": _("Stage"),
    "team": _("Owner team"),
    "language": _("Language"),
    "country": _("Country"),
    "value_tier": _("Value tier"),
    "theme": _("Theme"),
    "sentiment": _("Sentiment"),
}
# Rollup columns each breakdown or filter needs.
NEEDS = {
    "touchpoint": ("touchpoint_id",),
    "journey": ("touchpoint_id",),
    "stage": ("touchpoint_id",),
    "listening_post": ("post_id",),
    "channel": ("post_id",),
    "team": ("touchpoint_id", "post_id"),
    "language": ("language",),
    "country": ("country",),
    "value_tier": ("value_tier",),
    "sentiment": ("sentiment",),
    "theme": (),
}
NONE = ""  # the key of "not set" (no touchpoint, no language, ...)
SLICE = {
    "nps": slice(1, 12),
    "csat": slice(12, 17),
    "ces": slice(17, 24),
}


class ScopeError(ValueError):
    """A filter or breakdown that cannot be answered; the message says why."""


@dataclass
class Scope:
    """What the figures cover: a period and filters (empty = no restriction)."""

    received_from: date | None = None
    received_to: date | None = None
    listening_post: str = ""
    channel: str = ""
    journey: str = ""
    stage: str = ""
    touchpoint: str = ""
    team: str = ""
    language: str = ""
    country: str = ""
    value_tier: str = ""
    sentiment: str = ""
    theme: str = ""
    visible_team_ids: set[int] | None = field(default=None, repr=False)

    @classmethod
    def filter_names(cls) -> list[str]:
        return [f.name for f in fields(cls) if f.name != "visible_team_ids"]

    def used(self) -> list[str]:
        return [n for n in self.filter_names()[2:] if getattr(self, n)]


@dataclass
class Catalog:
    """Listening posts and touchpoints with what they map to (small tables, read once)."""

    posts: dict[int, ListeningPost]
    touchpoints: dict[int, Touchpoint]

    @classmethod
    def load(cls) -> Catalog:
        posts = {p.pk: p for p in ListeningPost.objects.select_related("owner_team")}
        tps = Touchpoint.objects.select_related("stage__journey", "owner_team")
        return cls(posts, {t.pk: t for t in tps})

    def post_ids(self, *, slug: str = "", channel: str = "", teams=None) -> set[int]:
        return {
            pk
            for pk, p in self.posts.items()
            if (not slug or p.slug == slug)
            and (not channel or p.channel == channel)
            and (teams is None or p.owner_team_id in teams)
        }

    def touchpoint_ids(self, *, slug="", stage="", journey="", teams=None) -> set[int]:
        out = set()
        for pk, t in self.touchpoints.items():
            if slug and t.slug != slug:
                continue
            if journey and t.stage.journey.slug != journey:
                continue
            if stage and t.stage.slug != stage:
                continue
            if teams is not None and t.owner_team_id not in teams:
                continue
            out.add(pk)
        return out

    def team_ids(self, slug: str) -> set[int]:
        ids = {
            t.owner_team_id
            for t in self.touchpoints.values()
            if t.owner_team and t.owner_team.slug == slug
        }
        ids |= {
            p.owner_team_id
            for p in self.posts.values()
            if p.owner_team and p.owner_team.slug == slug
        }
        return ids or {-1}

    def key(self, by: str, row: dict) -> str:
        """The group key of a row for breakdown ``by`` (slugs and codes, "" for not set)."""
        if by in ("language", "country", "value_tier", "sentiment", "theme"):
            return row[by] or NONE
        post = self.posts.get(row.get("post_id"))
        if by == "listening_post":
            return post.slug if post else NONE
        if by == "channel":
            return post.channel if post else NONE
        tp = self.touchpoints.get(row.get("touchpoint_id"))
        if by == "touchpoint":
            return tp.slug if tp else NONE
        if by == "stage":
            return f"{tp.stage.journey.slug}/{tp.stage.slug}" if tp else NONE
        if by == "journey":
            return tp.stage.journey.slug if tp else NONE
        if by == "team":  # the touchpoint's owner, else the listening post's owner
            team = (tp.owner_team if tp else None) or (post.owner_team if post else None)
            return team.slug if team else NONE
        raise ScopeError(f"unknown breakdown {by!r}")

    def label(self, by: str, key: str) -> str:
        if key == NONE:
            return str(_("(not set)"))
        if by == "touchpoint":
            return next((t.name for t in self.touchpoints.values() if t.slug == key), key)
        if by == "listening_post":
            return next((p.name for p in self.posts.values() if p.slug == key), key)
        if by == "channel":
            return str(Channel(key).label) if key in Channel.values else key
        if by == "stage":
            j, s = key.split("/", 1)
            for t in self.touchpoints.values():
                if t.stage.slug == s and t.stage.journey.slug == j:
                    return f"{t.stage.journey.name} › {t.stage.name}"
        if by == "journey":
            return next(
                (
                    t.stage.journey.name
                    for t in self.touchpoints.values()
                    if t.stage.journey.slug == key
                ),
                key,
            )
        if by == "team":
            for obj in [*self.touchpoints.values(), *self.posts.values()]:
                if obj.owner_team and obj.owner_team.slug == key:
                    return obj.owner_team.name
        return key


def needs_theme_table(by: tuple[str, ...], scope: Scope) -> bool:
    return "theme" in by or bool(scope.theme)


def pick_table(by: tuple[str, ...], scope: Scope) -> r.RollupTable:
    """The smallest rollup that holds every column the breakdown and the filters need."""
    needed = {c for d in (*by, *scope.used()) for c in NEEDS.get(d, ())}
    if scope.team or scope.visible_team_ids is not None:
        needed |= {"post_id", "touchpoint_id"}  # a team owns touchpoints and listening posts
    themed = needs_theme_table(by, scope)
    for table in r.TABLES:
        if table.themed == themed and needed <= set(table.dimensions):
            return table
    raise ScopeError(
        "themes can be combined with listening post, channel, journey, stage, "
        "touchpoint, team, sentiment and value tier, not with language or country"
    )


def _condition(scope: Scope, cat: Catalog, col) -> Q:
    """Filters as a Q on column names given by ``col`` (rollup column or raw alias)."""
    q = Q()
    if scope.listening_post or scope.channel:
        q &= Q(
            **{
                f"{col('post_id')}__in": cat.post_ids(
                    slug=scope.listening_post, channel=scope.channel
                )
            }
        )
    if scope.touchpoint or scope.stage or scope.journey:
        ids = cat.touchpoint_ids(slug=scope.touchpoint, stage=scope.stage, journey=scope.journey)
        q &= Q(**{f"{col('touchpoint_id')}__in": ids})
    for teams in (cat.team_ids(scope.team) if scope.team else None, scope.visible_team_ids):
        if teams is not None:  # same rule as visible_feedback: touchpoint's or post's team
            q &= Q(**{f"{col('touchpoint_id')}__in": cat.touchpoint_ids(teams=teams)}) | Q(
                **{f"{col('post_id')}__in": cat.post_ids(teams=teams)}
            )
    for name in ("language", "country", "value_tier", "sentiment", "theme"):
        if getattr(scope, name):
            q &= Q(**{col(name): getattr(scope, name)})
    return q


def _base_columns(by: tuple[str, ...]) -> list[str]:
    cols = {c for d in by for c in NEEDS[d]} | ({"theme"} if "theme" in by else set())
    return sorted(cols)


def _collect(rows, by, period, cat) -> dict[tuple, np.ndarray]:
    out: dict[tuple, np.ndarray] = defaultdict(lambda: np.zeros(len(COUNT_COLUMNS), np.int64))
    for row in rows:
        key = tuple(cat.key(d, row) for d in by)
        p = row.get("period")
        if isinstance(p, datetime):
            p = p.date()
        elif p is not None and not isinstance(p, date):
            p = date.fromisoformat(str(p)[:10])
        out[(key, p)] += np.array([row[c] or 0 for c in COUNT_COLUMNS], dtype=np.int64)
    return dict(out)


def rollup_counts(
    by: tuple[str, ...], scope: Scope, period: Period | None = None, cat: Catalog | None = None
) -> dict[tuple, np.ndarray]:
    """Counts per (group key, period start) from the smallest fitting rollup table."""
    cat = cat or Catalog.load()
    table = pick_table(by, scope)
    rows = table.model.objects.filter(_condition(scope, cat, lambda c: c))
    if scope.received_from:
        rows = rows.filter(day__gte=scope.received_from)
    if scope.received_to:
        rows = rows.filter(day__lte=scope.received_to)
    group = _base_columns(by)
    if period:  # precomputed columns; a quarter is the sum of its three months
        group.append("week" if period == "week" else "month")
    rows = rows.values(*group).annotate(**{c: Sum(c) for c in COUNT_COLUMNS}).order_by()
    return _collect(_with_period(rows, period), by, period, cat)


def _with_period(rows, period: Period | None):
    for row in rows:
        if period:
            start = row["week"] if period == "week" else row["month"]
            if not isinstance(start, date):
                start = date.fromisoformat(str(start)[:10])
            row["period"] = period_start(start, period) if period == "quarter" else start
        yield row


def _raw_count_annotations() -> dict[str, models.Aggregate]:
    aggs = {"items": Count("id")}
    for score, cols in SCORE_COLUMNS.items():
        for c in cols:
            aggs[c] = Count("id", filter=Q(**{score: int(c.rsplit("_", 1)[1])}))
    return aggs


def raw_counts(
    by: tuple[str, ...], scope: Scope, period: Period | None = None, cat: Catalog | None = None
) -> dict[tuple, np.ndarray]:
    """The same counts straight from the feedback rows (for the benchmark and for checks)."""
    cat = cat or Catalog.load()
    pick_table(by, scope)  # same questions are answerable either way
    items = r.FeedbackItem.objects.all()
    if scope.received_from or scope.received_to:
        start, end = r.local_day_bounds(
            scope.received_from or date(1, 1, 2), scope.received_to or date(9999, 12, 30)
        )
        items = items.filter(received_at__gte=start, received_at__lt=end)
    if needs_theme_table(by, scope):
        return _raw_theme_counts(items, by, scope, period, cat)
    used = set(_base_columns(by)) | {c for d in scope.used() for c in NEEDS.get(d, ())}
    # only the joins this question needs, as a hand-written raw query would
    sources = {f"d_{d}": r.DIMENSION_SOURCES[d] for d in r.SEGMENT.dimensions if d in used}
    items = items.annotate(d_day=TruncDate("received_at"), **sources)
    items = items.filter(_condition(scope, cat, lambda c: f"d_{c}"))
    group = [f"d_{c}" for c in _base_columns(by)]
    if period:
        items = items.annotate(period=PERIODS[period]("d_day"))
        group.append("period")
    rows = items.values(*group).annotate(**_raw_count_annotations()).order_by()
    return _collect(
        ({k.removeprefix("d_"): v for k, v in row.items()} for row in rows), by, period, cat
    )


def _raw_theme_counts(items, by, scope, period, cat) -> dict[tuple, np.ndarray]:
    items = items.filter(
        _condition(
            Scope(
                visible_team_ids=scope.visible_team_ids,
                **{
                    n: getattr(scope, n)
                    for n in (
                        "listening_post",
                        "channel",
                        "journey",
                        "stage",
                        "touchpoint",
                        "team",
                        "sentiment",
                    )
                },
            ),
            cat,
            lambda c: {"post_id": "listening_post_id"}.get(c, c),
        )
    )
    if scope.value_tier:
        items = items.filter(customer__value__tier=scope.value_tier)
    inner, params = r.inner_sql(items, r.THEME)
    dims = [f"d_{d}" for d in r.THEME.dimensions]
    sql = f"SELECT x.theme, x.d_day, {', '.join(f'x.{d}' for d in dims)}, {', '.join(r.count_sql('x'))} FROM {r.theme_source(inner, dims)}"
    if scope.theme:
        sql += " AND x.theme = %s"
        params = (*params, scope.theme)
    sql += f" GROUP BY x.theme, x.d_day, {', '.join(f'x.{d}' for d in dims)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = ["theme", "day", *r.THEME.dimensions, *COUNT_COLUMNS]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for row in rows:
        row["day"] = (
            row["day"] if isinstance(row["day"], date) else date.fromisoformat(str(row["day"])[:10])
        )
        if period:
            row["period"] = period_start(row["day"], period)
    return _collect(rows, by, period, cat)


def period_start(day: date, period: Period) -> date:
    if period == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def previous_period(start: date, period: Period) -> date:
    if period == "week":
        return date.fromordinal(start.toordinal() - 7)
    if period == "month":
        return (start.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = start.month - 3
    return date(start.year - (month < 1), (month - 1) % 12 + 1, 1)


def counts_for(vector: np.ndarray, metric: str) -> list[int]:
    """The per-score counts of ``metric`` (nps, csat, csat_mean, ces, ces_mean) in a vector."""
    return [int(x) for x in vector[SLICE[metric.removesuffix("_mean")]]]
