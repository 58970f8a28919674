"""Helper process for the crash test: seed a database, run the worker, report.

    python crash_worker.py seed N      # org, rule, channel and N qualifying feedback items
    python crash_worker.py work PAUSE  # the jobs of `outsidein worker --once`, PAUSE s per
                                       # send, then a JSON report: cases per item, outbox

E-mail goes to CRASH_SMTP_PORT on loopback (settings do not read an e-mail URL yet).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "outsidein.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = int(os.environ["CRASH_SMTP_PORT"])
    settings.DEFAULT_FROM_EMAIL = "cx@example.no"


def seed(count: int) -> None:
    from django.core.management import call_command

    from outsidein.accounts.models import Team, User
    from outsidein.cases.models import AlertRule, TeamChannel
    from outsidein.feedback.models import FeedbackItem
    from outsidein.listening.models import ListeningPost

    call_command("migrate", verbosity=0)
    team = Team.objects.create(slug="billing", name="Billing")
    user = User.objects.create_user("member@example.com", password=None, role="team_member")
    user.teams.add(team)
    post = ListeningPost.objects.create(slug="nps", name="NPS", channel="survey", owner_team=team)
    TeamChannel.objects.create(
        team=team, kind="webhook", url=os.environ["CRASH_HOOK_URL"], secret="crash"
    )
    AlertRule.objects.create(
        name="Detractor", condition={"kind": "nps", "op": "<=", "value": 6}, active=True
    )
    now = datetime.now(UTC)
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            listening_post=post,
            external_id=f"r-{i}",
            received_at=now,
            nps=i % 11,  # 0..6 qualify
            text=f"svar {i}",
            redacted_text=f"svar {i}",
            analyzed_at=now,
        )
        for i in range(count)
    )


def report() -> None:
    from django.db.models import Count

    from outsidein.cases.models import Case, Notification
    from outsidein.feedback.models import FeedbackItem

    qualifying = FeedbackItem.objects.filter(nps__lte=6).count()
    per_item = Case.objects.values("feedback_id").annotate(n=Count("id"))
    states = Notification.objects.values("status").annotate(n=Count("id"))
    print(
        json.dumps(
            {
                "qualifying": qualifying,
                "items_with_case": len(per_item),
                "max_cases_per_item": max((r["n"] for r in per_item), default=0),
                "unqualified_cases": Case.objects.filter(feedback__nps__gt=6).count(),
                "notification_states": {r["status"]: r["n"] for r in states},
                "keys": {
                    channel: list(
                        Notification.objects.filter(channel=channel).values_list(
                            "notification_key", flat=True
                        )
                    )
                    for channel in ("email", "webhook")
                },
            }
        )
    )


if __name__ == "__main__":
    setup()
    command = sys.argv[1]
    if command == "seed":
        seed(int(sys.argv[2]))
    elif command == "work":
        # What `outsidein worker --once` runs; called directly because importing the
        # whole CLI loads every command's dependencies (seconds per process).
        from outsidein.cases.jobs import run_once

        run_once(pause=float(sys.argv[2]))
        report()
