"""Running `outsidein demo` again replaces the previous demo (real commits, no test transaction)."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_running_again_replaces_the_demo(run_cli):
    from outsidein.customers.models import Customer
    from outsidein.feedback.models import FeedbackItem

    first = run_cli("demo", "--no-serve", "--seed", "3", "--customers", "40", "--feedback", "80")
    assert first.exit_code == 0, first.output
    again = run_cli("demo", "--no-serve", "--seed", "4", "--customers", "50", "--feedback", "120")
    assert again.exit_code == 0, again.output
    assert "Replacing the demo database" in again.output
    assert Customer.objects.count() == 50
    assert FeedbackItem.objects.count() == 120
    assert max(FeedbackItem.objects.values_list("received_at", flat=True)).date() <= date.today()
