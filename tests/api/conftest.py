"""Fixtures for the REST API tests: JSON clients with a token per role, valid items.

Helpers are handed out as fixtures because tests run with --import-mode=importlib,
where test modules cannot import each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

FEEDBACK_URL = "/api/v1/feedback"


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None, raise_request_exception: bool = True) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = Client(headers=headers, raise_request_exception=raise_request_exception)

    def get(self, path: str, params: dict[str, Any] | None = None):
        return self.client.get(path, params or {})

    def post(self, path: str, payload: Any):
        return self.client.post(path, json.dumps(payload), content_type="application/json")

    def post_raw(self, path: str, body: bytes, content_type: str):
        # generic() sends the bytes as they are; post() would re-encode them per charset.
        return self.client.generic("POST", path, body, content_type=content_type)


def make_item(external_id: str = "r-1", **fields: Any) -> dict[str, Any]:
    """A valid feedback item in the shared row format."""
    return {
        "listening_post": "nps-survey",
        "external_id": external_id,
        "received_at": "2026-03-01T09:30:00+01:00",
        "text": "The first invoice was confusing.",
        "nps": 4,
        **fields,
    }


def error_locations(response) -> list[list[str | int]]:
    """The locations of every error in a 4xx answer."""
    return [error["loc"] for error in response.json()["detail"]]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The shared user fixtures set passwords; real PBKDF2 costs ~0.3 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def token_for(db) -> Callable[[Any], str]:
    from outsidein.accounts.tokens import create_token

    return lambda user: create_token(user, "api tests")[1]


@pytest.fixture
def lead_api(cx_lead, token_for) -> ApiClient:
    return ApiClient(token_for(cx_lead))


@pytest.fixture
def billing_api(billing_member, token_for) -> ApiClient:
    return ApiClient(token_for(billing_member))


@pytest.fixture
def field_api(field_member, token_for) -> ApiClient:
    return ApiClient(token_for(field_member))


@pytest.fixture
def viewer_api(viewer, token_for) -> ApiClient:
    return ApiClient(token_for(viewer))


@pytest.fixture
def make_feedback(org):
    """Store a feedback item directly (as an import would), returning it."""
    from django.utils import timezone

    from outsidein.feedback.models import FeedbackItem

    counter = iter(range(1, 100_000))

    def make(**fields: Any):
        values = {
            "listening_post": org["survey"],
            "external_id": f"fb-{next(counter)}",
            "received_at": timezone.now(),
            "text": "Call me on 99 88 77 66",
            "redacted_text": "Call me on [PHONE]",
            **fields,
        }
        return FeedbackItem.objects.create(**values)

    return make


@pytest.fixture
def api_client() -> Callable[..., ApiClient]:
    """Make a client: api_client(token) or api_client(None) for no Authorization header."""
    return ApiClient


@pytest.fixture
def item() -> Callable[..., dict[str, Any]]:
    return make_item


@pytest.fixture
def locs() -> Callable[[Any], list[list[str | int]]]:
    return error_locations
