"""Facts about Nordlys Energi & Fiber, the demo company, and the story its data tells.

The year of feedback is split into twelve windows (0 = oldest). Events happen in fixed
windows, so every demo shows the same story whatever day it is built:

- window 1–2: a price increase is announced; price complaints rise;
- window 3: a storm takes out power and fibre in western Norway; outages spike;
- window 6: a new billing system goes live; billing errors climb, peak, then fall back;
- window 8: a new app version ships; app reviews turn from complaints to praise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

COMPANY_NAME = "Nordlys Energi & Fiber"
SETUP_FILE = Path(__file__).with_name("setup.yaml")
DEMO_PASSWORD = "nordlys-demo"
DEMO_DOMAIN = "nordlys.example"
WINDOWS = 12


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    role: str
    teams: tuple[str, ...] = ()
    language: str = ""
    what: str = ""


USERS = (
    DemoUser(
        f"admin@{DEMO_DOMAIN}",
        "Mats",
        "Lindqvist",
        "admin",
        what="administrator (Django admin too)",
    ),
    DemoUser(
        f"lead@{DEMO_DOMAIN}",
        "Ingrid",
        "Solberg",
        "cx_lead",
        ("cx-office",),
        "nb",
        "CX lead, the banner carrier",
    ),
    DemoUser(
        f"service@{DEMO_DOMAIN}",
        "Jonas",
        "Eriksen",
        "team_member",
        ("customer-service",),
        "nb",
        "team member, customer service",
    ),
    DemoUser(
        f"billing@{DEMO_DOMAIN}",
        "Sofie",
        "Dalgaard",
        "team_member",
        ("billing",),
        "",
        "team member, billing",
    ),
    DemoUser(
        f"viewer@{DEMO_DOMAIN}", "Per Kristian", "Aas", "viewer", (), "nb", "executive (viewer)"
    ),
)
MARKER_EMAIL = USERS[0].email  # a database with this user was built by `outsidein demo`

PRICE_WINDOWS = {1: 3.0, 2: 2.0}
OUTAGE_WINDOWS = {3: 7.0, 4: 2.0}
BILLING_WINDOWS = {6: 3.5, 7: 4.5, 8: 3.0, 9: 1.8, 10: 1.3}
APP_RELEASE_WINDOW = 8

# How often each theme comes up in an ordinary window.
BASE_THEME_WEIGHTS = {
    "billing_error": 1.0,
    "price": 0.6,
    "outage": 0.6,
    "installation": 0.8,
    "speed": 0.8,
    "support": 1.2,
    "app": 0.8,
    "moving": 0.5,
    "onboarding": 0.6,
    "cancellation": 0.15,
    "general": 1.6,
}

# Chance that a comment on the theme is positive (the rest is the theme's other tone).
POSITIVE_SHARE = {
    "installation": 0.6,
    "speed": 0.55,
    "support": 0.55,
    "moving": 0.55,
    "onboarding": 0.7,
    "outage": 0.15,
    "general": 0.7,
    "price": 0.0,
}
APP_POSITIVE_BEFORE, APP_POSITIVE_AFTER = 0.25, 0.8
DISPOSITION_SHIFT = {"happy": 0.2, "neutral": 0.0, "unhappy": -0.35}

# Where comments on a theme arrive (listening post slug -> weight).
THEME_POSTS = {
    "app": {"app-reviews": 4, "ces-self-service": 3, "nps-relationship": 1, "chat": 1},
    "billing_error": {
        "support-tickets": 3,
        "nps-relationship": 2,
        "csat-support": 2,
        "chat": 2,
        "ces-self-service": 1,
    },
    "outage": {
        "support-tickets": 3,
        "chat": 3,
        "nps-relationship": 2,
        "app-reviews": 1,
        "csat-support": 1,
    },
    "installation": {"nps-relationship": 3, "csat-support": 1, "support-tickets": 2},
    "speed": {"nps-relationship": 3, "chat": 2, "support-tickets": 2, "app-reviews": 1},
    "support": {"csat-support": 5, "nps-relationship": 2, "chat": 1},
    "price": {"nps-relationship": 3, "support-tickets": 1, "chat": 1},
    "moving": {
        "ces-self-service": 2,
        "support-tickets": 2,
        "csat-support": 2,
        "nps-relationship": 1,
        "chat": 1,
    },
    "onboarding": {"nps-relationship": 2, "ces-self-service": 2},
    "general": {"nps-relationship": 6, "app-reviews": 1, "csat-support": 1},
    "cancellation": {"support-tickets": 3, "chat": 2, "csat-support": 1},
    "business": {"support-tickets": 2, "nps-relationship": 2},
}

# The touchpoints a comment on a theme is about (slug -> weight); none for "general".
THEME_TOUCHPOINTS = {
    "billing_error": {"monthly-invoice": 4, "first-invoice": 1, "payment-reminder": 1},
    "price": {"price-change-notice": 3, "monthly-invoice": 1},
    "outage": {"outage-notice": 3, "fault-report": 2, "repair-visit": 1},
    "installation": {"technician-visit": 3, "installation-booking": 1, "router-setup": 1},
    "speed": {"first-week-speed": 2, "router-setup": 1},
    "support": {"support-call": 3, "support-chat": 2},
    "app": {"app-self-service": 1},
    "moving": {"move-notice": 2, "move-activation": 2, "final-meter-reading": 1},
    "onboarding": {"online-order": 2, "order-confirmation": 1, "welcome-call": 1, "web-offer": 1},
    "cancellation": {"cancellation": 1},
    "business": {"support-call": 1, "outage-notice": 1, "monthly-invoice": 1},
    "general": {},
}

# Share of items that carry a touchpoint: relationship surveys are often about nothing specific.
TOUCHPOINT_SHARE = {"nps-relationship": 0.55, "app-reviews": 0.5}
DEFAULT_TOUCHPOINT_SHARE = 0.85

EXTERNAL_ID_PREFIX = {
    "nps-relationship": "NPS",
    "csat-support": "CSAT",
    "ces-self-service": "CES",
    "app-reviews": "REV",
    "support-tickets": "TCK",
    "chat": "CHAT",
}
