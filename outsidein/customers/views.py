"""Customer list and the customer page: identity, value, transactions and feedback."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from outsidein.feedback.filters import visible_feedback
from outsidein.web.paging import capped_count, numbered_page
from outsidein.web.queries import (
    customer_value,
    search_customers,
    theme_names,
    visible_customers,
)

PAGE_SIZE = 50
RECENT_TRANSACTIONS = 100
RECENT_FEEDBACK = 100


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    customers = search_customers(visible_customers(request.user), query)
    rows, number, has_next = numbered_page(customers, request.GET.get("page"), PAGE_SIZE)
    count, capped = capped_count(customers)
    context = {
        "query": query,
        "customers": rows,
        "page_number": number,
        "has_next": has_next,
        "count": count,
        "capped": capped,
    }
    return render(request, "customers/list.html", context)


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(visible_customers(request.user), pk=pk)
    feedback = visible_feedback(request.user).filter(customer=customer)
    context = {
        "customer": customer,
        "value": customer_value(customer),
        "transactions": customer.transactions.all()[:RECENT_TRANSACTIONS],
        "transaction_count": customer.transactions.count(),
        "feedback": feedback.select_related("listening_post", "touchpoint").order_by(
            "-received_at", "-id"
        )[:RECENT_FEEDBACK],
        "feedback_count": feedback.count(),
        "recent_limit": RECENT_FEEDBACK,
        "theme_names": theme_names(),
    }
    return render(request, "customers/detail.html", context)
