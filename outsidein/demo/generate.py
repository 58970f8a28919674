"""Twelve months of the demo company's feedback, as rows in the shared feedback format.

Every item is drawn as: a time window (busier when something happens), a theme (its
weight in that window), a tone (the theme's usual tone shifted by the customer's
disposition), a listening post that hears about that theme, then a text in the
customer's language and scores that agree with the tone. `metadata.demo` records what
the generator meant, so the text analytics can be checked against it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import company, identifiers, names, texts
from .population import CustomerPlan, unhappy_key_accounts, window_start

ZONE = ZoneInfo("Europe/Oslo")
ANONYMOUS_SHARE = {"app-reviews": 0.85, "chat": 0.3, "support-tickets": 0.05}
PII_SHARE = {"support-tickets": 0.14, "chat": 0.1, "app-reviews": 0.01}
DEFAULT_PII_SHARE = 0.03
NO_COMMENT_SHARE = {"nps-relationship": 0.08, "csat-support": 0.12, "ces-self-service": 0.15}
LANGUAGE_OF_COUNTRY = {"NO": "nb", "SE": "sv", "DK": "da"}
COUNTRY_OF_LANGUAGE = {"nb": "NO", "nn": "NO", "sv": "SE", "da": "DK"}


@dataclass(frozen=True)
class Draft:
    """What one item is about, before it is written."""

    day: date
    theme: str
    tone: str
    post: str
    customer: CustomerPlan | None


def window_of(day: date, end: date) -> int:
    return min(company.WINDOWS - 1, (day - window_start(end)).days * company.WINDOWS // 365)


def theme_weights(window: int, month: int) -> dict[str, float]:
    weights = dict(company.BASE_THEME_WEIGHTS)
    weights["price"] *= company.PRICE_WINDOWS.get(window, 1.0)
    weights["outage"] *= company.OUTAGE_WINDOWS.get(window, 1.0)
    weights["billing_error"] *= company.BILLING_WINDOWS.get(window, 1.0)
    if window >= company.APP_RELEASE_WINDOW:
        weights["app"] *= 1.5
    if month in (6, 7, 8):  # people move in the summer
        weights["moving"] *= 2.0
    return weights


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def positive_share(theme: str, window: int, disposition: str) -> float:
    if theme == "app":
        base = (
            company.APP_POSITIVE_AFTER
            if window >= company.APP_RELEASE_WINDOW
            else company.APP_POSITIVE_BEFORE
        )
    else:
        base = company.POSITIVE_SHARE.get(theme, 0.0)
    if base == 0.0:
        return 0.0
    return min(0.97, max(0.03, base + company.DISPOSITION_SHIFT[disposition]))


def choose_tone(rng: random.Random, theme: str, window: int, disposition: str) -> str:
    tones = texts.THEME_TONES[theme]
    if len(tones) == 1:
        return tones[0]
    if "positive" in tones and rng.random() < positive_share(theme, window, disposition):
        return "positive"
    return next(tone for tone in tones if tone != "positive")


class FeedbackPlanner:
    """Draws the drafts: scheduled stories first, then the everyday stream."""

    def __init__(self, rng: random.Random, plans: list[CustomerPlan], end: date):
        self.rng, self.plans, self.end = rng, plans, end
        self.start = window_start(end)
        days = [self.start + timedelta(days=n) for n in range(365)]
        self.days_by_window: dict[int, list[date]] = {}
        for day in days:
            self.days_by_window.setdefault(window_of(day, end), []).append(day)
        self.window_weight = {
            str(w): sum(theme_weights(w, ds[len(ds) // 2].month).values())
            for w, ds in self.days_by_window.items()
        }

    def drafts(self, count: int) -> list[Draft]:
        scheduled = self._key_account_drafts() + self._cancellation_drafts()
        scheduled = scheduled[: count // 5]
        everyday = [self._everyday() for _ in range(count - len(scheduled))]
        drafts = scheduled + everyday
        drafts.sort(key=lambda d: d.day)
        return drafts

    def _everyday(self) -> Draft:
        # Customers mostly talk about what matches their mood: a draft that does not fit
        # the customer's disposition is usually drawn again.
        for _ in range(4):
            draft = self._draw()
            if _fits(draft) or self.rng.random() < 0.3:
                break
        return draft

    def _draw(self) -> Draft:
        rng = self.rng
        window = int(_weighted(rng, self.window_weight))
        day = rng.choice(self.days_by_window[window])
        theme = _weighted(rng, theme_weights(window, day.month))
        post = _weighted(rng, company.THEME_POSTS[theme])
        customer = None
        if rng.random() >= ANONYMOUS_SHARE.get(post, 0.0):
            customer = self._customer_on(day)
        disposition = customer.disposition if customer else "neutral"
        return Draft(day, theme, choose_tone(rng, theme, window, disposition), post, customer)

    def _customer_on(self, day: date) -> CustomerPlan | None:
        for _ in range(30):
            candidate = self.rng.choice(self.plans)
            if candidate.active_on(day) and candidate.segment == "private":
                return candidate
        return None

    def _key_account_drafts(self) -> list[Draft]:
        """A few valuable business customers complain again and again."""
        drafts = []
        for plan in unhappy_key_accounts(self.plans):
            for _ in range(self.rng.randint(3, 6)):
                later = self.start + timedelta(days=self.rng.randrange(200, 365))
                day = max(later, plan.created_on)
                theme = self.rng.choice(["business", "business", "outage", "billing_error"])
                post = _weighted(self.rng, company.THEME_POSTS[theme])
                drafts.append(Draft(day, theme, "negative", post, plan))
        return drafts

    def _cancellation_drafts(self) -> list[Draft]:
        """Many churned customers tell us why, shortly before they leave."""
        drafts = []
        for plan in self.plans:
            if plan.ended_on and plan.segment == "private" and self.rng.random() < 0.4:
                day = max(
                    plan.created_on, plan.ended_on - timedelta(days=self.rng.randrange(2, 20))
                )
                post = _weighted(self.rng, company.THEME_POSTS["cancellation"])
                drafts.append(Draft(day, "cancellation", "negative", post, plan))
        return drafts


def _fits(draft: Draft) -> bool:
    if draft.customer is None or draft.customer.disposition == "neutral":
        return True
    if draft.customer.disposition == "happy":
        return draft.tone != "negative"
    return draft.tone != "positive"


# ---------------------------------------------------------------------------- scores

NPS = {"positive": ([10, 9, 8], [5, 5, 1]), "neutral": ([6, 7, 8], [2, 5, 4]),
       "negative": ([0, 1, 2, 3, 4, 5, 6], [3, 3, 4, 5, 4, 3, 1])}  # fmt: skip
CSAT = {
    "positive": ([5, 4], [3, 2]),
    "neutral": ([3, 4], [3, 2]),
    "negative": ([1, 2, 3], [4, 4, 1]),
}
# CES 2.0: "Nordlys made it easy for me" from 1 (strongly disagree) to 7 (strongly agree).
CES = {"positive": ([7, 6, 5], [4, 3, 1]), "neutral": ([4, 5, 3], [3, 2, 1]),
       "negative": ([1, 2, 3], [3, 3, 2])}  # fmt: skip
STARS = {"positive": ([5, 4], [4, 1]), "neutral": ([3, 4], [3, 1]), "negative": ([1, 2], [3, 1])}


def _score(rng: random.Random, table: dict, tone: str) -> int:
    values, weights = table[tone]
    return rng.choices(values, weights=weights)[0]


# ---------------------------------------------------------------------------- writing


class Writer:
    """Turns a draft into the text a customer would write."""

    def __init__(self, rng: random.Random, end: date):
        self.rng, self.end = rng, end

    def language(self, draft: Draft) -> str:
        if draft.customer:
            return draft.customer.language
        country = _weighted(self.rng, {"NO": 0.55, "SE": 0.25, "DK": 0.2})
        lang = "en" if self.rng.random() < 0.08 else LANGUAGE_OF_COUNTRY[country]
        return "nn" if lang == "nb" and self.rng.random() < 0.14 else lang

    def write(self, draft: Draft, lang: str) -> tuple[str, str | None]:
        """The comment and, when personal data went into it, its kind."""
        rng, post = self.rng, draft.post
        parts: list[str] = []
        if rng.random() < {"chat": 0.4, "support-tickets": 0.5}.get(post, 0.3):
            parts.append(rng.choice(texts.choices(texts.OPENERS[lang], draft.tone)))
        core = texts.sentences(lang, draft.theme, draft.tone)
        parts.extend(rng.sample(core, k=1 if post == "chat" or rng.random() < 0.55 else 2))
        if rng.random() < 0.12 and draft.theme not in ("general", "business"):
            parts.append(rng.choice(self._second_theme(lang, draft)))
        pii = self._pii(draft, lang, parts)
        asks = post in ("support-tickets", "chat") and draft.tone != "positive"
        if asks and rng.random() < 0.55:
            parts.append(rng.choice(texts.choices(texts.REQUESTS, lang)))
        elif rng.random() < 0.35:
            parts.append(rng.choice(texts.choices(texts.CLOSERS[lang], draft.tone)))
        text = " ".join(parts)
        if post == "support-tickets" and draft.customer and rng.random() < 0.6:
            sign_off = rng.choice(texts.choices(texts.SIGN_OFFS, lang))
            text = f"{text}\n\n{sign_off}\n{draft.customer.name}"
        return self._fill(text, draft, lang), pii

    def _second_theme(self, lang: str, draft: Draft) -> list[str]:
        others = [
            t for t, tones in texts.THEME_TONES.items()
            if draft.tone in tones and t not in (draft.theme, "business", "cancellation")
        ]  # fmt: skip
        return texts.sentences(lang, self.rng.choice(others), draft.tone)

    def _pii(self, draft: Draft, lang: str, parts: list[str]) -> str | None:
        if self.rng.random() >= PII_SHARE.get(draft.post, DEFAULT_PII_SHARE):
            return None
        kind = _weighted(self.rng, {"phone": 0.35, "email": 0.3, "national_id": 0.25, "card": 0.1})
        country = draft.customer.country if draft.customer else COUNTRY_OF_LANGUAGE.get(lang, "NO")
        value = self._identifier(kind, country, draft)
        sentence = self.rng.choice(texts.choices(texts.PII_SENTENCES[lang], kind))
        parts.append(sentence.replace("{value}", value))
        return kind

    def _identifier(self, kind: str, country: str, draft: Draft) -> str:
        rng = self.rng
        if kind == "phone":
            return identifiers.phone_number(rng, country)
        if kind == "email":
            if draft.customer:
                return draft.customer.email
            first = rng.choice(names.FIRST_NAMES["EN"])
            return f"{identifiers.ascii_slug(first)}{rng.randrange(10, 99)}@{rng.choice(names.MAIL_DOMAINS)}"
        if kind == "card":
            return identifiers.card_number(rng)
        make: Callable[[random.Random], str] = {
            "SE": identifiers.personnummer,
            "DK": identifiers.cpr,
        }.get(country, identifiers.fodselsnummer)
        return make(rng)

    def _fill(self, text: str, draft: Draft, lang: str) -> str:
        if "{" not in text:
            return text
        rng, customer = self.rng, draft.customer
        country = customer.country if customer else COUNTRY_OF_LANGUAGE.get(lang, "NO")
        monthly = customer.monthly if customer else rng.uniform(500, 1500)
        factor = (0.6, 1.0) if draft.theme == "business" else (1.0, 2.0)
        previous_month = (draft.day.replace(day=1) - timedelta(days=1)).month
        makers: dict[str, Callable[[], object]] = {
            "month": lambda: texts.MONTHS[lang][previous_month - 1],
            "amount": lambda: format_amount(
                monthly * rng.uniform(*factor), names.CURRENCY[country], lang
            ),
            "invoice": lambda: rng.randrange(7_000_000, 7_999_999),
            "days": lambda: rng.randint(3, 21),
            "hours": lambda: rng.randint(4, 30),
            "minutes": lambda: rng.randint(25, 95),
            "agent": lambda: rng.choice(names.FIRST_NAMES[country]),
            "city": lambda: rng.choice(names.CITIES[country]),
            "speed": lambda: rng.choice([250, 500, 1000]),
            "staff": lambda: rng.randint(12, 180),
            "sites": lambda: rng.randint(3, 9),
        }
        return text.format_map(_OnDemand(makers))


class _OnDemand(dict):
    """Placeholder values made only when the text asks for them (keeps generation fast)."""

    def __init__(self, makers: dict[str, Callable[[], object]]):
        super().__init__()
        self.makers = makers

    def __missing__(self, key: str) -> object:
        value = self[key] = self.makers[key]()
        return value


def format_amount(amount: float, currency: str, lang: str) -> str:
    """1249.5 -> '1 250 kr' (nb, nn, sv), '1.250 kr.' (da), 'NOK 1,250' (en)."""
    whole = f"{round(amount):,}"
    if lang == "en":
        return f"{currency} {whole}"
    if lang == "da":
        return f"{whole.replace(',', '.')} kr."
    return f"{whole.replace(',', ' ')} kr"


# ---------------------------------------------------------------------------- rows


def feedback_rows(
    rng: random.Random, plans: list[CustomerPlan], count: int, end: date
) -> list[dict]:
    """`count` feedback rows in the shared row format, oldest first."""
    planner, writer = FeedbackPlanner(rng, plans, end), Writer(rng, end)
    counters: dict[str, int] = {}
    rows = []
    for draft in planner.drafts(count):
        counters[draft.post] = counters.get(draft.post, 0) + 1
        rows.append(_row(rng, writer, draft, counters[draft.post]))
        if draft.theme == "billing_error" and draft.customer:
            draft.customer.credit_notes.append(draft.day)
    return rows


def _row(rng: random.Random, writer: Writer, draft: Draft, number: int) -> dict:
    lang = writer.language(draft)
    text, pii = writer.write(draft, lang)
    if rng.random() < NO_COMMENT_SHARE.get(draft.post, 0.0):
        text, pii = "", None  # a score without a comment, as most survey answers are
    row = {
        "listening_post": draft.post,
        "external_id": f"{company.EXTERNAL_ID_PREFIX[draft.post]}-{number:06d}",
        "customer": draft.customer.external_id if draft.customer else "",
        "touchpoint": _touchpoint(rng, draft),
        "received_at": _moment(rng, draft).isoformat(),
        "language": lang,
        "text": text,
        "answers": {},
        "metadata": {"demo": {"theme": draft.theme, "tone": draft.tone, "pii": pii}},
    }
    released = window_of(draft.day, writer.end) >= company.APP_RELEASE_WINDOW
    _add_scores(rng, row, draft, released)
    return row


def _touchpoint(rng: random.Random, draft: Draft) -> str:
    options = company.THEME_TOUCHPOINTS[draft.theme]
    share = company.TOUCHPOINT_SHARE.get(draft.post, company.DEFAULT_TOUCHPOINT_SHARE)
    if not options or rng.random() >= share:
        return ""
    if draft.theme == "support" and draft.post == "chat":
        return "support-chat"
    return _weighted(rng, options)


def _moment(rng: random.Random, draft: Draft) -> datetime:
    hour = rng.randint(0, 23) if draft.post == "app-reviews" else rng.randint(7, 22)
    return datetime.combine(draft.day, time(hour, rng.randrange(60), rng.randrange(60)), ZONE)


def _add_scores(rng: random.Random, row: dict, draft: Draft, released: bool) -> None:
    tone, post = draft.tone, draft.post
    if post == "nps-relationship":
        row["nps"] = _score(rng, NPS, tone)
    elif post == "csat-support":
        row["csat"] = _score(rng, CSAT, tone)
        row["answers"] = {"issue_resolved": tone != "negative"}
    elif post == "ces-self-service":
        row["ces"] = _score(rng, CES, tone)
    elif post == "app-reviews":
        row["answers"] = {"stars": _score(rng, STARS, tone)}
        row["metadata"]["store"] = rng.choice(["App Store", "Google Play"])
        versions = ["4.0.1", "4.1.0"] if released else ["3.8.2", "3.9.0"]
        row["metadata"]["app_version"] = rng.choice(versions)
    elif post == "support-tickets":
        key_account = draft.customer is not None and draft.customer.key_account
        row["metadata"]["priority"] = "high" if key_account else rng.choice(["normal", "low"])
