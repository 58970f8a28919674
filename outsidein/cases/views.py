"""Case pages: inbox, my cases, case detail, rules, dead letters, loop metrics.

Views stay thin: permissions, forms and templates; the work is in workflow, routing,
outbox and metrics. Team members see their teams' cases only (404 otherwise); viewers
read and get 403 on every change.
"""

from __future__ import annotations

from functools import wraps

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from outsidein.accounts.models import Team, User
from outsidein.accounts.permissions import can_change_data, can_manage_setup
from outsidein.codebook.models import Theme

from . import outbox, workflow
from .filters import CaseFilter, apply_case_filter
from .forms import ContactForm, OuterLoopForm, PreferenceForm, ReplyForm, RuleForm, StatusForm
from .metrics import loop_metrics
from .models import (
    AlertRule,
    Case,
    CaseContact,
    NotificationPreference,
    Priority,
    SlaState,
    Status,
)
from .routing import dry_run
from .sla import case_sla

PAGE_SIZE = 50


def editor_required(view):
    """POST needs a role that changes data: viewers get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method == "POST" and not can_change_data(request.user):
            raise PermissionDenied(_("Your role may not change cases."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- inbox -------------------------------------------------------------------------------


def _inbox_filter(request: HttpRequest, **fixed) -> CaseFilter:
    get = request.GET
    spec = CaseFilter(
        status=get.get("status", "open"),
        priority=get.get("priority") or None,
        sla_state=get.get("sla_state") or None,
        assignee=get.get("assignee") or None,
        team=get.get("team") or None,
    )
    for name, value in fixed.items():
        setattr(spec, name, value)
    return spec


def _inbox(request: HttpRequest, spec: CaseFilter, title: str, mine: bool = False) -> HttpResponse:
    cases = apply_case_filter(workflow.visible_cases(request.user), spec, request.user)
    page = Paginator(cases.order_by("-opened_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    visible_teams = Team.objects.all()
    if not workflow.sees_all(request.user):
        visible_teams = visible_teams.filter(members=request.user)
    context = {
        "title": title,
        "mine": mine,
        "page": page,
        "spec": spec,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "sla_states": SlaState.choices,
        "teams": visible_teams,
        "assignees": User.objects.filter(teams__in=visible_teams, is_active=True).distinct(),
        "can_edit": can_change_data(request.user),
        "query": request.GET.urlencode(),
    }
    template = "cases/_inbox_rows.html" if _is_htmx(request) else "cases/inbox.html"
    return render(request, template, context)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    return _inbox(request, _inbox_filter(request), _("Team inbox"))


@login_required
def my_cases(request: HttpRequest) -> HttpResponse:
    return _inbox(request, _inbox_filter(request, assignee="me"), _("My cases"), mine=True)


@editor_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("case") if v.isdigit()]
    assignee_id = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=assignee_id).first() if assignee_id.isdigit() else None
    done, refused = 0, []
    for case in workflow.visible_cases(request.user).filter(pk__in=ids):
        try:
            workflow.assign(case, assignee)
            done += 1
        except workflow.CaseError as exc:
            refused.append(f"#{case.pk}: {exc}")
    if done:
        messages.success(request, _("%(count)d case(s) assigned.") % {"count": done})
    for problem in refused:
        messages.error(request, problem)
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/cases/") else "cases:inbox")


# -- case detail -------------------------------------------------------------------------


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(workflow.visible_cases(request.user), pk=pk)


TIMELINE_FIELDS = {
    "status": _("status"),
    "assignee": _("assignee"),
    "priority": _("priority"),
    "team": _("team"),
    "root_cause": _("root cause"),
    "improvement": _("improvement"),
    "channel": _("channel"),
    "outcome": _("outcome"),
}


def _timeline(case: Case) -> list[dict]:
    """The audit log of the case and its contacts, as rows a person reads."""
    case_type = ContentType.objects.get_for_model(Case)
    contact_type = ContentType.objects.get_for_model(CaseContact)
    contact_ids = [str(pk) for pk in case.contacts.values_list("pk", flat=True)]
    entries = LogEntry.objects.filter(
        Q(content_type=case_type, object_pk=str(case.pk))
        | Q(content_type=contact_type, object_pk__in=contact_ids)
    ).select_related("actor", "content_type")
    rows = []
    for entry in entries.order_by("timestamp", "id"):
        is_contact = entry.content_type_id == contact_type.pk
        if entry.action == LogEntry.Action.CREATE:
            what = _("Contact recorded") if is_contact else _("Case opened")
        else:
            what = _("Contact changed") if is_contact else _("Case changed")
        changes = [
            (TIMELINE_FIELDS[name], old, new)
            for name, (old, new) in (entry.changes_dict or {}).items()
            if name in TIMELINE_FIELDS and entry.action != LogEntry.Action.CREATE
        ]
        rows.append({"at": entry.timestamp, "actor": entry.actor, "what": what, "changes": changes})
    return rows


def _customer_context(case: Case, user: User) -> dict:
    customer = case.feedback.customer
    if customer is None or customer.forgotten_at:
        return {"customer": None}
    earlier = customer.feedback.exclude(pk=case.feedback_id).order_by("-received_at")[:10]
    other_cases = (
        workflow.visible_cases(user).filter(feedback__customer=customer).exclude(pk=case.pk)
    )
    return {
        "customer": customer,
        "value_tier": (customer.attributes or {}).get("value_tier"),
        "earlier_feedback": earlier,
        "other_cases": other_cases[:10],
    }


def _themes() -> list[tuple[str, str]]:
    return list(Theme.objects.filter(active=True).values_list("code", "name"))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    context = {
        "case": case,
        "item": case.feedback,
        "sla": case_sla(case, timezone.now()),
        "sla_labels": dict(SlaState.choices),
        "contacts": case.contacts.select_related("by"),
        "timeline": _timeline(case),
        "consent": workflow.consent_to_contact(case),
        "reply_to": workflow.reply_address(case),
        "can_edit": can_change_data(request.user),
        "next_statuses": [
            (s, Status(s).label) for s in Status.values if s in workflow.TRANSITIONS[case.status]
        ],
        "assignees": workflow.assignable_users(case),
        "contact_form": ContactForm(),
        "reply_form": ReplyForm(initial={"subject": _("About your feedback")}),
        "outer_form": OuterLoopForm(
            initial={"root_cause": case.root_cause, "improvement": case.improvement},
            themes=_themes(),
        ),
        **_customer_context(case, request.user),
    }
    return render(request, "cases/detail.html", context)


def _back(case: Case) -> HttpResponse:
    return redirect("cases:detail", pk=case.pk)


@editor_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            workflow.change_status(case, form.cleaned_data["status"])
            messages.success(
                request, _("Status changed to %(s)s.") % {"s": case.get_status_display()}
            )
        except workflow.CaseError as exc:
            messages.error(request, str(exc))
    return _back(case)


@editor_required
@require_POST
def assign_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    value = request.POST.get("assignee", "")
    assignee = User.objects.filter(pk=value).first() if value.isdigit() else None
    try:
        workflow.assign(case, assignee)
        messages.success(request, _("Assignee saved."))
    except workflow.CaseError as exc:
        messages.error(request, str(exc))
    return _back(case)


@editor_required
@require_POST
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        workflow.record_contact(case, by=request.user, **form.cleaned_data)
        messages.success(request, _("Contact recorded."))
    else:
        messages.error(request, _("Choose a channel and an outcome."))
    return _back(case)


@editor_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a subject and a message."))
        return _back(case)
    try:
        workflow.send_reply(case, by=request.user, **form.cleaned_data)
        messages.success(request, _("The reply is on its way to the customer."))
    except workflow.CaseError as exc:
        messages.error(request, str(exc))
    return _back(case)


@editor_required
@require_POST
def outer_loop(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = OuterLoopForm(request.POST, themes=_themes())
    if form.is_valid():
        workflow.set_outer_loop(case, **form.cleaned_data)
        messages.success(request, _("Root cause and improvement saved."))
    else:
        messages.error(request, _("Choose a theme from the codebook."))
    return _back(case)


# -- rules -------------------------------------------------------------------------------


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    context = {
        "rules": AlertRule.objects.select_related("team", "sla_policy"),
        "can_manage": can_manage_setup(request.user),
    }
    return render(request, "cases/rules.html", context)


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rule = get_object_or_404(AlertRule, pk=pk) if pk else AlertRule(created_by=request.user)
    can_manage = can_manage_setup(request.user)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(_("Only the CX lead and administrators edit rules."))
    form = RuleForm(request.POST or None, instance=rule)
    trial = None
    if request.method == "POST" and form.is_valid():
        if "dry_run" in request.POST:
            candidate = AlertRule(
                name=form.cleaned_data["name"], condition=form.cleaned_data["condition"]
            )
            trial = dry_run(candidate)
        else:
            saved = form.save()
            messages.success(request, _("Rule “%(name)s” saved.") % {"name": saved.name})
            return redirect("cases:rule_edit", pk=saved.pk)
    context = {"form": form, "rule": rule, "trial": trial, "can_manage": can_manage}
    return render(request, "cases/rule_edit.html", context)


@login_required
def rule_dry_run(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(AlertRule, pk=pk)
    days = int(request.GET.get("days", "30")) if request.GET.get("days", "30").isdigit() else 30
    context = {"rule": rule, "trial": dry_run(rule, days=min(max(days, 1), 365))}
    return render(request, "cases/_dry_run.html", context)


# -- admin pages -------------------------------------------------------------------------


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_superuser or user.role == "admin"):
        raise PermissionDenied(_("The dead-letter list is for administrators."))
    if request.method == "POST":
        ids = [int(v) for v in request.POST.getlist("notification") if v.isdigit()]
        count = outbox.retry_dead(ids)
        messages.success(
            request, _("%(count)d notification(s) will be sent again.") % {"count": count}
        )
        return redirect("cases:dead_letters")
    return render(request, "cases/dead_letters.html", {"rows": outbox.dead_letters()[:200]})


@login_required
def metrics(request: HttpRequest) -> HttpResponse:
    days_param = request.GET.get("days", "90")
    days = min(max(int(days_param), 1), 730) if days_param.isdigit() else 90
    result = loop_metrics(workflow.visible_cases(request.user), days=days)
    return render(request, "cases/metrics.html", {"m": result, "days": days})


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    pref, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Notification preference saved."))
        return redirect("cases:preferences")
    return render(request, "cases/preferences.html", {"form": form})
