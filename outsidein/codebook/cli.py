"""`outsidein codebook import|export`, `outsidein topics discover`, `outsidein text train`."""

from __future__ import annotations

import os

import click


@click.group()
def codebook() -> None:
    """The organisation's codebook of themes."""


@codebook.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_command(path: str) -> None:
    """Create or update themes from a codebook YAML file (matched by code)."""
    from outsidein.cli import ensure_database
    from outsidein.text.codebook import CodebookError

    from .services import StoredCodebook, import_codebook

    ensure_database()
    try:
        report = import_codebook(StoredCodebook.from_yaml(path))
    except CodebookError as error:
        raise click.ClickException(f"{path}: {error}") from error
    click.echo(
        f"themes: {report['created']} created, {report['updated']} updated, "
        f"{report['unchanged']} unchanged; run `outsidein reanalyze` to apply them to stored feedback"
    )


@codebook.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False))
def export_command(output: str | None) -> None:
    """Write the codebook (the default one until the organisation has its own) as YAML."""
    from outsidein.cli import ensure_database

    from .services import export_codebook

    ensure_database()
    text = export_codebook().to_yaml()
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@click.group()
def topics() -> None:
    """Emerging topics: feedback no theme covers."""


@topics.command("discover")
@click.option("--days", default=30, show_default=True, help="How far back to look.")
@click.option("--min-size", default=5, show_default=True, help="Smallest cluster to report.")
def discover_command(days: int, min_size: int) -> None:
    """Cluster recent uncovered feedback into emerging topics."""
    from outsidein.cli import ensure_database

    from .topics import discover_emerging_topics

    ensure_database()
    found = discover_emerging_topics(days=days, min_cluster_size=min_size)
    for topic in found:
        direction = topic.trend.get("direction", "")
        click.echo(f"{topic.size:6d}  {direction:8s}  {', '.join(topic.keywords[:6])}")
    click.echo(f"{len(found)} emerging topics")


@click.command("train")
@click.option("--seed", default=0, show_default=True)
def train_command(seed: int) -> None:
    """Adapt the sentiment model to this organisation's scored and corrected feedback."""
    from outsidein.cli import ensure_database
    from outsidein.feedback.deep_pass import deep_sentiment_available
    from outsidein.text import embeddings

    from .adaptation import DEEP_MAX_EXAMPLES
    from .services import train_sentiment_adapter

    ensure_database()
    if deep_sentiment_available():
        # An operator's command, not a request: the embedding may use every core.
        embeddings.encoder(threads=os.cpu_count())
        click.echo(
            f"the background-path adapter embeds up to {DEEP_MAX_EXAMPLES:,} comments "
            "(tens per second per core): on a large database this takes minutes"
        )
    report = train_sentiment_adapter(seed=seed)
    click.echo(
        f"examples: {report['examples']} ({report['train']} train, {report['held_back']} held back)"
    )
    if "reason" in report:
        click.echo(f"not trained: {report['reason']}")
        return
    click.echo("fast path (every item, at ingestion):")
    _echo_comparison(report)
    verdict = "adopted: new feedback uses it; run `outsidein reanalyze` for stored feedback"
    click.echo(verdict if report["adopted"] else "kept the shipped model: not reliably better")
    deep = report.get("deep")
    if deep is None:
        return
    click.echo("background path (sentence embeddings):")
    _echo_comparison(deep)
    if deep["adopted"]:
        blend = " averaged with the fast adapter" if deep.get("fast_share") else ""
        click.echo(f"adopted{blend}: the background pass re-scores feedback with it")
    else:
        click.echo("not adopted: not reliably better than the shipped deep model and the fast path")


def _echo_comparison(report: dict) -> None:
    from .adaptation import ADOPT_CONFIDENCE, BOOTSTRAP_ROUNDS

    for name in ("before", "after"):
        scores = report[name]
        click.echo(
            f"  {name:7s} accuracy {scores['accuracy']:.3f}  macro-F1 {scores['macro_f1']:.3f}"
        )
    click.echo(
        f"  better in {report['win_share']:.0%} of {BOOTSTRAP_ROUNDS} resamples of the held-back "
        f"part (adopted from {ADOPT_CONFIDENCE:.0%})"
    )


@click.command("train-touchpoints")
@click.option("--seed", default=0, show_default=True)
def train_touchpoints_command(seed: int) -> None:
    """Learn to suggest a touchpoint from the text of feedback that has one."""
    from outsidein.cli import ensure_database

    from .touchpoints import train_touchpoint_suggester

    ensure_database()
    report = train_touchpoint_suggester(seed=seed)
    click.echo(f"examples: {report['examples']}")
    for slug, count in report["per_touchpoint"].items():
        click.echo(f"  {count:6d}  {slug}")
    if "reason" in report:
        click.echo(f"not trained: {report['reason']}")
        return
    accuracy = report["held_out_accuracy"]
    shown = "n/a" if accuracy is None else f"{accuracy:.3f}"
    click.echo(
        f"held-out accuracy {shown} on {report['held_out']} items "
        f"(always guessing the largest touchpoint: {report['majority_baseline']:.3f})"
    )
    click.echo(
        "stored: new feedback without a touchpoint gets a suggestion; "
        "run `outsidein reanalyze` for stored feedback"
    )
