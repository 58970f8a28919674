"""Who may open and change which page."""

from __future__ import annotations

import pytest
from django.urls import reverse

PASSWORD = "correct horse battery staple"  # tests/conftest.py users

PAGES = [
    "feedback:explorer",
    "customers:list",
    "journeys:overview",
    "accounts:tokens",
    "profile",
]


@pytest.mark.parametrize("name", PAGES)
def test_pages_require_login(client, db, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_home_sends_visitors_to_login_and_users_to_the_explorer(client, cx_lead):
    assert client.get("/")["Location"] == reverse("login")
    client.force_login(cx_lead)
    assert client.get("/")["Location"] == reverse("feedback:explorer")


def test_login_with_email_and_logout(client, cx_lead):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": "LEAD@example.com", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("feedback:explorer")
    assert response.context["user"] == cx_lead
    client.post(reverse("logout"))
    assert client.get(reverse("feedback:explorer")).status_code == 302


def test_wrong_password_is_refused_with_a_message(client, cx_lead):
    response = client.post(reverse("login"), {"username": cx_lead.email, "password": "nope"})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated
    assert b'role="alert"' in response.content


def test_team_member_cannot_open_another_teams_feedback(client, shop, billing_member):
    client.force_login(billing_member)
    own = client.get(reverse("feedback:detail", args=[shop["invoice_angry"].pk]))
    other = client.get(reverse("feedback:detail", args=[shop["install_late"].pk]))
    assert own.status_code == 200
    assert other.status_code == 404


def test_team_member_sees_only_customers_with_their_feedback(client, shop, field_member):
    client.force_login(field_member)
    assert client.get(reverse("customers:detail", args=[shop["ole"].pk])).status_code == 200
    assert client.get(reverse("customers:detail", args=[shop["kari"].pk])).status_code == 404
    listing = client.get(reverse("customers:list"))
    assert list(listing.context["customers"]) == [shop["ole"]]


def test_viewer_sees_every_customer(client, shop, viewer):
    client.force_login(viewer)
    for customer in (shop["kari"], shop["ole"]):
        assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200


def test_viewer_cannot_change_data(client, shop, viewer):
    from outsidein.customers.models import Customer

    client.force_login(viewer)
    url = reverse("admin:customers_customer_delete", args=[shop["kari"].pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 403
    assert Customer.objects.filter(pk=shop["kari"].pk).exists()
    assert client.post(reverse("feedback:explorer")).status_code == 403


def test_viewer_may_change_personal_settings(client, viewer):
    client.force_login(viewer)
    response = client.post(reverse("accounts:tokens"), {"name": "my script"})
    assert response.status_code == 200
    assert viewer.api_tokens.count() == 1
    response = client.post(
        reverse("profile"), {"first_name": "Vera", "last_name": "", "language": "nb"}
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert (viewer.first_name, viewer.language) == ("Vera", "nb")


def test_original_text_only_for_roles_allowed_to_see_it(client, shop, cx_lead, viewer):
    url = reverse("feedback:detail", args=[shop["invoice_angry"].pk])
    client.force_login(viewer)
    page = client.get(url).content.decode()
    assert "[PHONE]" in page and "91234567" not in page
    client.force_login(cx_lead)
    page = client.get(url).content.decode()
    assert "91234567" in page


def test_unknown_page_is_a_friendly_404(client, cx_lead):
    client.force_login(cx_lead)
    response = client.get("/feedback/999999/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
