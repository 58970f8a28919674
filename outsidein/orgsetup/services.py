"""Setup as code: teams, listening posts, journeys, stages and touchpoints from YAML.

The document format (every key but `slug` and `name` optional):

    teams:
      - {slug: billing, name: Billing, description: ...}
    listening_posts:
      - {slug: nps-survey, name: NPS survey, channel: survey, structured: true,
         owner_team: billing, description: ..., active: true}
    journeys:
      - slug: moving
        name: Moving house
        stages:
          - slug: plan
            name: Planning the move
            touchpoints:
              - {slug: move-notice, name: Report the move, owner_team: billing,
                 moment_of_truth: true, description: ...}

Applying is idempotent: objects are matched by slug, created or updated, never deleted
(removing something from the file does not destroy its feedback). Positions follow the
order in the file. The whole document is validated before anything is written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.text import slugify

from outsidein.accounts.models import Team
from outsidein.journeys.models import Journey, Stage, Touchpoint
from outsidein.listening.models import Channel, ListeningPost


class SetupError(ValueError):
    """The setup document is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class SetupReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def record(self, kind: str, outcome: str) -> None:
        getattr(self, outcome)[kind] += 1


def load_setup(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    if not isinstance(document, dict):
        raise SetupError(
            [f"{path}: the top level must be a mapping with teams, listening_posts, journeys"]
        )
    return document


def _items(document: dict, key: str, where: str) -> list[dict]:
    value = document.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise SetupError([f"{where}{key}: must be a list of mappings"])
    return value


def _check_identity(item: dict, where: str, problems: list[str]) -> None:
    slug = item.get("slug")
    if not slug or slugify(str(slug)) != str(slug):
        problems.append(f"{where}: slug {slug!r} must be lowercase letters, digits and hyphens")
    if not item.get("name"):
        problems.append(f"{where}: name is required")


def _check_duplicates(slugs: list[str], kind: str, problems: list[str]) -> None:
    for slug, count in Counter(slugs).items():
        if count > 1:
            problems.append(f"{kind} slug {slug!r} appears {count} times")


def validate_setup(document: dict) -> None:
    """Raise SetupError listing every problem, or return when the document is sound."""
    problems: list[str] = []
    unknown = set(document) - {"teams", "listening_posts", "journeys"}
    if unknown:
        problems.append(f"unknown top-level keys: {', '.join(sorted(unknown))}")
    teams = _items(document, "teams", "")
    team_slugs = {t.get("slug") for t in teams} | set(Team.objects.values_list("slug", flat=True))
    for i, team in enumerate(teams):
        _check_identity(team, f"teams[{i}]", problems)
    _check_duplicates([t.get("slug") for t in teams], "team", problems)

    channels = set(Channel.values)
    posts = _items(document, "listening_posts", "")
    for i, post in enumerate(posts):
        where = f"listening_posts[{i}]"
        _check_identity(post, where, problems)
        if post.get("channel") not in channels:
            problems.append(f"{where}: channel must be one of {', '.join(sorted(channels))}")
        if post.get("owner_team") and post["owner_team"] not in team_slugs:
            problems.append(f"{where}: unknown owner_team {post['owner_team']!r}")
    _check_duplicates([p.get("slug") for p in posts], "listening post", problems)

    touchpoint_slugs: list[str] = []
    journeys = _items(document, "journeys", "")
    for i, journey in enumerate(journeys):
        _check_identity(journey, f"journeys[{i}]", problems)
        stages = _items(journey, "stages", f"journeys[{i}].")
        _check_duplicates([s.get("slug") for s in stages], f"journeys[{i}] stage", problems)
        for j, stage in enumerate(stages):
            _check_identity(stage, f"journeys[{i}].stages[{j}]", problems)
            for k, touchpoint in enumerate(
                _items(stage, "touchpoints", f"journeys[{i}].stages[{j}].")
            ):
                where = f"journeys[{i}].stages[{j}].touchpoints[{k}]"
                _check_identity(touchpoint, where, problems)
                touchpoint_slugs.append(touchpoint.get("slug"))
                if touchpoint.get("owner_team") and touchpoint["owner_team"] not in team_slugs:
                    problems.append(f"{where}: unknown owner_team {touchpoint['owner_team']!r}")
    _check_duplicates([j.get("slug") for j in journeys], "journey", problems)
    _check_duplicates(touchpoint_slugs, "touchpoint", problems)
    if problems:
        raise SetupError(problems)


def _upsert(model, lookup: dict, values: dict, report: SetupReport, kind: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        report.record(kind, "created")
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()  # a full save, so the audit log records the change
        report.record(kind, "updated")
    else:
        report.record(kind, "unchanged")
    return obj


@transaction.atomic
def apply_setup(document: dict) -> SetupReport:
    """Create or update everything in the document; validate first, then write."""
    validate_setup(document)
    report = SetupReport()
    teams = {team.slug: team for team in Team.objects.all()}
    for item in document.get("teams") or []:
        values = {"name": item["name"], "description": item.get("description", "")}
        teams[item["slug"]] = _upsert(Team, {"slug": item["slug"]}, values, report, "team")
    for item in document.get("listening_posts") or []:
        values = {
            "name": item["name"],
            "channel": item["channel"],
            "structured": bool(item.get("structured", False)),
            "owner_team": teams.get(item.get("owner_team")),
            "description": item.get("description", ""),
            "active": bool(item.get("active", True)),
        }
        _upsert(ListeningPost, {"slug": item["slug"]}, values, report, "listening post")
    for position, item in enumerate(document.get("journeys") or []):
        _apply_journey(item, position, teams, report)
    return report


def _apply_journey(item: dict, position: int, teams: dict, report: SetupReport) -> None:
    values = {
        "name": item["name"],
        "description": item.get("description", ""),
        "position": position,
    }
    journey = _upsert(Journey, {"slug": item["slug"]}, values, report, "journey")
    for stage_position, stage_item in enumerate(item.get("stages") or []):
        stage = _upsert(
            Stage,
            {"journey": journey, "slug": stage_item["slug"]},
            {"name": stage_item["name"], "position": stage_position},
            report,
            "stage",
        )
        for tp_position, tp in enumerate(stage_item.get("touchpoints") or []):
            tp_values = {
                "stage": stage,
                "name": tp["name"],
                "description": tp.get("description", ""),
                "owner_team": teams.get(tp.get("owner_team")),
                "moment_of_truth": bool(tp.get("moment_of_truth", False)),
                "position": tp_position,
            }
            _upsert(Touchpoint, {"slug": tp["slug"]}, tp_values, report, "touchpoint")


def _drop_empty(values: dict) -> dict:
    return {key: value for key, value in values.items() if value not in ("", None)}


def export_setup() -> dict[str, Any]:
    """The current setup as a document that apply_setup accepts (round trip)."""
    posts = ListeningPost.objects.select_related("owner_team")
    journeys = Journey.objects.prefetch_related("stages__touchpoints__owner_team")
    return {
        "teams": [
            _drop_empty({"slug": t.slug, "name": t.name, "description": t.description})
            for t in Team.objects.all()
        ],
        "listening_posts": [
            _drop_empty(
                {
                    "slug": p.slug,
                    "name": p.name,
                    "channel": p.channel,
                    "structured": p.structured,
                    "owner_team": p.owner_team.slug if p.owner_team else None,
                    "description": p.description,
                    "active": p.active,
                }
            )
            for p in posts
        ],
        "journeys": [_export_journey(journey) for journey in journeys],
    }


def _export_journey(journey: Journey) -> dict:
    stages = []
    for stage in journey.stages.all():
        touchpoints = [
            _drop_empty(
                {
                    "slug": tp.slug,
                    "name": tp.name,
                    "owner_team": tp.owner_team.slug if tp.owner_team else None,
                    "moment_of_truth": tp.moment_of_truth,
                    "description": tp.description,
                }
            )
            for tp in stage.touchpoints.all()
        ]
        stages.append({"slug": stage.slug, "name": stage.name, "touchpoints": touchpoints})
    return _drop_empty(
        {
            "slug": journey.slug,
            "name": journey.name,
            "description": journey.description,
            "stages": stages,
        }
    )


def dump_setup(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
