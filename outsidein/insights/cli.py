"""`outsidein rollups rebuild` and `outsidein value refresh`."""

from __future__ import annotations

from datetime import date

import click


@click.group()
def rollups() -> None:
    """Daily rollups behind every dashboard figure."""


@rollups.command("rebuild")
def rebuild() -> None:
    """Recompute every rollup from the feedback (safe to run at any time)."""
    from outsidein.cli import ensure_database

    from .rollups import rebuild_rollups

    ensure_database()
    counts = rebuild_rollups()
    click.echo("rollups rebuilt: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))


@rollups.command("refresh")
@click.argument("days", nargs=-1, required=True)
def refresh(days: tuple[str, ...]) -> None:
    """Recompute the rollups of the given days (YYYY-MM-DD ...)."""
    from outsidein.cli import ensure_database

    from .rollups import refresh_days

    try:
        parsed = [date.fromisoformat(d) for d in days]
    except ValueError as error:
        raise click.BadParameter(f"days must be YYYY-MM-DD: {error}") from error
    ensure_database()
    counts = refresh_days(parsed)
    click.echo("rollups refreshed: " + ", ".join(f"{k} {v} rows" for k, v in counts.items()))


@click.group()
def value() -> None:
    """Customer value: RFM scores, value tiers and lifetime value."""


@value.command("refresh")
@click.option("--as-of", "as_of", default=None, help="Date (YYYY-MM-DD); default today.")
def value_refresh(as_of: str | None) -> None:
    """Recompute RFM, value tier and CLV of every customer, then the rollups."""
    from outsidein.cli import ensure_database

    from .valuation import refresh_customer_values

    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError as error:
        raise click.BadParameter("--as-of must be YYYY-MM-DD") from error
    ensure_database()
    n = refresh_customer_values(day)
    click.echo(f"customer values refreshed: {n} customers; rollups rebuilt")
