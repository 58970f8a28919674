"""The public survey page through Django's test client: answering, replays, tampering, edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_answer_becomes_an_analysed_feedback_item(client, invite, form_data, kari):
    from outsidein.feedback.models import FeedbackItem

    invitation, token = invite()
    page = client.get(f"/s/{token}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="nb">' in html
    assert "Hvor sannsynlig er det at du vil anbefale oss" in html
    assert '0<span class="vh"> — ikke i det hele tatt sannsynlig</span>' in html
    assert "<legend>" in html and 'role="radiogroup"' in html
    assert "<script" not in html  # works without JavaScript because it has none
    invitation.refresh_from_db()
    assert invitation.opened_at is not None

    sent = client.post(
        f"/s/{token}/",
        form_data(page, q1="9", q2="Fakturaen var lett å forstå", q3="yes"),
    )
    assert sent.status_code == 302 and sent["Location"].startswith(f"/s/{token}/thanks/")
    thanks = client.get(sent["Location"])
    assert "Takk for svarene dine" in thanks.content.decode()

    item = FeedbackItem.objects.get()
    assert item.listening_post.slug == "nps-survey"
    assert item.external_id == f"survey-invitation-{invitation.pk}"
    assert item.customer == kari and item.touchpoint.slug == "first-invoice"
    assert item.nps == 9 and item.text == "Fakturaen var lett å forstå"
    assert item.answers == {
        "survey": "invoice-nps",
        "survey_version": 1,
        "q1": 9,
        "q2": "Fakturaen var lett å forstå",
        "consent_contact": True,
    }
    assert item.language == "nb" and item.analyzed_at is not None
    invitation.refresh_from_db()
    assert invitation.answered_at is not None


def test_missing_required_answer_shows_errors_and_stores_nothing(client, invite, form_data):
    from outsidein.feedback.models import FeedbackItem

    _invitation, token = invite()
    page = client.get(f"/s/{token}/")
    sent = client.post(f"/s/{token}/", form_data(page, q2="Bra"))
    assert sent.status_code == 400
    html = sent.content.decode()
    assert 'role="alert"' in html and 'href="#q-q1"' in html
    assert "Svar på dette spørsmålet." in html
    assert "Bra</textarea>" in html  # what was typed is kept
    assert not FeedbackItem.objects.exists()


def test_replayed_form_and_double_submit_are_rejected_clearly(client, invite, form_data):
    from outsidein.feedback.models import FeedbackItem

    _invitation, token = invite()
    data = form_data(client.get(f"/s/{token}/"), q1="3")
    assert client.post(f"/s/{token}/", data).status_code == 302
    again = client.post(f"/s/{token}/", data)
    assert again.status_code == 409
    assert "Vi har allerede disse svarene" in again.content.decode()
    assert FeedbackItem.objects.count() == 1


def test_tampered_unknown_and_malformed_links(client, invite, form_data):
    _invitation, token = invite()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in (f"/s/{tampered}/", "/s/short/", "/s/" + "x" * 300 + "/"):
        page = client.get(path)
        assert page.status_code == 404
        assert "could not find this survey" in page.content.decode() or "fant" in (
            page.content.decode()
        )
    data = form_data(client.get(f"/s/{token}/"), q1="5")
    data["nonce"] = data["nonce"][:-2] + "xx"
    assert client.post(f"/s/{token}/", data).status_code == 400
    data = form_data(client.get(f"/s/{token}/"), q1="11")  # out of range
    assert client.post(f"/s/{token}/", data).status_code == 400
    data = form_data(client.get(f"/s/{token}/"), q1="5", v="99")  # unknown version
    assert client.post(f"/s/{token}/", data).status_code == 400


def test_expired_link_is_gone(client, invite):
    _invitation, token = invite(expires_at=timezone.now() - timedelta(minutes=1))
    page = client.get(f"/s/{token}/")
    assert page.status_code == 410
    assert "utløpt" in page.content.decode()


def test_response_editable_for_a_while_then_closed(client, invite, form_data):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.surveys.models import Response

    _invitation, token = invite()
    client.post(f"/s/{token}/", form_data(client.get(f"/s/{token}/"), q1="4", q2="Dårlig"))
    edit_page = client.get(f"/s/{token}/")
    assert edit_page.status_code == 200
    html = edit_page.content.decode()
    assert 'value="4" checked' in html and "Dårlig</textarea>" in html
    client.post(f"/s/{token}/", form_data(edit_page, q1="8", q2="Bedre enn jeg trodde"))
    item = FeedbackItem.objects.get()
    assert item.nps == 8 and item.text == "Bedre enn jeg trodde"
    assert Response.objects.count() == 1  # one response per link

    Response.objects.update(editable_until=timezone.now() - timedelta(seconds=1))
    closed = client.get(f"/s/{token}/")
    assert closed.status_code == 410
    assert "allerede svart" in closed.content.decode()
    late = client.post(f"/s/{token}/", form_data(edit_page, q1="0"))
    assert late.status_code in (409, 410)
    assert FeedbackItem.objects.get().nps == 8


def test_language_switch_and_browser_language(client, invite, nps_survey):
    _invitation, token = invite()
    swedish = client.get(f"/s/{token}/?lang=sv").content.decode()
    assert '<html lang="sv">' in swedish and "Hur troligt är det" in swedish
    assert 'href="?lang=nn"' in swedish and 'aria-current="true">Svenska' in swedish
    anonymous = client.get("/s/p/invoice-nps/", HTTP_ACCEPT_LANGUAGE="da-DK,da;q=0.9,en;q=0.5")
    assert '<html lang="da">' in anonymous.content.decode()
    nynorsk = client.get("/s/p/invoice-nps/?lang=nn").content.decode()
    assert "Kor sannsynleg er det" in nynorsk


def test_anonymous_link_answers_and_rate_limit(client, nps_survey, form_data, monkeypatch):
    from outsidein.feedback.models import FeedbackItem

    monkeypatch.setenv("OUTSIDEIN_SURVEY_RATE_LIMIT", "2")
    for score in ("10", "6"):
        page = client.get("/s/p/invoice-nps/?lang=en")
        assert client.post("/s/p/invoice-nps/", form_data(page, q1=score)).status_code == 302
    page = client.get("/s/p/invoice-nps/?lang=en")
    limited = client.post("/s/p/invoice-nps/", form_data(page, q1="7"))
    assert limited.status_code == 429
    items = FeedbackItem.objects.order_by("id")
    assert [item.nps for item in items] == [10, 6]
    assert items[0].customer is None and items[0].external_id.startswith("survey-response-")
    assert items[0].answers["consent_contact"] is False


def test_closed_or_private_survey_link(client, nps_survey):
    from outsidein.surveys.models import Survey

    assert client.get("/s/p/no-such-survey/").status_code == 404
    Survey.objects.update(status="closed")
    assert client.get("/s/p/invoice-nps/").status_code == 410
    Survey.objects.update(status="live", public_link=False)
    assert client.get("/s/p/invoice-nps/").status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"q1": "abc"},
        {"q1": ["3", "4"]},
        {"q1": "7", "q2": "nul \x00 and \x07 bell"},
        {"q1": "7", "q3": "maybe"},
        {"q1": "7", "q2": "x" * 6000},
        {"q1": "7", "v": "one"},
        {"q1": "7", "nonce": ""},
        {"q1": "7", "lang": "xx"},
    ],
)
def test_garbage_input_never_breaks_the_page(client, invite, form_data, changes):
    _invitation, token = invite()
    data = form_data(client.get(f"/s/{token}/"), **changes)
    answer = client.post(f"/s/{token}/", data)
    assert answer.status_code in (302, 400)
    public = client.post("/s/p/invoice-nps/", form_data(client.get("/s/p/invoice-nps/"), **changes))
    assert public.status_code in (302, 400)
