"""Train the shipped language-ID and sentiment models (deterministic, seeded).

    .venv/bin/python -m outsidein.text.training --data-dir ../shared/data

Only licence-allowed data is used for training (see docs/models.md): UD sentences from
langid/dev.jsonl (the part whose id hashes below ``LANGID_TRAIN_PERCENT``; the rest is
held out and reported), norec_sentence (nb), europarl_sent + lcc_sent (da), absabank_imm
(sv), mams_acsa (en, sentence labels derived from aspect labels) and our own made-up seed
templates. angry_tweets, twitter_sent and swerec are evaluation-only: they are read here
only to print dev figures, never to fit anything.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import click
import numpy as np
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import MultinomialNB

from outsidein.text import langid, sentiment

SEED = 13
LANGID_TRAIN_PERCENT = 70
EXTRA_PER_LANG = 3000  # cap on non-UD sentences per language for language ID
NB_ALPHA = 0.05
NB_WORD_ALPHA = 0.1
SEED_DIR = Path(__file__).parent / "seed_data"
MODELS_DIR = Path(__file__).parent / "models"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
EVAL_ONLY = {"angry_tweets", "twitter_sent", "swerec"}


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def bucket(key: str) -> int:
    """Stable 0–99 bucket of a string (split that does not depend on file order)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 100


def detokenize(text: str) -> str:
    """NoReC text has spaces around punctuation; make it look like ordinary writing."""
    text = re.sub(r" ([,.:;!?)»])", r"\1", text)
    return re.sub(r"([(«]) ", r"\1", text)


def split_paragraph(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


# ---------------------------------------------------------------- language ID


def langid_split(data_dir: Path) -> tuple[list[dict], list[dict]]:
    rows = load_jsonl(data_dir / "langid" / "dev.jsonl")
    train = [r for r in rows if bucket(r["id"]) < LANGID_TRAIN_PERCENT]
    held = [r for r in rows if bucket(r["id"]) >= LANGID_TRAIN_PERCENT]
    return train, held


def _extra_langid_sentences(data_dir: Path) -> dict[str, list[str]]:
    extra: dict[str, list[str]] = defaultdict(list)
    for r in load_jsonl(data_dir / "norec_sentence" / "train.jsonl"):
        extra["nb"].append(detokenize(r["text"]))
    for name in ("europarl_sent", "lcc_sent"):
        extra["da"] += [r["text"] for r in load_jsonl(data_dir / name / "train.jsonl")]
    for r in load_jsonl(data_dir / "absabank_imm" / "train.jsonl"):
        extra["sv"] += split_paragraph(r["text"])
    extra["en"] += [r["text"] for r in load_jsonl(data_dir / "mams_acsa" / "train.jsonl")]
    return extra


def _fragments(texts: list[str], labels: list[str], rng: random.Random):
    """1–5-word windows of longer sentences: short texts are the hard, common case."""
    for text, label in zip(texts, labels, strict=True):
        tokens = text.split()
        if len(tokens) <= 6:
            continue
        for _ in range(2):
            n = rng.randint(1, 5)
            i = rng.randint(0, len(tokens) - n)
            yield " ".join(tokens[i : i + n]), label


def langid_training_set(train: list[dict], data_dir: Path) -> tuple[list[str], list[str], int]:
    """Texts and labels; the first ``n_ud`` items are the UD sentences (stacker data)."""
    rng = random.Random(SEED)
    texts = [r["text"] for r in train]
    labels = [r["label"] for r in train]
    n_ud = len(texts)
    for lang, sents in sorted(_extra_langid_sentences(data_dir).items()):
        rng.shuffle(sents)
        texts += sents[:EXTRA_PER_LANG]
        labels += [lang] * min(EXTRA_PER_LANG, len(sents))
    frag = list(_fragments(texts, labels, rng))
    texts += [t for t, _ in frag]
    labels += [lab for _, lab in frag]
    return texts, labels, n_ud


def _out_of_fold_logp(x, y: np.ndarray, alpha: float) -> np.ndarray:
    out = np.zeros((x.shape[0], len(langid.LANGS)))
    folds = StratifiedKFold(5, shuffle=True, random_state=SEED)
    for fit_idx, val_idx in folds.split(np.zeros(len(y)), y):
        nb = MultinomialNB(alpha=alpha).fit(x[fit_idx], y[fit_idx])
        out[val_idx] = nb.predict_joint_log_proba(x[val_idx])
    return out


def train_langid(data_dir: Path) -> dict[str, np.ndarray]:
    train, _ = langid_split(data_dir)
    texts, labels, n_ud = langid_training_set(train, data_dir)
    y = np.array(labels)
    cw, w = langid.charword_counts(texts), langid.word_counts(texts)
    nb_cw = MultinomialNB(alpha=NB_ALPHA).fit(cw, y)
    nb_w = MultinomialNB(alpha=NB_WORD_ALPHA).fit(w, y)
    assert tuple(nb_cw.classes_) == langid.LANGS
    # The stacker learns from out-of-fold scores of the UD part only, so that its
    # priors match real sentences rather than our fragment-augmented mix.
    feats = langid.signal_features(
        _out_of_fold_logp(cw, y, NB_ALPHA)[:n_ud],
        _out_of_fold_logp(w, y, NB_WORD_ALPHA)[:n_ud],
        langid.langidentify_scores(texts[:n_ud]),
    )
    stack = LogisticRegression(C=1.0, max_iter=3000).fit(feats, y[:n_ud])
    return {
        "labels": np.array(langid.LANGS),
        "charword_logp": nb_cw.feature_log_prob_.astype(np.float16),
        "charword_prior": nb_cw.class_log_prior_.astype(np.float32),
        "word_logp": nb_w.feature_log_prob_.astype(np.float16),
        "word_prior": nb_w.class_log_prior_.astype(np.float32),
        "stack_coef": stack.coef_.astype(np.float32),
        "stack_intercept": stack.intercept_.astype(np.float32),
    }


# ---------------------------------------------------------------- sentiment


def _mams_sentence_label(aspects: list[dict]) -> str | None:
    polarities = {a["polarity"] for a in aspects}
    if "positive" in polarities and "negative" in polarities:
        return None  # mixed: no single sentence label
    if "positive" in polarities:
        return "positive"
    if "negative" in polarities:
        return "negative"
    return "neutral"


def seed_sentences() -> list[tuple[str, str, str]]:
    """(text, label, lang) expanded from our made-up feedback templates."""
    raw = json.loads((SEED_DIR / "feedback_templates.json").read_text(encoding="utf-8"))
    out: list[tuple[str, str, str]] = []
    for lang in sentiment.SENTIMENT_LANGS:
        t = raw[lang]
        for key, label in (
            ("positive", "positive"),
            ("negative", "negative"),
            ("negated_positive", "negative"),
            ("negated_negative", "positive"),
        ):
            for subj, pred in itertools.product(t["subjects"], t[key]):
                out.append((f"{subj} {pred}.", label, lang))
        out += [(s, "neutral", lang) for s in t["neutral"]]
    return out


def sentiment_training_set(data_dir: Path) -> tuple[list[str], list[str], list[str], np.ndarray]:
    """Texts, labels, languages and per-item weights (balancing the sources)."""
    sources: list[tuple[list[tuple[str, str, str]], float]] = []
    norec = [(detokenize(r["text"]), r["label"], "nb") for r in _rows(data_dir, "norec_sentence")]
    danish = [
        (r["text"], r["label"], "da")
        for n in ("europarl_sent", "lcc_sent")
        for r in _rows(data_dir, n)
    ]
    swedish = [(r["text"], r["label"], "sv") for r in _rows(data_dir, "absabank_imm")]
    english = [
        (r["text"], lab, "en")
        for r in _rows(data_dir, "mams_acsa")
        if (lab := _mams_sentence_label(r["label"])) is not None
    ]
    # Weights: the big NoReC set must not drown the small Danish one; absabank is about
    # attitudes to immigration, not tone, so it counts less.
    sources = [(norec, 1.0), (danish, 3.0), (swedish, 0.5), (english, 0.7), (seed_sentences(), 2.0)]
    texts, labels, langs, weights = [], [], [], []
    for items, weight in sources:
        for text, label, lang in items:
            texts.append(text)
            labels.append(label)
            langs.append(lang)
            weights.append(weight)
    return texts, labels, langs, np.array(weights)


def _rows(data_dir: Path, name: str, split: str = "train") -> list[dict]:
    assert name not in EVAL_ONLY or split == "dev", f"{name} is evaluation-only"
    return load_jsonl(data_dir / name / f"{split}.jsonl")


def train_sentiment(data_dir: Path) -> dict[str, np.ndarray]:
    texts, labels, langs, weights = sentiment_training_set(data_dir)
    x = sentiment.featurize(texts, langs)
    y = np.array(labels)
    # Balanced class weights: the targets are macro-F1, and neutral dominates NoReC.
    classes, counts = np.unique(y, return_counts=True)
    balance = dict(zip(classes, len(y) / (len(classes) * counts), strict=True))
    weights = weights * np.array([balance[label] for label in labels])
    clf = SGDClassifier(
        loss="log_loss", alpha=5e-6, max_iter=30, tol=None, random_state=SEED, average=True
    )
    clf.fit(x, y, sample_weight=weights)
    assert tuple(clf.classes_) == sentiment.LABELS
    return {
        "labels": np.array(sentiment.LABELS),
        "coef": clf.coef_.astype(np.float16),
        "intercept": clf.intercept_.astype(np.float32),
    }


# ---------------------------------------------------------------- reporting


def report_langid(data_dir: Path) -> None:
    _, held = langid_split(data_dir)
    pred = [g.code for g in langid.detect_languages([r["text"] for r in held])]
    gold = [r["label"] for r in held]
    short = [i for i, r in enumerate(held) if r["length_bucket"] == "short"]
    click.echo(
        f"langid held-out ({100 - LANGID_TRAIN_PERCENT}% of dev, n={len(held)}): "
        f"accuracy {accuracy_score(gold, pred):.4f}, "
        f"short {accuracy_score([gold[i] for i in short], [pred[i] for i in short]):.4f} "
        f"(n={len(short)})"
    )


SENTIMENT_DEV_SETS = (
    "norec_sentence",
    "angry_tweets",
    "twitter_sent",
    "europarl_sent",
    "lcc_sent",
    "absabank_imm",
    "swerec",
)


def report_sentiment(data_dir: Path) -> None:
    for name in SENTIMENT_DEV_SETS:
        rows = _rows(data_dir, name, "dev")
        texts = [detokenize(r["text"]) for r in rows]
        pred = [s.label for s in sentiment.predict_sentiment(texts, [r["lang"] for r in rows])]
        gold = [r["label"] for r in rows]
        click.echo(
            f"sentiment {name} dev (n={len(rows)}): accuracy {accuracy_score(gold, pred):.4f}, "
            f"macro-F1 {f1_score(gold, pred, average='macro'):.4f}"
        )


@click.command()
@click.option("--data-dir", type=click.Path(path_type=Path), default=DEFAULT_DATA_DIR)
@click.option("--out-dir", type=click.Path(path_type=Path), default=MODELS_DIR)
@click.option("--only", type=click.Choice(["langid", "sentiment"]), default=None)
def main(data_dir: Path, out_dir: Path, only: str | None) -> None:
    """Train and save the models, then print held-out / dev figures."""
    out_dir.mkdir(parents=True, exist_ok=True)
    np.random.seed(SEED)
    if only in (None, "langid"):
        np.savez_compressed(out_dir / "langid.npz", **train_langid(data_dir))
        langid._model.cache_clear()
        report_langid(data_dir)
    if only in (None, "sentiment"):
        np.savez_compressed(out_dir / "sentiment.npz", **train_sentiment(data_dir))
        sentiment._weights.cache_clear()
        report_sentiment(data_dir)


if __name__ == "__main__":
    main()
