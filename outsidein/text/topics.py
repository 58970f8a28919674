"""Emerging-topic discovery on feedback that no codebook theme covers.

Pipeline: per-language stems (stopwords removed) -> TF-IDF -> LSA (TruncatedSVD) ->
k-means for a range of k, keeping the k with the best silhouette -> drop clusters
that are small or incoherent (most members must share one of the top stems) ->
keywords (top stems, shown as their most frequent surface word), representative
members (closest to the centroid) and, with timestamps, a weekly trend.

Short feedback clusters poorly with k-means alone, so the coherence filter is what
keeps "everything else" clusters out of the CX lead's list.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import stopwordsiso
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

from outsidein.text import _stems
from outsidein.text.codebook import Theme
from outsidein.text.pii import PLACEHOLDERS

_ISO_FOR_STOPWORDS = {"nb": "no", "nn": "no", "no": "no", "da": "da", "sv": "sv", "en": "en"}
_EXTRA_STOPWORDS = {
    # Nynorsk function words missing from the 'no' list, and feedback filler.
    "eg", "ikkje", "kva", "korleis", "ho", "dei", "dykk", "frå", "berre", "noko", "nokon",
    "også", "heilt", "veldig", "mykje", "litt", "takk", "hei", "ok", "kr", "nok",
}  # fmt: skip
MIN_COHERENCE = 0.8  # share of members containing the cluster's top feature
SEED = 0
PREFIX_LENGTHS = (4, 5, 6)
K_CANDIDATES = (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40)
MERGE_DISTANCE = 0.7  # cosine distance under which two cluster centroids merge
ABSORB_SIMILARITY = 0.3  # cosine to a topic centroid for a stray text to join it
# Redaction markers ("[PHONE]") are not the customer's words: as keywords they would make a
# theme that tags every comment with a masked phone number.
_REDACTED = re.compile("|".join(re.escape(marker) for marker in PLACEHOLDERS.values()))


@dataclass(frozen=True)
class Trend:
    weekly: dict[str, int]  # ISO week "2024-W09" -> count, every week in the data range
    slope: float  # members per week, least squares
    direction: str  # "rising" | "falling" | "stable"


@dataclass(frozen=True)
class Topic:
    size: int
    member_indices: list[int]
    keywords: list[str]
    representative_indices: list[int]
    coherence: float = 0.0
    trend: Trend | None = None
    stems: list[str] = field(default_factory=list)


def _stopwords() -> set[str]:
    words: set[str] = set(_EXTRA_STOPWORDS)
    for iso in set(_ISO_FOR_STOPWORDS.values()):
        words |= {w.lower() for w in stopwordsiso.stopwords(iso)}
    return words


def _analyse(
    texts: Sequence[str], languages: Sequence[str] | None
) -> tuple[list[list[str]], dict[str, Counter]]:
    """Stem lists per text (no stopwords, numbers or redaction markers) and stem ->
    surface-word counts."""
    stop = _stopwords()
    surfaces: dict[str, Counter] = defaultdict(Counter)
    docs = []
    for i, text in enumerate(texts):
        algo = _stems.algorithm(languages[i]) if languages else None
        doc = []
        for word, _, _ in _stems.tokens(_REDACTED.sub(" ", text)):
            if word in stop or len(word) < 3 or word.isdigit():
                continue
            st = _stems.stem(word, algo) if algo else word
            surfaces[st][word] += 1
            doc.append(st)
        docs.append(doc)
    return docs, surfaces


def _choose_k(x: np.ndarray, k_max: int) -> np.ndarray:
    """Labels of the k-means run (k in 2..k_max) with the best silhouette."""
    best_score, best_labels = -2.0, np.zeros(len(x), dtype=int)
    sample = min(len(x), 3000)
    for k in [k for k in K_CANDIDATES if k <= k_max]:
        if k >= len(np.unique(x, axis=0)):
            break
        with warnings.catch_warnings():  # duplicate texts: fewer distinct clusters than k
            warnings.simplefilter("ignore", ConvergenceWarning)
            labels = KMeans(n_clusters=k, n_init=2, random_state=SEED).fit_predict(x)
        if len(set(labels)) < 2:
            continue
        score = silhouette_score(x, labels, metric="cosine", sample_size=sample, random_state=SEED)
        if score > best_score:
            best_score, best_labels = score, labels
    return best_labels


def _iso_week(ts: datetime | date) -> str:
    year, week, _ = ts.isocalendar()
    return f"{year}-W{week:02d}"


def _trend(member_ts: list[datetime], all_ts: Sequence[datetime]) -> Trend:
    start = min(all_ts)
    start_monday = (start - timedelta(days=start.weekday())).date()
    n_weeks = (max(all_ts).date() - start_monday).days // 7 + 1
    counts = [0] * n_weeks
    for ts in member_ts:
        counts[(ts.date() - start_monday).days // 7] += 1
    weekly = {_iso_week(start_monday + timedelta(weeks=w)): c for w, c in enumerate(counts)}
    slope = float(np.polyfit(np.arange(n_weeks), counts, 1)[0]) if n_weeks >= 2 else 0.0
    mean = max(float(np.mean(counts)), 1e-9)
    # A slope of 10 % of the weekly mean per week is a visible change on a dashboard.
    direction = "rising" if slope > 0.1 * mean else ("falling" if slope < -0.1 * mean else "stable")
    return Trend(weekly=weekly, slope=slope, direction=direction)


def discover_topics(
    texts: list[str],
    languages: list[str] | None = None,
    *,
    min_cluster_size: int = 5,
    max_topics: int = 20,
    timestamps: list[datetime] | None = None,
) -> list[Topic]:
    """Clusters of similar texts, largest and most coherent first."""
    if languages is not None and len(languages) != len(texts):
        raise ValueError("languages must have one entry per text")
    if timestamps is not None and len(timestamps) != len(texts):
        raise ValueError("timestamps must have one entry per text")
    docs, surfaces = _analyse(texts, languages)
    rows = [i for i, d in enumerate(docs) if d]
    if len(rows) < 2 * min_cluster_size:
        return []
    vec = TfidfVectorizer(analyzer=_with_prefixes, min_df=2, sublinear_tf=True)
    try:
        tfidf = vec.fit_transform([docs[i] for i in rows])
    except ValueError:  # no stem occurs twice
        return []
    # A text sharing no stem with any other cannot belong to a topic, and its all-zero row
    # would break the cosine merging of cluster centres.
    shared = np.flatnonzero(tfidf.getnnz(axis=1))
    rows, tfidf = [rows[i] for i in shared], tfidf[shared]
    if len(rows) < 2 * min_cluster_size:
        return []
    vocab = np.array(vec.get_feature_names_out())
    x = _reduce(tfidf)
    k_max = max(2, min(max_topics * 2, len(rows) // min_cluster_size, 40))
    labels = _merge_similar(x, _choose_k(x, k_max))
    args = (tfidf, x, vocab, rows, docs, surfaces, min_cluster_size)
    kept = [
        lab for lab in sorted(set(labels.tolist())) if _topic(np.flatnonzero(labels == lab), *args)
    ]
    labels = _absorb(x, labels, kept)
    topics = [t for lab in kept if (t := _topic(np.flatnonzero(labels == lab), *args))]
    topics.sort(key=lambda t: (-t.size * t.coherence, t.member_indices[0]))
    topics = topics[:max_topics]
    if timestamps is not None:
        topics = [_with_trend(t, timestamps) for t in topics]
    return topics


def _identity(doc: list[str]) -> list[str]:
    return doc


def _with_prefixes(doc: list[str]) -> list[str]:
    """Stems plus their 4-6 letter prefixes ("~park"): Nordic compounds
    ("parkeringsautomaten", "parkeringen") share no stem but share a first part."""
    out = list(doc)
    for st in doc:
        out.extend("~" + st[:n] for n in PREFIX_LENGTHS if len(st) >= n)
    return out


def _merge_similar(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Merge k-means clusters whose centroids are close: silhouette tends to pick too
    many clusters on short texts, splitting one topic by its wording."""
    ids = sorted(set(labels.tolist()))
    if len(ids) < 2:
        return labels
    centroids = normalize(np.vstack([x[labels == i].mean(axis=0) for i in ids]))
    groups = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=MERGE_DISTANCE
    ).fit_predict(centroids)
    mapping = dict(zip(ids, groups.tolist(), strict=True))
    return np.array([mapping[lab] for lab in labels.tolist()])


def _absorb(x: np.ndarray, labels: np.ndarray, kept: list[int]) -> np.ndarray:
    """Move members of rejected clusters to the nearest kept topic when they are close
    to it: k-means often splits off a wording variant ("ble nektet") that fails the
    coherence test on its own."""
    if not kept:
        return labels
    centroids = normalize(np.vstack([x[labels == lab].mean(axis=0) for lab in kept]))
    out = labels.copy()
    loose = np.flatnonzero(~np.isin(labels, kept))
    if len(loose):
        sims = x[loose] @ centroids.T
        best = sims.argmax(axis=1)
        for i, j, sim in zip(loose, best, sims[np.arange(len(loose)), best], strict=True):
            if sim >= ABSORB_SIMILARITY:
                out[i] = kept[j]
    return out


def _reduce(tfidf) -> np.ndarray:  # noqa: ANN001 - scipy sparse matrix
    n_components = min(100, tfidf.shape[1] - 1, tfidf.shape[0] - 1)
    if n_components < 2:
        return normalize(tfidf.toarray())
    svd = TruncatedSVD(n_components=n_components, random_state=SEED)
    return normalize(svd.fit_transform(tfidf))


def _topic(members, tfidf, x, vocab, rows, docs, surfaces, min_size) -> Topic | None:  # noqa: ANN001
    if len(members) < min_size:
        return None
    weights = np.asarray(tfidf[members].mean(axis=0)).ravel()
    order = [j for j in np.argsort(-weights)[:30] if weights[j] > 0]
    top = _top_terms([vocab[j] for j in order])
    if not top:
        return None
    top_feature = vocab[order[0]]  # may be a compound prefix such as "~hund"
    covered = sum(1 for m in members if top_feature in _with_prefixes(docs[rows[m]]))
    coherence = covered / len(members)
    if coherence < MIN_COHERENCE:
        return None
    centroid = x[members].mean(axis=0)
    closeness = x[members] @ centroid
    representatives = [rows[members[j]] for j in np.argsort(-closeness)[:5]]
    keywords = [t[1:] + "*" if t.startswith("~") else surfaces[t].most_common(1)[0][0] for t in top]
    return Topic(
        size=len(members),
        member_indices=sorted(rows[m] for m in members),
        keywords=keywords,
        representative_indices=representatives,
        coherence=round(coherence, 3),
        stems=top,
    )


def _top_terms(features: list[str], n: int = 10) -> list[str]:
    """Top stems; a prefix feature is kept (as "prefix*") only when it covers more
    than one of the cluster's stems, and then only its longest variant."""
    out: list[str] = []
    for f in features:
        if f.startswith("~"):
            covered = [s for s in features if not s.startswith("~") and s.startswith(f[1:])]
            if len(covered) < 2 or f[1:] in features or any(o.startswith(f) for o in out):
                continue
            out = [o for o in out if not (o.startswith("~") and f.startswith(o))]
        out.append(f)
        if len(out) == n:
            break
    return out


def _with_trend(topic: Topic, timestamps: Sequence[datetime]) -> Topic:
    trend = _trend([timestamps[i] for i in topic.member_indices], timestamps)
    return Topic(**{**topic.__dict__, "trend": trend})


def topic_to_theme(topic: Topic, code: str, name: str, language: str) -> Theme:
    """A codebook theme seeded with the topic's suggested keywords (one click in the UI)."""
    lang = language if language in ("nb", "nn", "da", "sv", "en") else "any"
    return Theme(
        code=code,
        name=name,
        description=f"Emerging topic: {', '.join(topic.keywords[:5])}",
        keywords={lang: list(dict.fromkeys(topic.keywords[:8]))},
    )
