"""Setup as code: apply is idempotent, export round-trips, bad files are refused whole."""

from __future__ import annotations

import pytest
import yaml
from auditlog.models import LogEntry
from click.testing import CliRunner

from outsidein.cli import main
from outsidein.journeys.models import Journey, Touchpoint
from outsidein.listening.models import ListeningPost
from outsidein.orgsetup.services import SetupError, apply_setup, export_setup

SETUP = """
teams:
  - {slug: customer-service, name: Kundeservice}
  - {slug: billing, name: Faktura}
listening_posts:
  - {slug: nps, name: Relasjons-NPS, channel: survey, structured: true, owner_team: customer-service}
  - {slug: app-reviews, name: App-anmeldelser, channel: review_site}
journeys:
  - slug: moving
    name: Flytting
    stages:
      - slug: report
        name: Melde flytting
        touchpoints:
          - {slug: move-form, name: Flytteskjema, owner_team: customer-service}
      - slug: first-bill
        name: Første regning
        touchpoints:
          - {slug: first-invoice, name: Første faktura, owner_team: billing, moment_of_truth: true}
"""


@pytest.fixture
def setup_file(tmp_path):
    path = tmp_path / "setup.yaml"
    path.write_text(SETUP, encoding="utf-8")
    return path


def test_apply_creates_then_is_idempotent(db, setup_file):
    runner = CliRunner()
    first = runner.invoke(main, ["setup", "apply", str(setup_file)])
    assert first.exit_code == 0, first.output
    assert "touchpoint: 2 created" in first.output
    second = runner.invoke(main, ["setup", "apply", str(setup_file)])
    assert "touchpoint: 0 created, 0 updated, 2 unchanged" in second.output
    assert Touchpoint.objects.count() == 2
    invoice = Touchpoint.objects.get(slug="first-invoice")
    assert invoice.moment_of_truth and invoice.owner_team.slug == "billing"
    assert invoice.stage.journey.slug == "moving"
    assert ListeningPost.objects.get(slug="nps").owner_team.name == "Kundeservice"


def test_changes_are_applied_and_audited(db, setup_file):
    apply_setup(yaml.safe_load(SETUP))
    changed = yaml.safe_load(SETUP)
    changed["journeys"][0]["stages"][1]["touchpoints"][0]["moment_of_truth"] = False
    report = apply_setup(changed)
    assert report.updated["touchpoint"] == 1
    touchpoint = Touchpoint.objects.get(slug="first-invoice")
    assert not touchpoint.moment_of_truth
    entries = LogEntry.objects.get_for_object(touchpoint)
    assert any("moment_of_truth" in entry.changes_dict for entry in entries)


def test_export_round_trips(db, setup_file):
    document = yaml.safe_load(SETUP)
    apply_setup(document)
    exported = export_setup()
    assert [j["slug"] for j in exported["journeys"]] == ["moving"]
    report = apply_setup(exported)
    assert not report.created and not report.updated
    result = CliRunner().invoke(main, ["setup", "export"])
    assert yaml.safe_load(result.output) == exported


def test_invalid_file_lists_every_problem_and_writes_nothing(db, tmp_path):
    bad = yaml.safe_load(SETUP)
    bad["listening_posts"][0]["channel"] = "pigeon"
    bad["journeys"][0]["stages"][0]["touchpoints"][0]["owner_team"] = "nobody"
    bad["journeys"][0]["stages"][1]["touchpoints"][0]["slug"] = "move-form"
    with pytest.raises(SetupError) as raised:
        apply_setup(bad)
    problems = " ".join(raised.value.problems)
    assert "channel must be one of" in problems
    assert "unknown owner_team 'nobody'" in problems
    assert "touchpoint slug 'move-form' appears 2 times" in problems
    assert not Journey.objects.exists()
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    result = CliRunner().invoke(main, ["setup", "apply", str(path)])
    assert result.exit_code != 0 and "pigeon" not in result.output and "channel" in result.output
