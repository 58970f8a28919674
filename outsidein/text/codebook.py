"""Theme codebook: the organisation's own themes, matched on word stems.

Dict / YAML format (``Codebook.from_dict``, ``to_dict``, ``from_yaml``, ``to_yaml``)::

    version: 1
    themes:
      - code: billing                 # required, unique: [a-z0-9][a-z0-9_.-]*
        name: Billing                 # required, display name
        description: Invoices, ...    # optional
        parent: null                  # optional code of the parent theme
        labels: {nb: Faktura}         # optional display name per language
        keywords:                     # optional, per language: nb nn da sv en any
          nb: [faktura, regning, "*faktura", "fakturer*"]
        phrases:                      # optional, per language: word sequences
          nb: ["for høy pris"]
        patterns:                     # optional, per language: regexes
          any: ['\\bkr\\s*\\d']

Matching rules:

* ``keywords`` are single words compared on normalised Snowball stems
  (``_stems.stem``), so "faktura", "fakturaen" and "fakturaer" all match "faktura".
  ``word*`` matches any lowercased word starting with ``word``; ``*word`` matches any
  word whose stem ends with the stem of ``word`` (Nordic compounds: "*faktura"
  matches "strømfakturaen"). A keyword with spaces is treated as a phrase.
* ``phrases`` match as contiguous stem sequences.
* ``patterns`` are regexes matched case-insensitively on the text (equivalent to
  matching the lowercased text, with offsets valid in the original text).
* Language ``any`` applies to every language. Bokmål and Nynorsk texts use both the
  ``nb`` and ``nn`` lists (language ID often confuses them); an unknown language
  (``und``, None, anything else) matches every language's lists.

``find_themes`` returns only themes whose own terms matched; use ``ancestors`` to
roll hits up to parent groupings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from outsidein.text import _stems

FIELDS = ("keywords", "phrases", "patterns")
LANG_KEYS = ("nb", "nn", "da", "sv", "en", "any")
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# Which keyword lists a text in a given language is matched against.
_SCOPES: dict[str, tuple[str, ...]] = {
    "nb": ("nb", "nn", "any"),
    "nn": ("nn", "nb", "any"),
    "da": ("da", "any"),
    "sv": ("sv", "any"),
    "en": ("en", "any"),
}
_UND_SCOPES = ("nb", "da", "sv", "en")  # one per stemmer; nb covers nn
WORD_CACHE_LIMIT = 100_000


class CodebookError(ValueError):
    """Invalid codebook; the message names the theme and the field."""


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    description: str = ""
    parent: str | None = None
    keywords: dict[str, list[str]] = field(default_factory=dict)
    phrases: dict[str, list[str]] = field(default_factory=dict)
    patterns: dict[str, list[str]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "name": self.name}
        if self.description:
            out["description"] = self.description
        out["parent"] = self.parent
        for key in ("labels", *FIELDS):
            value = getattr(self, key)
            if value:
                out[key] = {
                    lang: (v if isinstance(v, str) else list(v)) for lang, v in value.items()
                }
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Theme:
        if not isinstance(data, Mapping):
            raise CodebookError(f"theme entry must be a mapping, got {type(data).__name__}")
        code = str(data.get("code") or "")
        unknown = set(data) - {"code", "name", "description", "parent", "labels", *FIELDS}
        if unknown:
            raise CodebookError(f"theme '{code}': unknown field(s) {sorted(unknown)}")
        lists = {f: _lang_lists(code, f, data.get(f)) for f in FIELDS}
        labels = data.get("labels") or {}
        if not isinstance(labels, Mapping):
            raise CodebookError(f"theme '{code}': field 'labels' must be a mapping")
        return cls(
            code=code,
            name=str(data.get("name") or ""),
            description=str(data.get("description") or ""),
            parent=data.get("parent") or None,
            labels={str(k): str(v) for k, v in labels.items()},
            **lists,
        )


def _lang_lists(code: str, fname: str, value: Any) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CodebookError(f"theme '{code}': field '{fname}' must map language -> list")
    out: dict[str, list[str]] = {}
    for lang, items in value.items():
        if lang not in LANG_KEYS:
            raise CodebookError(
                f"theme '{code}': field '{fname}.{lang}': unknown language (use {', '.join(LANG_KEYS)})"
            )
        if isinstance(items, str) or not isinstance(items, list | tuple):
            raise CodebookError(f"theme '{code}': field '{fname}.{lang}' must be a list")
        if not all(isinstance(i, str) and i.strip() for i in items):
            raise CodebookError(
                f"theme '{code}': field '{fname}.{lang}' has an empty or non-text entry"
            )
        out[lang] = [i.strip() for i in items]
    return out


@dataclass(frozen=True)
class ThemeHit:
    code: str
    name: str
    spans: list[tuple[int, int]]


@dataclass
class _Matcher:
    """Compiled lookup tables for one text language."""

    algo: str
    stem_index: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    phrase_index: dict[str, list[tuple[tuple[str, ...], int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    prefixes: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    suffixes: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    patterns: list[tuple[re.Pattern[str], int]] = field(default_factory=list)

    def add_keyword(self, kw: str, idx: int) -> None:
        kw = kw.lower()
        if " " in kw.strip("* "):
            self.add_phrase(kw, idx)
        elif kw.endswith("*") and len(kw) > 1:
            self.prefixes[kw[:-1]].add(idx)
        elif kw.startswith("*") and len(kw) > 1:
            self.suffixes[_stems.stem(kw[1:], self.algo)].add(idx)
        else:
            self.stem_index[_stems.stem(kw, self.algo)].add(idx)

    def add_phrase(self, phrase: str, idx: int) -> None:
        seq = _stems.phrase_stems(phrase.lower(), self.algo)
        if len(seq) == 1:
            self.stem_index[seq[0]].add(idx)
        elif seq:
            self.phrase_index[seq[0]].append((seq, idx))

    def freeze(self) -> None:
        self.word_cache: dict[str, tuple[str, tuple[int, ...]]] = {}
        self.prefix_lengths = sorted({len(p) for p in self.prefixes})
        self.suffix_lengths = sorted({len(s) for s in self.suffixes})

    def _word(self, word: str) -> tuple[str, tuple[int, ...]]:
        """Stem and single-word theme hits of a word, cached: feedback vocabulary is
        small and repetitive, so most tokens cost one dict lookup."""
        hit = self.word_cache.get(word)
        if hit is None:
            st = _stems.stem(word, self.algo)
            idxs = set(self.stem_index.get(st, ()))
            for n in self.prefix_lengths:
                if len(word) >= n:
                    idxs.update(self.prefixes.get(word[:n], ()))
            for n in self.suffix_lengths:
                if len(st) >= n:
                    idxs.update(self.suffixes.get(st[-n:], ()))
            if len(self.word_cache) > WORD_CACHE_LIMIT:
                self.word_cache.clear()
            hit = self.word_cache[word] = (st, tuple(sorted(idxs)))
        return hit

    def match(self, text: str, toks: list[tuple[str, int, int]], out: dict[int, set]) -> None:
        looked = [self._word(w) for w, _, _ in toks]
        stems = [st for st, _ in looked]
        for i, (st, idxs) in enumerate(looked):
            _, s, e = toks[i]
            for idx in idxs:
                out[idx].add((s, e))
            for seq, idx in self.phrase_index.get(st, ()):
                n = len(seq)
                if tuple(stems[i : i + n]) == seq:
                    out[idx].add((s, toks[i + n - 1][2]))
        for rx, idx in self.patterns:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    out[idx].add(m.span())


class Codebook:
    """An immutable set of themes with compiled matchers (built lazily per language)."""

    def __init__(self, themes: Iterable[Theme]) -> None:
        self.themes: tuple[Theme, ...] = tuple(themes)
        self._by_code = {t.code: t for t in self.themes}
        self._compiled_patterns = _validate(self.themes)
        self._matchers: dict[str, _Matcher] = {}

    # ------------------------------------------------------------------ access
    def __eq__(self, other: object) -> bool:
        return isinstance(other, Codebook) and self.themes == other.themes

    def __hash__(self) -> int:
        return hash(tuple(t.code for t in self.themes))

    def __len__(self) -> int:
        return len(self.themes)

    def __repr__(self) -> str:
        return f"Codebook({len(self.themes)} themes)"

    def get(self, code: str) -> Theme | None:
        return self._by_code.get(code)

    def children(self, code: str | None) -> list[Theme]:
        return [t for t in self.themes if t.parent == code]

    def ancestors(self, code: str) -> list[str]:
        """Parent codes of ``code`` from nearest to root."""
        out, theme = [], self._by_code.get(code)
        while theme is not None and theme.parent:
            out.append(theme.parent)
            theme = self._by_code.get(theme.parent)
        return out

    def with_theme(self, theme: Theme) -> Codebook:
        """A new codebook with ``theme`` added (or replacing the theme with its code)."""
        rest = [t for t in self.themes if t.code != theme.code]
        return Codebook([*rest, theme])

    # ------------------------------------------------------------------ matching
    def _matcher(self, lang: str) -> _Matcher:
        m = self._matchers.get(lang)
        if m is None:
            m = self._matchers[lang] = self._build(lang)
        return m

    def _build(self, lang: str) -> _Matcher:
        scope = _SCOPES[lang]
        m = _Matcher(algo=_stems.STEMMER_FOR[lang])
        for idx, theme in enumerate(self.themes):
            for key in scope:
                for kw in theme.keywords.get(key, ()):
                    m.add_keyword(kw, idx)
                for ph in theme.phrases.get(key, ()):
                    m.add_phrase(ph, idx)
                for rx in self._compiled_patterns[idx].get(key, ()):
                    m.patterns.append((rx, idx))
        m.freeze()
        return m

    def find_themes(self, text: str, language: str | None = None) -> list[ThemeHit]:
        """Themes whose keywords, phrases or patterns occur in ``text``."""
        lang = (language or "und").lower()
        lang = "nb" if lang == "no" else lang
        toks = _stems.tokens(text)
        found: dict[int, set[tuple[int, int]]] = defaultdict(set)
        if lang in _SCOPES:
            self._matcher(lang).match(text, toks, found)
        else:
            for scope in _UND_SCOPES:
                self._matcher(scope).match(text, toks, found)
            # Patterns exist per scope; 'any' patterns ran once per scope but the
            # span sets deduplicate them.
        hits = [
            ThemeHit(self.themes[i].code, self.themes[i].name, sorted(spans))
            for i, spans in found.items()
        ]
        hits.sort(key=lambda h: (h.spans[0], h.code))
        return hits

    # ------------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        return {"version": 1, "themes": [t.to_dict() for t in self.themes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | list[Any]) -> Codebook:
        if isinstance(data, list):  # a bare list of themes is accepted too
            data = {"themes": data}
        if not isinstance(data, Mapping) or not isinstance(data.get("themes", []), list):
            raise CodebookError("codebook must be a mapping with a 'themes' list")
        if data.get("version", 1) != 1:
            raise CodebookError(f"unsupported codebook version {data.get('version')!r}")
        return cls(Theme.from_dict(t) for t in data.get("themes") or [])

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    @classmethod
    def from_yaml(cls, source: str | Path) -> Codebook:
        """Load from YAML text or from a path (a ``Path`` or a string naming a file)."""
        if isinstance(source, Path) or (
            "\n" not in source and Path(source).suffix in (".yaml", ".yml")
        ):
            source = Path(source).read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(source)
        except yaml.YAMLError as exc:
            raise CodebookError(f"invalid YAML: {exc}") from exc
        return cls.from_dict(data or {})


def _validate(themes: tuple[Theme, ...]) -> list[dict[str, list[re.Pattern[str]]]]:
    """Check codes, parents and regexes; return the compiled patterns per theme."""
    seen: set[str] = set()
    for t in themes:
        if not _CODE_RE.match(t.code):
            raise CodebookError(f"theme '{t.code}': field 'code' must match {_CODE_RE.pattern}")
        if t.code in seen:
            raise CodebookError(f"theme '{t.code}': field 'code' is a duplicate")
        if not t.name.strip():
            raise CodebookError(f"theme '{t.code}': field 'name' is required")
        seen.add(t.code)
    by_code = {t.code: t for t in themes}
    for t in themes:
        if t.parent is not None and t.parent not in by_code:
            raise CodebookError(
                f"theme '{t.code}': field 'parent' names unknown theme '{t.parent}'"
            )
        _check_cycle(t, by_code)
    return [_compile_patterns(t) for t in themes]


def _check_cycle(theme: Theme, by_code: dict[str, Theme]) -> None:
    seen, cur = {theme.code}, theme
    while cur.parent is not None:
        if cur.parent in seen:
            raise CodebookError(f"theme '{theme.code}': field 'parent' forms a cycle")
        seen.add(cur.parent)
        cur = by_code[cur.parent]


def _compile_patterns(theme: Theme) -> dict[str, list[re.Pattern[str]]]:
    out: dict[str, list[re.Pattern[str]]] = {}
    for lang, pats in theme.patterns.items():
        compiled = []
        for p in pats:
            try:
                compiled.append(re.compile(p, re.IGNORECASE))
            except re.error as exc:
                raise CodebookError(
                    f"theme '{theme.code}': field 'patterns.{lang}': bad regex {p!r}: {exc}"
                ) from exc
        out[lang] = compiled
    return out


DEFAULT_CODEBOOK_PATH = Path(__file__).with_name("default_codebook.yaml")
_default: Codebook | None = None


def default_codebook() -> Codebook:
    """The shipped default CX codebook (parsed once per process)."""
    global _default
    if _default is None:
        _default = Codebook.from_yaml(DEFAULT_CODEBOOK_PATH)
    return _default
