"""`outsidein customer forget`: the right to erasure."""

from __future__ import annotations

import click


@click.group()
def customer() -> None:
    """Customer data: right to erasure."""


@customer.command("forget")
@click.argument("external_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def forget(external_id: str, yes: bool) -> None:
    """Erase a customer's personal data (GDPR right to erasure); scores are kept."""
    from outsidein.cli import ensure_database

    from .services import UnknownCustomer, forget_customer

    ensure_database()
    if not yes:
        click.confirm(
            f"Erase the personal data of customer {external_id}? This cannot be undone", abort=True
        )
    try:
        result = forget_customer(external_id)
    except UnknownCustomer as error:
        raise click.ClickException(str(error)) from error
    click.echo(
        f"erased customer {external_id}: identity, attributes and the text of "
        f"{result['feedback_items_erased']} feedback items"
    )
