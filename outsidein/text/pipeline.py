"""The analysis pipeline: PII redaction → language → sentences → sentiment → themes.

Everything after redaction sees only the redacted text, so no model, log or theme span
ever touches a personal number. Batches are vectorised: language ID and sentiment run
once over all texts (and once over all sentences of multi-sentence texts).

Two paths share this code:

* **fast** (default, ``Analyzer()``): hashed-n-gram linear models, > 2,000 items/s per
  core; every item gets this at ingestion.
* **deep** (``Analyzer(deep=True)``): the whole-text sentiment comes from the embedding
  head of :mod:`outsidein.text.deep_sentiment` (multilingual-e5-small + the fast model's
  probabilities), tens of items/s per core: meant for the background pass. Language ID,
  the sentence breakdown and per-theme sentiment of multi-sentence texts stay on the
  fast models (embedding every sentence too would double the cost for little gain).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from outsidein.text import langid, sentiment
from outsidein.text.tokenize import split_sentences, strip_contrast

if TYPE_CHECKING:
    from outsidein.text.codebook import Codebook

__all__ = ["Analysis", "Analyzer", "analyze_batch"]

# Below this confidence we do not trust a language guess enough to bias sentiment with it.
MIN_LANGUAGE_CONFIDENCE = 0.5


@dataclass
class Analysis:
    language: str
    language_confidence: float
    sentiment: str
    sentiment_score: float
    sentences: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    redacted_text: str = ""
    pii: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Doc:
    redacted: str
    pii: list[dict[str, Any]]
    spans: list[tuple[int, int]]


class Analyzer:
    """Analyses feedback texts; construct once and reuse (models are cached per process)."""

    def __init__(self, codebook: Codebook | None = None, deep: bool = False) -> None:
        if codebook is None:
            from outsidein.text.codebook import default_codebook

            codebook = default_codebook()
        self.codebook = codebook
        self.deep = deep
        _warm_up()
        if deep:
            _warm_up_deep()

    def analyze(self, text: str, language: str | None = None) -> Analysis:
        return self.analyze_batch([text], [language])[0]

    def analyze_batch(
        self, texts: list[str], languages: list[str | None] | None = None
    ) -> list[Analysis]:
        """One ``Analysis`` per text; a given language overrides detection for that text."""
        from outsidein.text.pii import redact

        docs = []
        for text in texts:
            red = redact(text or "")
            pii = [{"kind": s.kind, "start": s.start, "end": s.end} for s in red.spans]
            docs.append(_Doc(red.text, pii, split_sentences(red.text)))
        langs = _languages([d.redacted for d in docs], languages)
        hint = [code if conf >= MIN_LANGUAGE_CONFIDENCE else None for code, conf in langs]
        overall = self._overall_sentiment([d.redacted for d in docs], hint)
        per_sentence = _sentence_sentiment(docs, hint)
        return [
            self._assemble(doc, lang, res, sents)
            for doc, lang, res, sents in zip(docs, langs, overall, per_sentence, strict=True)
        ]

    def _overall_sentiment(
        self, texts: list[str], hint: list[str | None]
    ) -> list[sentiment.SentimentResult]:
        if not self.deep:
            return sentiment.predict_sentiment(texts, hint)
        from outsidein.text import deep_sentiment

        return deep_sentiment.predict_sentiment(texts, hint)

    def _assemble(
        self,
        doc: _Doc,
        lang: tuple[str, float],
        overall: sentiment.SentimentResult,
        sentences: list[dict[str, Any]],
    ) -> Analysis:
        return Analysis(
            language=lang[0],
            language_confidence=lang[1],
            sentiment=overall.label,
            sentiment_score=overall.score,
            sentences=sentences,
            themes=self._themes(doc.redacted, lang[0], overall, sentences),
            redacted_text=doc.redacted,
            pii=doc.pii,
        )

    def _themes(
        self,
        text: str,
        language: str,
        overall: sentiment.SentimentResult,
        sentences: list[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        themes = []
        for hit in self.codebook.find_themes(text, language):
            label, score = _theme_sentiment(hit.spans, sentences, overall)
            themes.append({"code": hit.code, "name": hit.name, "sentiment": label, "score": score})
        return themes


def _languages(texts: list[str], given: list[str | None] | None) -> list[tuple[str, float]]:
    given = given if given is not None else [None] * len(texts)
    todo = [i for i, g in enumerate(given) if not g]
    out: list[tuple[str, float]] = [(g, 1.0) if g else ("", 0.0) for g in given]
    for i, guess in zip(todo, langid.detect_languages([texts[i] for i in todo]), strict=True):
        out[i] = (guess.code, guess.confidence)
    return out


def _sentence_sentiment(docs: list[_Doc], hint: list[str | None]) -> list[list[dict[str, Any]]]:
    """Sentence breakdown for texts with more than one sentence, in one model call."""
    flat: list[tuple[int, int, int]] = [
        (k, s, e) for k, d in enumerate(docs) if len(d.spans) > 1 for s, e in d.spans
    ]
    results = sentiment.predict_sentiment(
        [strip_contrast(docs[k].redacted[s:e]) for k, s, e in flat], [hint[k] for k, _, _ in flat]
    )
    out: list[list[dict[str, Any]]] = [[] for _ in docs]
    for (k, s, e), res in zip(flat, results, strict=True):
        out[k].append(
            {
                "text": docs[k].redacted[s:e],
                "start": s,
                "end": e,
                "sentiment": res.label,
                "score": res.score,
            }
        )
    return out


def _theme_sentiment(
    spans: list[tuple[int, int]],
    sentences: list[dict[str, Any]],
    overall: sentiment.SentimentResult,
) -> tuple[str, float]:
    """Sentiment towards a theme = mean score of the sentences its spans fall in."""
    hit = [s for s in sentences if any(a < s["end"] and b > s["start"] for a, b in spans)]
    if not hit:  # single-sentence text (or span outside any sentence): whole-text result
        return overall.label, overall.score
    if len(hit) == 1:
        return hit[0]["sentiment"], hit[0]["score"]
    score = round(sum(s["score"] for s in hit) / len(hit), 4)
    return _label_from_score(score), score


def _label_from_score(score: float, margin: float = 0.2) -> str:
    if score > margin:
        return "positive"
    if score < -margin:
        return "negative"
    return "neutral"


@lru_cache(maxsize=1)
def _warm_up() -> None:
    """Load models once per process, so the first request pays no surprise latency."""
    langid.load_models()
    sentiment.predict_sentiment(["warm up"])


@lru_cache(maxsize=1)
def _warm_up_deep() -> None:
    from outsidein.text import deep_sentiment

    deep_sentiment.predict_sentiment(["warm up"])


@lru_cache(maxsize=2)
def default_analyzer(deep: bool = False) -> Analyzer:
    return Analyzer(deep=deep)


def analyze_batch(texts: list[str], languages: list[str | None] | None = None) -> list[Analysis]:
    """Module-level convenience using the default codebook."""
    return default_analyzer().analyze_batch(texts, languages)
