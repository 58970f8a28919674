"""`outsidein demo --no-serve` builds a consistent, believable company."""

from __future__ import annotations

import re
from collections import defaultdict
from statistics import mean

import pytest
from django.db.models import Count, F, Max, Min, Q, Sum
from stdnum import luhn
from stdnum.dk import cpr
from stdnum.no import fodselsnummer
from stdnum.se import personnummer

from outsidein.demo import company

pytestmark = pytest.mark.django_db
LANGUAGES = {"nb", "nn", "da", "sv", "en"}


def _items():
    from outsidein.feedback.models import FeedbackItem

    return FeedbackItem.objects.all()


def test_builds_the_requested_size_and_prints_the_logins(demo_db):
    from outsidein.customers.models import Customer, Transaction

    assert Customer.objects.count() == 200
    assert _items().count() == 1000
    assert Transaction.objects.count() > 200 * 6  # monthly bills over the year
    assert company.DEMO_PASSWORD in demo_db
    for person in company.USERS:
        assert person.email in demo_db


def test_setup_has_journeys_with_moments_of_truth(demo_db):
    from outsidein.journeys.models import Journey

    journeys = Journey.objects.annotate(
        moments=Count("stages__touchpoints", filter=Q(stages__touchpoints__moment_of_truth=True))
    )
    assert 4 <= journeys.count() <= 6
    assert all(journey.moments >= 1 for journey in journeys)


def test_logins_have_roles_teams_and_the_shared_password(demo_db):
    from outsidein.accounts.models import User

    users = {user.email: user for user in User.objects.prefetch_related("teams")}
    assert {p.email: p.role for p in company.USERS} == {e: u.role for e, u in users.items()}
    assert [t.slug for t in users["service@nordlys.example"].teams.all()] == ["customer-service"]
    assert [t.slug for t in users["billing@nordlys.example"].teams.all()] == ["billing"]
    assert users["admin@nordlys.example"].is_staff
    assert users["lead@nordlys.example"].check_password(company.DEMO_PASSWORD)


def test_every_item_points_at_a_real_post_and_touchpoint(demo_db):
    from outsidein.listening.models import ListeningPost

    posts = set(ListeningPost.objects.values_list("slug", flat=True))
    used = set(_items().values_list("listening_post__slug", flat=True))
    assert used == posts and len(posts) == 6
    with_touchpoint = _items().filter(touchpoint__isnull=False)
    assert with_touchpoint.filter(touchpoint__stage__journey__isnull=False).count() == (
        with_touchpoint.count()
    )
    assert 0 < with_touchpoint.count() < _items().count()  # some items have no touchpoint


def test_scores_are_in_range_and_belong_to_their_survey(demo_db):
    ranges = _items().aggregate(
        nps_min=Min("nps"), nps_max=Max("nps"), csat_min=Min("csat"), csat_max=Max("csat"),
        ces_min=Min("ces"), ces_max=Max("ces"),
    )  # fmt: skip
    assert 0 <= ranges["nps_min"] < ranges["nps_max"] <= 10
    assert 1 <= ranges["csat_min"] < ranges["csat_max"] <= 5
    assert 1 <= ranges["ces_min"] < ranges["ces_max"] <= 7
    scored = {"nps": "nps-relationship", "csat": "csat-support", "ces": "ces-self-service"}
    for score, post in scored.items():
        posts = set(
            _items()
            .filter(**{f"{score}__isnull": False})
            .values_list("listening_post__slug", flat=True)
        )
        assert posts == {post}


def _mean_by_tone(score: str) -> dict[str, float]:
    values = defaultdict(list)
    for value, meta in (
        _items().filter(**{f"{score}__isnull": False}).values_list(score, "metadata")
    ):
        values[meta["demo"]["tone"]].append(value)
    return {tone: mean(v) for tone, v in values.items()}


def test_scores_agree_with_the_tone_of_the_text(demo_db):
    nps = _mean_by_tone("nps")
    assert nps["negative"] < 4 < 8 < nps["positive"]
    csat = _mean_by_tone("csat")
    assert csat["negative"] < 2.5 < 4 < csat["positive"]
    # A billing-error complaint never comes with a promoter score.
    complaints = _items().filter(metadata__demo__theme="billing_error", nps__isnull=False)
    assert complaints.exists() and not complaints.filter(nps__gte=9).exists()


def test_every_language_is_present_with_its_own_words(demo_db):
    languages = set(_items().values_list("language", flat=True))
    assert languages == LANGUAGES
    words = {"nb": " jeg ", "nn": " eg ", "da": " jeg ", "sv": " jag ", "en": " I "}
    for lang, word in words.items():
        assert _items().filter(language=lang, text__contains=word).exists(), lang
    assert not _items().filter(language="nn", text__contains=" ikke ").exists()


def test_churn_follows_unhappiness(demo_db):
    from outsidein.customers.models import Customer

    churned = Customer.objects.filter(ended_on__isnull=False)
    assert 0.05 <= churned.count() / Customer.objects.count() <= 0.15
    assert not churned.filter(ended_on__lte=F("created_on")).exists()
    # Nobody speaks up after leaving.
    assert not _items().filter(received_at__date__gt=F("customer__ended_on")).exists()
    churned_nps = _items().filter(customer__ended_on__isnull=False, nps__isnull=False)
    kept_nps = _items().filter(customer__ended_on__isnull=True, nps__isnull=False)
    assert mean(churned_nps.values_list("nps", flat=True)) < mean(
        kept_nps.values_list("nps", flat=True)
    )


def test_themes_rise_and_fall_over_the_year(demo_db):
    from outsidein.demo.generate import window_of

    end = max(_items().values_list("received_at", flat=True)).date()
    totals, outages, billing = defaultdict(int), defaultdict(int), defaultdict(int)
    for received, meta in _items().values_list("received_at", "metadata"):
        window = window_of(received.date(), end)
        totals[window] += 1
        outages[window] += meta["demo"]["theme"] == "outage"
        billing[window] += meta["demo"]["theme"] == "billing_error"
    share = lambda counts, w: counts[w] / totals[w]  # noqa: E731
    assert share(outages, 3) > 2 * max(share(outages, w) for w in range(12) if w not in (3, 4))
    assert share(billing, 7) > 1.5 * max(share(billing, w) for w in range(6))
    assert share(billing, 7) > 1.5 * share(billing, 11)


def _valid_identifier(kind: str, text: str) -> bool:
    if kind == "card":
        return any(
            luhn.is_valid(m.replace(" ", "")) for m in re.findall(r"\d{4}(?: \d{4}){3}", text)
        )
    candidates = re.findall(r"\d{6}-?\d{4,5}", text)
    checks = (fodselsnummer.is_valid, personnummer.is_valid, cpr.is_valid)
    return any(check(number) for number in candidates for check in checks)


def test_some_comments_carry_valid_personal_data_in_the_raw_text(demo_db):
    with_pii = list(_items().exclude(metadata__demo__pii=None).values_list("text", "metadata"))
    kinds = {meta["demo"]["pii"] for _, meta in with_pii}
    assert {"phone", "email", "national_id"} <= kinds
    for text, meta in with_pii:
        kind = meta["demo"]["pii"]
        if kind in ("card", "national_id"):
            assert _valid_identifier(kind, text), text
        if kind == "email":
            assert re.search(r"[\w.+-]+@[\w-]+\.example", text), text


def test_a_few_high_value_customers_are_unhappy(demo_db):
    from outsidein.customers.models import Customer

    values = Customer.objects.annotate(billed=Sum("transactions__amount"))
    values = values.order_by(F("billed").desc(nulls_last=True))
    top = list(values[:10])
    unhappy = []
    for customer in top:
        scores = [i.nps for i in customer.feedback.all() if i.nps is not None]
        negatives = customer.feedback.filter(metadata__demo__tone="negative").count()
        if negatives >= 3 and all(score <= 6 for score in scores):
            unhappy.append(customer)
    assert 1 <= len(unhappy) < len(top)
    assert all(c.attributes.get("key_account") for c in unhappy)


def test_refuses_a_database_with_other_data(demo_db, run_cli, demo_args):
    from outsidein.accounts.models import User

    User.objects.filter(email=company.MARKER_EMAIL).delete()  # now it is "someone's" data
    result = run_cli(*demo_args)
    assert result.exit_code != 0
    assert "--reset" in result.output
    assert _items().count() == 1000  # nothing was touched


def test_alert_rules_open_cases_for_recent_unhappy_feedback(demo_db):
    from outsidein.cases.models import AlertRule, Case
    from outsidein.loop.rules import parse_condition

    rules = list(AlertRule.objects.filter(active=True))
    assert len(rules) >= 3
    for rule in rules:
        parse_condition(rule.condition)  # the demo's rules are valid rules
    cases = list(Case.objects.select_related("feedback", "team"))
    assert cases, "the demo inbox should not be empty"
    assert all(case.team_id for case in cases)
    assert all(case.feedback.sentiment == "negative" or case.feedback.nps <= 6 for case in cases)
