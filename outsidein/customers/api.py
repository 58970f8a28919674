"""Customer endpoints: a list with search, and one customer with a transaction summary."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router

from outsidein.accounts.models import User
from outsidein.accounts.permissions import sees_whole_organisation
from outsidein.feedback.filters import visible_feedback
from outsidein.feedback.pagination import keyset_page
from outsidein.feedback.schemas import ErrorOut

from .models import Customer
from .schemas import CustomerDetailOut, CustomerPage, CustomerQuery

router = Router(tags=["customers"])


@router.get("", response={200: CustomerPage, 401: ErrorOut, 422: ErrorOut})
def list_customers(request: HttpRequest, params: Query[CustomerQuery]):
    """Customers you may see, by external id, one page at a time (follow `next_cursor`)."""
    customers = visible_customers(request.user)
    if params.q:
        customers = customers.filter(
            Q(external_id__icontains=params.q) | Q(name__icontains=params.q)
        )
    page, next_cursor = keyset_page(
        customers,
        field="external_id",
        descending=False,
        cursor=params.cursor,
        limit=params.limit,
        kind="customers",
    )
    return {"items": [customer_out(customer) for customer in page], "next_cursor": next_cursor}


@router.get("/{path:external_id}", response={200: CustomerDetailOut, 401: ErrorOut, 404: ErrorOut})
def get_customer(request: HttpRequest, external_id: str):
    """One customer with a summary of their transactions and their feedback count.

    Team members see a customer only through feedback their teams may see (else 404).
    """
    customer = get_object_or_404(visible_customers(request.user), external_id=external_id)
    return {
        **customer_out(customer),
        "transactions": transaction_summary(customer),
        "feedback_count": visible_feedback(request.user).filter(customer=customer).count(),
    }


def visible_customers(user: User) -> QuerySet[Customer]:
    """All customers, or for team members those with feedback their teams may see."""
    customers = Customer.objects.all()
    if sees_whole_organisation(user):
        return customers
    return customers.filter(Exists(visible_feedback(user).filter(customer=OuterRef("pk"))))


def transaction_summary(customer: Customer) -> dict[str, Any]:
    transactions = customer.transactions.all()
    overall = transactions.aggregate(
        count=Count("id"), first_on=Min("occurred_on"), last_on=Max("occurred_on")
    )
    totals = transactions.order_by("currency").values("currency").annotate(total=Sum("amount"))
    return {**overall, "totals": list(totals)}


def customer_out(customer: Customer) -> dict[str, Any]:
    return {
        "external_id": customer.external_id,
        "name": customer.name,
        "email": customer.email,
        "country": customer.country,
        "language": customer.language,
        "attributes": customer.attributes,
        "created_on": customer.created_on,
        "ended_on": customer.ended_on,
        "forgotten": customer.forgotten_at is not None,
    }
