"""The feedback explorer, the detail page and downloads of the filtered list."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from outsidein.accounts.permissions import can_change_data, can_see_original_text
from outsidein.codebook.corrections import CorrectionError, correct_analysis, theme_choices
from outsidein.codebook.touchpoints import accept_suggestion, touchpoint_suggestion
from outsidein.web.forms import FeedbackFilterForm
from outsidein.web.paging import capped_count, keyset_page
from outsidein.web.queries import theme_names

from .export import export_feedback, iter_feedback_csv
from .filters import apply_filter, visible_feedback
from .models import FeedbackItem, Sentiment

PAGE_SIZE = 50
CURSOR_PARAMS = ("after", "before")
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


def _filtered(request: HttpRequest) -> tuple[FeedbackFilterForm, QuerySet[FeedbackItem]]:
    form = FeedbackFilterForm(request.GET or None)
    items = apply_filter(visible_feedback(request.user), form.feedback_filter())
    return form, items


def _filter_query(request: HttpRequest) -> str:
    """The filter part of the query string (no cursor), for export and paging links."""
    params = request.GET.copy()
    for name in (*CURSOR_PARAMS, "format"):
        params.pop(name, None)
    return params.urlencode()


def _wants_fragment(request: HttpRequest) -> bool:
    # htmx swaps only the result list; a history restore needs the whole page.
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@login_required
@require_GET
def explorer(request: HttpRequest) -> HttpResponse:
    form, items = _filtered(request)
    page = keyset_page(
        items.select_related("listening_post", "touchpoint"),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    count, capped = capped_count(items)
    context = {
        "form": form,
        "page": page,
        "count": count,
        "capped": capped,
        "filter_query": _filter_query(request),
        "export_formats": EXPORT_FORMATS,
        "theme_names": theme_names(),
    }
    fragment = _wants_fragment(request)
    context["fragment"] = fragment
    template = "feedback/_results.html" if fragment else "feedback/explorer.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _visible_item(request: HttpRequest, pk: int) -> FeedbackItem:
    return get_object_or_404(
        visible_feedback(request.user).select_related(
            "listening_post__owner_team",
            "touchpoint__owner_team",
            "touchpoint__stage__journey",
            "customer",
        ),
        pk=pk,
    )


def _detail_context(request: HttpRequest, item: FeedbackItem, **extra) -> dict:
    names = theme_names()
    return {
        "item": item,
        "show_original": can_see_original_text(request.user),
        "theme_names": names,
        "can_correct": can_change_data(request.user),
        "sentiment_choices": Sentiment.choices,
        "theme_choices": theme_choices(names),
        "suggestion": touchpoint_suggestion(item),
        **extra,
    }


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_item(request, pk)
    return render(request, "feedback/detail.html", _detail_context(request, item))


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """A person corrects the sentiment and themes; htmx gets the analysis card back."""
    item = _visible_item(request, pk)
    if not can_change_data(request.user):
        raise PermissionDenied
    themes = None
    if request.POST.get("themes_shown"):
        themes = [*request.POST.getlist("theme"), *filter(None, [request.POST.get("add_theme")])]
    error = None
    try:
        correct_analysis(
            item, request.user, sentiment=request.POST.get("sentiment") or None, themes=themes
        )
    except CorrectionError as problem:
        error = str(problem)
    if not _wants_fragment(request):
        if error:
            messages.error(request, error)
        return redirect("feedback:detail", pk=item.pk)
    # 200 even for an error: htmx swaps only successful responses, and the card says what failed.
    context = _detail_context(request, item, saved=error is None, correction_error=error)
    return render(request, "feedback/_analysis.html", context)


@login_required
@require_POST
def accept_touchpoint(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the item to the suggested touchpoint (auditlog records who did it)."""
    item = _visible_item(request, pk)
    if not can_change_data(request.user):
        raise PermissionDenied
    accept_suggestion(item)
    return redirect("feedback:detail", pk=item.pk)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The current filtered list as CSV, Excel or Parquet (the same columns the importer reads)."""
    fmt = request.GET.get("format", "")
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format")
    _, items = _filtered(request)
    items = items.order_by("received_at", "id")
    include_original = can_see_original_text(request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"outsidein-feedback-{stamp}.{fmt}"
    if fmt == "csv":
        # CSV streams row by row: constant memory however long the list is.
        response = StreamingHttpResponse(
            iter_feedback_csv(items, include_original), content_type=EXPORT_FORMATS[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        _exported_file(items, fmt, include_original),
        as_attachment=True,
        filename=filename,
        content_type=EXPORT_FORMATS[fmt],
    )


def _exported_file(items: QuerySet[FeedbackItem], fmt: str, include_original: bool) -> BinaryIO:
    """Excel and Parquet need a seekable file: write a temporary one, hand back an open handle.

    The name is unlinked at once, so the file disappears when the response closes the handle.
    """
    descriptor, name = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(descriptor)
    try:
        export_feedback(items, fmt, Path(name), include_original_text=include_original)
        return open(name, "rb")  # noqa: SIM115 (FileResponse closes it)
    finally:
        os.unlink(name)
