"""Emerging topics through the page, corrections on the feedback page, touchpoint suggestion."""

from __future__ import annotations

import random

import pytest
from auditlog.models import LogEntry
from click.testing import CliRunner
from django.urls import reverse

from outsidein.codebook.cli import train_touchpoints_command
from outsidein.codebook.jobs import reanalyze_in_process
from outsidein.codebook.models import AnalysisCorrection, EmergingTopic, Theme, TopicStatus
from outsidein.codebook.services import import_codebook
from outsidein.codebook.touchpoints import MODEL_NAME, train_touchpoint_suggester
from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.models import FeedbackItem
from outsidein.feedback.reanalyze import reanalyze
from outsidein.text.codebook import default_codebook

HX = {"HTTP_HX_REQUEST": "true"}


def test_discover_then_turn_a_topic_into_a_theme_and_reanalyse(lead_client, make_items):
    rng = random.Random(3)
    wording = ["Bonuspoengene fra kundeklubben forsvant", "Kundeklubben ga meg ingen bonuspoeng",
               "Hvor ble bonuspoengene i kundeklubben av", "Bonuspoengene i kundeklubben er borte"]  # fmt: skip
    make_items([(rng.choice(wording) + f" ({n})", {}) for n in range(24)])
    make_items([(f"Helt greit, takk {n}", {}) for n in range(6)])
    page = lead_client.get(reverse("codebook:topics")).content.decode()
    assert "No discovery has run yet" in page
    lead_client.post(reverse("codebook:discover"))
    response = lead_client.get(reverse("codebook:topics"))
    cards = response.context["cards"]
    card = max(cards, key=lambda c: c["topic"].size)
    assert card["topic"].size >= 20 and len(card["quotes"]) == 3
    assert all("kundeklubb" in q.lower() or "bonuspoeng" in q.lower() for q in card["quotes"])
    assert card["quotes"][0] in response.content.decode()

    parent = Theme.objects.create(code="loyalty", name="Loyalty")
    lead_client.post(
        reverse("codebook:adopt", args=[card["topic"].pk]),
        {"name": "Kundeklubb", "parent": parent.pk},
    )
    topic = EmergingTopic.objects.get(pk=card["topic"].pk)
    assert topic.status == TopicStatus.ADOPTED and topic.theme.parent == parent
    page = lead_client.get(reverse("codebook:topics")).content.decode()
    assert "Re-analyse stored feedback" in page and "Recently handled" in page
    lead_client.post(reverse("codebook:reanalyse"), {"next": "topics"})
    tagged = [
        i
        for i in FeedbackItem.objects.all()
        if any(t["code"] == topic.theme.code for t in i.themes)
    ]
    assert len(tagged) >= 20
    others = EmergingTopic.objects.filter(status=TopicStatus.NEW)
    for other in others:
        lead_client.post(reverse("codebook:dismiss", args=[other.pk]))
    assert not EmergingTopic.objects.filter(status=TopicStatus.NEW).exists()


def open_topic(keywords: list[str]) -> EmergingTopic:
    from django.utils import timezone

    now = timezone.now()
    return EmergingTopic.objects.create(
        period_start=now, period_end=now, size=8, keywords=keywords, language="nb"
    )


def adopt_page(client, topic: EmergingTopic, **data) -> str:
    from html import unescape

    url = reverse("codebook:adopt", args=[topic.pk])
    return unescape(client.post(url, data, follow=True).content.decode())


def test_a_topic_without_keywords_is_not_turned_into_a_theme_that_tags_nothing(lead_client):
    topic = open_topic([])
    page = adopt_page(lead_client, topic, name="Tomt")
    assert "Not turned into a theme" in page and "no suggested keywords" in page
    assert not Theme.objects.exists()
    assert EmergingTopic.objects.get(pk=topic.pk).status == TopicStatus.NEW


def test_an_adopted_topic_gets_the_code_the_theme_page_would_give(lead_client):
    switched_off = Theme.objects.create(code="loyalty", name="Loyalty", active=False)
    adopt_page(lead_client, open_topic(["bonuspoeng"]), name="ÆØÅ")
    adopt_page(lead_client, open_topic(["kundeklubb"]), name="ÆØÅ")
    assert Theme.objects.get(code="aeoa").keywords == {"nb": ["bonuspoeng"]}
    assert Theme.objects.get(code="aeoa-2").keywords == {"nb": ["kundeklubb"]}
    # Under a switched-off parent the new theme could tag nothing either.
    topic = open_topic(["stempelkort"])
    page = adopt_page(lead_client, topic, name="Stempelkort", parent=switched_off.pk)
    assert "Not turned into a theme" in page and "“Loyalty” is switched off" in page
    assert not Theme.objects.filter(code="stempelkort").exists()


# Transactional: `outsidein reanalyze` closes the connections before it forks its workers.
@pytest.mark.django_db(transaction=True)
def test_a_correction_is_stored_applied_and_survives_reanalysis(client, billing_member, make_items):
    import_codebook(default_codebook())
    item = make_items([("Fakturaen var feil igjen, helt håpløst", {})])[0]
    assert any(t["code"] == "billing_error" for t in item.themes)
    client.force_login(billing_member)  # the survey belongs to the billing team
    page = client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert "Correct the analysis" in page
    response = client.post(
        reverse("feedback:correct", args=[item.pk]),
        {"sentiment": "neutral", "themes_shown": "1", "add_theme": "price"},
        **HX,
    )
    assert response.status_code == 200 and "Correction saved" in response.content.decode()
    assert response.templates[0].name == "feedback/_analysis.html"
    item.refresh_from_db()
    assert item.sentiment == "neutral" and item.sentiment_score == 0.0
    assert [t["code"] for t in item.themes] == ["price"]
    assert item.themes[0]["sentiment"] == "neutral"
    assert item.analysis["corrected"] is True
    corrections = {c.field: c for c in AnalysisCorrection.objects.filter(feedback=item)}
    assert (
        corrections["sentiment"].before == "negative"
        and corrections["sentiment"].after == "neutral"
    )
    assert "billing_error" in corrections["themes"].before and corrections["themes"].after == [
        "price"
    ]
    assert corrections["themes"].corrected_by == billing_member

    reanalyze(FeedbackItem.objects.all(), workers=1)
    reanalyze_in_process()
    item.refresh_from_db()
    assert item.sentiment == "neutral" and [t["code"] for t in item.themes] == ["price"]
    assert item.analysis["corrected_fields"] == ["sentiment", "themes"]
    assert item.redacted_text  # the rest of the analysis ran again


def test_kept_themes_keep_their_own_sentiment(lead_client, make_items):
    import_codebook(default_codebook())
    item = make_items([("Fakturaen var feil. Appen er derimot veldig bra!", {})])[0]
    before = {t["code"]: t for t in item.themes}
    assert {"billing_error", "app"} <= set(before)
    lead_client.post(
        reverse("feedback:correct", args=[item.pk]),
        {"themes_shown": "1", "theme": ["app"], "add_theme": "trust"},
    )
    item.refresh_from_db()
    assert item.themes[0] == before["app"]
    assert item.themes[1]["code"] == "trust" and item.themes[1]["sentiment"] == item.sentiment
    assert AnalysisCorrection.objects.filter(field="sentiment").count() == 0


def test_unknown_values_are_refused_and_nothing_changes(lead_client, make_items):
    item = make_items([("Bra", {})])[0]
    response = lead_client.post(
        reverse("feedback:correct", args=[item.pk]),
        {"sentiment": "furious", "themes_shown": "1", "add_theme": "no-such-theme"},
        **HX,
    )
    assert (
        "furious" in response.content.decode()
        and "Correction saved" not in response.content.decode()
    )
    assert not AnalysisCorrection.objects.exists()


def test_team_members_cannot_correct_items_they_cannot_see(client, field_member, make_items):
    item = make_items([("Fakturaen var feil", {})])[0]  # billing's survey
    client.force_login(field_member)
    url = reverse("feedback:correct", args=[item.pk])
    assert client.post(url, {"sentiment": "positive"}).status_code == 404
    assert client.post(reverse("feedback:accept_touchpoint", args=[item.pk])).status_code == 404
    assert not AnalysisCorrection.objects.exists()


INVOICE = ["Fakturaen var for høy", "Regningen stemmer ikke", "Feil beløp på fakturaen",
           "Jeg ble fakturert to ganger", "Fakturaen kom for sent", "Hvorfor er regningen så dyr"]  # fmt: skip
INSTALL = ["Montøren kom for sent", "Installasjonen tok hele dagen", "Montøren var hyggelig",
           "Boksen ble montert feil", "Teknikeren installerte ruteren", "Installatøren ryddet ikke"]  # fmt: skip


def test_touchpoint_suggester_learns_and_accept_sets_the_touchpoint(lead_client, org, make_items):
    rng = random.Random(5)
    make_items([(f"{rng.choice(INVOICE)} {n}", {"touchpoint": org["invoice"]}) for n in range(30)])
    make_items([(f"{rng.choice(INSTALL)} {n}", {"touchpoint": org["install"]}) for n in range(30)])
    report = train_touchpoint_suggester()
    assert report["per_touchpoint"] == {"first-invoice": 30, "installation": 30}
    assert report["held_out"] == 12 and report["held_out_accuracy"] >= 0.9

    fresh = FeedbackItem(
        listening_post=org["tickets"], external_id="new", text="Fakturaen er feil igjen"
    )
    fresh.received_at = FeedbackItem.objects.first().received_at
    analyze_items([fresh])
    fresh.save()
    suggestion = fresh.analysis["touchpoint_suggestion"]
    assert suggestion["touchpoint"] == "first-invoice" and suggestion["confidence"] > 0.5

    url = reverse("feedback:detail", args=[fresh.pk])
    page = lead_client.get(url).content.decode()
    assert "Suggested from the text" in page and "First invoice" in page
    lead_client.post(reverse("feedback:accept_touchpoint", args=[fresh.pk]))
    fresh.refresh_from_db()
    assert fresh.touchpoint == org["invoice"] and "touchpoint_suggestion" not in fresh.analysis
    entry = LogEntry.objects.get_for_object(fresh).filter(changes__icontains="touchpoint").first()
    assert entry is not None and entry.actor.email == "lead@example.com"


def test_train_touchpoints_command_reports_what_it_learnt(org, make_items):
    runner = CliRunner()
    result = runner.invoke(train_touchpoints_command, [])
    assert "not trained" in result.output
    make_items([(f"{INVOICE[n % 6]} {n}", {"touchpoint": org["invoice"]}) for n in range(10)])
    make_items([(f"{INSTALL[n % 6]} {n}", {"touchpoint": org["install"]}) for n in range(10)])
    result = runner.invoke(train_touchpoints_command, [])
    assert result.exit_code == 0, result.output
    assert "held-out accuracy" in result.output and "first-invoice" in result.output
    from outsidein.codebook.models import TrainedModel

    assert TrainedModel.objects.get(name=MODEL_NAME).report["examples"] == 20
