"""`outsidein demo`: build the demo company, print how to log in, serve it."""

from __future__ import annotations

import os
import sys
import time
from datetime import date

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from outsidein.server import DEFAULT_BIND

from . import company


class RichProgress:
    """One progress bar per build step."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.task = None

    def start(self, label: str, total: int | None) -> None:
        if self.task is not None:
            task = self.progress.tasks[self.task]
            self.progress.update(self.task, total=task.total or 1, completed=task.total or 1)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, amount: int = 1) -> None:
        self.progress.advance(self.task, amount)

    def finish(self) -> None:
        self.start("Done", 1)
        self.advance()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<38}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _logins_table(url: str) -> Table:
    table = Table(title=f"{company.COMPANY_NAME} is ready at {url}", title_justify="left")
    table.add_column("log in as")
    table.add_column("who")
    for person in company.USERS:
        table.add_row(person.email, f"{person.first_name} {person.last_name}, {person.what}")
    table.caption = f"Password for every demo login: {company.DEMO_PASSWORD}"
    return table


def browser_url(bind: str) -> str:
    """The address to open: a wildcard bind is reached through localhost."""
    host, _, port = bind.rpartition(":")
    if host in ("0.0.0.0", "[::]", ""):
        host = "localhost"
    return f"http://{host}:{port}/"


def serve_fresh(bind: str) -> None:
    """Replace this process with `outsidein serve` (which runs serve_app) on plain http.

    A fresh process matters twice: settings were read before this command ran, with
    Secure cookies on (a plain-http browser would never send them back, so no login),
    and the build leaves the text models' native thread pools behind, which hang
    gunicorn's forked workers when they exit.
    """
    if not os.environ.get("OUTSIDEIN_HTTPS"):  # an explicit choice is kept
        os.environ["OUTSIDEIN_HTTPS"] = "0"
    sys.stdout.flush()  # exec does not flush Python's buffers: keep the login table
    sys.stderr.flush()
    argv = [
        sys.executable,
        "-m",
        "outsidein",
        "serve",
        "--no-migrate",
        "--with-worker",
        "--bind",
        bind,
    ]
    os.execv(sys.executable, argv)


@click.command()
@click.option("--seed", default=1, show_default=True, help="Same seed, same company.")
@click.option("--customers", default=5_000, show_default=True, type=click.IntRange(min=10))
@click.option("--feedback", default=20_000, show_default=True, type=click.IntRange(min=10))
@click.option("--no-serve", is_flag=True, help="Build the database, then stop.")
@click.option("--bind", default=DEFAULT_BIND, show_default=True, help="HOST:PORT to serve on.")
@click.option("--reset", is_flag=True, help="Delete whatever the database holds first.")
def demo(seed: int, customers: int, feedback: int, no_serve: bool, bind: str, reset: bool) -> None:
    """Build the demo company (Nordlys Energi & Fiber) and serve it."""
    from outsidein.cli import ensure_database

    from .build import DemoError, DemoSize, build_demo, prepare_database

    console = Console()
    started = time.monotonic()
    try:
        found = prepare_database(reset)
    except DemoError as error:
        raise click.ClickException(str(error)) from None
    if found != "empty":
        console.print(f"Replacing the {'demo' if found == 'demo' else 'existing'} database.")
    with _progress(console) as bar:
        progress = RichProgress(bar)
        progress.start("Database schema", None)
        ensure_database()
        try:
            summary = build_demo(DemoSize(customers, feedback, seed), date.today(), progress)
        except DemoError as error:
            raise click.ClickException(str(error)) from None
        progress.finish()
    seconds = time.monotonic() - started
    console.print(
        f"Built {summary.customers:,} customers, {summary.transactions:,} transactions and "
        f"{summary.feedback:,} feedback items in {seconds:.0f} s."
    )
    console.print(_logins_table(browser_url(bind)))
    if not no_serve:
        serve_fresh(bind)
