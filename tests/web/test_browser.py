"""A real Chromium signs in, filters the explorer, opens a customer page (Playwright).

Screenshots of each page go to $OUTSIDEIN_SHOTS (default /tmp/shots) for a design review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("OUTSIDEIN_SHOTS", "/tmp/shots"))


@pytest.fixture
def browser_page(chromium):
    page = chromium.new_page(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page.set_default_timeout(10_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_filter_and_open_a_customer(
    live_server, transactional_db, shop, cx_lead, browser_page
):
    from playwright.sync_api import expect

    page = browser_page
    requests_elsewhere = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else requests_elsewhere.append(r.url),
    )

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Sign in to Outside-In")).to_be_visible()
    shot(page, "login")
    page.get_by_label("E-mail address").fill(cx_lead.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    cards = page.locator(".feedback-card")
    expect(cards).to_have_count(3)
    shot(page, "explorer")
    # Keyboard users land on the skip link first, and it leads to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Choosing a touchpoint refreshes the list in place (htmx) and records it in the URL.
    page.get_by_label("Touchpoint").select_option("first-invoice")
    expect(cards).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/feedback/?touchpoint=first-invoice")
    page.get_by_label("Sentiment").select_option("negative")
    expect(cards).to_have_count(1)
    expect(page).to_have_url(
        f"{live_server.url}/feedback/?touchpoint=first-invoice&sentiment=negative"
    )
    expect(cards.first).to_contain_text("[PHONE]")
    shot(page, "explorer-filtered")

    cards.first.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", name="What the customer said")).to_be_visible()
    shot(page, "feedback-detail")
    page.get_by_role("link", name="Kari Nordmann").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Kari Nordmann")
    expect(page.get_by_text("2,000 NOK").first).to_be_visible()
    shot(page, "customer")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journeys").click()
    expect(page.get_by_role("heading", name="Moving house")).to_be_visible()
    shot(page, "journeys")
    assert requests_elsewhere == []
