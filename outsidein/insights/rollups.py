"""Incremental daily rollups: recompute whole days, set-based, on SQLite and PostgreSQL.

A day is a calendar day in settings.TIME_ZONE (the day the organisation sees).  Refreshing a day
deletes its rollup rows and inserts them again with one INSERT ... SELECT ... GROUP BY per table
in one transaction, so a refresh is idempotent and a reader never sees half a day.  The inner
SELECT is built by the ORM (joins, time zone, filters); only the outer aggregation and the
JSON explode of themes are hand-written SQL (one small branch per database).

Ingestion calls :func:`refresh_rollups_for` after it commits; reanalysis does too (sentiment
and themes change); `outsidein rollups rebuild` and a customer value refresh call
:func:`rebuild_rollups` (value tiers are a rollup dimension).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem

from .models import (
    COUNT_COLUMNS,
    SCORE_COLUMNS,
    CoreRollup,
    SegmentRollup,
    ThemeRollup,
    ThemeTotalRollup,
    TotalRollup,
    TouchpointRollup,
)

# How each rollup dimension is read from a feedback item (aliases avoid clashing with fields).
DIMENSION_SOURCES: dict[str, models.Expression] = {
    "post_id": F("listening_post_id"),
    "touchpoint_id": F("touchpoint_id"),
    "sentiment": F("sentiment"),
    "language": F("language"),
    "country": Coalesce(F("customer__country"), Value("")),
    "value_tier": Coalesce(F("customer__value__tier"), Value("")),
}


@dataclass(frozen=True)
class RollupTable:
    model: type[models.Model]
    dimensions: tuple[str, ...]  # besides day (and theme)
    themed: bool = False


TOTAL = RollupTable(TotalRollup, ("post_id", "sentiment"))
TOUCHPOINT = RollupTable(TouchpointRollup, ("post_id", "touchpoint_id"))
CORE = RollupTable(CoreRollup, ("post_id", "touchpoint_id", "sentiment"))
SEGMENT = RollupTable(
    SegmentRollup,
    ("post_id", "touchpoint_id", "sentiment", "language", "country", "value_tier"),
)
THEME_TOTAL = RollupTable(ThemeTotalRollup, ("post_id", "sentiment"), True)
THEME = RollupTable(ThemeRollup, ("post_id", "touchpoint_id", "sentiment", "value_tier"), True)
# smallest first: a question is answered from the first table that has every column it needs
# every column any table needs, for the staging table of one refresh
STAGED = RollupTable(SegmentRollup, SEGMENT.dimensions, themed=True)
STAGE = "insights_rollup_stage"
ROLLUP_LOCK = 0x0151DE1  # advisory lock key serialising rollup refreshes on PostgreSQL
TABLES = (TOTAL, TOUCHPOINT, CORE, SEGMENT, THEME_TOTAL, THEME)


def local_day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[midnight of ``first``, midnight after ``last``) in the current time zone."""
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return start, end


def day_runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped into (first, last) runs, so each run is one range scan."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and runs[-1][1] + timedelta(days=1) == day:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def items_on_days(days: Iterable[date] | None) -> models.QuerySet[FeedbackItem]:
    """Feedback received on the given local days (all feedback when ``days`` is None)."""
    items = FeedbackItem.objects.all()
    if days is None:
        return items
    condition = Q(pk__in=[])
    for first, last in day_runs(days):
        start, end = local_day_bounds(first, last)
        condition |= Q(received_at__gte=start, received_at__lt=end)
    return items.filter(condition)


def inner_sql(items: models.QuerySet, table: RollupTable) -> tuple[str, tuple]:
    fields = {f"d_{d}": DIMENSION_SOURCES[d] for d in table.dimensions}
    columns = ["id", "d_day", "d_week", "d_month", *fields, "nps", "csat", "ces"]
    if table.themed:
        columns.append("themes")
    qs = (
        items.annotate(d_day=TruncDate("received_at"))
        .annotate(d_week=TruncWeek("d_day"), d_month=TruncMonth("d_day"), **fields)
        .values(*columns)
        .order_by()
    )
    return qs.query.sql_with_params()


def count_sql(alias: str) -> list[str]:
    sums = ["COUNT(*)"]
    for score, cols in SCORE_COLUMNS.items():
        for col in cols:
            value = int(col.rsplit("_", 1)[1])
            sums.append(f"SUM(CASE WHEN {alias}.{score} = {value} THEN 1 ELSE 0 END)")
    return sums


def theme_source(inner: str, dims: list[str]) -> str:
    """One row per (item, theme code): themes are codes or {"code": ...} objects."""
    keep = ", ".join(
        [
            "s.id",
            "s.d_day",
            "s.d_week",
            "s.d_month",
            *[f"s.{d}" for d in dims],
            "s.nps",
            "s.csat",
            "s.ces",
        ]
    )
    if connection.vendor == "postgresql":
        code = "CASE WHEN jsonb_typeof(e) = 'object' THEN e ->> 'code' ELSE e #>> '{}' END"
        explode = (
            "CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.themes) = 'array' "
            "THEN s.themes ELSE '[]'::jsonb END) AS e"
        )
    else:
        code = "CASE WHEN e.type = 'object' THEN json_extract(e.value, '$.code') ELSE e.value END"
        explode = (
            ", json_each(CASE WHEN json_type(s.themes) = 'array' THEN s.themes ELSE '[]' END) AS e"
        )
    return (
        f"(SELECT DISTINCT {keep}, {code} AS theme FROM ({inner}) s {explode}) x "
        "WHERE x.theme IS NOT NULL AND x.theme <> ''"
    )


def _insert_sql(table: RollupTable, inner: str) -> str:
    dims = [f"d_{d}" for d in table.dimensions]
    theme = ["x.theme"] if table.themed else []
    group = ["x.d_day", "x.d_week", "x.d_month", *theme, *[f"x.{d}" for d in dims]]
    target = ["day", "week", "month", *(["theme"] if table.themed else []), *table.dimensions]
    target += COUNT_COLUMNS
    source = theme_source(inner, dims) if table.themed else f"({inner}) x"
    sql = (
        f"INSERT INTO {table.model._meta.db_table} ({', '.join(target)}) "
        f"SELECT {', '.join(group)}, {', '.join(count_sql('x'))} FROM {source} "
        f"GROUP BY {', '.join(group)}"
    )
    return sql


def _refresh(days: Iterable[date] | None) -> dict[str, int]:
    items = items_on_days(days)
    inserted = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two refreshes of the same day must not interleave: under READ COMMITTED the second
            # DELETE would not see the first one's fresh rows and the day would count twice.
            # (SQLite allows one writer at a time anyway.)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
        # Read the feedback (with its joins and time-zone arithmetic) once into a narrow
        # temporary table, then aggregate every rollup table from it.
        inner, params = inner_sql(items, STAGED)
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} AS {inner}", params)
        for table in TABLES:
            rows = table.model.objects.all()
            if days is not None:
                rows = rows.filter(day__in=list(days))
            rows._raw_delete(rows.db)  # no signals or cascades to honour on a derived cache
            cursor.execute(_insert_sql(table, f"SELECT * FROM {STAGE}"))
            inserted[table.model.__name__] = cursor.rowcount
        cursor.execute(f"DROP TABLE {STAGE}")
    return inserted


def refresh_days(days: Iterable[date]) -> dict[str, int]:
    """Recompute the rollups of these local days from the feedback (idempotent)."""
    days = sorted(set(days))
    if not days:
        return {t.model.__name__: 0 for t in TABLES}
    return _refresh(days)


def days_of(feedback_ids: Iterable[int]) -> set[date]:
    ids = list(feedback_ids)
    days: set[date] = set()
    for start in range(0, len(ids), 5000):  # stay under SQLite's parameter limit
        chunk = ids[start : start + 5000]
        days.update(
            FeedbackItem.objects.filter(pk__in=chunk)
            .annotate(d_day=TruncDate("received_at"))
            .values_list("d_day", flat=True)
            .order_by()  # the model's default ordering would defeat DISTINCT
            .distinct()
        )
    return {d if isinstance(d, date) else date.fromisoformat(str(d)) for d in days}


def refresh_rollups_for(feedback_ids: Iterable[int]) -> dict[str, int]:
    """Call after new or reanalysed feedback is committed: refreshes the days those items are on.

    An item that moved to another day (edited ``received_at``) or was deleted also needs its
    old day refreshed: pass that day to :func:`refresh_days`.
    """
    return refresh_days(days_of(feedback_ids))


def rebuild_rollups() -> dict[str, int]:
    """Drop every rollup row and recompute all days in one pass (one statement per table)."""
    return _refresh(None)
