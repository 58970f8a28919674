"""PII redaction: every kind is masked, look-alikes and ordinary numbers are not."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum import luhn as std_luhn

from outsidein.text.pii import (
    PLACEHOLDERS,
    PiiSpan,
    Redaction,
    card_ok,
    fodselsnummer_ok,
    no_account_ok,
    personnummer_ok,
    redact,
    redact_many,
)

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: str, weights: tuple[int, ...]) -> int:
    r = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11
    return 0 if r == 11 else r


# ----------------------------------------------------------------- strategies
dates = st.dates(min_value=date(1940, 1, 1), max_value=date(2023, 12, 31))


@st.composite
def fodselsnummer(draw: st.DrawFn) -> str:
    d = draw(dates)
    d_number = draw(st.booleans())
    individ = draw(st.integers(0, 499) if d.year < 2000 else st.integers(500, 999))
    base = f"{d.day + 40 * d_number:02d}{d.month:02d}{d.year % 100:02d}{individ:03d}"
    k1 = _mod11(base, W1)
    k2 = _mod11(base + str(k1 % 10), W2)
    assume(k1 < 10 and k2 < 10)
    return base + str(k1) + str(k2)


@st.composite
def personnummer(draw: st.DrawFn) -> str:
    d = draw(dates)
    day = d.day + 60 * draw(st.booleans())
    core = f"{d.year % 100:02d}{d.month:02d}{day:02d}{draw(st.integers(0, 999)):03d}"
    core += std_luhn.calc_check_digit(core)
    form = draw(st.sampled_from(["short-dash", "short", "long-dash", "long"]))
    century = str(d.year // 100)
    return {
        "short-dash": core[:6] + "-" + core[6:],
        "short": core,
        "long-dash": century + core[:6] + "-" + core[6:],
        "long": century + core,
    }[form]


@st.composite
def card(draw: st.DrawFn) -> str:
    prefix, length = draw(
        st.sampled_from([("4", 16), ("52", 16), ("37", 15), ("6011", 16), ("4", 19)])
    )
    body = draw(
        st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1)
    )
    number = prefix + body + std_luhn.calc_check_digit(prefix + body)
    sep = draw(st.sampled_from(["", " ", "-"]))
    if not sep:
        return number
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


@st.composite
def iban(draw: st.DrawFn) -> str:
    cc, n = draw(st.sampled_from([("NO", 11), ("SE", 20), ("DK", 14), ("FI", 14), ("DE", 18)]))
    bban = draw(st.text("0123456789", min_size=n, max_size=n))
    value = cc + std_iban.calc_check_digits(cc + "00" + bban) + bban
    return (
        value
        if draw(st.booleans())
        else " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    )


sentences = st.sampled_from(
    [
        "Mitt nummer er {} og jeg venter fortsatt.",
        "Hej, jag heter Sven, {}. Ring mig!",
        "Oplysninger: {}, tak.",
        "{}",
        "Please refund to {} (order 123456).",
    ]
)


def _masked(text: str, value: str) -> bool:
    start = text.index(value)
    return any(s.start <= start and s.end >= start + len(value) for s in redact(text).spans)


# ----------------------------------------------------------------- properties
@settings(max_examples=150, deadline=None)
@given(fodselsnummer(), sentences, st.booleans())
def test_valid_fodselsnummer_is_masked(value: str, sentence: str, spaced: bool) -> None:
    value = value[:6] + " " + value[6:] if spaced else value
    text = sentence.format(value)
    assert _masked(text, value)
    assert value not in redact(text).text


@settings(max_examples=150, deadline=None)
@given(personnummer(), sentences)
def test_valid_personnummer_is_masked(value: str, sentence: str) -> None:
    assert _masked(sentence.format(value), value)


@settings(max_examples=150, deadline=None)
@given(card(), sentences)
def test_valid_card_is_masked(value: str, sentence: str) -> None:
    assert _masked(sentence.format(value), value)


@settings(max_examples=150, deadline=None)
@given(iban(), sentences)
def test_valid_iban_is_masked(value: str, sentence: str) -> None:
    text = sentence.format(value)
    assert _masked(text, value)
    assert "[IBAN]" in redact(text).text


@settings(max_examples=150, deadline=None)
@given(fodselsnummer(), st.integers(1, 9), sentences)
def test_fodselsnummer_with_broken_check_digit_is_not_masked(
    value: str, delta: int, sentence: str
) -> None:
    broken = value[:10] + str((int(value[10]) + delta) % 10)
    if no_account_ok(broken) or card_ok(broken):  # another identifier by chance
        return
    assert not fodselsnummer_ok(broken)
    assert redact(sentence.format(broken)).spans == []


@settings(max_examples=150, deadline=None)
@given(card(), st.integers(1, 9))
@example("5200 0025 2010 0002", 1)  # once read as "5200" and a call to +252
def test_card_with_broken_luhn_is_not_masked(value: str, delta: int) -> None:
    broken = value[:-1] + str((int(value[-1]) + delta) % 10)
    assert redact(f"Kortet {broken} ble avvist.").spans == []


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.integers(1, 99999).map(lambda n: f"ordre {n}"),
        st.integers(1, 999_999).map(lambda n: f"kr {n:,}".replace(",", " ") + ",50"),
        st.integers(100, 9999).map(lambda n: f"{n // 1000}.{n % 1000:03d},-"),
        st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%d.%m.%Y")),
        st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(lambda d: d.isoformat()),
        st.dates(date(1990, 1, 1), date(2030, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
        st.integers(0, 9999).map(lambda n: f"{n:04d} Oslo"),
        st.integers(10000, 99999).map(lambda n: f"{n // 100} {n % 100:02d} Stockholm"),
        st.integers(1900, 2030).map(str),
        st.integers(10_000_000, 99_999_999).map(lambda n: f"ordrenummer {n}"),
        st.integers(10_000_000, 99_999_999).map(lambda n: f"kr {n}"),
    )
)
def test_ordinary_numbers_are_not_masked(text: str) -> None:
    assert redact(f"Gjelder {text}, takk.").spans == []


# ----------------------------------------------------------------- examples
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("Fnr 15076500565 gjelder", "FODSELSNUMMER", "15076500565"),
        ("D-nummer 47056130329 ok", "FODSELSNUMMER", "47056130329"),
        ("Pnr 811218-9876 ok", "PERSONNUMMER", "811218-9876"),
        ("Samordningsnr 701063-2391 ok", "PERSONNUMMER", "701063-2391"),
        ("CPR 211062-5629 ok", "CPR", "211062-5629"),
        ("Mail: kari.nordmann+kunde@example.no!", "EMAIL", "kari.nordmann+kunde@example.no"),
        ("Ring meg på 912 34 567 i dag", "PHONE", "912 34 567"),
        ("Ring meg på 91 23 45 67 i dag", "PHONE", "91 23 45 67"),
        ("Ring meg på +47 912 34 567 i dag", "PHONE", "+47 912 34 567"),
        ("Ring meg på 0047 91234567 i dag", "PHONE", "0047 91234567"),
        ("Ring mig på 070-123 45 67 idag", "PHONE", "070-123 45 67"),
        ("Ring mig på +46 70 123 45 67 idag", "PHONE", "+46 70 123 45 67"),
        ("Ring til +45 32 12 34 56 i dag", "PHONE", "+45 32 12 34 56"),
        ("Call +44 20 7946 0958 today", "PHONE", "+44 20 7946 0958"),
        ("Tlf 22334455 hele dagen", "PHONE", "22334455"),
        ("IBAN NO93 8601 1117 947 takk", "IBAN", "NO93 8601 1117 947"),
        ("IBAN GB29NWBK60161331926819 thanks", "IBAN", "GB29NWBK60161331926819"),
        ("Kontonr 8601.11.17947 takk", "ACCOUNT", "8601.11.17947"),
        ("Kort 4111 1111 1111 1111 utløper", "CARD", "4111 1111 1111 1111"),
        ("Amex 3782 822463 10005 ok", "CARD", "3782 822463 10005"),
    ],
)
def test_known_values_are_masked_with_kind(text: str, kind: str, value: str) -> None:
    result = redact(text)
    start = text.index(value)
    assert PiiSpan(kind, start, start + len(value)) in result.spans
    assert result.text == text.replace(value, PLACEHOLDERS[kind])


@pytest.mark.parametrize(
    "text",
    [
        "Ordre 91234567 kom ikke",  # order reference, not a phone number
        "Ordrenummer 12345678901 mangler",
        "Det kostet kr 1 234,50 og 1.299,- til sammen",
        "Levert 12.03.2024, fakturert 2024-03-12",
        "Adresse: 0150 Oslo / 114 55 Stockholm / 2100 København Ø",
        "Fakturanr. 2024-00123 fra 2023",
        "Kortet 4111 1111 1111 1112 ble avvist",  # Luhn fails
        "IBAN NO93 8601 1117 948 er feil",  # mod-97 fails
        "Pnr 811218-9875 er feil",  # Luhn fails
        "Kode 321190-1234 er ikke en dato",  # CPR-shaped, impossible date
        "Sporing 3429 4648 4646 570",  # digit groups of one longer number
        "Veldig fornøyd med hjelpen, takk!",
    ],
)
def test_look_alikes_are_not_masked(text: str) -> None:
    assert redact(text).spans == []


def test_spans_refer_to_original_text_and_sorted() -> None:
    text = "A: ola@example.no, B: 912 34 567, C: NO93 8601 1117 947"
    result = redact(text)
    assert [s.kind for s in result.spans] == ["EMAIL", "PHONE", "IBAN"]
    assert [text[s.start : s.end] for s in result.spans] == [
        "ola@example.no",
        "912 34 567",
        "NO93 8601 1117 947",
    ]
    assert result.text == "A: [EMAIL], B: [PHONE], C: [IBAN]"


def test_redact_many_and_frozen() -> None:
    out = redact_many(["ingen tall her", "mail: a@b.no"])
    assert [r.text for r in out] == ["ingen tall her", "mail: [EMAIL]"]
    assert isinstance(out[0], Redaction)
    with pytest.raises(AttributeError):
        out[0].text = "x"  # type: ignore[misc]


def test_validators_reject_impossible_dates() -> None:
    assert not personnummer_ok("8113189874")  # month 13
    assert not fodselsnummer_ok("32017000000")


def test_century_rule_keeps_future_cpr_unmasked() -> None:
    future = date.today() + timedelta(days=400)
    # 7th digit 4 with yy <= 36 means 20yy: a birth date in the future is no CPR.
    value = f"{future.day:02d}{future.month:02d}{future.year % 100:02d}-4123"
    assert redact(f"Kode {value}").spans == []
