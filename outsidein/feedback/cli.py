"""`outsidein import feedback|customers|transactions FILE` and `outsidein export feedback OUT`."""

from __future__ import annotations

import csv
import gc
import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .ingest import FEEDBACK_FIELDS, FieldError, RowOutcome, UnreadableRow

Ingest = Callable[[Iterable[Mapping[str, Any]]], Iterator[RowOutcome]]
PROGRESS_EVERY = 1000
SHOWN_PROBLEMS = 10
RECENT_ROWS = 10_000  # more than a batch: a duplicate points back into its own batch
# Batches per refresh of the dashboard rollups and queueing of rule evaluation: refreshing
# after each batch re-read the same days again and again and took a third of an import.
# The rest is done when the file is exhausted, before the command returns.
HOOKS_EVERY = 20


@click.group(name="import")
def import_() -> None:
    """Import feedback, customers and transactions from files."""


@click.group()
def export() -> None:
    """Export data to files."""


@dataclass
class ImportJob:
    """What one import command reads, how it maps columns and which service stores rows."""

    noun: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    extras_into: str | None
    ingest: Ingest
    tally: dict[str, int] = field(
        default_factory=lambda: {"read": 0, "created": 0, "duplicate": 0, "rejected": 0}
    )
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def _common_options(command: Callable) -> Callable:
    options = [
        click.argument("file", type=click.Path(path_type=Path, dir_okay=False)),
        click.option(
            "--map",
            "mapping",
            type=click.Path(path_type=Path, dir_okay=False),
            help="YAML file: columns: {our_field: 'Their Column'}, defaults: {...}.",
        ),
        click.option(
            "--rejects",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write every row not stored (row, column, reason, original values).",
        ),
        click.option(
            "--dry-run",
            is_flag=True,
            help="Validate everything (duplicates too) and store nothing.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@import_.command("feedback")
@_common_options
@click.option("--post", metavar="SLUG", help="Listening post for rows without one.")
@click.option("--no-analyze", is_flag=True, help="Skip text analysis (run it later).")
@click.option("--preset", metavar="NAME", help="Another tool's export, e.g. qualtrics, zendesk.")
def import_feedback(
    file: Path,
    mapping: Path | None,
    rejects: Path | None,
    dry_run: bool,
    post: str | None,
    no_analyze: bool,
    preset: str | None,
) -> None:
    """Import feedback from CSV, JSON Lines, Excel (.xlsx) or Parquet."""
    from outsidein.cli import ensure_database

    from .ingest import import_batch_size, iter_ingest_feedback

    ensure_database()
    _check_post(post)
    opener = _preset_opener(preset, post) if preset else None
    required = ("external_id", "received_at") + (() if post else ("listening_post",))
    analyze = not (no_analyze or dry_run)  # a dry run stores nothing, so nothing to analyse
    job = ImportJob(
        "feedback",
        FEEDBACK_FIELDS,
        required,
        "answers",
        lambda rows: iter_ingest_feedback(
            rows,
            default_post=post,
            analyze=analyze,
            batch_size=import_batch_size(),
            hooks_every=HOOKS_EVERY,
            overlap=True,
        ),
    )
    _run_import(job, file, mapping, rejects, dry_run, opener)


def _preset_opener(name: str, post: str | None) -> Callable[[Path], Any]:
    from outsidein.surveys.presets import UnknownPreset, load_preset

    if not post:
        raise click.ClickException("--preset needs --post SLUG: the listening post of the rows")
    try:
        return load_preset(name).source
    except UnknownPreset as error:
        raise click.ClickException(str(error)) from None


@import_.command("customers")
@_common_options
def import_customers(file: Path, mapping: Path | None, rejects: Path | None, dry_run: bool) -> None:
    """Import customers; extra columns become customer attributes."""
    from outsidein.cli import ensure_database
    from outsidein.customers.ingest import CUSTOMER_FIELDS, iter_ingest_customers

    ensure_database()
    fields = (*CUSTOMER_FIELDS, "attributes")
    job = ImportJob("customers", fields, ("external_id",), "attributes", iter_ingest_customers)
    _run_import(job, file, mapping, rejects, dry_run)


@import_.command("transactions")
@_common_options
def import_transactions(
    file: Path, mapping: Path | None, rejects: Path | None, dry_run: bool
) -> None:
    """Import customer transactions (date, amount, currency)."""
    from outsidein.cli import ensure_database
    from outsidein.customers.ingest import TRANSACTION_FIELDS, iter_ingest_transactions

    ensure_database()
    required = ("customer", "occurred_on", "amount")
    job = ImportJob("transactions", TRANSACTION_FIELDS, required, None, iter_ingest_transactions)
    _run_import(job, file, mapping, rejects, dry_run)


def _check_post(slug: str | None) -> None:
    from outsidein.listening.models import ListeningPost

    if slug and not ListeningPost.objects.filter(slug=slug).exists():
        known = ", ".join(ListeningPost.objects.values_list("slug", flat=True)) or "none yet"
        raise click.ClickException(f"Unknown listening post {slug!r} (known: {known})")


def _run_import(
    job: ImportJob,
    file: Path,
    mapping_path: Path | None,
    rejects: Path | None,
    dry_run: bool,
    opener: Callable[[Path], Any] | None = None,
) -> None:
    from django.db import transaction

    from .readers import ColumnMapping, MappingFileError, UnreadableFile, open_rows

    try:
        mapping = ColumnMapping.load(mapping_path, job.fields, job.extras_into)
        source = (opener or open_rows)(file)
    except (FileNotFoundError, UnreadableFile, MappingFileError) as error:
        raise click.ClickException(str(error)) from None
    if source.columns is not None:
        _check_columns(mapping, source.columns, job.required)
    console = Console(stderr=True)
    if dry_run:
        # Rows are really inserted (so later rows see earlier ones as duplicates), then
        # rolled back. A real import commits batch by batch instead: an interrupted
        # import keeps what it stored, and running it again skips those rows.
        with transaction.atomic():
            _import_rows(job, source, mapping, rejects, console)
            transaction.set_rollback(True)
    else:
        _import_rows(job, source, mapping, rejects, console)
    _print_summary(job, file, rejects, dry_run, sorted(mapping.ignored))


def _check_columns(mapping: Any, columns: list[str], required: tuple[str, ...]) -> None:
    missing = mapping.missing(columns, required)
    if missing:
        raise click.ClickException(
            f"The file has no column for {', '.join(missing)} (its columns: "
            f"{', '.join(columns)}). Name the columns like that, or map them with --map."
        )


def _import_rows(
    job: ImportJob, source: Any, mapping: Any, rejects: Path | None, console: Console
) -> None:
    # The reader runs ahead of the service by at most one batch; `pending` keeps the
    # original values of those rows for the rejects file.
    pending: deque[tuple[int, Mapping[str, Any]]] = deque()

    def mapped_rows() -> Iterator[Mapping[str, Any]]:
        for number, raw in source:
            pending.append((number, raw))
            yield mapping.apply(raw)

    with (
        _fewer_collections(),
        _RejectsFile(rejects, source.columns) as rejects_file,
        _progress(console) as progress,
    ):
        task = progress.add_task(f"Importing {job.noun}", total=source.total, rows=0)
        file_rows: dict[int, int] = {}  # the service's row numbers → the file's, for one batch
        for outcome in job.ingest(mapped_rows()):
            number, raw = pending.popleft()
            file_rows[outcome.row] = number
            file_rows.pop(outcome.row - RECENT_ROWS, None)
            if outcome.duplicate_of_row is not None:
                outcome.duplicate_of_row = file_rows.get(outcome.duplicate_of_row)
            _count(job, number, outcome, raw, rejects_file)
            if job.tally["read"] % PROGRESS_EVERY == 0:
                progress.update(task, completed=source.done, rows=job.tally["read"])
        progress.update(task, completed=source.total or source.done, rows=job.tally["read"])


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """An import allocates millions of short-lived objects without cycles; the default
    garbage-collector thresholds made it spend a fifth of its time scanning them."""
    threshold = gc.get_threshold()
    gc.freeze()  # Django and the loaded models are not garbage: keep them out of scans
    gc.set_threshold(50_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _reasons(outcome: RowOutcome) -> list[FieldError]:
    if outcome.status == "rejected":
        return outcome.errors
    if outcome.duplicate_of_row:
        reason = f"Duplicate of row {outcome.duplicate_of_row} of this file (id {outcome.id})"
    else:
        reason = f"Already stored (id {outcome.id}); not changed"
    return [FieldError("external_id", reason)]


def _count(job: ImportJob, number: int, outcome: RowOutcome, raw: Any, rejects: Any) -> None:
    job.tally["read"] += 1
    job.tally[outcome.status] += 1
    if outcome.status == "created":
        return
    for error in _reasons(outcome):
        rejects.write(number, outcome.status, error, raw)
        if outcome.status == "rejected" and len(job.problems) < SHOWN_PROBLEMS:
            job.problems.append((number, error.column, error.reason))


class _RejectsFile:
    """CSV of rows not stored: row, status, column, reason, then the row as it was read."""

    def __init__(self, path: Path | None, columns: list[str] | None) -> None:
        self.path = path
        self.columns = columns
        self.file: Any = None

    def __enter__(self) -> _RejectsFile:
        if self.path is not None:
            # surrogateescape writes undecodable bytes back exactly as they were read.
            self.file = self.path.open("w", encoding="utf-8", errors="surrogateescape", newline="")
            self.writer = csv.writer(self.file)
            self.writer.writerow(
                ["row", "status", "column", "reason", *(self.columns or ["original"])]
            )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.file is not None:
            self.file.close()

    def write(self, number: int, status: str, error: FieldError, raw: Mapping[str, Any]) -> None:
        if self.file is None:
            return
        if self.columns is not None:
            original = [_cell(raw.get(column)) for column in self.columns]
        elif isinstance(raw, UnreadableRow) and "original" in raw:
            original = [raw["original"]]
        else:
            original = [json.dumps(raw, ensure_ascii=False, default=str)]
        self.writer.writerow([number, status, error.column, error.reason, *original])


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def _print_summary(
    job: ImportJob, file: Path, rejects: Path | None, dry_run: bool, ignored: list[str]
) -> None:
    console = Console()
    tally = job.tally
    title = (
        f"{'Dry run: nothing stored. ' if dry_run else ''}{job.noun.capitalize()} from {file.name}"
    )
    table = Table(title=title, show_header=False)
    table.add_row("Rows read", f"{tally['read']:,}")
    table.add_row("Would be created" if dry_run else "Created", f"{tally['created']:,}")
    table.add_row("Duplicates (already stored)", f"{tally['duplicate']:,}")
    table.add_row("Rejected", f"{tally['rejected']:,}")
    console.print(table)
    if ignored:
        console.print(f"Ignored columns (not {job.noun} fields): {', '.join(ignored)}")
    if rejects is not None:
        console.print(f"Rows not stored, with reasons: {rejects}")
    elif job.problems:
        problems = Table("Row", "Column", "Reason", title="First rejected rows (see --rejects)")
        for number, column, reason in job.problems:
            problems.add_row(str(number), column, reason)
        console.print(problems)


# ---------------------------------------------------------------------------
# Export


@export.command("feedback")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "parquet"]),
    help="Default: from the file name, else csv.",
)
@click.option(
    "--from", "received_from", type=click.DateTime(["%Y-%m-%d"]), help="Received on or after."
)
@click.option(
    "--to", "received_to", type=click.DateTime(["%Y-%m-%d"]), help="Received on or before."
)
@click.option("--post", "listening_post", metavar="SLUG")
@click.option("--touchpoint", metavar="SLUG")
@click.option("--journey", metavar="SLUG")
@click.option("--team", metavar="SLUG")
@click.option("--language")
@click.option("--customer", metavar="EXTERNAL_ID")
@click.option("--redacted", is_flag=True, help="Export the redacted text instead of the original.")
def export_feedback_command(out: Path, fmt: str | None, redacted: bool, **filters: Any) -> None:
    """Export feedback in the import row format (can be imported again)."""
    from outsidein.cli import ensure_database

    from .export import export_feedback
    from .filters import FeedbackFilter, apply_filter
    from .models import FeedbackItem

    ensure_database()
    fmt = fmt or (
        out.suffix.lower().lstrip(".") if out.suffix.lower() in {".xlsx", ".parquet"} else "csv"
    )
    for name in ("received_from", "received_to"):
        filters[name] = filters[name].date() if filters[name] else None
    items = apply_filter(FeedbackItem.objects.all(), FeedbackFilter(**filters)).order_by("id")
    count = items.count()
    try:
        export_feedback(items, fmt, out, include_original_text=not redacted)
    except OSError as error:
        raise click.ClickException(f"Cannot write {out}: {error}") from None
    click.echo(f"Exported {count:,} feedback items to {out} ({fmt}).")
