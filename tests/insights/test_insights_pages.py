"""Every Measure page renders from the rollups, shows the same numbers as the API, and every
table downloads as CSV and Excel; team members see only their teams' touchpoints."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from .conftest import PASSWORD, make_items

PAGES = ["overview", "themes", "heatmap", "channels", "priorities", "value", "business"]


@pytest.fixture
def measured(world):
    """60 answers in March and April 2026 across touchpoints, posts, tiers and themes."""
    from outsidein.insights.rollups import rebuild_rollups

    specs = []
    for i in range(60):
        specs.append(
            {
                "post": ["survey", "tickets", "chat"][i % 3],
                "touchpoint": ["invoice", "install", "order", None][i % 4],
                "day": date(2026, 3 + i % 2, 1 + i % 27),
                "customer": ["A", "B", "C", None][i % 4],
                "nps": (i * 7) % 11,
                "csat": 1 + i % 5,
                "ces": 1 + i % 7,
                "sentiment": ["positive", "neutral", "negative"][i % 3],
                "language": ["nb", "sv"][i % 2],
                "themes": [["billing"], ["price", "staff"], []][i % 3],
                "text": f"Comment number {i} about the invoice and the price we paid",
            }
        )
    items = make_items(world, specs)
    rebuild_rollups()
    return items


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_and_downloads(client, cx_lead, measured, page):
    from django.urls import reverse

    login(client, cx_lead)
    url = reverse(f"insights:{page}")
    response = client.get(url, {"from": "2026-03-01", "to": "2026-04-30"})
    assert response.status_code == 200
    tables = response.context["tables"]
    assert tables, "every page has at least one downloadable table"
    table = tables[0]
    got = client.get(
        url, {"from": "2026-03-01", "to": "2026-04-30", "download": table.name, "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
    assert rows[0] == [str(label) for _, label in table.columns]
    assert len(rows) == len(table.rows) + 1
    got = client.get(
        url, {"download": table.name, "format": "xlsx", "from": "2026-03-01", "to": "2026-04-30"}
    )
    sheet = load_workbook(io.BytesIO(got.content)).active
    assert sheet.max_row == len(table.rows) + 1
    assert client.get(url, {"download": "nope"}).status_code == 404


@pytest.mark.django_db
def test_api_matches_the_heatmap_page_and_hand_computed_nps(client, cx_lead, api_token, measured):
    from django.urls import reverse

    from outsidein.feedback.models import FeedbackItem

    login(client, cx_lead)
    page = client.get(reverse("insights:heatmap"), {"metric": "nps"}).context["breakdown"]
    api = client.get(
        "/api/v1/metrics",
        {"metric": "nps", "by": "touchpoint"},
        HTTP_AUTHORIZATION=f"Bearer {api_token}",
    ).json()
    by_key = {g["key"]: g for g in api["groups"]}
    for fig in page.groups:
        assert by_key[fig.key[0]]["value"] == fig.value.value
        assert by_key[fig.key[0]]["n"] == fig.value.n
        assert by_key[fig.key[0]]["ci_low"] == fig.value.ci_low
    scores = list(
        FeedbackItem.objects.filter(touchpoint__slug="first-invoice").values_list("nps", flat=True)
    )
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    assert by_key["first-invoice"]["value"] == pytest.approx(
        100 * (promoters - detractors) / len(scores)
    )
    assert by_key["first-invoice"]["below_min_n"] is True  # 15 answers < default minimum 30
    assert api["total"]["n"] == 60 and api["total"]["below_min_n"] is False


@pytest.mark.django_db
def test_api_empty_group_and_bad_input(client, api_token, measured):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    empty = client.get("/api/v1/metrics", {"metric": "csat", "from": "2030-01-01"}, **auth).json()
    assert empty["total"]["n"] == 0 and empty["total"]["value"] is None
    assert empty["total"]["below_min_n"] is True and empty["groups"] == []
    for bad in (
        {"metric": "nope"},
        {"by": "planet"},
        {"period": "decade"},
        {"from": "yesterday"},
        {"by": "theme", "language": "nb"},
        {"from": "2026-05-01", "to": "2026-04-01"},
    ):
        response = client.get("/api/v1/metrics", bad, **auth)
        assert response.status_code == 422, bad
        assert response.json()["detail"][0]["msg"]


@pytest.mark.django_db
def test_min_n_setting_greys_out(client, api_token, measured):
    from outsidein.insights.models import MeasureSettings

    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    s = MeasureSettings.current()
    s.min_n = 10
    s.save()
    groups = client.get("/api/v1/metrics", {"by": "touchpoint"}, **auth).json()["groups"]
    assert {g["key"]: g["below_min_n"] for g in groups} == {
        "first-invoice": False,
        "installation": False,
        "order": False,
        "": False,
    }
    s.min_n = 16
    s.save()
    groups = client.get("/api/v1/metrics", {"by": "touchpoint"}, **auth).json()["groups"]
    assert all(g["below_min_n"] for g in groups)  # 15 answers each


@pytest.mark.django_db
def test_team_member_sees_only_own_touchpoints(client, billing_member, measured):
    from django.urls import reverse

    login(client, billing_member)
    response = client.get(reverse("insights:heatmap"))
    cells = [
        c["touchpoint"].slug
        for j in response.context["grid"]
        for s in j["stages"]
        for c in s["cells"]
    ]
    assert cells == ["first-invoice"]
    api_total = response.context["breakdown"].total.value.n
    # billing sees invoice feedback and everything from its nps-survey post
    from outsidein.feedback.filters import visible_feedback

    assert api_total == visible_feedback(billing_member).exclude(nps=None).count()
