"""The sentiment page: what `text train` learnt, and a CX lead can start it."""

from __future__ import annotations

import random

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from outsidein.codebook.jobs import train_sentiment_job
from outsidein.codebook.models import TrainingRun
from outsidein.feedback.models import FeedbackItem


def glorpete_rows(n: int = 300) -> list[tuple[str, dict]]:
    """A made-up word only this organisation's customers use, with clear scores."""
    rng = random.Random(5)
    rows = []
    for i in range(n):
        rows.append(
            (
                f"Måleren {rng.choice(['blinker', 'står'])} glorpete igjen",
                {"nps": rng.randint(0, 4)},
            )
        )
        rows.append(
            (
                f"Appen er {rng.choice(['fin', 'grei'])} og skummel snasen",
                {"nps": rng.randint(9, 10)},
            )
        )
        if i % 3 == 0:
            rows.append((f"Måleren ble byttet i uke {i % 50}", {"nps": rng.randint(7, 8)}))
    return rows  # fmt: skip


def test_before_any_training_the_page_says_the_shipped_model_is_in_use(client, viewer, make_items):
    make_items([("Bra", {"nps": 10}), ("Ingen score", {}), ("", {"nps": 3})])
    client.force_login(viewer)
    page = client.get(reverse("codebook:sentiment")).content.decode()
    assert "1 scored or corrected comment to learn from" in page  # text and a score
    assert "Training needs at least 250" in page
    assert "The shipped model: no adapted model has been adopted." in page
    assert "No training has run yet." in page
    assert reverse("codebook:train") not in page  # viewers may look, not train


def test_a_training_run_shows_its_figures_and_who_asked(lead_client, cx_lead, make_items):
    make_items(glorpete_rows())
    report = train_sentiment_job(cx_lead.pk)
    assert report["adopted"]
    run = TrainingRun.objects.get()
    assert run.requested_by == cx_lead and run.report["after"] == report["after"]
    page = lead_client.get(reverse("codebook:sentiment")).content.decode()
    assert "Your adapted model since" in page
    assert floatformat(report["after"]["macro_f1"], 3) in page  # the adapted one, held back
    assert floatformat(report["before"]["macro_f1"], 3) in page  # next to the shipped model's
    assert "Better in 100 % of 1,000 resamples" in page
    assert cx_lead.email in page and "At ingestion: adopted." in page
    assert "Re-analyse stored feedback to give it the adapted tone" in page
    item = FeedbackItem.objects.filter(text__contains="glorpete").first()
    assert item.sentiment != "negative"  # stored before the adapter existed
    response = lead_client.post(reverse("codebook:reanalyse"), {"next": "sentiment"})
    assert response.url == reverse("codebook:sentiment")
    item.refresh_from_db()
    assert item.sentiment == "negative"  # the organisation's word, learnt
    if report.get("deep"):  # the made-up words are learnt perfectly at ingestion already
        assert not report["deep"]["adopted"] and "Resting: the adapted model" in page


def test_a_cx_lead_queues_training_and_a_viewer_may_not(client, viewer, lead_client):
    response = lead_client.post(reverse("codebook:train"))
    assert response.status_code == 302 and OrmQ.objects.count() == 1
    assert "Training is queued" in lead_client.get(response.url).content.decode()
    client.force_login(viewer)
    assert client.post(reverse("codebook:train")).status_code == 403
    assert OrmQ.objects.count() == 1


def test_too_little_data_is_explained_after_a_run(lead_client, make_items):
    make_items([("Bra service", {"nps": 10})] * 3)
    report = train_sentiment_job()
    assert "too few" in report["reason"]
    page = lead_client.get(reverse("codebook:sentiment")).content.decode()
    assert "Not trained: too few scored or corrected comments" in page


@pytest.mark.browser
def test_the_page_in_a_real_browser(
    live_server, transactional_db, org, cx_lead, chromium, screenshot
):
    from playwright.sync_api import expect

    from outsidein.feedback.analysis import analyze_items
    from outsidein.feedback.models import FeedbackItem

    items = [
        FeedbackItem(listening_post=org["survey"], external_id=f"b{n}", received_at=timezone.now(), text=text, **fields)
        for n, (text, fields) in enumerate(glorpete_rows())
    ]  # fmt: skip
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    train_sentiment_job(cx_lead.pk)
    page = chromium.new_page(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page.goto(f"{live_server.url}/")
    page.get_by_label("E-mail address").fill(cx_lead.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}{reverse('codebook:sentiment')}")
    fast = page.get_by_role("region", name="At ingestion (every item)")
    expect(fast.get_by_role("row", name="Adapted to your feedback")).to_contain_text("1.000")
    expect(page.get_by_role("button", name="Train on our feedback")).to_be_visible()
    screenshot(page, "codebook-sentiment")
