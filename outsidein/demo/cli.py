import click


@click.command()
def demo() -> None:
    """Build the demo company and serve it (being written)."""
    raise click.ClickException("not yet available")
