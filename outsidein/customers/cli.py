import click


@click.group()
def customer() -> None:
    """Customer data: right to erasure."""
