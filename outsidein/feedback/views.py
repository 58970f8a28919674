"""The feedback explorer, the detail page and downloads of the filtered list."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from outsidein.accounts.permissions import can_see_original_text
from outsidein.web.forms import FeedbackFilterForm
from outsidein.web.paging import capped_count, keyset_page
from outsidein.web.queries import theme_names

from .export import export_feedback, iter_feedback_csv
from .filters import apply_filter, visible_feedback
from .models import FeedbackItem

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


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        visible_feedback(request.user).select_related(
            "listening_post__owner_team",
            "touchpoint__owner_team",
            "touchpoint__stage__journey",
            "customer",
        ),
        pk=pk,
    )
    context = {
        "item": item,
        "show_original": can_see_original_text(request.user),
        "theme_names": theme_names(),
    }
    return render(request, "feedback/detail.html", context)


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
