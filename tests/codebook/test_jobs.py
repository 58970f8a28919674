"""The "Re-analyse" button on a large database: a chain of small queued jobs, then rollups."""

from __future__ import annotations

from django.urls import reverse
from django_q.conf import Conf
from django_q.models import OrmQ, Task
from django_q.tasks import _sync

from outsidein.codebook import jobs
from outsidein.codebook.models import Theme
from outsidein.codebook.services import import_codebook
from outsidein.feedback.models import FeedbackItem
from outsidein.insights.models import ThemeTotalRollup
from outsidein.text.codebook import default_codebook


def work_the_queue() -> list[tuple[str, tuple]]:
    """Run the queued jobs one at a time through django-q2's own worker and monitor (which
    queue the next job of a chain), as `outsidein worker` does; returns what ran."""
    ran = []
    while (queued := OrmQ.objects.order_by("id").first()) is not None:
        queued.delete()  # taken and acknowledged
        ran.append((queued.task["func"], tuple(queued.task["args"])))
        _sync(queued.payload)
    return ran


def test_a_large_reanalysis_runs_as_a_chain_of_small_jobs_then_rebuilds_rollups(
    lead_client, make_items, monkeypatch
):
    # Keep the test's database connection: the worker closes it between jobs otherwise.
    monkeypatch.setattr(Conf, "SYNC", True)
    monkeypatch.setattr(jobs, "SYNC_LIMIT", 5)
    monkeypatch.setattr(jobs, "JOB_CHUNK", 3)
    import_codebook(default_codebook())
    make_items([(f"Bonuspoengene i kundeklubben forsvant ({n})", {}) for n in range(7)])
    Theme.objects.create(code="loyalty_club", name="Kundeklubb", keywords={"nb": ["kundeklubb*"]})

    response = lead_client.post(reverse("codebook:reanalyse"))
    assert (
        "Re-analysis of 7 feedback items is queued"
        in lead_client.get(response.url).content.decode()
    )
    assert OrmQ.objects.count() == 1  # one job at a time: each starts when the last ended
    assert not FeedbackItem.objects.filter(themes__icontains="loyalty_club").exists()

    ran = work_the_queue()

    ids = list(FeedbackItem.objects.order_by("id").values_list("id", flat=True))
    assert ran == [
        (jobs.REANALYZE_RANGE_JOB, (0, ids[2])),
        (jobs.REANALYZE_RANGE_JOB, (ids[2], ids[5])),
        (jobs.REANALYZE_RANGE_JOB, (ids[5], ids[6])),
        (jobs.ROLLUPS_JOB, ()),
    ]
    assert all(task.success for task in Task.objects.all()), [t.result for t in Task.objects.all()]
    assert all(
        "loyalty_club" in [t["code"] for t in item.themes] for item in FeedbackItem.objects.all()
    )
    assert ThemeTotalRollup.objects.filter(theme="loyalty_club").exists()
