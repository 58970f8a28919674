"""Property: no body, content type or query a client can send makes the API answer 5xx."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from outsidein.feedback.ingest import FEEDBACK_FIELDS

pytestmark = pytest.mark.django_db
FEEDBACK_URL = "/api/v1/feedback"

ROW_FIELDS = list(FEEDBACK_FIELDS)  # the shared row format

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()  # NaN and infinities too: json.dumps writes them as NaN/Infinity
    | st.text(max_size=30)
    | st.sampled_from(["nps-survey", "tickets", "first-invoice", "2026-03-01", "\x00", "\ud800"])
)
junk = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
# Items that look like feedback reach deeper: past the type checks into the ingestion service.
plausible_item = st.fixed_dictionaries(
    {},
    optional={name: junk for name in ROW_FIELDS}
    | {"listening_post": st.sampled_from(["nps-survey", "tickets", "nope"])}
    | {"received_at": st.sampled_from(["2026-03-01", "31.12.2025 10:00", "0001-01-01T00:00"])},
)
payloads = (
    junk
    | plausible_item
    | st.fixed_dictionaries({"items": st.lists(plausible_item | junk, max_size=5)})
)
json_bodies = payloads.map(lambda payload: json.dumps(payload).encode("utf-8", "surrogatepass"))
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=latin-1",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "",
    ]
) | st.text(max_size=20)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_bodies | st.binary(max_size=200), content_type=content_types)
def test_submitting_anything_never_answers_5xx(cx_lead, token_for, body, content_type, api_client):
    client = api_client(token_for(cx_lead), raise_request_exception=False)

    response = client.post_raw(FEEDBACK_URL, body, content_type)

    assert response.status_code < 500, response.content[:500]
    assert "detail" in response.json() or response.status_code in {200, 201}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                *ROW_FIELDS,
                "nps_min",
                "q",
                "cursor",
                "limit",
                "received_from",
                "received_to",
                "nps_group",
                "sentiment",
            ]
        ),
        st.text(max_size=30),
        max_size=4,
    )
)
def test_listing_with_any_query_never_answers_5xx(cx_lead, token_for, params, api_client):
    client = api_client(token_for(cx_lead), raise_request_exception=False)

    response = client.get(FEEDBACK_URL, params)

    assert response.status_code < 500, response.content[:500]
