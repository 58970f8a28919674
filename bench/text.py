"""Benchmark the fast text pipeline on short made-up comments, next to lingua alone.

    .venv/bin/python bench/text.py [--n 6000] [--repeats 3]

Comments are generated from made-up templates here (no shared data is used), so the
accuracy figures measure the plumbing on clean feedback-like text, not a real test set.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

from outsidein.text.cli import analyze_records
from outsidein.text.pipeline import Analyzer

TEMPLATES = {
    "nb": (["Appen", "Fakturaen", "Kundeservice", "Leveringen"],
           {"positive": ["var veldig bra", "fungerte fint, takk"],
            "negative": ["var ikke bra", "er helt elendig"]}),
    "nn": (["Appen", "Rekninga", "Kundeservicen", "Leveringa"],
           {"positive": ["var kjempebra", "fungerte fint, takk"],
            "negative": ["var ikkje bra", "er heilt elendig"]}),
    "da": (["Appen", "Regningen", "Kundeservice", "Leveringen"],
           {"positive": ["var rigtig god", "virkede fint, tak"],
            "negative": ["var ikke god", "er helt elendig"]}),
    "sv": (["Appen", "Fakturan", "Kundtjänst", "Leveransen"],
           {"positive": ["var jättebra", "fungerade fint, tack"],
            "negative": ["var inte bra", "är helt värdelös"]}),
    "en": (["The app", "The invoice", "Customer service", "The delivery"],
           {"positive": ["was really good", "worked fine, thanks"],
            "negative": ["was not good", "is completely useless"]}),
}  # fmt: skip


def make_comments(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(text, language, sentiment) triples, shuffled deterministically."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lang = rng.choice(sorted(TEMPLATES))
        subjects, preds = TEMPLATES[lang]
        label = rng.choice(sorted(preds))
        out.append((f"{rng.choice(subjects)} {rng.choice(preds[label])}", lang, label))
    return out


def _timed(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench_single(texts: list[str], repeats: int) -> tuple[float, list]:
    analyzer = Analyzer()
    analyzer.analyze_batch(texts[:100])  # warm-up: model loading is not throughput
    sec, res = _timed(
        lambda: [
            a
            for i in range(0, len(texts), 1000)
            for a in analyzer.analyze_batch(texts[i : i + 1000])
        ],
        repeats,
    )
    return len(texts) / sec, res


def bench_all_cores(texts: list[str], repeats: int, workers: int) -> float:
    chunks = [[{"text": t} for t in texts[i : i + 1000]] for i in range(0, len(texts), 1000)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(analyze_records, chunks[:workers]))  # warm-up each worker
        sec, _ = _timed(lambda: list(pool.map(analyze_records, chunks)), repeats)
    return len(texts) / sec


def bench_lingua(texts: list[str], repeats: int) -> tuple[float, list[str]]:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c) for c in ("NB", "NN", "DA", "SV", "EN", "FI", "DE")]
    det = LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()
    det.detect_language_of("warm up")

    def run() -> list[str]:
        return [
            (lang.iso_code_639_1.name.lower() if lang else "und")
            for lang in map(det.detect_language_of, texts)
        ]

    sec, res = _timed(run, repeats)
    return len(texts) / sec, res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=6000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    items = make_comments(args.n)
    texts = [t for t, _, _ in items]
    workers = os.cpu_count() or 1
    single, analyses = bench_single(texts, args.repeats)
    multi = bench_all_cores(texts, args.repeats, workers)
    lingua_rate, lingua_langs = bench_lingua(texts, args.repeats)
    lang_acc = sum(a.language == lg for a, (_, lg, _) in zip(analyses, items, strict=True)) / len(
        items
    )
    sent_acc = sum(a.sentiment == s for a, (_, _, s) in zip(analyses, items, strict=True)) / len(
        items
    )
    lingua_acc = sum(p == lg for p, (_, lg, _) in zip(lingua_langs, items, strict=True)) / len(
        items
    )
    print(f"items: {len(texts)} short made-up comments, median of {args.repeats} repeats")
    print(
        f"pipeline, 1 process:        {single:8.0f} items/s  (language acc {lang_acc:.3f}, sentiment acc {sent_acc:.3f})"
    )
    print(f"pipeline, {workers} processes:      {multi:8.0f} items/s")
    print(
        f"lingua language ID only, 1 thread: {lingua_rate:8.0f} items/s  (language acc {lingua_acc:.3f})"
    )


if __name__ == "__main__":
    main()
