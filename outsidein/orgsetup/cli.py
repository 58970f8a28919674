"""`outsidein setup apply|export`: keep the organisation's setup in version control."""

from __future__ import annotations

import click


@click.group()
def setup() -> None:
    """Setup as code: teams, listening posts, journeys, stages and touchpoints in YAML."""


@setup.command("apply")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def apply_command(path: str) -> None:
    """Create or update the setup described in a YAML file (idempotent)."""
    from outsidein.cli import ensure_database

    from .services import SetupError, apply_setup, load_setup

    ensure_database()
    try:
        report = apply_setup(load_setup(path))
    except SetupError as error:
        raise click.ClickException(
            "the setup file was not applied:\n  - " + "\n  - ".join(error.problems)
        ) from error
    except Exception as error:  # YAML syntax errors and the like: say where, don't trace
        raise click.ClickException(f"{path}: {error}") from error
    kinds = sorted(set(report.created) | set(report.updated) | set(report.unchanged))
    for kind in kinds:
        click.echo(
            f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
            f"{report.unchanged[kind]} unchanged"
        )


@setup.command("export")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default stdout)."
)
def export_command(output: str | None) -> None:
    """Write the current setup as YAML that `setup apply` accepts."""
    from outsidein.cli import ensure_database

    from .services import dump_setup, export_setup

    ensure_database()
    text = dump_setup(export_setup())
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
