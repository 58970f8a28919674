import click


@click.group()
def user() -> None:
    """Users and their roles."""


@click.group()
def token() -> None:
    """Personal API tokens."""
