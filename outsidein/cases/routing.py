"""Rules → cases: evaluate new feedback, open cases for the owning team, notify (outbox).

Each feedback item is evaluated in one transaction that stores the evaluation mark, the
cases and their notifications together: after a crash either all of them exist or
none, and the sweep evaluates the item again.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from outsidein.accounts.models import Team
from outsidein.feedback.models import FeedbackItem
from outsidein.loop.rules import Rule, count_matches, matching_rules

from .facts import RELATED, facts_for, facts_of, theme_parents
from .models import AlertRule, Case, FeedbackEvaluation, LoopState
from .outbox import notify_channels, notify_users
from .sla import apply_terms, sla_terms

WATERMARK = "evaluated_feedback_id"
SETTLE = timedelta(minutes=10)  # transactions older than this have committed or died
# The sweep catches items ingestion missed recently; it never reaches back further, so a
# new installation or a new rule does not open cases for years of old feedback.
SWEEP_WINDOW = timedelta(days=2)
TITLE_CHARS = 120


def active_rules() -> list[tuple[AlertRule, Rule]]:
    return [(rule, rule.to_rule()) for rule in AlertRule.objects.filter(active=True)]


def owning_team(rule: AlertRule, item: FeedbackItem) -> Team | None:
    """The rule's team, else the touchpoint's owner, else the listening post's owner."""
    if rule.team_id:
        return rule.team
    if item.touchpoint and item.touchpoint.owner_team_id:
        return item.touchpoint.owner_team
    return item.listening_post.owner_team


def case_title(rule: AlertRule, item: FeedbackItem) -> str:
    text = " ".join(item.display_text.split())
    if len(text) > TITLE_CHARS:
        text = text[: TITLE_CHARS - 1].rstrip() + "…"
    return f"{rule.name}: {text}" if text else rule.name


def open_case(rule: AlertRule, item: FeedbackItem, now: datetime) -> Case | None:
    """One case (and its notifications) unless this rule already opened one for the item."""
    team = owning_team(rule, item)
    case = Case(
        feedback=item,
        rule=rule,
        title=case_title(rule, item)[:300],
        team=team,
        priority=rule.priority,
        opened_at=now,
    )
    apply_terms(case, sla_terms(team, rule))
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        return None  # the unique (feedback, rule) constraint: opened before
    if team is not None:
        if rule.notify_email:
            members = team.members.filter(is_active=True)
            notify_users(case, "case_opened", "opened", members, now)
        if rule.notify_chat:
            notify_channels(case, "case_opened", "opened", now)
    return case


PRIORITY_ORDER = ["critical", "high", "normal", "low"]


def one_rule_per_team(rules: list[AlertRule], item: FeedbackItem) -> list[AlertRule]:
    """A team gets one case per feedback item, opened by the most urgent matching rule:
    two rules on the same comment must not make the same team answer the customer twice.
    (Every matching rule is still recorded on the evaluation.)"""
    best: dict[int | None, AlertRule] = {}
    for rule in rules:
        team = owning_team(rule, item)
        key = team.id if team else None
        current = best.get(key)
        if current is None or PRIORITY_ORDER.index(rule.priority) < PRIORITY_ORDER.index(
            current.priority
        ):
            best[key] = rule
    return list(best.values())


def _evaluate(item: FeedbackItem, rules, parents, now: datetime) -> list[Case]:
    with transaction.atomic():
        try:
            with transaction.atomic():
                mark = FeedbackEvaluation.objects.create(feedback=item)
        except IntegrityError:
            return []  # another worker evaluated it
        facts = facts_for(item, parents)
        matched = {r.id for r in matching_rules([r for _, r in rules], facts)}
        chosen = one_rule_per_team([rule for rule, parsed in rules if parsed.id in matched], item)
        cases = [open_case(rule, item, now) for rule in chosen]
        mark.matched_rules = sorted(matched)
        mark.save(update_fields=["matched_rules"])
    return [case for case in cases if case is not None]


MAX_FEEDBACK_AGE = timedelta(days=int(os.environ.get("OUTSIDEIN_CASE_MAX_FEEDBACK_AGE_DAYS", "14")))


def open_cases_for(feedback_ids: Iterable[int], now: datetime | None = None) -> list[Case]:
    """Evaluate the active rules on these items and open cases; safe to call twice.

    Ingestion calls it after its transaction commits::

        transaction.on_commit(lambda: open_cases_for(ids))

    The periodic sweep catches whatever this misses (a crash between commit and call).
    """
    ids = sorted(set(feedback_ids))
    if not ids:
        return []
    rules = active_rules()
    parents = theme_parents()
    now = now or timezone.now()
    items = (
        FeedbackItem.objects.filter(
            id__in=ids,
            loop_evaluation__isnull=True,
            # An import of last year's feedback must not open cases: nobody can act on it.
            received_at__gte=now - MAX_FEEDBACK_AGE,
        )
        .select_related(*RELATED, "touchpoint__owner_team", "listening_post__owner_team")
        .order_by("id")
    )
    opened: list[Case] = []
    for item in items:
        opened += _evaluate(item, rules, parents, now)
    return opened


def sweep(now: datetime | None = None, batch: int = 500) -> int:
    """Evaluate recent items above the watermark that nobody evaluated; returns cases
    opened."""
    now = now or timezone.now()
    state, _ = LoopState.objects.get_or_create(key=WATERMARK)
    opened = 0
    while True:
        ids = list(
            FeedbackItem.objects.filter(
                id__gt=state.value,
                loop_evaluation__isnull=True,
                created_at__gte=now - SWEEP_WINDOW,
            )
            .order_by("id")
            .values_list("id", flat=True)[:batch]
        )
        if not ids:
            break
        opened += len(open_cases_for(ids, now))
        if len(ids) < batch:
            break
    _advance_watermark(state, now)
    return opened


def _advance_watermark(state: LoopState, now: datetime) -> None:
    # Ids are handed out before commit, so a lower id can appear after a higher one;
    # the watermark only passes items old enough that their transaction has ended.
    settled = FeedbackItem.objects.filter(id__gt=state.value, created_at__lt=now - SETTLE)
    unevaluated = (
        settled.filter(loop_evaluation__isnull=True, created_at__gte=now - SWEEP_WINDOW)
        .order_by("id")
        .first()
    )
    newest_settled = settled.order_by("-id").values_list("id", flat=True).first()
    if newest_settled is None:
        return
    ceiling = unevaluated.id - 1 if unevaluated else newest_settled
    if ceiling > state.value:
        LoopState.objects.filter(pk=state.pk).update(value=ceiling)


# -- dry run -----------------------------------------------------------------------------


@dataclass
class DryRun:
    examined: int
    matched: int
    sample: list[FeedbackItem]
    since: datetime


def dry_run(
    rule: Rule | AlertRule,
    *,
    days: int = 30,
    now: datetime | None = None,
    sample_size: int = 10,
    items: Sequence[FeedbackItem] | None = None,
) -> DryRun:
    """ "This rule would have opened N cases in the last ``days`` days", with examples."""
    parsed = rule.to_rule() if isinstance(rule, AlertRule) else rule
    since = (now or timezone.now()) - timedelta(days=days)
    if items is None:
        items = list(
            FeedbackItem.objects.filter(received_at__gte=since)
            .select_related(*RELATED)
            .order_by("-received_at", "-id")
        )
    facts = list(facts_of(items))
    matched = count_matches(parsed, facts)
    sample = [item for item, f in zip(items, facts, strict=True) if parsed.condition.evaluate(f)]
    return DryRun(len(items), matched, sample[:sample_size], since)
