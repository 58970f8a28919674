"""GET /api/v1/metrics: the figures of the Measure pages, with n, interval and tested change."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from outsidein.feedback.schemas import ErrorOut, PayloadError, error

from .measures import metric_breakdown
from .models import MeasureSettings
from .params import period_from, scope_from_params
from .query import ScopeError

router = Router(tags=["metrics"])


class MetricQuery(Schema):
    """Documented parameters; every filter of the pages is accepted as well."""

    metric: str = Field("nps", description="nps, csat, csat_mean, ces or ces_mean")
    by: str | None = Field(
        None,
        description="touchpoint, listening_post, channel, journey, stage, team, language, "
        "country, value_tier, theme or sentiment",
    )
    period: str | None = Field("month", description="week, month or quarter (trend and change)")
    from_: str | None = Field(None, alias="from", description="first day, YYYY-MM-DD")
    to: str | None = Field(None, description="last day, YYYY-MM-DD")


class FigureOut(Schema):
    key: str
    label: str
    value: float | None
    n: int
    ci_low: float | None
    ci_high: float | None
    below_min_n: bool
    unit: str
    items: int
    trend: list[dict[str, Any]]
    change: dict[str, Any] | None


class MetricsOut(Schema):
    metric: str
    by: str | None
    period: str | None
    current_period: str | None
    previous_period: str | None
    min_n: int
    confidence: float
    total: FigureOut
    groups: list[FigureOut]


@router.get("", response={200: MetricsOut, 401: ErrorOut, 422: ErrorOut})
def metrics(request: HttpRequest, params: Query[MetricQuery]):
    """A metric overall and by group, from the rollups: value, n, 95 % interval, whether n is
    under the CX lead's minimum, the trend per period, and the change of the latest period
    against the one before (marked up/down only when significant, Holm-adjusted over groups).
    Filters: listening_post, channel, journey, stage, touchpoint, team, language, country,
    value_tier, sentiment, theme."""
    try:
        scope = scope_from_params(request.GET, request.user)
        period = period_from(request.GET)
        result = metric_breakdown(
            params.metric,
            scope,
            by=params.by or None,
            period=period,
            min_n=MeasureSettings.current().min_n,
        )
    except ScopeError as exc:
        raise PayloadError([error(["query"], str(exc), "value_error")]) from exc
    return {
        "metric": result.metric,
        "by": result.by,
        "period": result.period,
        "current_period": result.current_period.isoformat() if result.current_period else None,
        "previous_period": result.previous_period.isoformat() if result.previous_period else None,
        "min_n": result.min_n,
        "confidence": 0.95,
        "total": result.total.as_dict(),
        "groups": [g.as_dict() for g in result.groups],
    }
