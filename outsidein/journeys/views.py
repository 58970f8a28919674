"""The journeys page: stages as columns, touchpoints as cards with their feedback figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from outsidein.web.queries import (
    DEFAULT_PERIOD,
    PERIODS,
    journeys_with_touchpoints,
    period_start,
    touchpoint_stats,
)

PERIOD_LABELS = {
    "30d": _("Last 30 days"),
    "90d": _("Last 90 days"),
    "12m": _("Last 12 months"),
    "all": _("All time"),
}


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    since = period_start(period)
    stats = touchpoint_stats(request.user, since)
    journeys = list(journeys_with_touchpoints())
    for journey in journeys:
        for stage in journey.stages.all():
            for touchpoint in stage.touchpoints.all():
                touchpoint.stats = stats.get(touchpoint.pk)
    context = {
        "journeys": journeys,
        "period": period,
        "periods": PERIOD_LABELS,
        "since": since,
    }
    return render(request, "journeys/overview.html", context)
