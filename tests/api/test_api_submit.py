"""POST /api/v1/feedback: one item or a batch, idempotent, all or nothing, 422 on bad input."""

from __future__ import annotations

import json

import pytest

from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.django_db
FEEDBACK_URL = "/api/v1/feedback"


def test_one_item_is_created_then_recognised_as_a_duplicate(lead_api, item):
    first = lead_api.post(FEEDBACK_URL, item("r-1"))
    again = lead_api.post(FEEDBACK_URL, item("r-1"))

    assert first.status_code == 201
    assert first.json()["status"] == "created"
    assert again.status_code == 200
    assert again.json() == {"id": first.json()["id"], "status": "duplicate"}
    stored = FeedbackItem.objects.get()
    assert stored.pk == first.json()["id"]
    assert (stored.listening_post.slug, stored.external_id, stored.nps) == ("nps-survey", "r-1", 4)


def test_stored_item_keeps_every_field_of_the_row_format(lead_api, org, item):
    from outsidein.customers.models import Customer

    Customer.objects.create(external_id="C-42", name="Kari Nordmann")
    payload = item(
        "r-2",
        customer="C-42",
        touchpoint="first-invoice",
        language="nb",
        csat=2,
        ces=6,
        answers={"q1": "no"},
        metadata={"source": "qualtrics", "nested": {"depth": [1, 2]}},
    )
    response = lead_api.post(FEEDBACK_URL, payload)

    assert response.status_code == 201, response.json()
    stored = FeedbackItem.objects.get(pk=response.json()["id"])
    assert stored.customer.external_id == "C-42"
    assert stored.touchpoint == org["invoice"]
    assert (stored.language, stored.csat, stored.ces) == ("nb", 2, 6)
    assert stored.answers == {"q1": "no"}
    assert stored.metadata == {"source": "qualtrics", "nested": {"depth": [1, 2]}}
    assert stored.received_at.isoformat() == "2026-03-01T08:30:00+00:00"


def test_numeric_external_id_is_the_same_item_as_its_digits(lead_api, item):
    first = lead_api.post(FEEDBACK_URL, item(external_id=1001))
    again = lead_api.post(FEEDBACK_URL, item(external_id="1001"))

    assert again.json() == {"id": first.json()["id"], "status": "duplicate"}


def test_batch_is_created_and_sending_it_again_gives_all_duplicates(lead_api, item):
    batch = {"items": [item(f"b-{n}") for n in range(5)]}

    first = lead_api.post(FEEDBACK_URL, batch)
    again = lead_api.post(FEEDBACK_URL, batch)

    assert first.status_code == 201
    assert first.json()["received"] == 5
    assert first.json()["created"] == 5
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["duplicates"]) == (0, 5)
    assert [i["id"] for i in again.json()["items"]] == [i["id"] for i in first.json()["items"]]
    assert {i["status"] for i in again.json()["items"]} == {"duplicate"}
    assert FeedbackItem.objects.count() == 5


def test_the_same_item_twice_in_one_batch_is_stored_once(lead_api, item):
    response = lead_api.post(FEEDBACK_URL, {"items": [item("x"), item("x"), item("y")]})

    body = response.json()
    assert (body["created"], body["duplicates"]) == (2, 1)
    assert body["items"][0]["id"] == body["items"][1]["id"]
    assert FeedbackItem.objects.count() == 2


def test_a_thousand_items_go_in_one_batch(lead_api, item):
    response = lead_api.post(FEEDBACK_URL, {"items": [item(f"k-{n}") for n in range(1000)]})

    assert response.status_code == 201
    assert response.json()["created"] == 1000
    assert FeedbackItem.objects.count() == 1000


@pytest.mark.parametrize(
    ("change", "loc", "needle"),
    [
        ({"nps": 11}, ["nps"], "10"),
        ({"csat": 0}, ["csat"], "1"),
        ({"ces": "seven"}, ["ces"], "integer"),
        ({"nps": True}, ["nps"], "integer"),
        ({"touchpoint": "no-such-touchpoint"}, ["touchpoint"], "no-such-touchpoint"),
        ({"listening_post": "nowhere"}, ["listening_post"], "nowhere"),
        ({"customer": "C-unknown"}, ["customer"], "C-unknown"),
        ({"received_at": "yesterday"}, ["received_at"], "yesterday"),
        ({"metadata": ["not", "an", "object"]}, ["metadata"], "dictionary"),
        ({"text": 12.5}, ["text"], "string"),
        ({"text": "a\x00b"}, ["text"], "NUL"),
        ({"text": "x" * 20001}, ["text"], "20000"),
        ({"score": 7}, ["score"], "not permitted"),
    ],
)
def test_a_bad_field_answers_422_naming_the_field(lead_api, change, loc, needle, item):
    response = lead_api.post(FEEDBACK_URL, item("bad", **change))

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == loc
    assert needle in problem["msg"]
    assert problem["type"]
    assert not FeedbackItem.objects.exists()


def test_a_missing_external_id_is_reported(lead_api, item):
    payload = item()
    del payload["external_id"]

    response = lead_api.post(FEEDBACK_URL, payload)

    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "loc": ["external_id"],
        "msg": "Field required",
        "type": "missing",
    }


def test_every_error_of_every_item_is_listed_and_nothing_is_stored(lead_api, item, locs):
    batch = [item(f"ok-{n}") for n in range(6)]
    batch[1] = item("bad-1", nps=11, touchpoint="nowhere")
    batch[3] = item("bad-3", ces="x")
    batch[5] = "not an object"

    response = lead_api.post(FEEDBACK_URL, {"items": batch})

    assert response.status_code == 422
    assert sorted(locs(response)) == sorted(
        [["items", 1, "nps"], ["items", 1, "touchpoint"], ["items", 3, "ces"], ["items", 5]]
    )
    assert not FeedbackItem.objects.exists()


def test_a_valid_resend_after_a_rejected_batch_stores_everything(lead_api, item):
    batch = [item("a"), item("b", nps=99)]
    assert lead_api.post(FEEDBACK_URL, {"items": batch}).status_code == 422

    batch[1]["nps"] = 9
    response = lead_api.post(FEEDBACK_URL, {"items": batch})

    assert response.status_code == 201
    assert response.json()["created"] == 2


def test_a_batch_over_the_limit_is_refused_with_a_clear_message(lead_api, settings, item):
    too_many = settings.API_BATCH_MAX_ITEMS + 1
    response = lead_api.post(FEEDBACK_URL, {"items": [item(f"n{n}") for n in range(too_many)]})

    assert response.status_code == 413
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["items"]
    assert str(settings.API_BATCH_MAX_ITEMS) in problem["msg"]
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"listening_post": "nps-survey",', "application/json", 422),
        (b"\xff\xfe\xfa not utf-8", "application/json", 422),
        (b"[1, 2, 3]", "application/json", 422),
        (b'"just a string"', "application/json", 422),
        (b"", "application/json", 422),
        (b'{"nps": NaN}', "application/json", 422),
        (b'{"nps": 1e999}', "application/json", 422),
        (b'{"nps": ' + b"9" * 5000 + b"}", "application/json", 422),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 422),
        (b'{"items": {"a": 1}}', "application/json", 422),
        (b'{"items": [], "extra": 1}', "application/json", 422),
        (b"listening_post=nps-survey", "application/x-www-form-urlencoded", 415),
        (b"<xml/>", "text/xml", 415),
    ],
)
def test_malformed_bodies_answer_4xx_with_the_error_shape(lead_api, body, content_type, status):
    response = lead_api.post_raw(FEEDBACK_URL, body, content_type)

    assert response.status_code == status
    problem = response.json()["detail"][0]
    assert set(problem) == {"loc", "msg", "type"}


def test_json_with_a_vendor_content_type_is_accepted(lead_api, item):
    body = json.dumps(item("v")).encode()
    response = lead_api.post_raw(FEEDBACK_URL, body, "application/vnd.outsidein+json")

    assert response.status_code == 201


def test_a_viewer_may_not_submit(viewer_api, item):
    response = viewer_api.post(FEEDBACK_URL, item())

    assert response.status_code == 403
    assert not FeedbackItem.objects.exists()


def test_a_team_member_may_submit_to_their_own_teams_post_or_touchpoint(billing_api, item):
    own_post = billing_api.post(FEEDBACK_URL, item("own-post"))
    own_touchpoint = billing_api.post(
        FEEDBACK_URL, item("own-tp", listening_post="tickets", touchpoint="first-invoice")
    )

    assert own_post.status_code == 201
    assert own_touchpoint.status_code == 201


def test_a_team_member_may_not_submit_to_another_teams_post(billing_api, item, locs):
    batch = [item("mine"), item("theirs", listening_post="tickets", touchpoint="installation")]

    response = billing_api.post(FEEDBACK_URL, {"items": batch})

    assert response.status_code == 403
    assert locs(response) == [["items", 1, "listening_post"]]
    assert not FeedbackItem.objects.exists()


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"metadata": {"key\x00": 1}}, ["metadata", "key\x00"]),
        ({"text": "lone \ud800 surrogate"}, ["text"]),
        ({"answers": {"q": "\ud83d"}}, ["answers", "q"]),
        ({"metadata": {"deep": json.loads("[" * 40 + "]" * 40)}}, ["metadata", "deep"]),
    ],
)
def test_values_no_database_can_store_answer_422(lead_api, item, change, loc):
    body = json.dumps(item("odd", **change)).encode("utf-8", "surrogatepass")

    response = lead_api.post_raw(FEEDBACK_URL, body, "application/json")

    assert response.status_code == 422
    assert any(problem["loc"][: len(loc)] == loc for problem in response.json()["detail"])
    assert not FeedbackItem.objects.exists()


def test_large_numbers_in_metadata_are_kept_exactly(lead_api, item):
    response = lead_api.post(FEEDBACK_URL, item("big", metadata={"order": 10**30, "x": 1.5}))

    assert response.status_code == 201
    assert FeedbackItem.objects.get().metadata == {"order": 10**30, "x": 1.5}


def test_a_body_over_the_servers_size_limit_answers_413(lead_api, item, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = lead_api.post(FEEDBACK_URL, item("long", text="x" * 2000))

    assert response.status_code == 413
    assert not FeedbackItem.objects.exists()
