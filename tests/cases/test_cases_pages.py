"""Case pages and API: team members see their teams' cases only, viewers read only,
the workflow, the rule editor with per-path errors, loop metrics."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest


@pytest.fixture
def cases(org, make_item, make_rule):
    """One billing case (invoice touchpoint) and one field case (installation)."""
    from django.utils import timezone

    from outsidein.cases.routing import open_cases_for

    make_rule({"kind": "nps", "op": "<=", "value": 6}, name="Detractor")
    recent = timezone.now() - timedelta(days=1)
    bill = make_item(
        "b1", nps=1, touchpoint=org["invoice"], text="Faktura feil", received_at=recent
    )
    inst = make_item(
        "f1", nps=2, touchpoint=org["install"], text="Montøren kom aldri", received_at=recent
    )
    opened = {c.feedback_id: c for c in open_cases_for([bill.pk, inst.pk])}
    return {"billing": opened[bill.pk], "field": opened[inst.pk]}


def test_team_members_see_only_their_teams_cases(client, cases, billing_member):
    client.force_login(billing_member)
    inbox = client.get("/cases/").content.decode()
    assert "Faktura feil" in inbox and "Montøren" not in inbox
    assert client.get(f"/cases/{cases['billing'].pk}/").status_code == 200
    assert client.get(f"/cases/{cases['field'].pk}/").status_code == 404
    response = client.post(f"/cases/{cases['field'].pk}/status/", {"status": "closed"})
    assert response.status_code == 404


def test_viewers_read_but_cannot_change(client, cases, viewer):
    client.force_login(viewer)
    case = cases["field"]
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert client.post(f"/cases/{case.pk}/status/", {"status": "closed"}).status_code == 403
    assert client.post("/cases/bulk-assign/", {"case": [case.pk]}).status_code == 403
    case.refresh_from_db()
    assert case.status == "new"


def test_status_flow_contact_root_cause_and_timeline(client, cases, billing_member):
    from outsidein.codebook.models import Theme

    Theme.objects.create(code="invoice-errors", name="Invoice errors")
    client.force_login(billing_member)
    case = cases["billing"]
    url = f"/cases/{case.pk}/"
    client.post(url + "assign/", {"assignee": billing_member.pk})
    client.post(url + "contact/", {"channel": "phone", "outcome": "reached", "note": "Ringte"})
    client.post(url + "status/", {"status": "waiting_for_customer"})
    client.post(url + "status/", {"status": "resolved"})
    client.post(url + "outer-loop/", {"root_cause": "invoice-errors", "improvement": "Ny mal"})
    client.post(url + "status/", {"status": "closed"})
    case.refresh_from_db()
    assert (case.status, case.assignee, case.root_cause) == (
        "closed",
        billing_member,
        "invoice-errors",
    )
    assert case.first_response_at and case.resolved_at and case.closed_at
    assert case.pauses[0][1] is not None  # the wait ended when it was resolved
    response = client.post(url + "status/", {"status": "new"}, follow=True)
    assert "cannot go from" in response.content.decode()
    client.post(url + "status/", {"status": "in_progress"})  # reopen
    case.refresh_from_db()
    assert case.status == "in_progress" and case.resolved_at is None
    page = client.get(url).content.decode()
    timeline = page.split("Timeline")[-1]  # from the audit log
    assert "Case opened" in timeline and "Contact recorded" in timeline
    assert "status: in_progress → waiting_for_customer" in timeline
    assert "root cause: — → invoice-errors" in timeline


def test_bulk_assign_from_the_inbox(client, cases, billing_member, cx_lead):
    client.force_login(cx_lead)
    both = [cases["billing"].pk, cases["field"].pk]
    client.post("/cases/bulk-assign/", {"case": both, "assignee": billing_member.pk})
    cases["billing"].refresh_from_db()
    cases["field"].refresh_from_db()
    assert cases["billing"].assignee == billing_member
    assert cases["field"].assignee is None  # not a member of the field team
    client.force_login(billing_member)
    mine = client.get("/cases/mine/").content.decode()
    assert "Faktura feil" in mine
    partial = client.get("/cases/?priority=critical", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="case-rows"')
    assert "Faktura feil" not in partial.content.decode()


def test_rule_editor_builds_validates_and_dry_runs(client, cases, cx_lead, billing_member):
    from outsidein.cases.models import AlertRule

    client.force_login(cx_lead)
    bad = {
        "name": "Bad",
        "priority": "high",
        "condition_json": json.dumps({"all": [{"kind": "nps", "op": "<=", "value": 11}]}),
    }
    page = client.post("/cases/rules/new/", bad).content.decode()
    assert "all[0]: nps values lie between 0 and 10" in page
    assert not AlertRule.objects.filter(name="Bad").exists()
    trial = client.post(
        "/cases/rules/new/", {"name": "Try", "priority": "normal", "nps_max": 1, "dry_run": "1"}
    ).content.decode()
    assert "would have opened 1 case" in trial
    client.post(
        "/cases/rules/new/",
        {
            "name": "Invoice",
            "priority": "high",
            "nps_max": 6,
            "touchpoints": "first-invoice",
            "keywords": "faktura*",
            "active": "on",
        },
    )
    rule = AlertRule.objects.get(name="Invoice")
    assert rule.condition == {
        "all": [
            {"kind": "nps", "op": "<=", "value": 6},
            {"kind": "touchpoint", "in": ["first-invoice"]},
            {"kind": "keywords", "any_of": ["faktura*"]},
        ]
    }
    dry = client.get(f"/cases/rules/{rule.pk}/dry-run/").content.decode()
    assert "would have opened 1 case" in dry
    client.force_login(billing_member)
    assert client.post(f"/cases/rules/{rule.pk}/", {"name": "x"}).status_code == 403


def test_loop_metrics_show_feedback_that_stopped(client, cases, cx_lead):
    from outsidein.cases.workflow import change_status, record_contact

    change_status(cases["field"], "closed")
    record_contact(cases["billing"], by=cx_lead, channel="phone", outcome="solved")
    change_status(cases["billing"], "resolved")
    client.force_login(cx_lead)
    page = client.get("/cases/metrics/").content.decode()
    stopped = page.split("Feedback that stopped")[1]
    assert f"#{cases['field'].pk}" in stopped and f"#{cases['billing'].pk}" not in stopped
    assert "50 %" in page  # one of two cases closed the loop with the customer


def test_api_lists_and_patches_cases(client, cases, billing_member):
    from outsidein.accounts.tokens import create_token

    token = create_token(billing_member, "t")[1]
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/cases?status=open", headers=auth).json()
    assert [c["id"] for c in listed["items"]] == [cases["billing"].pk]
    url = f"/api/v1/cases/{cases['billing'].pk}"
    body = json.dumps({"status": "in_progress", "assignee": billing_member.email})
    patched = client.patch(url, body, content_type="application/json", headers=auth)
    assert patched.status_code == 200
    assert patched.json()["status"] == "in_progress"
    assert patched.json()["assignee"] == billing_member.email
    wrong = client.patch(
        url, json.dumps({"status": "new"}), content_type="application/json", headers=auth
    )
    assert wrong.status_code == 422
    other = f"/api/v1/cases/{cases['field'].pk}"
    assert (
        client.patch(other, "{}", content_type="application/json", headers=auth).status_code == 404
    )
    assert client.get("/api/v1/cases?status=nonsense", headers=auth).status_code == 422
    assert client.get("/api/v1/cases?cursor=forged", headers=auth).status_code == 422
