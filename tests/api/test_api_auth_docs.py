"""Authentication, and the OpenAPI schema and docs page (which must work offline)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
FEEDBACK_URL = "/api/v1/feedback"

ENDPOINTS = [
    ("get", FEEDBACK_URL),
    ("post", FEEDBACK_URL),
    ("get", f"{FEEDBACK_URL}/1"),
    ("get", "/api/v1/customers"),
    ("get", "/api/v1/customers/C-1"),
]


def call(client, method: str, url: str, payload: dict):
    return client.post(url, payload) if method == "post" else client.get(url)


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_without_a_token_every_endpoint_answers_401(org, method, url, api_client, item):
    response = call(api_client(None), method, url, item())

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token" in response.json()["detail"]


@pytest.mark.parametrize("token", ["oi_made-up", "", "Basic dXNlcjpwYXNz"])
def test_an_unknown_token_answers_401(org, token, api_client):
    assert api_client(token).get(FEEDBACK_URL).status_code == 401


def test_a_revoked_token_answers_401(cx_lead, api_client, item):
    from outsidein.accounts.tokens import create_token, revoke_token

    stored, plain = create_token(cx_lead, "laptop")
    client = api_client(plain)
    assert client.get(FEEDBACK_URL).status_code == 200

    revoke_token(stored)

    assert client.get(FEEDBACK_URL).status_code == 401
    assert client.post(FEEDBACK_URL, item()).status_code == 401


def test_a_deactivated_users_token_answers_401(cx_lead, token_for, api_client):
    client = api_client(token_for(cx_lead))
    cx_lead.is_active = False
    cx_lead.save()

    assert client.get(FEEDBACK_URL).status_code == 401


def test_a_session_login_is_not_enough_for_the_api(cx_lead):
    browser = Client()
    browser.force_login(cx_lead)

    assert browser.get(FEEDBACK_URL).status_code == 401


def test_openapi_schema_lists_the_endpoints_and_request_schemas(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert {"/api/v1/feedback", "/api/v1/feedback/{feedback_id}", "/api/v1/customers"} <= set(
        schema["paths"]
    )
    assert "/api/v1/customers/{external_id}" in schema["paths"]
    submit = schema["paths"]["/api/v1/feedback"]["post"]
    refs = submit["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    for ref in refs:
        assert ref["$ref"].rsplit("/", 1)[1] in schema["components"]["schemas"]
    assert "nothing" in submit["description"]  # the all-or-nothing batch rule is documented
    assert schema["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_docs_page_uses_no_external_urls_and_its_assets_are_served(db):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)""", html)
    assert urls, html
    assert not [url for url in urls if re.match(r"(https?:)?//", url)]
    assert '"validatorUrl": null' in html  # no call-out to validator.swagger.io
    for url in urls:
        asset = Client().get(url)
        assert asset.status_code == 200, url
