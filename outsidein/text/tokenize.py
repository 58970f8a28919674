"""Light tokenisation helpers shared by the text-analytics core.

Pure Python and regex only: this runs for every feedback item, so it must stay cheap.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences", "strip_contrast", "words", "sentence_texts"]

# A sentence ends at ., ! or ? (possibly repeated, possibly followed by closing quotes or
# brackets) when whitespace and an upper-case letter, digit, quote or dash follow; also at
# line breaks and at runs of emoji-free "!!" etc. Abbreviations such as "f.eks." and "dvs."
# are protected because a lower-case word follows them in practice. A comma before
# "men"/"but" also ends a piece (see below).
_BOUNDARY = re.compile(
    r"""(?:[.!?…]+["'»”)\]]*)(?=\s+["'«“(\[\-–]?[A-ZÆØÅÄÖÉ0-9])"""  # punctuation + capital
    r"""|(?:\s*\n\s*)+"""  # line breaks always end a sentence in feedback
    # "Prisen var bra, men leveringen var treg": a contrastive clause is judged on its
    # own, so each theme gets the sentiment of its half of a mixed comment.
    r"""|[,;](?=\s+(?:men|but)\s)""",
)
_CONTRAST_LEAD = re.compile(r"^(?:men|but)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+", re.UNICODE)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return (start, end) character spans of the sentences in ``text``.

    Leading/trailing whitespace is excluded from each span; empty pieces are dropped, so
    a text with no boundary returns one span covering its stripped content.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _BOUNDARY.finditer(text):
        _append_stripped(text, pos, match.end(), spans)
        pos = match.end()
    _append_stripped(text, pos, len(text), spans)
    return spans


def _append_stripped(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append((start + lead, start + lead + len(stripped)))


def strip_contrast(piece: str) -> str:
    """A sentence or clause without its leading "men"/"but".

    The conjunction only says the piece disagrees with the one before; judged with it,
    models trained on mixed comments read "but the delivery was slow" as half neutral.
    """
    return _CONTRAST_LEAD.sub("", piece, count=1)


def sentence_texts(text: str) -> list[str]:
    """The sentences of ``text`` as strings (convenience for callers that need no offsets)."""
    return [text[s:e] for s, e in split_sentences(text)]


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters, with inner hyphens/apostrophes, or digit runs)."""
    return _WORD.findall(text.lower())
