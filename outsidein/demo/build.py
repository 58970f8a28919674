"""Build the demo company into the database, through the same services real data uses.

Setup goes through setup-as-code, customers and transactions through the customer
importer, feedback through `ingest_feedback` (validation, de-duplication and text
analysis included), so the demo exercises the real ingestion path.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from outsidein.feedback.ingest import RowOutcome

from . import company
from .generate import feedback_rows
from .population import customer_rows, plan_customers, transaction_rows


class Progress(Protocol):
    def start(self, label: str, total: int | None) -> None: ...
    def advance(self, amount: int = 1) -> None: ...


class QuietProgress:
    def start(self, label: str, total: int | None) -> None:
        pass

    def advance(self, amount: int = 1) -> None:
        pass


@dataclass(frozen=True)
class DemoSize:
    customers: int = 5_000
    feedback: int = 20_000
    seed: int = 1


@dataclass
class DemoSummary:
    customers: int
    transactions: int
    feedback: int


class DemoError(Exception):
    """The demo cannot be built here; the message says why and what to do."""


# ----------------------------------------------------------------------------- database


def _has_rows(model) -> bool:
    return model.objects.exists()


def database_state() -> str:
    """'empty', 'demo' (built by `outsidein demo`) or 'other' (someone's real data)."""
    from outsidein.accounts.models import Team, User
    from outsidein.customers.models import Customer
    from outsidein.feedback.models import FeedbackItem
    from outsidein.listening.models import ListeningPost

    tables = set(connection.introspection.table_names())
    models = [User, Team, Customer, ListeningPost, FeedbackItem]
    present = [m for m in models if m._meta.db_table in tables]
    if not any(_has_rows(m) for m in present):
        return "empty"
    if User in present and User.objects.filter(email=company.MARKER_EMAIL).exists():
        return "demo"
    return "other"


def default_sqlite_file() -> Path | None:
    """The SQLite file in the data directory, when that is the database in use."""
    config = settings.DATABASES["default"]
    default = Path(settings.DATA_DIR) / "outsidein.sqlite3"
    if config["ENGINE"].endswith("sqlite3") and Path(str(config["NAME"])) == default:
        return default
    return None


def reset_database() -> None:
    """Start from nothing: delete the default SQLite file, or empty any other database."""
    sqlite_file = default_sqlite_file()
    if sqlite_file is not None:
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        return
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def prepare_database(reset: bool) -> str:
    """Make sure the demo may be written here; returns what was found."""
    state = database_state()
    if state == "other" and not reset:
        raise DemoError(
            f"The database {settings.DATABASES['default']['NAME']} already holds data that "
            "was not made by `outsidein demo`. Point OUTSIDEIN_DATA_DIR (or "
            "OUTSIDEIN_DATABASE_URL) elsewhere, or pass --reset to delete that data."
        )
    if state != "empty":
        reset_database()
    return state


# ----------------------------------------------------------------------------- building


def apply_company_setup() -> None:
    from outsidein.orgsetup.services import apply_setup, load_setup

    apply_setup(load_setup(company.SETUP_FILE))


def create_users() -> None:
    from django.contrib.auth.hashers import make_password

    from outsidein.accounts.models import Team, User

    # One hash for the shared password: hashing is deliberately slow.
    password = make_password(company.DEMO_PASSWORD)
    teams = {team.slug: team for team in Team.objects.all()}
    for person in company.USERS:
        create = (
            User.objects.create_superuser if person.role == "admin" else User.objects.create_user
        )
        user = create(
            person.email,
            None,
            first_name=person.first_name,
            last_name=person.last_name,
            role=person.role,
            language=person.language,
        )
        user.password = password
        user.save(update_fields=["password"])
        user.teams.set([teams[slug] for slug in person.teams])


# The CX lead's first alert rules: they open cases for the last two weeks of demo feedback.
DEMO_RULES = [
    {
        "name": "Kritiker i et sannhetens øyeblikk",
        "condition": {"all": [{"kind": "nps", "op": "<=", "value": 6}, {"kind": "moment_of_truth"}]},
        "priority": "high",
    },
    {
        "name": "Kunden vurderer å si opp",
        "condition": {"all": [{"kind": "theme", "any_of": ["cancellation"]},
                              {"kind": "sentiment", "in": ["negative"]}]},
        "priority": "high",
    },
    {
        "name": "Misnøye med fakturaen",
        "condition": {"all": [{"kind": "theme", "any_of": ["billing_error"]},
                              {"kind": "sentiment", "in": ["negative"]}]},
        "priority": "normal",
    },
]  # fmt: skip


def create_alert_rules() -> None:
    from outsidein.accounts.models import User
    from outsidein.cases.models import AlertRule

    lead = User.objects.filter(role="cx_lead").first()
    for rule in DEMO_RULES:
        AlertRule.objects.create(created_by=lead, active=True, **rule)


def _check(outcomes: Iterable[RowOutcome], what: str, progress: Progress) -> Iterator[RowOutcome]:
    for outcome in outcomes:
        if outcome.status == "rejected":
            errors = "; ".join(f"{e.column}: {e.reason}" for e in outcome.errors)
            raise DemoError(f"demo {what} row {outcome.row} was rejected: {errors}")
        progress.advance()
        yield outcome


def _count(outcomes: Iterable[RowOutcome]) -> int:
    return sum(1 for _ in outcomes)


def build_demo(size: DemoSize, end: date, progress: Progress | None = None) -> DemoSummary:
    """Fill an empty, migrated database with the demo company."""
    from outsidein.customers.ingest import iter_ingest_customers, iter_ingest_transactions
    from outsidein.feedback.ingest import iter_ingest_feedback

    progress = progress or QuietProgress()
    progress.start("Teams, listening posts and journeys", None)
    apply_company_setup()
    progress.start("Users", len(company.USERS))
    create_users()
    create_alert_rules()
    progress.advance(len(company.USERS))

    progress.start("Planning customers and feedback", None)
    plans = plan_customers(random.Random(f"{size.seed}:customers"), size.customers, end)
    rows = feedback_rows(random.Random(f"{size.seed}:feedback"), plans, size.feedback, end)

    progress.start("Customers", len(plans))
    customers = _count(_check(iter_ingest_customers(customer_rows(plans)), "customer", progress))
    bills = list(transaction_rows(random.Random(f"{size.seed}:bills"), plans, end))
    progress.start("Transactions", len(bills))
    transactions = _count(_check(iter_ingest_transactions(bills), "transaction", progress))
    progress.start("Feedback (with text analysis)", len(rows))
    feedback = _count(_check(iter_ingest_feedback(rows), "feedback", progress))
    progress.start("Customer value tiers and dashboard rollups", None)
    from outsidein.insights.valuation import refresh_customer_values

    refresh_customer_values(end)
    progress.start("Cases from the alert rules", None)
    open_recent_cases()
    return DemoSummary(customers, transactions, feedback)


def open_recent_cases() -> None:
    """Ingestion opens cases after each commit; this catches the build's last batches
    (and builds run inside one transaction, as in the tests). Safe to repeat."""
    from outsidein.cases.routing import MAX_FEEDBACK_AGE, open_cases_for
    from outsidein.feedback.models import FeedbackItem

    recent = FeedbackItem.objects.filter(received_at__gte=timezone.now() - MAX_FEEDBACK_AGE)
    open_cases_for(list(recent.values_list("id", flat=True)))
