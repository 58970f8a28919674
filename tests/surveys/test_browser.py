"""The survey page in a real Chromium (Playwright): keyboard only, and without JavaScript.

Screenshots go to $OUTSIDEIN_SHOTS (default /tmp/shots) as survey-*.png.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("OUTSIDEIN_SHOTS", "/tmp/shots"))


@pytest.fixture
def browser(chromium):
    return chromium


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"survey-{name}.png"), full_page=True)


def _survey(org):
    from outsidein.customers.models import Customer
    from outsidein.surveys.library import create_from_template
    from outsidein.surveys.models import Survey

    survey = create_from_template(
        "relationship-nps",
        slug="invoice-nps",
        listening_post=org["survey"],
        touchpoint=org["invoice"],
    )
    Survey.objects.filter(pk=survey.pk).update(status="live", public_link=True)
    customer = Customer.objects.create(
        external_id="C-1001", name="Kari Nordmann", email="kari@example.no", language="nb"
    )
    return survey, customer


def _invitation(survey, customer):
    from datetime import timedelta

    from django.utils import timezone

    from outsidein.surveys.models import Invitation
    from outsidein.surveys.tokens import hash_token, new_token

    token = new_token()
    now = timezone.now()
    Invitation.objects.create(
        survey=survey,
        customer=customer,
        touchpoint=survey.touchpoint,
        language="nb",
        token_hash=hash_token(token),
        scheduled_for=now,
        sent_at=now,
        expires_at=now + timedelta(days=14),
    )
    return token


def test_answer_nps_in_norwegian_with_the_keyboard_only(
    live_server, transactional_db, org, warm_analysis, browser
):
    from outsidein.feedback.models import FeedbackItem

    survey, customer = _survey(org)
    token = _invitation(survey, customer)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nb-NO")
    page = context.new_page()
    page.set_default_timeout(10_000)
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.ok else None)
    started = time.perf_counter()
    page.goto(f"{live_server.url}/s/{token}/", wait_until="load")
    loaded_ms = (time.perf_counter() - started) * 1000
    paint = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null"
    )
    assert page.locator("html").get_attribute("lang") == "nb"
    assert sum(sizes) < 20_000, sizes  # one request, no scripts, inline CSS
    assert len(sizes) == 1
    page.reload(wait_until="load")  # warm: what a customer on a running server gets
    timing = page.evaluate(
        "(() => { const n = performance.getEntriesByType('navigation')[0];"
        " const p = performance.getEntriesByName('first-contentful-paint')[0];"
        " return {ttfb: n.responseStart, loaded: n.loadEventEnd, paint: p ? p.startTime : null,"
        " bytes: n.transferSize}; })()"
    )
    shot(page, "form-mobile")

    scale = page.get_by_role("radiogroup", name="Hvor sannsynlig er det at du vil anbefale oss")
    assert scale.get_by_role("radio", name="0 — ikke i det hele tatt sannsynlig").count() == 1
    assert scale.get_by_role("radio", name="10 — svært sannsynlig").count() == 1

    # Keyboard only: Tab into the scale, arrows to 9, Tab to the comment, to consent, send.
    page.keyboard.press("Tab")  # the language switch comes first: skip its links
    while page.evaluate("document.activeElement.name") != "q1":
        page.keyboard.press("Tab")
    focus_style = page.evaluate(
        "getComputedStyle(document.activeElement.nextElementSibling).outlineStyle"
    )
    assert focus_style == "solid"  # a visible focus ring on the focused scale point
    page.keyboard.press("Space")  # selects 0
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    assert scale.get_by_role("radio", name="9").is_checked()
    shot(page, "keyboard-focus")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "q2"
    page.keyboard.type("Fakturaen var tydelig og kundeservice var veldig hjelpsom.")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # consent: "Ja"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{token}/thanks/**")
    assert page.get_by_role("heading", name="Takk for svarene dine").is_visible()
    shot(page, "thanks")

    item = FeedbackItem.objects.get()
    assert item.nps == 9 and item.customer == customer
    assert item.answers["consent_contact"] is True
    assert item.language == "nb" and item.analyzed_at is not None
    assert item.sentiment in {"positive", "neutral", "negative"}
    print(f"\nsurvey page: {sum(sizes)} bytes; cold load {loaded_ms:.0f} ms (paint {paint} ms);")
    print(f"warm: {timing}")
    context.close()


def test_works_without_javascript_and_shows_errors(
    live_server, transactional_db, org, warm_analysis, browser
):
    from outsidein.feedback.models import FeedbackItem

    survey, _customer = _survey(org)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1024, "height": 800}, locale="sv-SE"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/s/p/{survey.slug}/")
    assert page.locator("html").get_attribute("lang") == "sv"  # from the browser's language
    page.get_by_role("link", name="Norsk nynorsk").click()
    assert page.get_by_text("Kor sannsynleg er det").is_visible()
    page.get_by_role("button", name="Send svar").click()  # nothing chosen: an error
    assert page.get_by_role("alert").is_visible()
    shot(page, "error-nojs")
    page.get_by_role("radio", name="7").check()
    page.get_by_label("Kva er den viktigaste grunnen til svaret ditt?").fill("Greitt nok.")
    page.get_by_role("button", name="Send svar").click()
    assert page.get_by_role("heading", name="Takk for svara dine").is_visible()
    shot(page, "thanks-nojs")
    item = FeedbackItem.objects.get()
    assert (item.nps, item.language, item.customer) == (7, "nn", None)
    context.close()


def test_cx_lead_sees_the_survey_with_its_qr_code(live_server, transactional_db, org, browser):
    from outsidein.accounts.models import User

    survey, _customer = _survey(org)
    User.objects.create_user(
        "lead@example.com", password="correct horse battery staple", role="cx_lead"
    )
    page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/surveys/{survey.slug}/")
    page.get_by_label("E-mail address").fill("lead@example.com")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name=survey.name).is_visible()
    assert page.locator("svg title", has_text="QR code").count() == 1
    shot(page, "staff-detail")
    page.goto(f"{live_server.url}/surveys/")
    shot(page, "staff-list")
