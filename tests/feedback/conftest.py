"""Fixtures for feedback ingestion, import and export tests."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result


@pytest.fixture
def outsidein() -> Callable[..., Result]:
    """Run the real `outsidein` command line in-process (same test database)."""
    from outsidein.cli import main

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, [str(arg) for arg in args])

    return run


@pytest.fixture
def customers(org):
    from outsidein.customers.models import Customer

    Customer.objects.bulk_create(
        [
            Customer(external_id="K-1001", name="Kari Nordmann", country="NO"),
            Customer(external_id="K-1002", name="Sven Svensson", country="SE"),
        ]
    )
    return list(Customer.objects.order_by("external_id"))


def read_rejects(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as file:
        return list(csv.DictReader(file))


@pytest.fixture
def rejects_of() -> Callable[[Path], list[dict[str, str]]]:
    return read_rejects
