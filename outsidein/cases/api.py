"""Case endpoints: list with filters (cursor pages, newest first) and change one case."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from outsidein.accounts.models import User
from outsidein.accounts.permissions import can_change_data
from outsidein.feedback.pagination import keyset_page
from outsidein.feedback.schemas import MAX_ID, ErrorOut

from .filters import CaseFilter, apply_case_filter
from .models import Case, Priority, SlaState, Status
from .workflow import CaseError, assign, change_status, visible_cases

router = Router(tags=["cases"])
CaseId = Annotated[int, Field(ge=1, le=MAX_ID)]


class CaseQuery(Schema):
    status: Status | Literal["open"] | None = None
    priority: Priority | None = None
    sla_state: SlaState | None = None
    team: Annotated[str | None, Field(max_length=50)] = None
    assignee: Annotated[str | None, Field(max_length=20, pattern=r"^(me|none|\d+)$")] = None
    cursor: str | None = Field(None, max_length=500, description="next_cursor of the last page")
    limit: int = Field(50, ge=1, le=500)


class CaseOut(Schema):
    id: int
    title: str
    feedback: int
    rule: str | None
    team: str | None
    assignee: str | None
    priority: str
    status: str
    sla_state: str
    opened_at: datetime
    first_response_at: datetime | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    root_cause: str


class CasePage(Schema):
    items: list[CaseOut]
    next_cursor: str | None


class CasePatch(Schema):
    status: Status | None = None
    assignee: Annotated[str | None, Field(max_length=254)] = Field(
        None, description="E-mail of a member of the case's team."
    )
    unassign: bool = Field(False, description="true: nobody is assigned.")


def case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "title": case.title,
        "feedback": case.feedback_id,
        "rule": case.rule.name if case.rule else None,
        "team": case.team.slug if case.team else None,
        "assignee": case.assignee.email if case.assignee else None,
        **{
            name: getattr(case, name)
            for name in (
                "priority",
                "status",
                "sla_state",
                "opened_at",
                "first_response_at",
                "first_response_due",
                "resolution_due",
                "resolved_at",
                "closed_at",
                "root_cause",
            )
        },
    }


@router.get("", response={200: CasePage, 401: ErrorOut, 422: ErrorOut})
def list_cases(request: HttpRequest, params: Query[CaseQuery]):
    """Cases you may see (your teams', or all for org-wide roles), newest first."""
    spec = CaseFilter(**params.dict(exclude={"cursor", "limit"}))
    cases = apply_case_filter(visible_cases(request.user), spec, request.user)
    page, next_cursor = keyset_page(
        cases,
        field="opened_at",
        descending=True,
        cursor=params.cursor,
        limit=params.limit,
        kind="cases",
    )
    return {"items": [case_out(case) for case in page], "next_cursor": next_cursor}


@router.patch(
    "/{case_id}",
    response={200: CaseOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def patch_case(request: HttpRequest, case_id: Path[CaseId], body: CasePatch):
    """Change the status (following the status flow) and/or the assignee."""
    if not can_change_data(request.user):
        raise HttpError(403, "Your role may not change cases.")
    case = get_object_or_404(visible_cases(request.user), pk=case_id)
    try:
        if body.unassign:
            assign(case, None)
        elif body.assignee:
            user = User.objects.filter(email__iexact=body.assignee, is_active=True).first()
            if user is None:
                raise CaseError(f"No active user {body.assignee}.")
            assign(case, user)
        if body.status:
            change_status(case, body.status)
    except CaseError as exc:
        raise HttpError(422, str(exc)) from None
    return case_out(case)
