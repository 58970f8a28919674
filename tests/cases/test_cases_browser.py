"""The inbox in a real Chromium: j/k move between cases, Enter opens one, filters
refresh the list in place (htmx)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


SHOTS = Path(os.environ.get("OUTSIDEIN_SHOTS", "/tmp/shots"))


def shot(tab, name: str) -> None:
    """Screenshots for a design review."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def page(chromium):
    tab = chromium.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
    tab.set_default_timeout(10_000)
    return tab


def test_keyboard_navigation_opens_a_case(
    live_server, transactional_db, org, make_item, make_rule, billing_member, page
):
    from playwright.sync_api import expect

    from outsidein.cases.routing import open_cases_for

    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="Detractor", priority="high")
    make_rule(
        {"kind": "nps", "op": "<=", "value": 1}, name="Critical detractor", priority="critical"
    )
    items = [
        make_item(f"k{i}", nps=i, touchpoint=org["invoice"], text=f"Svar {i}") for i in range(3)
    ]
    opened = open_cases_for([item.pk for item in items])
    assert len(opened) == 3  # one case per item for the team: the most urgent rule opens it

    page.goto(f"{live_server.url}/login/?next=/cases/")
    page.get_by_label("E-mail address").fill(billing_member.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    rows = page.locator("tr.case-row")
    expect(rows).to_have_count(3)
    shot(page, "cases-inbox")

    page.get_by_label("Priority").select_option("critical")  # htmx swaps the rows in place
    expect(rows).to_have_count(2)
    expect(page).to_have_url(f"{live_server.url}/cases/?status=open&priority=critical")

    page.locator("body").press("j")
    page.locator("body").press("j")
    second = rows.nth(1)
    expect(second).to_have_class("case-row is-current")
    target = second.get_attribute("data-case-url")
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("case-row is-current")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}{target}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Critical detractor")
    shot(page, "cases-detail")
