import click


@click.group(name="import")
def import_() -> None:
    """Import feedback, customers and transactions from files."""


@click.group()
def export() -> None:
    """Export data to files."""
