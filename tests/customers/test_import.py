"""Importing customers and transactions: idempotent, with reasons for every rejected row."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from outsidein.customers.ingest import ingest_customers, ingest_transactions, parse_amount
from outsidein.customers.models import Customer, Transaction
from outsidein.feedback.ingest import Invalid

pytestmark = pytest.mark.django_db


def outsidein(*args):
    from outsidein.cli import main

    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_customers_are_idempotent_and_never_overwritten():
    rows = [
        {"external_id": "K-1", "name": "Kari Nordmann", "email": "kari@example.no",
         "country": "no", "created_on": "01.02.2020", "Segment": "Bedrift"},
        {"external_id": "K-2", "name": "Ola", "ended_on": "2024-06-30"},
    ]  # fmt: skip
    first = ingest_customers(rows)
    again = ingest_customers([{**rows[0], "name": "Someone else"}, rows[1]])

    assert [o.status for o in first.outcomes] == ["created", "created"]
    assert [o.status for o in again.outcomes] == ["duplicate", "duplicate"]
    assert [o.id for o in again.outcomes] == [o.id for o in first.outcomes]
    kari = Customer.objects.get(external_id="K-1")
    assert (kari.name, kari.country, kari.created_on) == ("Kari Nordmann", "NO", date(2020, 2, 1))
    assert kari.attributes == {"Segment": "Bedrift"}
    assert Customer.objects.get(external_id="K-2").has_churned


@pytest.mark.parametrize(
    ("fields", "column", "reason"),
    [
        ({"external_id": ""}, "external_id", "Missing required field"),
        ({"email": "not-an-address"}, "email", "Not an e-mail address"),
        ({"country": "Norway"}, "country", "two-letter ISO code"),
        ({"created_on": "2020-13-01"}, "created_on", "is not a date"),
        ({"created_on": "2024-01-01", "ended_on": "2023-01-01"}, "ended_on", "before"),
    ],
)
def test_bad_customer_rows_are_rejected_with_reasons(fields, column, reason):
    report = ingest_customers([{"external_id": "K-9", **fields}])
    assert report.outcomes[0].status == "rejected"
    assert report.outcomes[0].errors[0].column == column
    assert reason in report.outcomes[0].errors[0].reason
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("1 234,50", Decimal("1234.50")),
        ("1234.50", Decimal("1234.50")),
        ("1\u00a0234,5", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("-99", Decimal("-99.00")),
        (250, Decimal("250.00")),
    ],
)
def test_amounts_written_the_nordic_or_the_english_way(written, amount):
    assert parse_amount(written) == amount


@pytest.mark.parametrize("written", ["12,345", "abc", "1e400", ""])
def test_amounts_that_are_not_money_are_rejected(written):
    with pytest.raises(Invalid):
        parse_amount(written)


def test_transactions_idempotent_on_external_id_when_given():
    ingest_customers([{"external_id": "K-1"}])
    rows = [
        {"external_id": "F-1", "customer": "K-1", "occurred_on": "31.01.2024",
         "amount": "1 234,50", "currency": "nok", "description": "Faktura januar"},
        {"customer": "K-1", "occurred_on": "2024-02-29", "amount": "99.00"},
        {"external_id": "F-2", "customer": "K-404", "occurred_on": "2024-02-01", "amount": "1"},
    ]  # fmt: skip
    first = ingest_transactions(rows)
    again = ingest_transactions(rows[:1])

    assert [o.status for o in first.outcomes] == ["created", "created", "rejected"]
    assert first.outcomes[2].errors[0].column == "customer"
    assert again.outcomes[0].status == "duplicate"
    assert again.outcomes[0].id == first.outcomes[0].id
    invoice = Transaction.objects.get(external_id="F-1")
    assert (invoice.amount, invoice.currency) == (Decimal("1234.50"), "NOK")
    assert Transaction.objects.get(pk=first.outcomes[1].id).currency == "NOK"


def test_import_customers_and_transactions_from_files(tmp_path):
    customers = tmp_path / "kunder.csv"
    customers.write_bytes(
        "Kundenr;Navn;E-post;Land;Kunde siden;Segment\n"
        "K-1;Bjørn Ås;bjorn@example.no;NO;01.03.2019;Privat\n"
        "K-2;Åsa Ek;ikke-epost;SE;2020-01-01;Privat\n".encode("cp1252")
    )
    mapping = tmp_path / "kunder.yaml"
    mapping.write_text(
        "columns:\n  external_id: Kundenr\n  name: Navn\n  email: E-post\n  country: Land\n"
        "  created_on: Kunde siden\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejects.csv"
    result = outsidein("import", "customers", customers, "--map", mapping, "--rejects", rejects)
    assert result.exit_code == 0, result.output
    bjorn = Customer.objects.get()
    assert (bjorn.name, bjorn.attributes) == ("Bjørn Ås", {"Segment": "Privat"})
    rejected = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [(r["row"], r["column"]) for r in rejected] == [("3", "email")]

    transactions = tmp_path / "transaksjoner.csv"
    transactions.write_text(
        "external_id,customer,occurred_on,amount,currency\n"
        'T-1,K-1,2024-01-31,"1 234,50",NOK\n'
        "T-2,K-1,2024-02-29,abc,NOK\n",
        encoding="utf-8",
    )
    for _ in range(2):
        result = outsidein("import", "transactions", transactions)
        assert result.exit_code == 0, result.output
    assert Transaction.objects.get().amount == Decimal("1234.50")
    assert "Amount is not a number" in result.output


def test_customer_dry_run_stores_nothing(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("external_id,name\nK-1,Kari\n", encoding="utf-8")
    result = outsidein("import", "customers", path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would be created" in result.output
    assert not Customer.objects.exists()
