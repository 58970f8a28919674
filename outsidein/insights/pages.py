"""What each Measure page shows, computed from the rollups (plain functions; views stay thin).

Each function returns a context dict with ``tables`` (downloadable) and ``charts`` (data for
ECharts, serialised to JSON by the template).  Lists of people or quotes read feedback rows
directly (a handful of rows, never a scan); every figure comes from rollup counts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from outsidein.accounts.models import User
from outsidein.analytics import metrics as am
from outsidein.analytics.significance import (
    adjust_changes,
    compare_groups,
    compare_nps,
    compare_proportions,
)
from outsidein.feedback.filters import visible_feedback
from outsidein.feedback.models import FeedbackItem

from . import query as q
from .measures import Breakdown, metric_breakdown
from .models import MeasureSettings
from .tables import Table

METRIC_LABELS = {
    "nps": _("NPS"),
    "csat": _("CSAT (share 4–5)"),
    "csat_mean": _("CSAT mean (1–5)"),
    "ces": _("CES (share 5–7)"),
    "ces_mean": _("CES mean (1–7)"),
}
HEADLINE = ("nps", "csat", "ces")
SENTIMENTS = ("positive", "neutral", "negative", "")
# Quotes come from the latest items only (read through the received_at index): a page must not
# scan all feedback looking for comments when most items are bare scores.
QUOTE_WINDOW = 500


def figure_row(v: am.MetricValue) -> dict[str, Any]:
    return {
        "value": v.value,
        "ci_low": v.ci_low,
        "ci_high": v.ci_high,
        "n": v.n,
        "below_min_n": v.below_min_n,
    }


def _sum(counts: dict, key_filter=None) -> dict[date | None, np.ndarray]:
    out: dict = defaultdict(lambda: np.zeros(len(q.COUNT_COLUMNS), np.int64))
    for (key, p), v in counts.items():
        if key_filter is None or key_filter(key):
            out[p] = out[p] + v
    return dict(out)


# --- overview ---------------------------------------------------------------------------------


def overview_figures(
    scope: q.Scope, period: str, min_n: int, cat: q.Catalog, source=q.rollup_counts
) -> dict[str, Any]:
    """Every figure of the overview: headline metrics, sentiment mix per period, theme movers."""
    headline = {
        m: metric_breakdown(m, scope, period=period, min_n=min_n, cat=cat, source=source)
        for m in HEADLINE
    }
    current = headline["nps"].current_period
    core = source(("sentiment",), scope, period, cat)
    volume = _sum(core)
    mix = {s: {p: int(v[0]) for (k, p), v in core.items() if k[0] == s} for s in SENTIMENTS}
    themes = theme_movers(scope, period, current, cat, volume, source)
    return {
        "headline": headline,
        "current": current,
        "volume": volume,
        "mix": mix,
        "themes": themes,
    }


def overview(scope: q.Scope, user: User, period: str = "month") -> dict[str, Any]:
    cfg = MeasureSettings.current()
    figures = overview_figures(scope, period, cfg.min_n, q.Catalog.load())
    headline, current, volume = figures["headline"], figures["current"], figures["volume"]
    mix, themes = figures["mix"], figures["themes"]
    periods = sorted(volume)
    tables = [
        _headline_table(headline),
        Table(
            "volume-and-sentiment",
            _("Volume and sentiment by period"),
            [
                ("period", _("Period")),
                ("items", _("Items")),
                *[(s or "none", _label_sentiment(s)) for s in SENTIMENTS],
            ],
            [
                {
                    "period": p,
                    "items": int(volume[p][0]),
                    **{s or "none": mix[s].get(p, 0) for s in SENTIMENTS},
                }
                for p in periods
            ],
        ),
        themes,
    ]
    charts = {
        "trend": {
            "periods": [p.isoformat() for p in periods],
            "series": {m: [_trend_point(b, p) for p in periods] for m, b in headline.items()},
        },
        "volume": {
            "periods": [p.isoformat() for p in periods],
            "sentiment": {s or "none": [mix[s].get(p, 0) for p in periods] for s in SENTIMENTS},
        },
    }
    return {
        "headline": headline,
        "tables": tables,
        "charts": charts,
        "movers": themes,
        "significant_movers": [r for r in themes.rows if r["direction"] != "unchanged"],
        "quote": quote_of_the_moment(user, scope),
        "min_n": cfg.min_n,
        "current_period": current,
    }


def _label_sentiment(s: str) -> str:
    return {"positive": _("Positive"), "neutral": _("Neutral"), "negative": _("Negative")}.get(
        s, _("Not analysed")
    )


def _trend_point(b: Breakdown, p: date) -> dict[str, Any] | None:
    for period, v in b.total.trend:
        if period == p:
            return {
                "value": v.value,
                "low": v.ci_low,
                "high": v.ci_high,
                "n": v.n,
                "grey": v.below_min_n,
            }
    return None


def _headline_table(headline: dict[str, Breakdown]) -> Table:
    rows = []
    for m, b in headline.items():
        c = b.total.change
        rows.append(
            {
                "metric": METRIC_LABELS[m],
                **figure_row(b.total.value),
                "previous": c.value_a if c else None,
                "current": c.value_b if c else None,
                "difference": c.difference if c else None,
                "p_value": c.p_value if c else None,
                "direction": c.direction if c else "",
            }
        )
    return Table(
        "headline",
        _("Headline metrics"),
        [
            ("metric", _("Metric")),
            ("value", _("Value")),
            # xgettext:no-python-format
            ("ci_low", _("95 % low")),
            # xgettext:no-python-format
            ("ci_high", _("95 % high")),
            ("n", _("n")),
            ("below_min_n", _("Below minimum n")),
            ("previous", _("Previous period")),
            ("current", _("Latest period")),
            ("difference", _("Change")),
            ("p_value", _("p")),
            ("direction", _("Marked")),
        ],
        rows,
    )


def theme_movers(scope, period, current, cat, volume, source=q.rollup_counts) -> Table:
    """Themes whose share of feedback rose or fell, latest period vs the one before (Holm)."""
    table = Table(
        "theme-movers",
        _("Rising and falling themes"),
        [
            ("theme", _("Theme")),
            ("previous", _("Previous share %")),
            ("current", _("Latest share %")),
            ("difference", _("Change (points)")),
            ("p_adjusted", _("p (Holm)")),
            ("direction", _("Marked")),
            ("items", _("Items, latest period")),
        ],
    )
    if current is None or scope.language or scope.country:
        return table
    previous = q.previous_period(current, period)
    counts = source(("theme",), scope, period, cat)
    zero = np.zeros(len(q.COUNT_COLUMNS), np.int64)
    n_a, n_b = int(volume.get(previous, zero)[0]), int(volume.get(current, zero)[0])
    changes = []
    for theme in sorted({k[0] for k, _p in counts}):
        k_a = int(counts.get(((theme,), previous), zero)[0])
        k_b = int(counts.get(((theme,), current), zero)[0])
        if k_a + k_b == 0:
            continue
        c = compare_proportions(k_a, n_a, k_b, n_b, metric="theme share")
        changes.append((theme, k_b, c))
    adjusted = adjust_changes([c for _, _, c in changes])
    for (theme, k_b, _c), c in sorted(
        zip(changes, adjusted, strict=True), key=lambda x: -(abs(x[1].difference or 0))
    ):
        table.rows.append(
            {
                "theme": theme,
                "previous": c.value_a,
                "current": c.value_b,
                "difference": c.difference,
                "p_adjusted": c.p_adjusted,
                "direction": c.direction,
                "items": k_b,
            }
        )
    return table


def quote_of_the_moment(user: User, scope: q.Scope) -> FeedbackItem | None:
    """A recent redacted comment that says what most recent feedback says: the latest item
    carrying the most frequent theme and the most frequent sentiment of the last 200."""
    fields = ("id", "redacted_text", "themes", "sentiment", "received_at", "nps", "touchpoint")
    latest = _visible(user, scope).only(*fields).select_related("touchpoint")[:QUOTE_WINDOW]
    recent = [i for i in latest if i.redacted_text][:200]
    if not recent:
        return None
    themes = defaultdict(int)
    sentiments = defaultdict(int)
    for item in recent:
        sentiments[item.sentiment] += 1
        for code in theme_codes(item.themes):
            themes[code] += 1
    top_theme = max(themes, key=themes.get) if themes else None
    top_sent = max(sentiments, key=sentiments.get)
    fits = [
        i
        for i in recent
        if i.sentiment == top_sent and (top_theme is None or top_theme in theme_codes(i.themes))
    ]
    fits = [i for i in fits if 40 <= len(i.redacted_text) <= 400] or fits or recent
    return fits[0]


def theme_codes(themes: Any) -> list[str]:
    if not isinstance(themes, list):
        return []
    return [t.get("code", "") if isinstance(t, dict) else str(t) for t in themes]


def _visible(user: User, scope: q.Scope) -> QuerySet[FeedbackItem]:
    items = visible_feedback(user)
    if scope.received_from or scope.received_to:
        start, end = q.r.local_day_bounds(
            scope.received_from or date(1, 1, 2), scope.received_to or date(9999, 12, 30)
        )
        items = items.filter(received_at__gte=start, received_at__lt=end)
    for name, lookup in (
        ("touchpoint", "touchpoint__slug"),
        ("listening_post", "listening_post__slug"),
        ("journey", "touchpoint__stage__journey__slug"),
        ("sentiment", "sentiment"),
        ("language", "language"),
        ("value_tier", "customer__value__tier"),
        ("country", "customer__country"),
        ("channel", "listening_post__channel"),
    ):
        if getattr(scope, name):
            items = items.filter(**{lookup: getattr(scope, name)})
    return items


# --- theme explorer ---------------------------------------------------------------------------


def theme_explorer(scope: q.Scope, user: User, period: str = "month") -> dict[str, Any]:
    cfg = MeasureSettings.current()
    cat = q.Catalog.load()
    by_sent = q.rollup_counts(("theme", "sentiment"), scope, None, cat)
    trend = q.rollup_counts(("theme",), scope, period, cat)
    overall = _sum(q.rollup_counts((), q.Scope(**{**scope.__dict__, "theme": ""}), None, cat)).get(
        None
    )
    total_items = int(overall[0]) if overall is not None else 0
    total_nps = q.counts_for(overall, "nps") if overall is not None else [0] * 11
    periods = sorted({p for _, p in trend})
    names = _theme_names()
    rows, impacts = [], []
    for theme in sorted({k[0] for k, _p in by_sent}):
        per_sent = {k[1]: v for (k, _p), v in by_sent.items() if k[0] == theme}
        counts = np.sum(list(per_sent.values()), axis=0)
        with_nps = q.counts_for(counts, "nps")
        without = [t - w for t, w in zip(total_nps, with_nps, strict=True)]  # exact: counts add up
        nps = am.nps_from_counts(with_nps, min_n=cfg.min_n)
        impacts.append(compare_nps(without, with_nps))
        rows.append(
            {
                "theme": theme,
                "name": names.get(theme, theme),
                "items": int(counts[0]),
                "share": 100 * counts[0] / total_items if total_items else None,
                **{f"sent_{s or 'none'}": int(per_sent.get(s, np.zeros(1))[0]) for s in SENTIMENTS},
                "nps": nps.value,
                "nps_low": nps.ci_low,
                "nps_high": nps.ci_high,
                "nps_n": nps.n,
                "below_min_n": nps.below_min_n,
                "trend": [int(trend.get(((theme,), p), np.zeros(1))[0]) for p in periods],
            }
        )
    for row, c in zip(rows, adjust_changes(impacts), strict=True):
        row.update(impact=c.difference, impact_p=c.p_adjusted, impact_direction=c.direction)
    rows.sort(key=lambda r: -r["items"])
    quotes = theme_quotes(user, scope, [r["theme"] for r in rows])
    for row in rows:
        row["quotes"] = quotes.get(row["theme"], [])
    table = Table(
        "themes",
        _("Themes"),
        [
            ("name", _("Theme")),
            ("items", _("Items")),
            ("share", _("Share of feedback %")),
            ("sent_positive", _("Positive")),
            ("sent_neutral", _("Neutral")),
            ("sent_negative", _("Negative")),
            ("nps", _("NPS of those mentioning")),
            # xgettext:no-python-format
            ("nps_low", _("95 % low")),
            # xgettext:no-python-format
            ("nps_high", _("95 % high")),
            ("nps_n", _("n")),
            ("impact", _("NPS impact (points)")),
            ("impact_p", _("p (Holm)")),
            ("impact_direction", _("Marked")),
        ],
        rows,
    )
    charts = {
        "periods": [p.isoformat() for p in periods],
        "themes": [{"name": r["name"], "trend": r["trend"]} for r in rows[:8]],
    }
    return {"rows": rows, "tables": [table], "charts": charts, "min_n": cfg.min_n}


def _theme_names() -> dict[str, str]:
    """Names in the UI language, from the codebook in use (the default one included)."""
    from outsidein.web.queries import theme_names

    return theme_names()


def theme_quotes(
    user: User, scope: q.Scope, themes: list[str], per_theme: int = 2
) -> dict[str, list]:
    wanted = set(themes)
    out: dict[str, list] = defaultdict(list)
    fields = ("id", "redacted_text", "themes", "sentiment", "received_at")
    for item in _visible(user, scope).only(*fields)[:QUOTE_WINDOW]:
        if not item.redacted_text:
            continue
        for code in set(theme_codes(item.themes)) & wanted:
            if len(out[code]) < per_theme:
                out[code].append(item)
    return dict(out)


# --- journey heatmap --------------------------------------------------------------------------


def heatmap(scope: q.Scope, user: User, metric: str = "nps") -> dict[str, Any]:
    cfg = MeasureSettings.current()
    cat = q.Catalog.load()
    b = metric_breakdown(metric, scope, by="touchpoint", min_n=cfg.min_n, cat=cat)
    figures = {g.key[0]: g for g in b.groups}
    low, high = _metric_range(metric)
    journeys: dict[int, dict] = {}
    rows = []
    visible = scope.visible_team_ids
    for tp in sorted(
        cat.touchpoints.values(),
        key=lambda t: (
            t.stage.journey.position,
            t.stage.journey.name,
            t.stage.position,
            t.position,
            t.name,
        ),
    ):
        if visible is not None and tp.owner_team_id not in visible:
            continue
        j = journeys.setdefault(tp.stage.journey_id, {"journey": tp.stage.journey, "stages": {}})
        stage = j["stages"].setdefault(tp.stage_id, {"stage": tp.stage, "cells": []})
        fig = figures.get(tp.slug)
        v = fig.value if fig else None
        cell = {
            "touchpoint": tp,
            "value": v.value if v else None,
            "ci_low": v.ci_low if v else None,
            "ci_high": v.ci_high if v else None,
            "n": v.n if v else 0,
            "items": fig.items if fig else 0,
            "below_min_n": v.below_min_n if v else True,
            "heat": _heat(v.value if v else None, low, high),
        }
        stage["cells"].append(cell)
        rows.append(
            {
                "journey": tp.stage.journey.name,
                "stage": tp.stage.name,
                "touchpoint": tp.name,
                "moment_of_truth": tp.moment_of_truth,
                "owner_team": tp.owner_team.name if tp.owner_team else "",
                "value": cell["value"],
                "ci_low": cell["ci_low"],
                "ci_high": cell["ci_high"],
                "n": cell["n"],
                "items": cell["items"],
                "below_min_n": cell["below_min_n"],
            }
        )
    table = Table(
        "journey-heatmap",
        _("Journey heatmap"),
        [
            ("journey", _("Journey")),
            ("stage", _("Stage")),
            ("touchpoint", _("Touchpoint")),
            ("moment_of_truth", _("Moment of truth")),
            ("owner_team", _("Owner team")),
            ("value", METRIC_LABELS[metric]),
            # xgettext:no-python-format
            ("ci_low", _("95 % low")),
            # xgettext:no-python-format
            ("ci_high", _("95 % high")),
            ("n", _("n")),
            ("items", _("Items")),
            ("below_min_n", _("Below minimum n")),
        ],
        rows,
    )
    grid = [
        {"journey": j["journey"], "stages": list(j["stages"].values())} for j in journeys.values()
    ]
    return {
        "grid": grid,
        "tables": [table],
        "metric": metric,
        "metric_label": METRIC_LABELS[metric],
        "min_n": cfg.min_n,
        "scale": (low, high),
        "breakdown": b,
    }


def _metric_range(metric: str) -> tuple[float, float]:
    return {
        "nps": (-100, 100),
        "csat": (0, 100),
        "ces": (0, 100),
        "csat_mean": (1, 5),
        "ces_mean": (1, 7),
    }[metric]


def _heat(value: float | None, low: float, high: float) -> int | None:
    """0–10 colour step: 0 red … 10 green."""
    if value is None:
        return None
    return int(round(10 * min(max((value - low) / (high - low), 0), 1)))


# --- channel consistency ----------------------------------------------------------------------


def channel_consistency(scope: q.Scope, user: User, metric: str = "nps") -> dict[str, Any]:
    cfg = MeasureSettings.current()
    cat = q.Catalog.load()
    tables = []
    for level in ("touchpoint", "stage"):
        counts = q.rollup_counts((level, "channel"), scope, None, cat)
        groups: dict[str, dict[str, list[int]]] = defaultdict(dict)
        for (key, _p), v in counts.items():
            if key[0]:
                groups[key[0]][key[1]] = q.counts_for(v, metric)
        rows = []
        for name, per_channel in sorted(groups.items()):
            if len(per_channel) < 2:
                continue
            changes = compare_groups(metric, per_channel)  # each channel vs the others, Holm
            figs = {
                ch: am.metric_from_counts(metric, c, min_n=cfg.min_n)
                for ch, c in per_channel.items()
            }
            solid = [f.value for f in figs.values() if f.value is not None and not f.below_min_n]
            spread = max(solid) - min(solid) if len(solid) >= 2 else None
            for ch, f in sorted(figs.items()):
                c = changes[ch]
                rows.append(
                    {
                        "group": cat.label(level, name),
                        "channel": cat.label("channel", ch),
                        **figure_row(f),
                        "vs_rest": c.difference,
                        "p_adjusted": c.p_adjusted,
                        "direction": c.direction,
                        "spread": spread,
                    }
                )
        tables.append(
            Table(
                f"channels-by-{level}",
                _("Across channels, by touchpoint")
                if level == "touchpoint"
                else _("Across channels, by stage"),
                [
                    ("group", _("Touchpoint") if level == "touchpoint" else _("Stage")),
                    ("channel", _("Channel")),
                    ("value", METRIC_LABELS[metric]),
                    # xgettext:no-python-format
                    ("ci_low", _("95 % low")),
                    # xgettext:no-python-format
                    ("ci_high", _("95 % high")),
                    ("n", _("n")),
                    ("below_min_n", _("Below minimum n")),
                    ("vs_rest", _("Difference vs other channels")),
                    ("p_adjusted", _("p (Holm)")),
                    ("direction", _("Marked")),
                    ("spread", _("Spread (max − min)")),
                ],
                rows,
            )
        )
    return {
        "tables": tables,
        "metric": metric,
        "metric_label": METRIC_LABELS[metric],
        "min_n": cfg.min_n,
    }
