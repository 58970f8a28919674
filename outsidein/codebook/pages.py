"""What the codebook pages show and do; the views only handle requests and permissions.

Theme volumes: FeedbackItem.themes is a JSON list, and unnesting it takes different SQL on
SQLite (json_each) and PostgreSQL (jsonb_array_elements). The figures are therefore
counted in Python over the newest STATS_LIMIT items of the period, read in one query.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from outsidein.feedback.filters import visible_feedback
from outsidein.feedback.models import FeedbackItem
from outsidein.text.codebook import FIELDS, Codebook, CodebookError
from outsidein.text.codebook import Theme as CodebookTheme

from .models import EmergingTopic, Theme, TopicStatus
from .services import StoredCodebook, codebook_from_rows, import_codebook, unique_code

STATS_DAYS = 90
STATS_LIMIT = 100_000
TEST_ITEMS = 500  # "test this theme" runs over the newest items
TEST_SHOWN = 8
SENTIMENTS = ("negative", "neutral", "positive")


# -- the theme tree ------------------------------------------------------------------------


@dataclass
class ThemeStats:
    total: int = 0
    mix: Counter = field(default_factory=Counter)

    def shares(self) -> list[tuple[str, float]]:
        return [(s, self.mix[s] / self.total if self.total else 0.0) for s in SENTIMENTS]


@dataclass
class ThemeRow:
    theme: Theme
    depth: int
    stats: ThemeStats
    term_counts: dict[str, int]
    has_children: bool = False


def theme_stats(items, days: int = STATS_DAYS) -> dict[str, ThemeStats]:
    """Items and sentiment mix per theme code; a parent counts each item of its subtree once."""
    parents = dict(Theme.objects.values_list("code", "parent__code"))
    since = timezone.now() - timedelta(days=days)
    rows = (
        items.filter(received_at__gte=since)
        .exclude(themes=[])
        .order_by("-received_at")
        .values_list("themes", flat=True)[:STATS_LIMIT]
    )
    stats: dict[str, ThemeStats] = defaultdict(ThemeStats)
    for themes in rows:
        seen: dict[str, str] = {}
        for entry in themes or []:
            code = entry.get("code") if isinstance(entry, dict) else str(entry)
            tone = entry.get("sentiment") if isinstance(entry, dict) else None
            while code and code not in seen:  # the theme, then its ancestors
                seen[code] = tone or ""
                code = parents.get(code)
        for code, tone in seen.items():
            stats[code].total += 1
            stats[code].mix[tone] += 1
    return stats


def _term_counts(theme: Theme) -> dict[str, int]:
    counts: Counter = Counter()
    for kind in FIELDS:
        for lang, terms in (getattr(theme, kind) or {}).items():
            counts[lang] += len(terms)
    return dict(counts)


def theme_tree(user) -> list[ThemeRow]:
    """Every theme, parents before their children (depth for indentation), with figures."""
    themes = list(Theme.objects.select_related("parent"))
    stats = theme_stats(visible_feedback(user))
    children: dict[int | None, list[Theme]] = defaultdict(list)
    ids = {t.id for t in themes}
    for theme in themes:
        children[theme.parent_id if theme.parent_id in ids else None].append(theme)
    rows: list[ThemeRow] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for theme in children.get(parent_id, []):
            rows.append(
                ThemeRow(theme, depth, stats.get(theme.code, ThemeStats()), _term_counts(theme))
            )
            rows[-1].has_children = bool(children.get(theme.id))
            walk(theme.id, depth + 1)

    walk(None, 0)
    return rows


# -- editing ------------------------------------------------------------------------------


def validate_change(theme: CodebookTheme, active: bool) -> tuple[str | None, str] | None:
    """Raise CodebookError if the codebook with this theme is invalid; return (field, message)
    when the change would leave an active theme under an inactive parent."""
    rows = list(Theme.objects.select_related("parent"))
    codebook_from_rows(rows).with_theme(theme)
    if active and theme.parent and not any(r.active for r in rows if r.code == theme.parent):
        return "parent", _("This parent theme is inactive: choose an active one.")
    below = [r.name for r in rows if r.active and r.parent and r.parent.code == theme.code]
    if not active and below:
        return None, _("Deactivate the themes below it first: %(names)s.") % {
            "names": ", ".join(below)
        }
    return None


@transaction.atomic
def save_theme(theme: CodebookTheme, active: bool, instance: Theme | None = None) -> Theme:
    """Create (instance None) or update a theme. A new theme never takes over an existing
    theme's code: it gets the next free one ("price-2"), as adopted topics do."""
    if instance is None:
        position = Theme.objects.count()
        instance = Theme(code=unique_code(theme.code), position=position)
    instance.name, instance.description = theme.name, theme.description
    instance.parent = Theme.objects.filter(code=theme.parent).first() if theme.parent else None
    instance.labels = dict(theme.labels)
    for kind in FIELDS:
        setattr(instance, kind, {lang: list(v) for lang, v in getattr(theme, kind).items()})
    instance.active = active
    instance.save()
    return instance


def import_yaml(data: bytes) -> Counter:
    """Import an uploaded codebook; CodebookError names what is wrong, nothing is changed."""
    try:
        parsed = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise CodebookError("the file is not UTF-8 text") from error
    except yaml.YAMLError as error:
        raise CodebookError(f"invalid YAML: {error}") from error
    if parsed is None:
        raise CodebookError("the file is empty")
    return import_codebook(StoredCodebook.from_dict(parsed))


# -- testing a theme ----------------------------------------------------------------------


def highlight(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text, escaped, with the matched spans in <mark>."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def test_theme(theme: CodebookTheme, sample: str = "", limit: int = TEST_ITEMS) -> dict:
    """Which of the newest items the theme would tag, and where it matches a sample text."""
    from dataclasses import replace

    codebook = Codebook([replace(theme, parent=None)])
    items = (
        FeedbackItem.objects.exclude(redacted_text="")
        .order_by("-received_at", "-id")
        .only("id", "redacted_text", "language", "themes")[:limit]
    )
    checked, matches, lost = 0, [], 0
    for item in items:
        checked += 1
        hits = codebook.find_themes(item.redacted_text, item.language or None)
        tagged = any(
            (t.get("code") if isinstance(t, dict) else t) == theme.code for t in item.themes or []
        )
        if hits:
            matches.append((item, highlight(item.redacted_text, hits[0].spans), tagged))
        elif tagged:
            lost += 1
    new = [m for m in matches if not m[2]]
    result = {
        "checked": checked,
        "count": len(matches),
        "new": len(new),
        "lost": lost,
        # What the change adds comes first: that is what the CX lead is checking.
        "matches": (new + [m for m in matches if m[2]])[:TEST_SHOWN],
        "sample": None,
    }
    if sample.strip():
        hits = codebook.find_themes(sample)
        result["sample"] = {
            "matched": bool(hits),
            "html": highlight(sample, hits[0].spans if hits else []),
        }
    return result


# -- emerging topics ----------------------------------------------------------------------


def sparkline(weekly: dict[str, int], width: int = 120, height: int = 28) -> str:
    """SVG polyline points for the weekly counts (oldest first)."""
    counts = [weekly[week] for week in sorted(weekly)]
    if len(counts) < 2:
        return ""
    top = max(counts) or 1
    step = width / (len(counts) - 1)
    return " ".join(
        f"{i * step:.1f},{height - 2 - (c / top) * (height - 4):.1f}" for i, c in enumerate(counts)
    )


def topic_cards(user, status: str = TopicStatus.NEW) -> list[dict]:
    """Topics with up to three representative quotes the user may see (redacted text)."""
    topics = list(EmergingTopic.objects.filter(status=status).select_related("theme"))
    wanted = {i for topic in topics for i in topic.representative_ids[:12]}
    quotes = dict(visible_feedback(user).filter(id__in=wanted).values_list("id", "redacted_text"))
    cards = []
    for topic in topics:
        weekly = (topic.trend or {}).get("weekly") or {}
        cards.append(
            {
                "topic": topic,
                "quotes": _distinct(quotes[i] for i in topic.representative_ids if i in quotes)[:3],
                "weeks": [(week, weekly[week]) for week in sorted(weekly)],
                "sparkline": sparkline(weekly),
                "direction": (topic.trend or {}).get("direction", ""),
                "suggested_name": " ".join(topic.keywords[:2]).capitalize(),
            }
        )
    return cards


def _distinct(texts) -> list[str]:
    """Repeated comments (copied templates, retries) would waste the three quote slots."""
    return list(dict.fromkeys(text.strip() for text in texts if text.strip()))


def uncovered_count(days: int) -> int:
    since = timezone.now() - timedelta(days=days)
    return FeedbackItem.objects.filter(received_at__gte=since, themes=[]).count()


@transaction.atomic
def dismiss_topic(topic: EmergingTopic) -> bool:
    if topic.status != TopicStatus.NEW:
        return False
    topic.status = TopicStatus.DISMISSED
    topic.save(update_fields=["status"])
    return True


# --- the sentiment page: what `text train` learnt ---------------------------------------


def learnable_count() -> int:
    """Comments with text and a score (NPS, CSAT, CES, stars) or a sentiment correction:
    what `text train` would learn from."""
    from django.db.models import Q

    from .models import AnalysisCorrection

    corrected = AnalysisCorrection.objects.filter(field="sentiment").values("feedback_id")
    scored = (
        Q(nps__isnull=False)
        | Q(csat__isnull=False)
        | Q(ces__isnull=False)
        | Q(answers__has_key="stars")
        | Q(pk__in=corrected)
    )
    return FeedbackItem.objects.exclude(text="").filter(scored).count()


def sentiment_overview() -> dict:
    """The adopted adapters (or None: the shipped model is in use) and the latest run."""
    from outsidein.feedback.deep_pass import deep_sentiment_available

    from .adaptation import ADAPTER_NAME, DEEP_ADAPTER_NAME, HELD_BACK_SHARE, MIN_EXAMPLES
    from .models import TrainedModel, TrainingRun

    adopted = {m.name: m for m in TrainedModel.objects.filter(name__in=[ADAPTER_NAME, DEEP_ADAPTER_NAME]).defer("blob")}  # fmt: skip
    return {
        "fast": adopted.get(ADAPTER_NAME),
        "deep": adopted.get(DEEP_ADAPTER_NAME),
        "deep_available": deep_sentiment_available(),
        "last_run": TrainingRun.objects.select_related("requested_by").first(),
        "learnable": learnable_count(),
        "min_examples": round(MIN_EXAMPLES / (1 - HELD_BACK_SHARE)),
    }
