"""Emerging topics: clusters of recent feedback that no theme of the codebook covers."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from outsidein.feedback.models import FeedbackItem
from outsidein.text.topics import Topic, discover_topics, topic_to_theme

from .forms import code_for
from .models import EmergingTopic, Theme, TopicStatus
from .services import export_codebook, import_codebook, unique_code

MAX_ITEMS = 20_000  # clustering cost grows fast; the newest uncovered items are what matters


def uncovered_feedback(since, until):
    return (
        FeedbackItem.objects.filter(received_at__gte=since, received_at__lt=until, themes=[])
        .exclude(redacted_text="")
        .order_by("-received_at")
        .only("id", "redacted_text", "language", "received_at")[:MAX_ITEMS]
    )


@transaction.atomic
def discover_emerging_topics(
    days: int = 30, now=None, min_cluster_size: int = 5
) -> list[EmergingTopic]:
    """Cluster the period's uncovered feedback and store each cluster as a new topic."""
    until = now or timezone.now()
    since = until - timedelta(days=days)
    items = list(uncovered_feedback(since, until))
    found = discover_topics(
        [item.redacted_text for item in items],
        [item.language or "und" for item in items],
        min_cluster_size=min_cluster_size,
        timestamps=[item.received_at for item in items],
    )
    EmergingTopic.objects.filter(status=TopicStatus.NEW).delete()  # a new run replaces open ones
    stored = []
    for topic in found:
        members = [items[i] for i in topic.member_indices]
        languages = [m.language for m in members if m.language]
        trend = topic.trend if hasattr(topic, "trend") and topic.trend else None
        stored.append(
            EmergingTopic.objects.create(
                period_start=since,
                period_end=until,
                size=topic.size,
                keywords=list(topic.keywords),
                language=max(set(languages), key=languages.count) if languages else "",
                trend={"weekly": trend.weekly, "direction": trend.direction, "slope": trend.slope}
                if trend
                else {},
                member_ids=[m.id for m in members],
                representative_ids=[items[i].id for i in topic.representative_indices],
            )
        )
    return stored


@transaction.atomic
def adopt_topic(topic: EmergingTopic, name: str, parent: Theme | None = None) -> Theme:
    """Turn an emerging topic into a codebook theme with its suggested keywords.

    ValueError (or CodebookError) says why not: a handled topic, a topic without keywords
    (its theme would tag nothing) or a switched-off parent.
    """
    if topic.status != TopicStatus.NEW:
        raise ValueError("this topic has already been handled")
    if not any(str(keyword).strip() for keyword in topic.keywords or []):
        raise ValueError(
            "this topic has no suggested keywords, so a theme made from it would tag nothing; "
            "create the theme by hand on the codebook page"
        )
    if parent is not None and not parent.active:
        raise ValueError(f"the parent theme “{parent.name}” is switched off: choose an active one")
    # The same code a theme named so on the codebook page gets, made unique.
    code = unique_code(code_for(name))
    proposal = Topic(
        size=topic.size, member_indices=[], keywords=topic.keywords, representative_indices=[]
    )
    theme = topic_to_theme(proposal, code, name, topic.language or "nb")
    # The parent goes in with the theme so the import checks it (a switched-off one is refused).
    theme = replace(theme, parent=parent.code if parent is not None else None)
    import_codebook(export_codebook().with_theme(theme))
    created = Theme.objects.get(code=code)
    topic.status, topic.theme = TopicStatus.ADOPTED, created
    topic.save()
    return created
