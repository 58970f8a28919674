"""A/B the fast text pipeline of two checkouts, alternating, in fresh processes.

    .venv/bin/python bench/text_ab.py --baseline /tmp/oldtree [--pairs 3] [--n 6000]

Make the baseline with ``git worktree add /tmp/oldtree <commit>``. Each run imports the
code and models of one checkout, analyses ``--n`` made-up comments (bench/text.py's
generator) three times and prints items/s (median), model-loading time and peak memory;
the pairs alternate so that a drifting machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

_RUN = """
import importlib.util, json, resource, sys, time
root = sys.argv[1]
sys.path.insert(0, root)
spec = importlib.util.spec_from_file_location("bt", root + "/bench/text.py")
bt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bt)
from outsidein.text.pipeline import Analyzer
texts = [t for t, *_ in bt.make_comments(int(sys.argv[2]))]
t0 = time.perf_counter()
analyzer = Analyzer()
analyzer.analyze_batch(texts[:50])
load = time.perf_counter() - t0
runs = []
for _ in range(3):
    t = time.perf_counter()
    analyzer.analyze_batch(texts)
    runs.append(len(texts) / (time.perf_counter() - t))
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"items_s": sorted(runs)[1], "load_s": load, "rss_mb": rss}))
"""


def run(root: Path, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _RUN, str(root), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, required=True)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--n", type=int, default=6000)
    args = ap.parse_args()
    ratios = []
    for i in range(args.pairs):
        base, this = run(args.baseline, args.n), run(HERE, args.n)
        ratios.append(this["items_s"] / base["items_s"])
        for name, r in (("baseline", base), ("this", this)):
            print(
                f"pair {i + 1} {name:8s} {r['items_s']:7.0f} items/s  "
                f"load {r['load_s']:.1f} s  peak {r['rss_mb']:.0f} MB"
            )
    print(f"ratio this/baseline: median {statistics.median(ratios):.2f}, pairs {ratios}")


if __name__ == "__main__":
    main()
