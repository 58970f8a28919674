"""Read-side queries behind the pages: what a user may see, and the figures on each page."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation

from outsidein.accounts.models import User
from outsidein.accounts.permissions import visible_team_ids
from outsidein.codebook.services import current_codebook
from outsidein.customers.models import Customer, Transaction
from outsidein.feedback.filters import visible_feedback
from outsidein.journeys.models import Journey, Stage, Touchpoint

# Journey page periods: value of ?period= → days (None: all time).
PERIODS = {"30d": 30, "90d": 90, "12m": 365, "all": None}
DEFAULT_PERIOD = "12m"


def visible_customers(user: User) -> QuerySet[Customer]:
    """Everyone for org-wide roles; for a team member, customers with feedback they may see."""
    if visible_team_ids(user) is None:
        return Customer.objects.all()
    return Customer.objects.filter(
        Exists(visible_feedback(user).filter(customer_id=OuterRef("pk")))
    )


def search_customers(customers: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    query = query.strip()
    if not query:
        return customers
    return customers.filter(
        Q(external_id__icontains=query) | Q(name__icontains=query) | Q(email__icontains=query)
    )


def customer_value(customer: Customer) -> dict:
    """Total value and value per year, per currency (currencies are never added together)."""
    transactions = Transaction.objects.filter(customer=customer).order_by()
    totals = list(transactions.values("currency").annotate(total=Sum("amount"), count=Count("id")))
    per_year = list(
        transactions.annotate(year=ExtractYear("occurred_on"))
        .values("year", "currency")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("-year", "currency")
    )
    return {"totals": totals, "per_year": per_year}


def period_start(period: str) -> timezone.datetime | None:
    days = PERIODS.get(period, PERIODS[DEFAULT_PERIOD])
    return None if days is None else timezone.now() - timedelta(days=days)


def touchpoint_stats(user: User, since: timezone.datetime | None) -> dict[int, dict]:
    """Feedback count and share of negative per touchpoint, in one aggregate query."""
    items = visible_feedback(user).filter(touchpoint__isnull=False)
    if since is not None:
        items = items.filter(received_at__gte=since)
    rows = (
        items.order_by()
        .values("touchpoint_id")
        .annotate(total=Count("id"), negative=Count("id", filter=Q(sentiment="negative")))
    )
    return {
        row["touchpoint_id"]: {
            "total": row["total"],
            "negative": row["negative"],
            "negative_share": row["negative"] / row["total"] if row["total"] else 0.0,
        }
        for row in rows
    }


def journeys_with_touchpoints() -> QuerySet[Journey]:
    """Journeys → stages → touchpoints (with owner teams) in three queries."""
    touchpoints = Touchpoint.objects.select_related("owner_team")
    stages = Stage.objects.prefetch_related(Prefetch("touchpoints", queryset=touchpoints))
    return Journey.objects.prefetch_related(Prefetch("stages", queryset=stages))


def theme_names() -> dict[str, str]:
    """Theme code → its name in the current UI language, from the organisation's codebook."""
    language = (translation.get_language() or "en").split("-")[0]
    return {
        theme.code: theme.labels.get(language) or theme.name for theme in current_codebook().themes
    }
