"""The codebook pages: the theme tree, editing and testing a theme, YAML in and out,
the default codebook, re-analysis and permissions."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outsidein.codebook.models import Theme
from outsidein.codebook.services import import_codebook
from outsidein.feedback.models import FeedbackItem
from outsidein.text.codebook import Codebook, default_codebook

PARKING = Codebook.from_dict(
    {
        "themes": [
            {"code": "access", "name": "Access"},
            {
                "code": "parking",
                "name": "Parking",
                "parent": "access",
                "labels": {"nb": "Parkering"},
                "keywords": {"nb": ["parkering", "*plass"], "sv": ["parkering"]},
                "phrases": {"en": ["car park"]},
            },
        ]
    }
)


def theme_post(**overrides) -> dict:
    data = {"name": "Parking", "code": "", "description": "", "parent": "", "active": "on"}
    data.update(overrides)
    return data


def test_a_new_theme_is_saved_with_its_terms_per_language(lead_client):
    response = lead_client.post(
        reverse("codebook:theme_new"),
        theme_post(
            name="Ærlig parkering", keywords_nb="parkering\n\n *plass \n", phrases_en="car park"
        ),
    )
    assert response.status_code == 302
    theme = Theme.objects.get()
    assert theme.code == "aerlig-parkering"
    assert theme.keywords == {"nb": ["parkering", "*plass"]} and theme.phrases == {
        "en": ["car park"]
    }
    page = lead_client.get(reverse("codebook:index")).content.decode()
    assert "Ærlig parkering" in page and "Re-analyse stored feedback" in page


def test_codebook_errors_are_shown_on_the_field_and_nothing_is_saved(lead_client):
    url = reverse("codebook:theme_new")
    response = lead_client.post(url, theme_post(patterns_sv="(kö"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "patterns_sv" in errors and "Bad regex" in errors["patterns_sv"][0]
    assert "Bad regex" in response.content.decode()
    response = lead_client.post(url, theme_post(code="Bad_Code"))
    assert "code" in response.context["form"].errors
    assert not Theme.objects.exists()


def test_a_new_theme_never_takes_over_an_existing_themes_code(lead_client):
    import_codebook(PARKING)
    before = Theme.objects.get(code="parking")
    url = reverse("codebook:theme_new")
    derived = lead_client.post(url, theme_post(name="Parking", keywords_en="garage"))
    typed = lead_client.post(url, theme_post(name="Car park", code="parking", keywords_en="valet"))
    # A code made from the name gets the next free one; a typed code that is taken is the
    # CX lead's choice to make again, so the form says which theme has it.
    assert (derived.status_code, typed.status_code) == (302, 400)
    assert "Parking" in typed.context["form"].errors["code"][0]
    kept = Theme.objects.get(code="parking")
    assert (kept.pk, kept.name, kept.parent.code) == (before.pk, "Parking", "access")
    assert kept.keywords == before.keywords and kept.labels == {"nb": "Parkering"}
    assert Theme.objects.get(code="parking-2").keywords == {"en": ["garage"]}
    assert not Theme.objects.filter(name="Car park").exists()


def test_editing_a_theme_keeps_its_code_and_refuses_a_cycle(lead_client):
    import_codebook(PARKING)
    access, parking = Theme.objects.get(code="access"), Theme.objects.get(code="parking")
    url = reverse("codebook:theme_edit", args=[access.pk])
    page = lead_client.get(url).content.decode()
    assert "Access" in page
    response = lead_client.post(url, theme_post(name="Access", code="changed", parent=parking.pk))
    assert response.status_code == 400 and "cycle" in response.context["form"].errors["parent"][0]
    response = lead_client.post(url, theme_post(name="Getting there", code="changed"))
    access.refresh_from_db()
    assert response.status_code == 302 and (access.code, access.name) == ("access", "Getting there")
    # A parent cannot be switched off while an active theme sits below it.
    response = lead_client.post(url, {"name": "Getting there"})
    assert response.status_code == 400 and "Parking" in response.content.decode()


def test_the_theme_test_box_shows_which_recent_feedback_would_match(lead_client, make_items):
    make_items([("Parkeringsplassen var full", {}), ("Fin service", {})])
    response = lead_client.post(
        reverse("codebook:theme_test"),
        {**theme_post(keywords_nb="*plass"), "sample": "Ingen ledig parkeringsplass i dag"},
        HTTP_HX_REQUEST="true",
    )
    result = response.context["result"]
    assert result["checked"] == 2 and result["count"] == 1
    page = response.content.decode()
    assert "<mark>Parkeringsplassen</mark>" in page
    assert "<mark>parkeringsplass</mark>" in page
    response = lead_client.post(reverse("codebook:theme_test"), theme_post(patterns_nb="["))
    assert "bad regex" in response.content.decode()


def test_yaml_upload_and_download_round_trip(lead_client, tmp_path):
    upload = tmp_path / "codebook.yaml"
    upload.write_text(PARKING.to_yaml(), encoding="utf-8")
    with upload.open("rb") as handle:
        response = lead_client.post(reverse("codebook:import"), {"file": handle}, follow=True)
    assert "2 created" in response.content.decode()
    download = lead_client.get(reverse("codebook:export"))
    assert "attachment" in download["Content-Disposition"]
    assert Codebook.from_yaml(download.content.decode()) == PARKING


def upload_yaml(client, tmp_path, text: str) -> str:
    """The page after the upload, as text (entities unescaped)."""
    from html import unescape

    path = tmp_path / "upload.yaml"
    path.write_text(text, encoding="utf-8")
    with path.open("rb") as handle:
        response = client.post(reverse("codebook:import"), {"file": handle}, follow=True)
    return unescape(response.content.decode())


def test_a_switched_off_theme_stays_off_through_yaml_download_and_upload(lead_client, tmp_path):
    import yaml

    from outsidein.codebook.services import current_codebook

    import_codebook(PARKING)
    Theme.objects.filter(code="parking").update(active=False)
    download = lead_client.get(reverse("codebook:export")).content.decode()
    themes = {t["code"]: t for t in yaml.safe_load(download)["themes"]}
    assert themes["parking"]["active"] is False and "active" not in themes["access"]
    Theme.objects.all().delete()  # e.g. moving the codebook to a new installation
    assert "2 created" in upload_yaml(lead_client, tmp_path, download)
    assert dict(Theme.objects.values_list("code", "active")) == {"access": True, "parking": False}
    assert current_codebook().get("parking") is None  # it tags nothing
    # A file without the switch (older exports, hand-written files) means every theme is on.
    assert "Nothing was imported" not in upload_yaml(lead_client, tmp_path, PARKING.to_yaml())
    assert set(Theme.objects.values_list("active", flat=True)) == {True}


def test_an_upload_cannot_leave_an_active_theme_under_a_switched_off_parent(lead_client, tmp_path):
    import_codebook(PARKING)
    stranded = "themes:\n  - {code: access, name: Access, active: false}\n"
    stranded += "  - {code: parking, name: Parking, parent: access}\n"
    page = upload_yaml(lead_client, tmp_path, stranded)
    assert "Nothing was imported" in page and "'parking' (under 'access')" in page
    page = upload_yaml(lead_client, tmp_path, "themes:\n  - {code: access, name: A, active: nei}\n")
    assert "Nothing was imported" in page and "must be true or false" in page
    assert set(Theme.objects.values_list("active", flat=True)) == {True}
    assert Theme.objects.get(code="access").name == "Access"


def test_a_bad_upload_explains_itself_and_changes_nothing(lead_client, tmp_path):
    import_codebook(PARKING)
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "themes:\n  - {code: access, name: Renamed}\n  - {code: x, name: X, parent: nowhere}\n"
    )
    with bad.open("rb") as handle:
        page = lead_client.post(reverse("codebook:import"), {"file": handle}, follow=True)
    text = page.content.decode()
    assert "Nothing was imported" in text and "nowhere" in text
    assert Theme.objects.get(code="access").name == "Access"
    # A one-line upload that looks like a file name is content, never a path on the server.
    one_line = tmp_path / "trick.yaml"
    one_line.write_text("/etc/passwd.yaml")
    with one_line.open("rb") as handle:
        page = lead_client.post(reverse("codebook:import"), {"file": handle}, follow=True)
    assert "Nothing was imported" in page.content.decode()


def test_start_from_the_default_codebook_and_see_volumes(lead_client, org):
    from datetime import timedelta

    from django.utils import timezone

    page = lead_client.get(reverse("codebook:index")).content.decode()
    assert "Start from the default codebook" in page
    lead_client.post(reverse("codebook:start_default"))
    assert Theme.objects.count() == len(default_codebook())

    def tagged(n, days, *themes):
        return FeedbackItem(
            listening_post=org["survey"],
            external_id=f"v{n}",
            received_at=timezone.now() - timedelta(days=days),
            themes=[{"code": code, "sentiment": tone} for code, tone in themes],
        )

    FeedbackItem.objects.bulk_create(
        [
            tagged(1, 1, ("billing_error", "negative")),
            tagged(2, 2, ("billing_error", "negative"), ("price", "neutral")),
            tagged(3, 3, ("app", "positive")),
            tagged(4, 200, ("billing_error", "negative")),  # outside the 90 days
        ]
    )
    response = lead_client.get(reverse("codebook:index"))
    rows = {row.theme.code: row for row in response.context["rows"]}
    assert rows["billing_error"].stats.total == 2
    assert dict(rows["billing_error"].stats.mix) == {"negative": 2}
    # A group counts each item once, even when two of its themes match it.
    assert rows["money"].stats.total == 2 and rows["price"].stats.total == 1
    assert rows["money"].depth == 0 and rows["billing_error"].depth == 1
    page = response.content.decode()
    assert "Start from the default codebook" not in page and "Sentiment mix" in page


def test_reanalysis_applies_a_new_theme_to_stored_feedback(lead_client, make_items):
    make_items([("Parkeringen er et mareritt", {}), ("Hyggelig betjening", {})])
    import_codebook(PARKING)
    page = lead_client.post(reverse("codebook:reanalyse"), follow=True).content.decode()
    assert "Analysed 2 feedback items again" in page
    tagged = [
        i for i in FeedbackItem.objects.all() if any(t["code"] == "parking" for t in i.themes)
    ]
    assert len(tagged) == 1


def test_everyone_may_look_but_only_a_cx_lead_or_admin_may_change(client, billing_member):
    import_codebook(PARKING)
    client.force_login(billing_member)
    assert client.get(reverse("codebook:index")).status_code == 200
    assert client.get(reverse("codebook:export")).status_code == 200
    assert client.get(reverse("codebook:theme_new")).status_code == 403
    assert client.post(reverse("codebook:start_default")).status_code == 403
    assert client.post(reverse("codebook:reanalyse")).status_code == 403
    page = client.get(reverse("feedback:explorer")).content.decode()
    assert reverse("codebook:index") not in page  # no nav entry


@pytest.mark.parametrize(
    "name,args",
    [
        ("codebook:theme_new", []),
        ("codebook:theme_edit", ["theme"]),
        ("codebook:theme_test", []),
        ("codebook:start_default", []),
        ("codebook:import", []),
        ("codebook:reanalyse", []),
        ("codebook:discover", []),
        ("codebook:adopt", ["topic"]),
        ("codebook:dismiss", ["topic"]),
        ("codebook:train", []),
        ("feedback:correct", ["item"]),
        ("feedback:accept_touchpoint", ["item"]),
    ],
)
def test_viewers_get_403_on_every_post(client, viewer, org, name, args):
    from django.utils import timezone

    from outsidein.codebook.models import EmergingTopic

    import_codebook(PARKING)
    now = timezone.now()
    objects = {
        "theme": Theme.objects.first().pk,
        "topic": EmergingTopic.objects.create(
            period_start=now, period_end=now, size=5, keywords=["a"]
        ).pk,
        "item": FeedbackItem.objects.create(
            listening_post=org["survey"], external_id="v1", received_at=now, text="x"
        ).pk,
    }
    client.force_login(viewer)
    response = client.post(reverse(name, args=[objects[a] for a in args]), {"name": "X"})
    assert response.status_code == 403
    assert Theme.objects.count() == 2
