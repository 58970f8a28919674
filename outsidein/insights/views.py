"""The Measure pages: thin views over outsidein.insights.pages and .business.

Every page accepts the same filters (``?from=&to=&touchpoint=&value_tier=...``) and
``?download=<table name>&format=csv|xlsx`` to download one of its tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from outsidein.analytics.metrics import METRICS

from . import business, pages
from .forms import MeasureFilterForm
from .models import MeasureSettings
from .params import period_from, scope_from_params
from .query import ScopeError
from .tables import table_response

PAGES = [
    ("overview", _("Overview")),
    ("themes", _("Themes")),
    ("heatmap", _("Journey heatmap")),
    ("channels", _("Channels")),
    ("priorities", _("Priorities")),
    ("value", _("Value × experience")),
    ("business", _("Business link")),
]


def _page(
    request: HttpRequest, name: str, build: Callable[..., dict[str, Any]], **extra
) -> HttpResponse:
    form = MeasureFilterForm(request.GET or None)
    try:
        scope = scope_from_params(request.GET, request.user)
        context = build(scope, request.user, **extra)
    except ScopeError as exc:
        context = {"tables": [], "error": str(exc)}
    download = request.GET.get("download")
    if download:
        table = next((t for t in context["tables"] if t.name == download), None)
        if table is None:
            raise Http404("no such table on this page")
        return table_response(table, request.GET.get("format", "csv"))
    params = request.GET.copy()
    params.pop("download", None)
    params.pop("format", None)
    context.update(
        form=form,
        page=name,
        pages=PAGES,
        query=params.urlencode(),
        settings=MeasureSettings.current(),
        metric_choices=[(m, pages.METRIC_LABELS[m]) for m in METRICS],
    )
    return render(request, f"insights/{name}.html", context)


def _metric(request: HttpRequest) -> str:
    metric = request.GET.get("metric", "nps")
    return metric if metric in METRICS else "nps"


def _period(request: HttpRequest) -> str:
    try:
        return period_from(request.GET) or "month"
    except ScopeError:
        return "month"


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return _page(request, "overview", pages.overview, period=_period(request))


@login_required
@require_GET
def themes(request: HttpRequest) -> HttpResponse:
    return _page(request, "themes", pages.theme_explorer, period=_period(request))


@login_required
@require_GET
def heatmap(request: HttpRequest) -> HttpResponse:
    return _page(request, "heatmap", pages.heatmap, metric=_metric(request))


@login_required
@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    return _page(request, "channels", pages.channel_consistency, metric=_metric(request))


@login_required
@require_GET
def priorities(request: HttpRequest) -> HttpResponse:
    return _page(request, "priorities", business.priority_matrix)


@login_required
@require_GET
def value(request: HttpRequest) -> HttpResponse:
    return _page(request, "value", business.value_experience)


@login_required
@require_GET
def business_link(request: HttpRequest) -> HttpResponse:
    return _page(request, "business", business.business_link)
