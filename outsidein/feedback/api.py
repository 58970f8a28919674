"""Feedback endpoints: submit one item or a batch, list with filters, read one."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import Field

from outsidein.accounts.models import User
from outsidein.accounts.permissions import (
    can_change_data,
    can_see_original_text,
    visible_team_ids,
)
from outsidein.journeys.models import Touchpoint
from outsidein.listening.models import ListeningPost

from .filters import FeedbackFilter, apply_filter, visible_feedback
from .ingest import FeedbackContext, FieldError, ingest_feedback, validate_feedback_row
from .models import FeedbackItem
from .pagination import keyset_page
from .schemas import (
    MAX_ID,
    BatchSubmitted,
    ErrorOut,
    FeedbackBatchIn,
    FeedbackIn,
    FeedbackOut,
    FeedbackPage,
    FeedbackQuery,
    FeedbackSubmitted,
    PayloadError,
    error,
    load_json,
    parse_item,
    split_submission,
)

router = Router(tags=["feedback"])

SUBMIT_DESCRIPTION = """
Send **one item** (the shared row format, as in import files) or a **batch**
`{"items": [...]}` of up to 5,000 items (the server's `OUTSIDEIN_API_BATCH_MAX_ITEMS`).

* **Idempotent** on (`listening_post`, `external_id`): sending an item again stores
  nothing and answers `"status": "duplicate"` with the id of the stored item, so a
  client may safely retry after a timeout.
* **Atomic batches**: if any item is invalid, *nothing* is stored and the answer is
  422 with every error of every item, located like `["items", 3, "nps"]` (for one item:
  `["nps"]`). Fix the items and send the whole batch again.
* One item answers 201 when created and 200 when it was a duplicate; a batch answers
  201 when anything was created and 200 when every item was a duplicate.
* Team members may send only feedback their teams will see: the listening post or the
  touchpoint must belong to one of their teams. Otherwise the answer is 403, with the
  offending items listed, and nothing is stored. Viewers may not send feedback (403).
* A batch over the limit answers 413; a body that is not JSON answers 422 (415 for
  another declared content type).
"""

SUBMIT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/FeedbackIn"},
                        {"$ref": "#/components/schemas/FeedbackBatchIn"},
                    ]
                },
                "examples": {
                    "one item": {
                        "value": {
                            "listening_post": "nps-survey",
                            "external_id": "resp-1001",
                            "customer": "C-42",
                            "touchpoint": "first-invoice",
                            "received_at": "2026-03-01T09:30:00+01:00",
                            "language": "nb",
                            "text": "Fakturaen var uforståelig.",
                            "nps": 3,
                        }
                    },
                    "batch": {
                        "value": {
                            "items": [
                                {"listening_post": "tickets", "external_id": "T-1", "text": "…"},
                                {"listening_post": "tickets", "external_id": "T-2", "text": "…"},
                            ]
                        }
                    },
                },
            }
        },
    }
}

ERRORS = {401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}
Submitted = FeedbackSubmitted | BatchSubmitted
FeedbackId = Annotated[int, Field(ge=1, le=MAX_ID)]


@router.post(
    "",
    response={200: Submitted, 201: Submitted, **ERRORS},
    summary="Submit feedback (one item or a batch)",
    description=SUBMIT_DESCRIPTION,
    openapi_extra=SUBMIT_BODY,
)
def submit_feedback(request: HttpRequest):
    if not can_change_data(request.user):
        raise HttpError(403, "Your role may not submit feedback.")
    raw_items, is_batch = split_submission(load_json(read_json_body(request)))
    outcomes = submit_items(request.user, raw_items, is_batch)
    created = sum(1 for outcome in outcomes if outcome["status"] == "created")
    status = 201 if created else 200
    if not is_batch:
        return Status(status, outcomes[0])
    duplicates = len(outcomes) - created
    batch = {"received": len(outcomes), "created": created, "duplicates": duplicates}
    return Status(status, {**batch, "items": outcomes})


@router.get("", response={200: FeedbackPage, 401: ErrorOut, 422: ErrorOut})
def list_feedback(request: HttpRequest, params: Query[FeedbackQuery]):
    """Feedback you may see, newest first, one page at a time (follow `next_cursor`)."""
    spec = FeedbackFilter(**params.dict(exclude={"cursor", "limit"}))
    items = apply_filter(visible_feedback(request.user), spec)
    items = items.select_related("listening_post", "touchpoint", "customer")
    page, next_cursor = keyset_page(
        items,
        field="received_at",
        descending=True,
        cursor=params.cursor,
        limit=params.limit,
        kind="feedback",
    )
    original = can_see_original_text(request.user)
    return {"items": [feedback_out(item, original) for item in page], "next_cursor": next_cursor}


@router.get("/{feedback_id}", response={200: FeedbackOut, 401: ErrorOut, 404: ErrorOut})
def get_feedback(request: HttpRequest, feedback_id: Path[FeedbackId]):
    """One feedback item; 404 when it does not exist or your teams may not see it."""
    items = visible_feedback(request.user).select_related(
        "listening_post", "touchpoint", "customer"
    )
    item = get_object_or_404(items, pk=feedback_id)
    return feedback_out(item, can_see_original_text(request.user))


# --- Plain functions behind the endpoints ------------------------------------------


def read_json_body(request: HttpRequest) -> bytes:
    content_type = request.content_type or ""
    if content_type and not (content_type == "application/json" or content_type.endswith("+json")):
        msg = f"Send JSON with 'Content-Type: application/json', not {content_type[:100]!r}."
        raise PayloadError([error(["body"], msg, "content_type")], status=415)
    try:
        return request.body
    except RequestDataTooBig:
        msg = "The body is too large; send fewer items per batch."
        raise PayloadError([error(["body"], msg, "too_large")], status=413) from None


def submit_items(user: User, raw_items: list[Any], is_batch: bool) -> list[dict[str, Any]]:
    """Store all items or none; a PayloadError lists every problem of every item."""
    prefixes = [["items", index] if is_batch else [] for index in range(len(raw_items))]
    parsed = [parse_item(raw, prefix) for raw, prefix in zip(raw_items, prefixes, strict=True)]
    rows = [row for row, _ in parsed]
    forbidden = forbidden_items(user, rows, prefixes)
    if forbidden:
        raise PayloadError(forbidden, status=403)
    errors = [problem for _, problems in parsed for problem in problems]
    errors += meaning_errors(raw_items, parsed, prefixes)
    if errors:
        # By item, so each item's errors are together; a single item has no index.
        raise PayloadError(sorted(errors, key=lambda e: e["loc"][1] if is_batch else 0))
    with transaction.atomic():
        report = ingest_feedback(rows)
        late = [
            ingest_error(prefixes[index], field_error)
            for index, outcome in enumerate(report.outcomes)
            for field_error in outcome.errors
        ]
        if late:
            # Something changed since validation (e.g. a touchpoint was deleted): raising
            # rolls back what the other items stored, so a batch stays all or nothing.
            raise PayloadError(late)
    return [{"id": outcome.id, "status": outcome.status} for outcome in report.outcomes]


def meaning_errors(
    raw_items: list[Any],
    parsed: list[tuple[dict[str, Any] | None, list[dict[str, Any]]]],
    prefixes: list[list[str | int]],
) -> list[dict[str, Any]]:
    """The ingestion service's errors (unknown slugs, dates, lengths) not reported yet.

    Items with type errors are checked too, so one answer lists every problem.
    """
    context = FeedbackContext()
    context.prefetch_customers(
        customer
        for raw in raw_items
        if isinstance(raw, dict) and isinstance(customer := raw.get("customer"), str)
    )
    found = []
    for raw, (row, problems), prefix in zip(raw_items, parsed, prefixes, strict=True):
        candidate = row if row is not None else raw
        if not isinstance(candidate, dict) or any(p["type"] == "too_deep" for p in problems):
            continue
        known = [problem["loc"] for problem in problems]
        for field_error in validate_feedback_row(candidate, context)[1]:
            problem = ingest_error(prefix, field_error)
            if problem["loc"] not in known:
                found.append(problem)
    return found


def ingest_error(prefix: list[str | int], field_error: FieldError) -> dict[str, Any]:
    loc = [*prefix, field_error.column] if field_error.column else prefix
    return error(loc, field_error.reason, "value_error")


def forbidden_items(
    user: User, rows: list[dict[str, Any] | None], prefixes: list[list[str | int]]
) -> list[dict[str, Any]]:
    """Items a team member may not send: neither post nor touchpoint is their teams'."""
    team_ids = visible_team_ids(user)
    if team_ids is None:
        return []
    present = [row for row in rows if row is not None]
    posts = dict(
        ListeningPost.objects.filter(
            slug__in={row["listening_post"] for row in present}
        ).values_list("slug", "owner_team_id")
    )
    touchpoints = dict(
        Touchpoint.objects.filter(
            slug__in={row.get("touchpoint") for row in present} - {None}
        ).values_list("slug", "owner_team_id")
    )
    problems = []
    for row, prefix in zip(rows, prefixes, strict=True):
        if row is None or row["listening_post"] not in posts:
            continue  # type errors and unknown slugs are reported as 422 instead
        touchpoint = row.get("touchpoint")
        if touchpoint and touchpoint not in touchpoints:
            continue
        owners = {posts[row["listening_post"]], touchpoints.get(touchpoint)}
        if not owners & team_ids:
            msg = "Your teams own neither this listening post nor this touchpoint."
            problems.append(error([*prefix, "listening_post"], msg, "permission_denied"))
    return problems


def feedback_out(item: FeedbackItem, original: bool) -> dict[str, Any]:
    return {
        "id": item.pk,
        "listening_post": item.listening_post.slug,
        "external_id": item.external_id,
        "customer": item.customer.external_id if item.customer else None,
        "touchpoint": item.touchpoint.slug if item.touchpoint else None,
        "received_at": item.received_at,
        "language": item.language,
        # display_text, not redacted_text: items imported with --no-analyze have no
        # redacted text yet and are redacted on the fly rather than shown empty.
        "text": item.text if original else item.display_text,
        "text_is_original": original,
        "nps": item.nps,
        "csat": item.csat,
        "ces": item.ces,
        "answers": item.answers,
        "metadata": item.metadata,
        "sentiment": item.sentiment,
        "sentiment_score": item.sentiment_score,
        "themes": item.themes,
        "analyzed_at": item.analyzed_at,
        "created_at": item.created_at,
    }


# Documented through SUBMIT_BODY; named here so the schemas land in the OpenAPI components.
REQUEST_SCHEMAS = (FeedbackIn, FeedbackBatchIn)
