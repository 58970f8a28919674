"""Codebook: stem matching in five languages, phrases, patterns, YAML, validation."""

from __future__ import annotations

import pytest

from outsidein.text.codebook import Codebook, CodebookError, Theme, default_codebook

SMALL = """
version: 1
themes:
  - code: money
    name: Money
  - code: invoice
    name: Invoice
    parent: money
    description: Invoices and bills
    labels: {nb: Faktura}
    keywords:
      nb: [faktura, "*regning"]
      nn: [rekning]
      da: [regning]
      sv: [faktura, räkning]
      en: [invoice]
    phrases:
      nb: [for høy pris]
      en: [charged twice]
    patterns:
      any: ['\\bkid\\s*\\d+']
  - code: app
    name: App
    keywords:
      nb: ["app*"]
"""


@pytest.fixture
def book() -> Codebook:
    return Codebook.from_yaml(SMALL)


def _codes(book: Codebook, text: str, lang: str | None) -> list[str]:
    return [h.code for h in book.find_themes(text, lang)]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Fakturaen kom for sent", "nb"),
        ("To fakturaer på en uke", "nb"),
        ("Rekninga var feil", "nn"),
        ("Rekningane var for høge", "nn"),
        ("Regningen var for høj", "da"),
        ("Regningerne kom dobbelt", "da"),
        ("Fakturan var fel", "sv"),
        ("Räkningen kom sent", "sv"),
        ("The invoices were wrong", "en"),
        ("Strømregningen var høy", "nb"),  # compound head via "*regning"
    ],
)
def test_inflected_forms_match_on_stems(book: Codebook, text: str, lang: str) -> None:
    assert _codes(book, text, lang) == ["invoice"]


def test_spans_point_at_the_matched_words(book: Codebook) -> None:
    text = "Hei! Fakturaen og fakturaene var feil."
    (hit,) = book.find_themes(text, "nb")
    assert hit.name == "Invoice"
    assert [text[s:e] for s, e in hit.spans] == ["Fakturaen", "fakturaene"]


def test_language_scopes_keywords(book: Codebook) -> None:
    assert _codes(book, "The invoice", "nb") == []
    assert _codes(book, "The invoice", "en") == ["invoice"]
    assert _codes(book, "Rekninga var feil", "nb") == ["invoice"]  # nb also uses nn words


@pytest.mark.parametrize("lang", ["und", None, "xx"])
def test_unknown_language_matches_all_languages(book: Codebook, lang: str | None) -> None:
    assert _codes(book, "The invoices were late", lang) == ["invoice"]
    assert _codes(book, "Räkningen kom sent", lang) == ["invoice"]


def test_phrases_match_stem_sequences(book: Codebook) -> None:
    assert _codes(book, "Altfor høye priser, for høy pris rett og slett", "nb") == ["invoice"]
    assert _codes(book, "Høy pris for lite", "nb") == []
    text = "I was charged twice!"
    (hit,) = book.find_themes(text, "en")
    assert [text[s:e] for s, e in hit.spans] == ["charged twice"]


def test_patterns_are_case_insensitive_with_original_offsets(book: Codebook) -> None:
    text = "Betalte med KID 12345 i går"
    (hit,) = book.find_themes(text, "sv")
    assert [text[s:e] for s, e in hit.spans] == ["KID 12345"]


def test_prefix_keyword(book: Codebook) -> None:
    assert _codes(book, "Appen krasjer", "nb") == ["app"]
    assert _codes(book, "Apotek", "nb") == []


def test_yaml_round_trip(book: Codebook) -> None:
    again = Codebook.from_yaml(book.to_yaml())
    assert again == book
    assert Codebook.from_dict(book.to_dict()) == book
    assert again.get("invoice").labels == {"nb": "Faktura"}
    assert book.ancestors("invoice") == ["money"]


def test_yaml_from_path(tmp_path, book: Codebook) -> None:  # noqa: ANN001
    path = tmp_path / "book.yaml"
    path.write_text(book.to_yaml(), encoding="utf-8")
    assert Codebook.from_yaml(path) == book
    assert Codebook.from_yaml(str(path)) == book


@pytest.mark.parametrize(
    ("themes", "message"),
    [
        ([{"code": "a", "name": "A", "parent": "nope"}], "theme 'a': field 'parent'"),
        (
            [{"code": "a", "name": "A"}, {"code": "a", "name": "B"}],
            "theme 'a': field 'code' is a duplicate",
        ),
        (
            [{"code": "a", "name": "A", "patterns": {"nb": ["(unclosed"]}}],
            "theme 'a': field 'patterns.nb': bad regex",
        ),
        (
            [{"code": "a", "name": "A", "keywords": {"xx": ["ord"]}}],
            "theme 'a': field 'keywords.xx'",
        ),
        ([{"code": "a", "name": "A", "keywords": {"nb": "ord"}}], "must be a list"),
        ([{"code": "a", "name": ""}], "theme 'a': field 'name'"),
        ([{"code": "Bad Code", "name": "A"}], "field 'code'"),
        (
            [{"code": "a", "name": "A", "parent": "b"}, {"code": "b", "name": "B", "parent": "a"}],
            "cycle",
        ),
        ([{"code": "a", "name": "A", "colour": "red"}], "unknown field"),
    ],
)
def test_validation_errors_name_theme_and_field(themes: list, message: str) -> None:
    with pytest.raises(CodebookError, match=message.replace("(", r"\(")):
        Codebook.from_dict({"themes": themes})


def test_invalid_yaml_is_a_codebook_error() -> None:
    with pytest.raises(CodebookError, match="invalid YAML"):
        Codebook.from_yaml("themes: [unclosed")


def test_with_theme_adds_and_replaces(book: Codebook) -> None:
    bigger = book.with_theme(Theme(code="parking", name="Parking", keywords={"nb": ["parkering"]}))
    assert _codes(bigger, "Parkeringen var full", "nb") == ["parking"]
    assert _codes(book, "Parkeringen var full", "nb") == []


# ------------------------------------------------------------------ default codebook
def test_default_codebook_loads_with_groupings() -> None:
    book = default_codebook()
    required = {
        "price", "billing_error", "waiting_time", "friendliness", "competence", "app", "website",
        "delivery", "outage", "moving", "cancellation", "promises", "simplicity", "trust",
        "reachability", "communication", "contract", "installation", "quality", "refund",
    }  # fmt: skip
    assert required <= {t.code for t in book.themes}
    assert all(book.get(c).parent for c in required)
    for code in required:
        theme = book.get(code)
        assert {"nb", "nn", "da", "sv", "en"} <= set(theme.keywords), code


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        (
            "Fakturaen var feil og jeg ventet en time i telefonkøen",
            "nb",
            {"billing_error", "waiting_time"},
        ),
        ("Appen krasjer hver gang jeg logger inn", "nb", {"app"}),
        (
            "Rekninga var for høg og ventetida hos kundetenesta var lang",
            "nn",
            {"billing_error", "waiting_time"},
        ),
        ("Straumbrotet varte i fire timar", "nn", {"outage"}),
        (
            "Regningen var forkert, og jeg vil opsige aftalen",
            "da",
            {"billing_error", "cancellation"},
        ),
        ("Montøren var venlig og dygtig", "da", {"installation", "friendliness", "competence"}),
        ("Väntetiden var lång och bemötandet otrevligt", "sv", {"waiting_time", "friendliness"}),
        (
            "Strömavbrottet i går och uppsägningen var krånglig",
            "sv",
            {"outage", "cancellation", "simplicity"},
        ),
        (
            "The delivery was late and nobody answers the phone",
            "en",
            {"delivery", "waiting_time", "reachability"},
        ),
        ("They promised to call back but never called back", "en", {"promises"}),
        ("Flyttingen gikk knirkefritt", "nb", {"moving", "simplicity"}),
        ("Vi fikk pengene tilbake etter klagen", "nb", {"refund"}),
    ],
)
def test_default_codebook_finds_themes(text: str, lang: str, expected: set[str]) -> None:
    found = set(_codes(default_codebook(), text, lang))
    assert expected <= found, found


def test_default_codebook_stays_quiet_on_plain_praise() -> None:
    assert _codes(default_codebook(), "Veldig fornøyd, tusen takk!", "nb") == []
