"""GET /api/v1/feedback and /api/v1/feedback/{id}: filters, visibility, privacy, cursors."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db
FEEDBACK_URL = "/api/v1/feedback"

T0 = timezone.make_aware(datetime(2026, 3, 1, 12, 0))


def ids(response) -> list[int]:
    return [entry["id"] for entry in response.json()["items"]]


def test_filters_narrow_the_list(lead_api, make_feedback, org):
    low = make_feedback(nps=2, received_at=T0, touchpoint=org["invoice"], language="nb")
    high = make_feedback(nps=10, received_at=T0 - timedelta(days=40), language="en")
    ticket = make_feedback(listening_post=org["tickets"], received_at=T0 - timedelta(days=1))

    def listed(**params):
        return ids(lead_api.get(FEEDBACK_URL, params))

    assert listed() == [low.pk, ticket.pk, high.pk]
    assert listed(nps_max=6) == [low.pk]
    assert listed(nps_group="promoter") == [high.pk]
    assert listed(listening_post="tickets") == [ticket.pk]
    assert listed(touchpoint="first-invoice") == [low.pk]
    assert listed(journey="move") == [low.pk]
    assert listed(team="field") == [ticket.pk]
    assert listed(language="en") == [high.pk]
    assert listed(received_from="2026-02-28", received_to="2026-02-28") == [ticket.pk]
    assert listed(received_from="2026-03-01T11:00:00+01:00") == [low.pk]


def test_text_search_and_customer_filter(lead_api, make_feedback):
    from outsidein.customers.models import Customer

    kari = Customer.objects.create(external_id="C-1", name="Kari")
    invoice = make_feedback(redacted_text="The invoice was wrong", customer=kari)
    make_feedback(redacted_text="Fast installation")

    assert ids(lead_api.get(FEEDBACK_URL, {"q": "INVOICE"})) == [invoice.pk]
    assert ids(lead_api.get(FEEDBACK_URL, {"customer": "C-1"})) == [invoice.pk]


def test_a_team_member_sees_only_feedback_of_their_teams(
    billing_api, field_api, make_feedback, org
):
    on_post = make_feedback()
    on_touchpoint = make_feedback(listening_post=org["tickets"], touchpoint=org["invoice"])
    field_only = make_feedback(listening_post=org["tickets"], touchpoint=org["install"])

    assert set(ids(billing_api.get(FEEDBACK_URL))) == {on_post.pk, on_touchpoint.pk}
    assert set(ids(field_api.get(FEEDBACK_URL))) == {on_touchpoint.pk, field_only.pk}
    assert billing_api.get(f"{FEEDBACK_URL}/{field_only.pk}").status_code == 404
    assert billing_api.get(f"{FEEDBACK_URL}/{on_post.pk}").status_code == 200


def test_original_text_only_for_roles_allowed_to_see_it(
    lead_api, billing_api, viewer_api, make_feedback
):
    item = make_feedback()
    url = f"{FEEDBACK_URL}/{item.pk}"

    assert lead_api.get(url).json()["text"] == "Call me on 99 88 77 66"
    for client in (billing_api, viewer_api):
        body = client.get(url).json()
        assert body["text"] == "Call me on [PHONE]"
        assert body["text_is_original"] is False
        assert "99 88" not in str(client.get(FEEDBACK_URL).json())


def test_detail_includes_the_analysis(lead_api, make_feedback, org):
    item = make_feedback(
        sentiment="negative", sentiment_score=-0.8, themes=["billing"], language="nb", nps=3
    )

    body = lead_api.get(f"{FEEDBACK_URL}/{item.pk}").json()

    assert body["listening_post"] == "nps-survey"
    assert (body["language"], body["sentiment"], body["sentiment_score"]) == (
        "nb",
        "negative",
        -0.8,
    )
    assert body["themes"] == ["billing"]
    assert body["nps"] == 3


def test_cursor_pages_walk_every_item_once_newest_first(lead_api, make_feedback):
    # Several items share a received time, so the id must break ties between pages.
    items = [make_feedback(received_at=T0 - timedelta(hours=n // 3)) for n in range(23)]
    expected = [i.pk for i in sorted(items, key=lambda i: (i.received_at, i.pk), reverse=True)]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
        body = lead_api.get(FEEDBACK_URL, params).json()
        seen += [entry["id"] for entry in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == expected
    assert pages == 5


def test_cursor_keeps_the_filters_of_the_query(lead_api, make_feedback, org):
    for n in range(6):
        make_feedback(received_at=T0 - timedelta(minutes=n), nps=n)
    first = lead_api.get(FEEDBACK_URL, {"nps_max": 3, "limit": 2}).json()
    second = lead_api.get(FEEDBACK_URL, {"nps_max": 3, "limit": 2, "cursor": first["next_cursor"]})

    assert [entry["nps"] for entry in first["items"] + second.json()["items"]] == [0, 1, 2, 3]


def flip_one_character(text: str) -> str:
    middle = len(text) // 2
    return text[:middle] + ("A" if text[middle] != "A" else "B") + text[middle + 1 :]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda real: "garbage",
        lambda real: "eyJhIjoxfQ",  # base64 of {"a":1}
        lambda real: "x" * 600,
        flip_one_character,
        lambda real: real[:-2],
    ],
)
def test_a_tampered_cursor_answers_422(lead_api, make_feedback, locs, tamper):
    for _ in range(3):
        make_feedback()
    real = lead_api.get(FEEDBACK_URL, {"limit": 1}).json()["next_cursor"]

    response = lead_api.get(FEEDBACK_URL, {"cursor": tamper(real)})

    assert response.status_code == 422
    assert locs(response) == [["query", "cursor"]]


def test_a_customers_cursor_is_refused_on_feedback(lead_api):
    from outsidein.customers.models import Customer

    for n in range(3):
        Customer.objects.create(external_id=f"C-{n}")
    cursor = lead_api.get("/api/v1/customers", {"limit": 1}).json()["next_cursor"]

    assert lead_api.get(FEEDBACK_URL, {"cursor": cursor}).status_code == 422


@pytest.mark.parametrize(
    ("params", "loc"),
    [
        ({"limit": 0}, ["query", "limit"]),
        ({"limit": 501}, ["query", "limit"]),
        ({"limit": "1e400"}, ["query", "limit"]),
        ({"nps_min": 11}, ["query", "nps_min"]),
        ({"nps_group": "fans"}, ["query", "nps_group"]),
        ({"sentiment": "angry"}, ["query", "sentiment"]),
        ({"received_from": "0001-01-01"}, ["query", "received_from"]),
        ({"received_to": "9999-12-31"}, ["query", "received_to"]),
        ({"received_to": "not a date"}, ["query", "received_to"]),
        ({"q": "x" * 201}, ["query", "q"]),
    ],
)
def test_bad_query_parameters_answer_422(lead_api, params, loc, locs):
    response = lead_api.get(FEEDBACK_URL, params)

    assert response.status_code == 422
    assert loc in locs(response)


@pytest.mark.parametrize("feedback_id", ["abc", "0", str(2**64), "-1", "1.5"])
def test_bad_ids_answer_4xx(lead_api, feedback_id):
    response = lead_api.get(f"{FEEDBACK_URL}/{feedback_id}")

    assert response.status_code in {404, 422}


def test_an_unknown_id_answers_404(lead_api):
    assert lead_api.get(f"{FEEDBACK_URL}/999999").status_code == 404


def test_read_only_roles_may_list(viewer_api, make_feedback):
    make_feedback()

    assert len(viewer_api.get(FEEDBACK_URL).json()["items"]) == 1


def test_unauthenticated_reads_answer_401(make_feedback, api_client):
    item = make_feedback()

    for url in (FEEDBACK_URL, f"{FEEDBACK_URL}/{item.pk}"):
        response = api_client(None).get(url)
        assert response.status_code == 401
