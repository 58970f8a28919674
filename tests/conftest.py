"""Shared fixtures: a small organisation with one user per role."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per user; tests check roles, not the hash's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    """Two teams, two listening posts, one journey with touchpoints owned by each team."""
    from outsidein.accounts.models import Team
    from outsidein.journeys.models import Journey, Stage, Touchpoint
    from outsidein.listening.models import Channel, ListeningPost

    billing = Team.objects.create(slug="billing", name="Billing")
    field = Team.objects.create(slug="field", name="Field service")
    survey = ListeningPost.objects.create(
        slug="nps-survey",
        name="NPS survey",
        channel=Channel.SURVEY,
        structured=True,
        owner_team=billing,
    )
    tickets = ListeningPost.objects.create(
        slug="tickets", name="Support tickets", channel=Channel.SUPPORT_TICKET, owner_team=field
    )
    journey = Journey.objects.create(slug="move", name="Moving house")
    stage = Stage.objects.create(journey=journey, slug="after", name="After the move", position=1)
    invoice = Touchpoint.objects.create(
        stage=stage,
        slug="first-invoice",
        name="First invoice",
        owner_team=billing,
        moment_of_truth=True,
    )
    install = Touchpoint.objects.create(
        stage=stage, slug="installation", name="Installation", owner_team=field
    )
    return {
        "billing": billing,
        "field": field,
        "survey": survey,
        "tickets": tickets,
        "journey": journey,
        "stage": stage,
        "invoice": invoice,
        "install": install,
    }


def _user(email: str, role: str, teams=()):
    from outsidein.accounts.models import User

    user = User.objects.create_user(email, password="correct horse battery staple", role=role)
    user.teams.set(teams)
    return user


@pytest.fixture
def admin_user(org):
    return _user("admin@example.com", "admin")


@pytest.fixture
def cx_lead(org):
    return _user("lead@example.com", "cx_lead")


@pytest.fixture
def billing_member(org):
    return _user("billing@example.com", "team_member", [org["billing"]])


@pytest.fixture
def field_member(org):
    return _user("field@example.com", "team_member", [org["field"]])


@pytest.fixture
def viewer(org):
    return _user("viewer@example.com", "viewer")


@pytest.fixture
def api_token(cx_lead):
    """A plain API token for the CX lead."""
    from outsidein.accounts.tokens import create_token

    return create_token(cx_lead, "tests")[1]


PASSWORD = "correct horse battery staple"


# --- A real browser: Debian's Chromium driven by Playwright (make browser installs it) ---

CHROMIUM = os.environ.get("OUTSIDEIN_CHROMIUM", "/usr/bin/chromium")
# Headless, and no calls home: this machine's network is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = Path(os.environ.get("OUTSIDEIN_SHOTS", "/tmp/shots"))


@pytest.fixture
def chromium():
    """A launched Chromium; Playwright's sync API runs its own event loop."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make browser installs it)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): a full-page PNG in $OUTSIDEIN_SHOTS for a design review."""

    def take(page, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take
