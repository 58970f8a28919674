"""The demo's customers and their monthly bills, as rows in the import format."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import names
from .identifiers import ascii_slug

COUNTRY_WEIGHTS = {"NO": 0.55, "SE": 0.25, "DK": 0.20}
LANGUAGE_WEIGHTS = {
    "NO": {"nb": 0.78, "nn": 0.14, "en": 0.08},
    "SE": {"sv": 0.92, "en": 0.08},
    "DK": {"da": 0.92, "en": 0.08},
}
DISPOSITIONS = {"happy": 0.55, "neutral": 0.27, "unhappy": 0.18}
# Detractors leave more often: about 10 % churn overall.
CHURN_CHANCE = {"happy": 0.05, "neutral": 0.1, "unhappy": 0.3}
BUSINESS_SHARE = 0.04
# Monthly price ranges in local currency: (broadband, electricity at an average month).
PRICES = {
    "NO": ((549, 899), (450, 1400)),
    "SE": ((399, 649), (350, 1100)),
    "DK": ((249, 429), (300, 900)),
}
BUSINESS_MONTHLY = {"NO": (4_000, 140_000), "SE": (3_500, 120_000), "DK": (3_000, 95_000)}
# Electricity costs more in the dark months.
SEASON = {
    1: 1.6,
    2: 1.5,
    3: 1.25,
    4: 1.0,
    5: 0.75,
    6: 0.6,
    7: 0.55,
    8: 0.6,
    9: 0.8,
    10: 1.05,
    11: 1.3,
    12: 1.55,
}


@dataclass
class CustomerPlan:
    external_id: str
    name: str
    email: str
    country: str
    language: str
    city: str
    created_on: date
    ended_on: date | None
    segment: str
    products: tuple[str, ...]
    plan: str
    broadband: float
    electricity: float
    disposition: str
    key_account: bool = False
    # Dates of billing-error complaints: each gets a credit note.
    credit_notes: list[date] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return names.CURRENCY[self.country]

    @property
    def monthly(self) -> float:
        return self.broadband + self.electricity

    def active_on(self, day: date) -> bool:
        return self.created_on <= day and (self.ended_on is None or day <= self.ended_on)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def window_start(end: date) -> date:
    return end - timedelta(days=364)


def plan_customers(rng: random.Random, count: int, end: date) -> list[CustomerPlan]:
    emails: set[str] = set()
    plans = [_plan_customer(rng, i, end, emails) for i in range(count)]
    _choose_key_accounts(rng, plans)
    return plans


def _plan_customer(rng: random.Random, i: int, end: date, emails: set[str]) -> CustomerPlan:
    country = _pick(rng, COUNTRY_WEIGHTS)
    language = _pick(rng, LANGUAGE_WEIGHTS[country])
    group = "EN" if language == "en" else ("NO-nn" if language == "nn" else country)
    city = rng.choice(names.CITIES["NO-nn" if language == "nn" else country])
    business = rng.random() < BUSINESS_SHARE
    first, last = rng.choice(names.FIRST_NAMES[group]), rng.choice(names.LAST_NAMES[group])
    if business:
        name = _company_name(rng, country, last, city)
        email = _unique(emails, f"post@{ascii_slug(name).replace('.', '-')}.example")
    else:
        name = f"{first} {last}"
        email = _unique(emails, f"{ascii_slug(name)}@{rng.choice(names.MAIL_DOMAINS)}")
    start = window_start(end)
    if rng.random() < 0.2:  # joined during the year of feedback
        created = start + timedelta(days=rng.randrange(0, 330))
    else:
        created = start - timedelta(days=rng.randrange(30, 365 * 12))
    disposition = _pick(rng, DISPOSITIONS)
    products, plan, broadband, electricity = _products(rng, country, business)
    return CustomerPlan(
        external_id=f"NL{100001 + i}",
        name=name,
        email=email,
        country=country,
        language=language,
        city=city,
        created_on=created,
        ended_on=_churn_date(rng, disposition, created, start, end),
        segment="business" if business else "private",
        products=products,
        plan=plan,
        broadband=broadband,
        electricity=electricity,
        disposition=disposition,
    )


def _company_name(rng: random.Random, country: str, last: str, city: str) -> str:
    trade = rng.choice(names.BUSINESS_TRADES[country])
    stem = rng.choice([last, city])
    return f"{stem} {trade} {names.COMPANY_SUFFIX[country]}"


def _unique(taken: set[str], email: str) -> str:
    local, domain = email.split("@")
    candidate, n = email, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}@{domain}"
    taken.add(candidate)
    return candidate


def _products(rng: random.Random, country: str, business: bool) -> tuple:
    (bb_low, bb_high), (el_low, el_high) = PRICES[country]
    if business:
        low, high = BUSINESS_MONTHLY[country]
        # Few very large accounts, many small ones: a long tail of value.
        total = low + (high - low) * rng.random() ** 3
        return ("broadband", "electricity"), "Bedrift Total", total * 0.35, total * 0.65
    kind = rng.choices(["broadband", "electricity", "both"], weights=[0.3, 0.3, 0.4])[0]
    speed = rng.choice(["Fiber 250", "Fiber 500", "Fiber 1000"])
    tariff = rng.choice(["Spotpris", "Fastpris"])
    broadband = rng.uniform(bb_low, bb_high) if kind != "electricity" else 0.0
    electricity = rng.uniform(el_low, el_high) if kind != "broadband" else 0.0
    products = {"broadband": ("broadband",), "electricity": ("electricity",)}.get(
        kind, ("broadband", "electricity")
    )
    plan = {"broadband": speed, "electricity": tariff}.get(kind, f"{speed} + {tariff}")
    return products, plan, broadband, electricity


def _churn_date(
    rng: random.Random, disposition: str, created: date, start: date, end: date
) -> date | None:
    if rng.random() >= CHURN_CHANCE[disposition]:
        return None
    earliest = max(start, created + timedelta(days=60))
    if earliest >= end - timedelta(days=7):
        return None
    return earliest + timedelta(days=rng.randrange((end - earliest).days - 1))


def _choose_key_accounts(rng: random.Random, plans: list[CustomerPlan]) -> None:
    """The most valuable business customers become key accounts; some of them are unhappy."""
    business = sorted(
        (p for p in plans if p.segment == "business"), key=lambda p: p.monthly, reverse=True
    )
    keys = business[: max(3, len(business) // 4)]
    for plan in keys:
        plan.key_account = True
        plan.ended_on = None  # still customers: their unhappiness is revenue at risk
    for plan in rng.sample(keys, k=min(len(keys), max(2, len(keys) // 3))):
        plan.disposition = "unhappy"


def unhappy_key_accounts(plans: list[CustomerPlan]) -> list[CustomerPlan]:
    return [p for p in plans if p.key_account and p.disposition == "unhappy"]


def customer_rows(plans: list[CustomerPlan]) -> Iterator[dict]:
    for p in plans:
        attributes = {
            "segment": p.segment,
            "plan": p.plan,
            "products": list(p.products),
            "city": p.city,
        }
        if p.key_account:
            attributes["key_account"] = True
        yield {
            "external_id": p.external_id,
            "name": p.name,
            "email": p.email,
            "country": p.country,
            "language": p.language,
            "created_on": p.created_on.isoformat(),
            "ended_on": p.ended_on.isoformat() if p.ended_on else "",
            "attributes": attributes,
        }


def _bill_days(plan: CustomerPlan, start: date, end: date) -> Iterator[date]:
    """One bill a month on the customer's own billing day, while they are a customer."""
    day = min(plan.created_on.day, 28)
    year, month = start.year, start.month
    last = min(end, plan.ended_on or end)
    while (bill := date(year, month, day)) <= last:
        if bill >= max(start, plan.created_on):
            yield bill
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def transaction_rows(rng: random.Random, plans: list[CustomerPlan], end: date) -> Iterator[dict]:
    start = window_start(end)
    for p in plans:
        for bill in _bill_days(p, start, end):
            amount = p.broadband + p.electricity * SEASON[bill.month] * rng.uniform(0.85, 1.15)
            yield {
                "external_id": f"INV-{p.external_id}-{bill:%Y%m}",
                "customer": p.external_id,
                "occurred_on": bill.isoformat(),
                "amount": f"{amount:.2f}",
                "currency": p.currency,
                "description": f"Invoice {bill:%Y-%m} ({', '.join(p.products)})",
            }
        for n, complained in enumerate(p.credit_notes):
            credit = -round(p.monthly * rng.uniform(0.2, 0.9), 2)
            yield {
                "external_id": f"CRN-{p.external_id}-{n + 1}",
                "customer": p.external_id,
                "occurred_on": min(
                    end, complained + timedelta(days=rng.randrange(3, 15))
                ).isoformat(),
                "amount": f"{credit:.2f}",
                "currency": p.currency,
                "description": "Credit note: billing error",
            }
