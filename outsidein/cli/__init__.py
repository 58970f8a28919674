"""The `outsidein` command line: one group, with commands contributed by each domain app."""

from __future__ import annotations

import os

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    import django

    django.setup()


def ensure_database(verbosity: int = 0) -> None:
    """Apply any pending migrations, so every command works on a fresh data directory."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=verbosity)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="outsidein")
def main() -> None:
    """Outside-In: listen to customers, understand them, measure honestly, act together."""
    setup_django()


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    ensure_database(verbosity=1)


@main.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def manage(ctx: click.Context) -> None:
    """Run a Django management command (outsidein manage createsuperuser ...)."""
    from django.core.management import execute_from_command_line

    execute_from_command_line(["outsidein manage", *ctx.args])


def _mount_commands() -> None:
    # Command modules may import models at the top, so Django is set up before they load.
    setup_django()
    from outsidein.accounts.cli import token, user
    from outsidein.cases.cli import worker
    from outsidein.codebook.cli import codebook, topics, train_command, train_touchpoints_command
    from outsidein.customers.cli import customer
    from outsidein.demo.cli import demo
    from outsidein.feedback.cli import export, import_
    from outsidein.feedback.reanalyze import reanalyze_command
    from outsidein.insights.cli import rollups, value
    from outsidein.orgsetup.cli import setup
    from outsidein.server import serve
    from outsidein.surveys.cli import surveys
    from outsidein.text.cli import eval_group, text

    for command in (
        user,
        token,
        customer,
        import_,
        export,
        setup,
        demo,
        serve,
        reanalyze_command,
        text,
        eval_group,
        codebook,
        topics,
        worker,
        surveys,
        rollups,
        value,
    ):
        main.add_command(command)
    text.add_command(train_command)
    text.add_command(train_touchpoints_command)


_mount_commands()
