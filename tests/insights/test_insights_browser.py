"""A real Chromium opens the journey heatmap, sees scored cells, and a click on a cell opens the
feedback explorer filtered by that touchpoint.  Screenshots of every Measure page go to
$OUTSIDEIN_SHOTS (default /tmp/shots) as insights-*.png for a design review."""

from __future__ import annotations

import os
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from .conftest import PASSWORD, make_items

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("OUTSIDEIN_SHOTS", "/tmp/shots"))
QUOTES = [
    "The invoice was twice what I expected and nobody explained why, please call me on [PHONE]",
    "Installer came on time, friendly and tidy. Great service!",
    "Ordering online was easy, but the confirmation e-mail never arrived",
    "Chat agent solved my billing question in two minutes, thanks",
]


@pytest.fixture
def browser_page(chromium):
    page = chromium.new_page(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def rich(world):
    """~500 answers over six months: invoice poor, installation good, order middling."""
    from outsidein.insights.rollups import rebuild_rollups

    rng = random.Random(7)
    mean = {"invoice": 5.5, "install": 8.8, "order": 7.6, None: 7.0}
    specs = []
    for i in range(500):
        tp = rng.choice(["invoice", "install", "order", "invoice", None])
        nps = max(0, min(10, round(rng.gauss(mean[tp], 2.2))))
        sentiment = "negative" if nps <= 6 else "positive" if nps >= 9 else "neutral"
        specs.append(
            {
                "external_id": f"b-{i}",
                "post": rng.choice(["survey", "survey", "tickets", "chat"]),
                "touchpoint": tp,
                "day": date(2026, 10, 31) - timedelta(days=rng.randrange(180)),
                "customer": rng.choice(["A", "B", "C", None]),
                "nps": nps,
                "csat": max(1, min(5, round(nps / 2.2))),
                "ces": max(1, min(7, round(nps * 0.65))),
                "sentiment": sentiment,
                "language": rng.choice(["nb", "sv", "en"]),
                "themes": [rng.choice(["billing", "price", "staff", "delivery"])],
                "text": QUOTES[i % 4],
            }
        )
    items = make_items(world, specs)
    rebuild_rollups()
    return items


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"insights-{name}.png"), full_page=True)


def test_heatmap_cells_scored_and_click_opens_filtered_feedback(
    live_server, transactional_db, rich, cx_lead, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    elsewhere = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url)
    )
    page.goto(f"{live_server.url}/login/?next=/insights/journeys/")
    page.get_by_label("E-mail address").fill(cx_lead.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Journey heatmap", level=1)).to_be_visible()
    cells = page.locator("a.heat-cell")
    expect(cells).to_have_count(3)
    invoice = page.locator('a.heat-cell[data-touchpoint="first-invoice"]')
    score = invoice.locator(".heat-cell__score").inner_text()
    assert score.lstrip("−-").isdigit()  # a number, not "–"
    expect(invoice).to_contain_text("Billing")  # owner team named
    expect(invoice.locator(".mot-star")).to_be_visible()  # moment of truth marked
    good = page.locator('a.heat-cell[data-touchpoint="installation"]')
    assert int(good.get_attribute("data-heat")) > int(invoice.get_attribute("data-heat"))
    shot(page, "heatmap")

    invoice.click()
    expect(page).to_have_url(f"{live_server.url}/feedback/?touchpoint=first-invoice")
    expect(page.locator(".feedback-card").first).to_be_visible()
    expect(page.get_by_label("Touchpoint")).to_have_value("first-invoice")

    for name, path in [
        ("overview", ""),
        ("themes", "themes/"),
        ("channels", "channels/"),
        ("priorities", "priorities/"),
        ("value", "value/"),
        ("business", "business/"),
    ]:
        page.goto(f"{live_server.url}/insights/{path}")
        expect(page.locator("h1")).to_be_visible()
        for chart in page.locator("[data-chart]").all():
            expect(chart).to_have_attribute("data-ready", "true")  # ECharts drew it
        shot(page, name)
    assert elsewhere == []  # no CDN, no call-outs
