"""The CX lead's survey pages, versions, the QR code and the `outsidein surveys` commands."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.utils import timezone

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_cx_lead_creates_a_survey_from_a_template(client, cx_lead, org):
    from outsidein.surveys.models import Survey

    client.force_login(cx_lead)
    page = client.get("/surveys/")
    assert page.status_code == 200 and "New survey from a template" in page.content.decode()
    created = client.post(
        "/surveys/",
        {
            "template": "support-csat",
            "slug": "support-csat",
            "listening_post": org["tickets"].pk,
            "touchpoint": org["install"].pk,
            "languages": ["nb", "sv", "en"],
        },
    )
    assert created.status_code == 302
    survey = Survey.objects.get(slug="support-csat")
    assert survey.status == "draft" and survey.languages == ["nb", "sv", "en"]
    assert [q["kind"] for q in survey.current_version.questions] == [
        "csat",
        "single",
        "text",
        "consent",
    ]
    detail = client.get("/surveys/support-csat/")
    assert detail.status_code == 200 and "Transactional CSAT" in detail.content.decode()


def test_editing_an_answered_survey_creates_a_new_version(
    client, cx_lead, nps_survey, invite, form_data
):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.surveys.library import definition_yaml

    _invitation, token = invite()
    client.post(f"/s/{token}/", form_data(client.get(f"/s/{token}/"), q1="6"))
    client.force_login(cx_lead)
    edit = client.get("/surveys/invoice-nps/edit/")
    assert edit.status_code == 200
    definition = definition_yaml(nps_survey.current_version).replace(
        "Hvor sannsynlig er det", "Hvor trolig er det"
    )
    settings = {
        "name": nps_survey.name,
        "status": "live",
        "listening_post": nps_survey.listening_post_id,
        "touchpoint": nps_survey.touchpoint_id,
        "languages": nps_survey.languages,
        "default_language": "nb",
        "public_link": "on",
        "delay_minutes": 30,
        "sampling_rate": 0.5,
        "expires_after_days": 7,
        "reminder_after_days": 2,
    }
    saved = client.post("/surveys/invoice-nps/edit/", {**settings, "definition": definition})
    assert saved.status_code == 302
    nps_survey.refresh_from_db()
    assert nps_survey.current_version.number == 2 and nps_survey.sampling_rate == 0.5
    assert "Hvor trolig" in nps_survey.current_version.questions[0]["text"]["nb"]
    # The earlier answer still points to the questions it answered.
    assert FeedbackItem.objects.get().answers["survey_version"] == 1
    assert "Hvor trolig" in client.get("/s/p/invoice-nps/").content.decode()

    broken = client.post("/surveys/invoice-nps/edit/", {**settings, "definition": "questions: 7"})
    assert broken.status_code == 200 and "Give texts" in broken.content.decode()
    assert nps_survey.versions.count() == 2


def test_qr_code_and_rates_pages(client, cx_lead, nps_survey):
    client.force_login(cx_lead)
    qr = client.get("/surveys/invoice-nps/qr.svg")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") and b"<svg" in qr.content
    assert "<svg" in client.get("/surveys/invoice-nps/").content.decode()
    assert client.get("/surveys/rates/").status_code == 200


def test_only_setup_roles_change_surveys(client, viewer, billing_member, nps_survey):
    client.force_login(viewer)
    assert client.get("/surveys/").status_code == 200
    assert client.get("/surveys/invoice-nps/edit/").status_code == 403
    assert client.post("/surveys/", {"template": "support-csat"}).status_code == 403
    client.logout()
    assert client.get("/surveys/").status_code == 302  # to the login page


def test_templates_exist_in_all_five_languages():
    from outsidein.surveys.library import templates
    from outsidein.surveys.questions import check_questions

    found = templates()
    assert set(found) == {
        "relationship-nps",
        "support-csat",
        "self-service-ces",
        "onboarding-checkin",
    }
    for template in found.values():
        check_questions(template["questions"], ["nb", "nn", "da", "sv", "en"])
        for text in template["texts"].values():
            assert set(text) == {"nb", "nn", "da", "sv", "en"}


def test_cli_templates_create_send_and_rates(org, kari, smtp_server):
    from outsidein.surveys.cli import surveys as main  # the lead mounts it under `outsidein`
    from outsidein.surveys.distribution import schedule_for_event
    from outsidein.surveys.models import Survey

    runner = CliRunner()
    listed = runner.invoke(main, ["templates"])
    assert listed.exit_code == 0 and "relationship-nps" in listed.output
    created = runner.invoke(
        main,
        ["create", "relationship-nps", "--slug", "nps", "--post", "nps-survey"]
        + ["--touchpoint", "first-invoice", "--live"],
    )
    assert created.exit_code == 0, created.output
    assert Survey.objects.get(slug="nps").status == "live"
    schedule_for_event(kari, org["invoice"], timezone.now() - timedelta(hours=3))
    sent = runner.invoke(main, ["send"])
    assert sent.exit_code == 0 and "Sent 1 invitations" in sent.output
    assert len(smtp_server.messages) == 1
    rates = runner.invoke(main, ["rates", "--by", "language"])
    assert rates.exit_code == 0 and "nb" in rates.output
