"""Customer, journey, token and profile pages; translations; no external references."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone


@pytest.fixture
def lead_client(client, cx_lead):
    client.force_login(cx_lead)
    return client


def test_customer_page_shows_identity_value_and_feedback(lead_client, shop):
    response = lead_client.get(reverse("customers:detail", args=[shop["kari"].pk]))
    page = response.content.decode()
    assert "Kari Nordmann" in page and "kari@example.no" in page and "Gold" in page
    totals = response.context["value"]["totals"]
    assert [(t["currency"], int(t["total"])) for t in totals] == [("NOK", 2000)]
    years = [(r["year"], int(r["total"])) for r in response.context["value"]["per_year"]]
    assert years == [(2026, 800), (2025, 1200)]
    assert [i.external_id for i in response.context["feedback"]] == ["s-2", "s-1"]
    assert "[PHONE]" in page


def test_churned_and_forgotten_customers_are_marked(lead_client, shop):
    page = lead_client.get(reverse("customers:detail", args=[shop["ole"].pk])).content.decode()
    assert "Churned" in page
    kari = shop["kari"]
    kari.forgotten_at = timezone.now()
    kari.save()
    page = lead_client.get(reverse("customers:detail", args=[kari.pk])).content.decode()
    assert "erased at the customer's request" in page
    assert "kari@example.no" not in page and "Gold" not in page


def test_customer_search(lead_client, shop):
    response = lead_client.get(reverse("customers:list"), {"q": "hansen"})
    assert list(response.context["customers"]) == [shop["ole"]]
    response = lead_client.get(reverse("customers:list"), {"q": "C-1001"})
    assert list(response.context["customers"]) == [shop["kari"]]


def test_journeys_show_stages_touchpoints_and_figures(
    lead_client, shop, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = lead_client.get(reverse("journeys:overview"), {"period": "all"})
    page = response.content.decode()
    assert "Moving house" in page and "After the move" in page
    assert "sannhetens øyeblikk" in page
    invoice = response.context["journeys"][0].stages.all()[0].touchpoints.all()[0]
    assert invoice.slug == "first-invoice"
    assert invoice.stats == {"total": 2, "negative": 1, "negative_share": 0.5}
    assert f"{reverse('feedback:explorer')}?touchpoint=first-invoice" in page


def test_journey_figures_follow_the_period(lead_client, shop, org):
    from outsidein.feedback.models import FeedbackItem

    FeedbackItem.objects.create(
        listening_post=org["tickets"],
        external_id="t-recent",
        touchpoint=org["install"],
        received_at=timezone.now() - timezone.timedelta(days=1),
    )
    response = lead_client.get(reverse("journeys:overview"), {"period": "30d"})
    invoice, install = response.context["journeys"][0].stages.all()[0].touchpoints.all()
    assert invoice.stats is None  # the fixture's feedback is from March 2026
    assert install.stats == {"total": 1, "negative": 0, "negative_share": 0.0}


def test_token_is_shown_once_and_works_against_the_api(client, cx_lead, shop):
    client.force_login(cx_lead)
    response = client.post(reverse("accounts:tokens"), {"name": "survey import"})
    plain = response.context["plain_token"]
    assert plain.startswith("oi_") and plain in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert plain not in client.get(reverse("accounts:tokens")).content.decode()

    api = client_class_without_session(client)
    answer = api.get("/api/v1/feedback", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert answer.status_code == 200
    assert api.get("/api/v1/feedback", HTTP_AUTHORIZATION="Bearer oi_wrong").status_code == 401

    token = cx_lead.api_tokens.get()
    confirm = client.get(reverse("accounts:token_revoke", args=[token.pk]))
    assert confirm.status_code == 200 and b"survey import" in confirm.content
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api.get("/api/v1/feedback", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401


def client_class_without_session(client):
    return type(client)()


def test_cannot_revoke_someone_elses_token(client, cx_lead, viewer):
    from outsidein.accounts.tokens import create_token

    token, _plain = create_token(cx_lead, "lead's")
    client.force_login(viewer)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_csrf(cx_lead):
    from django.test import Client

    from outsidein.accounts.tokens import create_token

    token, _plain = create_token(cx_lead, "ci")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cx_lead)
    assert strict.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_norwegian_ui_for_a_user_who_chose_bokmal(client, cx_lead, shop):
    cx_lead.language = "nb"
    cx_lead.save()
    client.force_login(cx_lead)
    page = client.get(reverse("feedback:explorer"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="nb"' in page
    assert "Tilbakemeldinger" in page and "Kunder" in page
    assert "Customers" not in page
    assert "Faktura og betaling" in page  # the theme's Bokmål name from the codebook


def test_language_switch_is_remembered_in_the_profile(client, cx_lead):
    client.force_login(cx_lead)
    client.post(reverse("set_language"), {"language": "nb", "next": "/"})
    cx_lead.refresh_from_db()
    assert cx_lead.language == "nb"


def test_anonymous_language_switch(client, db):
    client.post(reverse("set_language"), {"language": "nb", "next": "/login/"})
    page = client.get(reverse("login")).content.decode()
    assert "Logg inn" in page


EXTERNAL = re.compile(r"""(?:https?:)?//(?!testserver\b)[a-z0-9.-]+""", re.IGNORECASE)
STATIC = re.compile(r"""(?:src|href)="/static/([^"?#]+)""")


def test_pages_reference_no_external_hosts_and_only_existing_static_files(client, shop, admin_user):
    client.force_login(admin_user)
    urls = [
        reverse("feedback:explorer"),
        reverse("feedback:detail", args=[shop["invoice_angry"].pk]),
        reverse("customers:list"),
        reverse("customers:detail", args=[shop["kari"].pk]),
        reverse("journeys:overview"),
        reverse("accounts:tokens"),
        reverse("profile"),
        "/no-such-page/",
    ]
    pages = [client.get(url).content.decode() for url in urls]
    client.logout()
    pages.append(client.get(reverse("login")).content.decode())
    referenced = set()
    for page in pages:
        attributes = re.findall(r"""(?:src|href|action)=["']([^"']*)""", page)
        assert [a for a in attributes if EXTERNAL.match(a)] == []
        referenced |= set(STATIC.findall(page))
    assert {"web/outsidein.css", "web/vendor/htmx.min.js"} <= referenced
    missing = [path for path in referenced if not finders.find(path)]
    assert missing == []
