"""Word tokenisation and stemming shared by the codebook, topics and touchpoints.

Snowball stemmers (PyStemmer) are the base, but on their own they are inconsistent
for Nordic definite forms: Norwegian "faktura" -> "faktur" but "fakturaen" ->
"faktura"; Swedish "fakturan" and "strömavbrottet" are left alone. ``stem`` therefore
normalises further (strip a Swedish definite -n/-et and stem again; drop a final vowel)
so that all inflections of a word end up on the same key. Keywords and texts go
through the same function, so only consistency matters, not linguistic purity.
"""

from __future__ import annotations

import re

import Stemmer

# Language code -> Snowball algorithm. Nynorsk uses the Norwegian stemmer.
STEMMER_FOR: dict[str, str] = {
    "nb": "norwegian",
    "nn": "norwegian",
    "no": "norwegian",
    "da": "danish",
    "sv": "swedish",
    "en": "english",
}
LANGUAGES: tuple[str, ...] = ("nb", "nn", "da", "sv", "en")
ALGORITHMS: tuple[str, ...] = ("norwegian", "danish", "swedish", "english")

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_VOWELS = frozenset("aeiouyæøåäö")
_SV_DEFINITE = re.compile(r"(?<=[aeiouyåäö])n$|(?<=..[^aeiouyåäö])et$")
_CACHE_LIMIT = 200_000
_stemmers: dict[str, Stemmer.Stemmer] = {}
_caches: dict[str, dict[str, str]] = {}


def algorithm(language: str | None) -> str | None:
    """Snowball algorithm for a language code, or None when unknown/'und'."""
    return STEMMER_FOR.get((language or "").lower()[:2] if language else "")


def _stemmer(algo: str) -> Stemmer.Stemmer:
    st = _stemmers.get(algo)
    if st is None:
        st = _stemmers[algo] = Stemmer.Stemmer(algo)
    return st


def _compute(word: str, algo: str) -> str:
    st = _stemmer(algo)
    s = st.stemWord(word)
    if algo == "swedish" and len(s) > 5:
        s = st.stemWord(_SV_DEFINITE.sub("", s))
    if len(s) > 4 and s[-1] in _VOWELS:
        s = s[:-1]
    return s


def stem(word: str, algo: str) -> str:
    """Normalised stem of a lowercased word for a Snowball algorithm name."""
    cache = _caches.setdefault(algo, {})
    s = cache.get(word)
    if s is None:
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        s = cache[word] = _compute(word, algo)
    return s


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Lowercased word tokens with character offsets into ``text``."""
    return [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def stems(text: str, algo: str | None) -> list[str]:
    """Stems of the words of ``text``; lowercased words when ``algo`` is None."""
    words = [m.group().lower() for m in _WORD.finditer(text)]
    if algo is None:
        return words
    return [stem(w, algo) for w in words]


def phrase_stems(phrase: str, algo: str) -> tuple[str, ...]:
    return tuple(stem(w, algo) for w, _, _ in tokens(phrase))
