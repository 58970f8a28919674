"""How much `outsidein text train` buys: labelled train splits as an organisation's feedback.

    .venv/bin/python bench/adaptation.py [--data-dir ../shared/data] [--embed-cache /tmp/emb]

For each set, the train split plays the organisation's scored comments (its labels are
what the scores would say); both adapters are trained and adopted exactly as the product
does (on a held-back fifth of that split), then every model is measured on the dev split,
which none of them saw. Evaluation only: nothing here is stored or shipped, which is what
the licences of the review and tweet sets allow. Prints macro-F1 per model and which
model the product would run on each path.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score

from outsidein.codebook.adaptation import Example, train_adapter, train_deep_adapter
from outsidein.text import deep_sentiment, embeddings, sentiment
from outsidein.text.sentiment import LABELS

SETS = ("swerec", "angry_tweets", "twitter_sent", "absabank_imm")


def rows(data_dir: Path, name: str, split: str) -> list[dict]:
    with (data_dir / name / f"{split}.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def macro_f1(gold: list[str], proba: np.ndarray) -> float:
    pred = [LABELS[i] for i in proba.argmax(axis=1)]
    return round(100 * f1_score(gold, pred, labels=list(LABELS), average="macro"), 1)


def measure(data_dir: Path, name: str, cache: Path | None) -> dict:
    def embed(texts):  # noqa: ANN001, ANN202
        return embeddings.cached_embed(texts, cache)

    train = rows(data_dir, name, "train")
    examples = [
        Example(key=f"{name}:{i}", text=r["text"], language=r["lang"], label=r["label"])
        for i, r in enumerate(train)
    ]
    t0 = time.perf_counter()
    fast, fast_report = train_adapter(examples)
    deep, deep_report = train_deep_adapter(examples, fast, embed=embed)
    seconds = time.perf_counter() - t0
    dev = rows(data_dir, name, "dev")
    texts, langs, gold = (
        [r["text"] for r in dev],
        [r["lang"] for r in dev],
        [r["label"] for r in dev],
    )
    fast_p = sentiment.predict_proba(texts, langs)
    emb = embed(deep_sentiment.embed_texts(texts))
    out = {
        "set": name,
        "n_train": len(train),
        "n_dev": len(dev),
        "train_s": round(seconds, 1),
        "shipped_fast": macro_f1(gold, fast_p),
        "shipped_deep": macro_f1(gold, deep_sentiment.predict_proba(texts, langs, fast_p, emb)),
        "fast_adopted": fast is not None,
        "deep_adopted": deep is not None,
        "fast_share": deep_report.get("fast_share"),
        "held_back": {
            "fast": [fast_report.get(k) for k in ("before", "after", "win_share")],
            "deep": [deep_report.get(k) for k in ("before", "after", "win_share")],
        },
    }
    if fast is not None:
        out["fast_adapter"] = macro_f1(gold, fast.predict_proba(texts, langs))
    if deep is not None:
        out["deep_adapter"] = macro_f1(gold, deep.predict_proba(texts, langs, fast, embed))
    # What the dashboards show once the background pass has run.
    out["product"] = out.get("deep_adapter") or (
        out.get("fast_adapter") if fast is not None else out["shipped_deep"]
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/data"))
    parser.add_argument("--embed-cache", type=Path, default=None)
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    args = parser.parse_args()
    for name in args.sets:
        print(json.dumps(measure(args.data_dir, name, args.embed_cache)), flush=True)


if __name__ == "__main__":
    main()
