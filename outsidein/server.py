import click


@click.command()
def serve() -> None:
    """Serve the web app with a production server."""
