import click


@click.group()
def setup() -> None:
    """Setup as code: teams, listening posts, journeys from YAML."""
