"""Fictional personal identifiers with valid check digits, so redaction has real work to do.

Every number here is generated, never taken from a real person; the check digits are
computed the way the national registries do, because a redactor that relies on
checksums would (rightly) ignore numbers that fail them.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

import phonenumbers

_FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_CPR_W = (4, 3, 2, 7, 6, 5, 4, 3, 2)
_DK_MOBILE = ("20", "21", "22", "26", "28", "40", "42", "50", "51", "60", "61")
_NO_MOBILE = ("40", "41", "45", "46", "47", "48", "90", "91", "92", "93", "94", "95", "97", "98")


def luhn_check_digit(digits: str) -> int:
    """The digit that makes `digits + digit` pass the Luhn test."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10


def _mod11(digits: str, weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 11
    return 0 if rest == 11 else (None if rest == 10 else rest)


def _birth_date(rng: random.Random) -> date:
    return date(1945, 1, 1) + timedelta(days=rng.randrange(365 * 58))


def fodselsnummer(rng: random.Random) -> str:
    """Norwegian fødselsnummer (11 digits, two mod-11 check digits), born 1945–2002."""
    while True:
        born = _birth_date(rng)
        base = f"{born:%d%m%y}{rng.randrange(0, 500):03d}"  # individ 000–499: 1900s
        k1 = _mod11(base, _FNR_W1)
        if k1 is None:
            continue
        k2 = _mod11(base + str(k1), _FNR_W2)
        if k2 is not None:
            return f"{base}{k1}{k2}"


def personnummer(rng: random.Random) -> str:
    """Swedish personnummer, YYMMDD-NNNC with a Luhn check digit."""
    born = _birth_date(rng)
    base = f"{born:%y%m%d}{rng.randrange(1000):03d}"
    return f"{base[:6]}-{base[6:]}{luhn_check_digit(base)}"


def cpr(rng: random.Random) -> str:
    """Danish CPR number DDMMYY-SSSS that also satisfies the old mod-11 rule."""
    while True:
        born = _birth_date(rng)
        # A first serial digit 0–3 places the birth year in the 1900s.
        base = f"{born:%d%m%y}{rng.randrange(400):03d}"
        last = -sum(int(c) * w for c, w in zip(base, _CPR_W, strict=True)) % 11
        if last < 10:
            return f"{base[:6]}-{base[6:]}{last}"


def card_number(rng: random.Random) -> str:
    """A 16-digit Visa or Mastercard number (Luhn-valid), written in groups of four."""
    prefix = rng.choice(["4", "51", "52", "53", "54", "55"])
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(15 - len(prefix)))
    number = body + str(luhn_check_digit(body))
    return " ".join(number[i : i + 4] for i in range(0, 16, 4))


def phone_number(rng: random.Random, country: str) -> str:
    """A mobile number that numbering plans accept, written the way people there write it."""
    while True:
        written = _written_phone(rng, country)
        if phonenumbers.is_valid_number(phonenumbers.parse(written, country)):
            return written


def _written_phone(rng: random.Random, country: str) -> str:
    if country == "SE":
        digits = f"07{rng.choice('0236')}{rng.randrange(10**7):07d}"
        return rng.choice(
            [
                f"{digits[:3]}-{digits[3:6]} {digits[6:8]} {digits[8:]}",
                f"+46 {digits[1:3]} {digits[3:6]} {digits[6:8]} {digits[8:]}",
            ]
        )
    if country == "DK":
        digits = f"{rng.choice(_DK_MOBILE)}{rng.randrange(10**6):06d}"
        pairs = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
        return rng.choice([pairs, f"+45 {pairs}"])
    digits = f"{rng.choice(_NO_MOBILE)}{rng.randrange(10**6):06d}"
    grouped = f"{digits[:3]} {digits[3:5]} {digits[5:]}"
    return rng.choice([grouped, f"+47 {grouped}", digits])


def ascii_slug(text: str) -> str:
    """'Bjørn Ødegård' -> 'bjorn.odegard' for e-mail local parts."""
    replaced = text.lower().translate(str.maketrans({"ø": "o", "æ": "ae", "å": "aa", "ß": "ss"}))
    plain = unicodedata.normalize("NFKD", replaced).encode("ascii", "ignore").decode()
    return ".".join(part for part in "".join(c if c.isalnum() else " " for c in plain).split())
