"""The codebook in the database: analysis at ingestion, reanalysis, topics, training."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

from outsidein.cli import main
from outsidein.codebook.models import AnalysisCorrection, EmergingTopic, Theme, TopicStatus
from outsidein.codebook.services import current_codebook, import_codebook, train_sentiment_adapter
from outsidein.codebook.topics import adopt_topic, discover_emerging_topics
from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.deep_pass import deep_sentiment_available
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.reanalyze import reanalyze
from outsidein.text.codebook import Codebook

PARKING = Codebook.from_dict(
    {"themes": [{"code": "parking", "name": "Parking", "keywords": {"nb": ["parkering"]}}]}
)


def make_item(org, n: int, text: str, **fields) -> FeedbackItem:
    item = FeedbackItem(
        listening_post=org["survey"],
        external_id=f"r{n}",
        received_at=fields.pop("received_at", timezone.now() - timedelta(days=1)),
        text=text,
        **fields,
    )
    analyze_items([item])
    item.save()
    return item


def test_analysis_is_stored_with_redaction_language_sentiment_and_themes(org):
    item = make_item(org, 1, "Fakturaen var feil igjen, og ingen svarte. Ring meg på 912 34 567.")
    item.refresh_from_db()
    assert "912 34 567" not in item.redacted_text and "[PHONE]" in item.redacted_text
    assert item.language in {"nb", "nn", "da"} and item.sentiment == "negative"
    codes = {theme["code"] for theme in item.themes}
    assert any("invoice" in code or "billing" in code for code in codes), codes
    assert item.analysis["language_source"] == "detected"


def test_a_language_given_by_the_source_is_kept(org):
    item = make_item(org, 2, "Bra service", language="sv")
    assert item.language == "sv" and item.analysis["language_source"] == "given"


def test_items_without_text_get_an_empty_analysis(org):
    item = make_item(org, 3, "", nps=9)
    assert (item.redacted_text, item.sentiment, item.themes) == ("", "", [])
    assert item.analyzed_at is not None


@pytest.mark.django_db(transaction=True)  # reanalyze closes connections before forking workers
def test_reanalyze_after_a_codebook_change_updates_themes(org):
    item = make_item(org, 4, "Parkeringen ved kontoret er umulig å finne")
    assert not any(t["code"] == "parking" for t in item.themes)
    import_codebook(PARKING)
    assert current_codebook().get("parking") is not None
    assert reanalyze(FeedbackItem.objects.all(), workers=1) == 1
    item.refresh_from_db()
    assert [t["code"] for t in item.themes] == ["parking"]


def test_codebook_yaml_round_trip_through_the_cli(db, tmp_path):
    path = tmp_path / "codebook.yaml"
    path.write_text(PARKING.to_yaml(), encoding="utf-8")
    runner = CliRunner()
    assert "1 created" in runner.invoke(main, ["codebook", "import", str(path)]).output
    assert "1 unchanged" in runner.invoke(main, ["codebook", "import", str(path)]).output
    exported = runner.invoke(main, ["codebook", "export"]).output
    assert Codebook.from_yaml(exported) == PARKING
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes:\n  - {code: x, name: X, patterns: {nb: ['(']}}\n")
    result = runner.invoke(main, ["codebook", "import", str(bad)])
    assert result.exit_code != 0 and "x" in result.output
    assert Theme.objects.count() == 1


def test_a_switched_off_theme_stays_off_through_cli_export_and_import(db, tmp_path):
    runner = CliRunner()
    path = tmp_path / "codebook.yaml"
    path.write_text(PARKING.to_yaml(), encoding="utf-8")
    runner.invoke(main, ["codebook", "import", str(path)])
    Theme.objects.filter(code="parking").update(active=False)
    path.write_text(runner.invoke(main, ["codebook", "export"]).output, encoding="utf-8")
    Theme.objects.filter(code="parking").update(active=True)
    result = runner.invoke(main, ["codebook", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert Theme.objects.get(code="parking").active is False


@pytest.mark.django_db(transaction=True)
def test_emerging_topic_becomes_a_theme_that_reanalysis_applies(org):
    rng = random.Random(3)
    # A loyalty-club complaint: nothing in the default codebook covers it.
    wording = ["Bonuspoengene fra kundeklubben forsvant", "Kundeklubben ga meg ingen bonuspoeng",
               "Hvor ble bonuspoengene i kundeklubben av", "Bonuspoengene i kundeklubben er borte"]  # fmt: skip
    for n in range(24):
        make_item(org, 100 + n, rng.choice(wording))
    for n in range(6):
        make_item(org, 200 + n, f"Helt greit, takk {n}")
    found = discover_emerging_topics(days=30, min_cluster_size=5)
    assert found, "the planted cluster should be found"
    topic = max(found, key=lambda t: t.size)
    assert topic.size >= 20 and any("bonuspoeng" in k or "kundeklubb" in k for k in topic.keywords)
    theme = adopt_topic(topic, "Kundeklubb")
    assert EmergingTopic.objects.get(pk=topic.pk).status == TopicStatus.ADOPTED
    reanalyze(FeedbackItem.objects.all(), workers=1)
    tagged = [
        i for i in FeedbackItem.objects.all() if any(t["code"] == theme.code for t in i.themes)
    ]
    assert len(tagged) >= 20


def scored_items(org, rows):
    items = [
        FeedbackItem(
            listening_post=org["survey"],
            external_id=f"t{n}",
            received_at=timezone.now(),
            text=text,
            nps=nps,
        )
        for n, (text, nps) in enumerate(rows)
    ]
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)


@pytest.mark.parametrize("with_corrections", [False, True])
def test_text_train_learns_the_organisations_words(org, with_corrections):
    # A made-up product word only this organisation's customers use, with clear scores.
    rng = random.Random(7)
    rows = []
    for n in range(300):
        rows.append(
            (f"Måleren {rng.choice(['blinker', 'står'])} glorpete igjen", rng.randint(0, 4))
        )
        rows.append(
            (f"Appen er {rng.choice(['fin', 'grei'])} og skummel snasen", rng.randint(9, 10))
        )
        if n % 3 == 0:
            rows.append((f"Måleren ble byttet i uke {n % 50}", rng.randint(7, 8)))
    scored_items(org, rows)
    assert make_item(org, 99998, "Måleren står glorpete igjen").sentiment != "negative"
    if with_corrections:
        item = FeedbackItem.objects.filter(nps__lte=4).first()
        AnalysisCorrection.objects.create(
            feedback=item, field="sentiment", before="negative", after="neutral"
        )
    report = train_sentiment_adapter()
    assert report["train"] > 400 and report["held_back"] > 50, report
    assert report["after"]["macro_f1"] > report["before"]["macro_f1"], report
    assert report["adopted"]
    fresh = make_item(org, 99999, "Måleren står glorpete igjen")
    assert fresh.sentiment == "negative"  # the shipped model alone calls it neutral
    result = CliRunner().invoke(main, ["text", "train"])
    assert "macro-F1" in result.output and "adopted" in result.output
    if deep_sentiment_available():  # the background path is compared too, and says so
        assert "background path" in result.output and "deep" in report


def test_text_train_explains_when_there_is_too_little_data(org):
    make_item(org, 5, "Bra", nps=10)
    result = CliRunner().invoke(main, ["text", "train"])
    assert "not trained: too few scored or corrected comments" in result.output
    assert datetime.now(UTC)  # the command finished without touching the model table
