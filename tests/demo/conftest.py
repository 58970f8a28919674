"""The `outsidein` command line run in-process, and a small demo company built with it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result

DEMO_ARGS = ("demo", "--no-serve", "--seed", "7", "--customers", "200", "--feedback", "1000")


def _run_cli(*args: str) -> Result:
    from outsidein.cli import main

    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="session")
def run_cli():
    """Run `outsidein ARGS...` as a user would type it; returns click's Result."""
    return _run_cli


@pytest.fixture(scope="session")
def demo_args() -> tuple[str, ...]:
    return DEMO_ARGS


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """The demo built into the test database; rolled back when the module is done."""
    from django.db import transaction
    from django.test import override_settings

    # The same fast hasher as the suite's autouse fixture, which is function-scoped.
    md5 = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), md5, transaction.atomic():
        result = _run_cli(*DEMO_ARGS)
        assert result.exit_code == 0, result.output
        yield result.output
        transaction.set_rollback(True)
