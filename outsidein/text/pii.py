"""PII redaction for Nordic customer feedback.

``redact(text)`` returns a :class:`Redaction` whose ``text`` has every detected
identifier replaced by a placeholder, and whose ``spans`` give the kind and the
offsets of each identifier in the ORIGINAL text.

Placeholders (``PLACEHOLDERS``):

=================  ==========================================================
``[EMAIL]``        e-mail address
``[FØDSELSNUMMER]`` Norwegian fødselsnummer, D-nummer or H-nummer (mod-11 x2)
``[PERSONNUMMER]`` Swedish personnummer / samordningsnummer (Luhn, day+60)
``[CPR]``          Danish CPR number (valid date; mod-11 when written without dash)
``[IBAN]``         IBAN (country length + mod-97)
``[ACCOUNT]``      Norwegian bank account number (11 digits, mod-11)
``[CARD]``         payment card number (13–19 digits, known issuer prefix, Luhn)
``[PHONE]``        phone number (+/00 international, Nordic national forms)
=================  ==========================================================

Design: checksummed identifiers are accepted on their checksum alone; identifiers
without a checksum (phone numbers, CPR with dash) need a recognisable shape and are
suppressed next to amounts ("kr", ",-") and order/invoice references. Everything is
guarded by a cheap regex pre-filter so that texts without long digit runs or "@"
cost one ``re.search``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import phonenumbers

PLACEHOLDERS: dict[str, str] = {
    "EMAIL": "[EMAIL]",
    "FODSELSNUMMER": "[FØDSELSNUMMER]",
    "PERSONNUMMER": "[PERSONNUMMER]",
    "CPR": "[CPR]",
    "IBAN": "[IBAN]",
    "ACCOUNT": "[ACCOUNT]",
    "CARD": "[CARD]",
    "PHONE": "[PHONE]",
}


@dataclass(frozen=True)
class PiiSpan:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Redaction:
    text: str
    spans: list[PiiSpan]


# --------------------------------------------------------------------------- checksums


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _mod11_digit(digits: str, weights: tuple[int, ...]) -> int:
    """Check digit for weighted mod-11; -1 means 'no valid check digit' (remainder 1)."""
    rest = 11 - sum((ord(c) - 48) * w for c, w in zip(digits, weights, strict=False)) % 11
    return 0 if rest == 11 else (-1 if rest == 10 else rest)


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _date_ok(year: int | None, month: int, day: int) -> bool:
    """Valid calendar date; ``year=None`` means unknown century (29 Feb always allowed)."""
    if not (1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]):
        return False
    if month == 2 and day == 29 and year is not None:
        return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return True


_FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _fnr_year(yy: int, individ: int) -> int | None:
    if individ < 500:
        return 1900 + yy
    if individ < 750 and yy >= 54:
        return 1800 + yy
    if yy < 40:
        return 2000 + yy
    if individ >= 900:
        return 1900 + yy
    return None


def fodselsnummer_ok(d: str) -> bool:
    """Norwegian fødselsnummer / D-nummer (day+40) / H-nummer (month+40), 11 digits."""
    if len(d) != 11 or _mod11_digit(d, _FNR_W1) != ord(d[9]) - 48:
        return False
    if _mod11_digit(d, _FNR_W2) != ord(d[10]) - 48:
        return False
    day, month, yy = int(d[0:2]), int(d[2:4]), int(d[4:6])
    day = day - 40 if day > 40 else day
    # H-nummer (+40) and the tax authority's synthetic test persons (+80).
    month = month - 80 if month > 80 else (month - 40 if month > 40 else month)
    year = _fnr_year(yy, int(d[6:9]))
    return year is not None and _date_ok(year, month, day)


_ACCOUNT_W = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def no_account_ok(d: str) -> bool:
    return len(d) == 11 and _mod11_digit(d, _ACCOUNT_W) == ord(d[10]) - 48


def personnummer_ok(d: str) -> bool:
    """Swedish personnummer/samordningsnummer: 10 or 12 digits, Luhn on the last 10."""
    century = None
    if len(d) == 12:
        century, d = int(d[:2]), d[2:]
        if century not in (18, 19, 20):
            return False
    if len(d) != 10 or not luhn_ok(d):
        return False
    yy, month, day = int(d[0:2]), int(d[2:4]), int(d[4:6])
    day = day - 60 if day > 60 else day
    year = century * 100 + yy if century else (2000 + yy if yy % 4 == 0 else 1901)
    return _date_ok(year, month, day)


_CPR_W = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def _cpr_year(yy: int, digit7: int) -> int:
    """Century from the 7th digit (CPR office rules)."""
    if digit7 <= 3:
        return 1900 + yy
    if digit7 in (4, 9):
        return 2000 + yy if yy <= 36 else 1900 + yy
    return 2000 + yy if yy <= 57 else 1800 + yy


def cpr_date_ok(d: str) -> bool:
    """Valid, not future birth date (the 7th digit gives the century)."""
    if len(d) != 10:
        return False
    year, month, day = _cpr_year(int(d[4:6]), int(d[6])), int(d[2:4]), int(d[0:2])
    if not _date_ok(year, month, day):
        return False
    return date(year, month, day) <= date.today()


def cpr_mod11_ok(d: str) -> bool:
    return sum((ord(c) - 48) * w for c, w in zip(d, _CPR_W, strict=True)) % 11 == 0


# Card issuer prefixes; a bare Luhn check alone would accept 10 % of random numbers.
def card_ok(d: str) -> bool:
    n = len(d)
    if not 13 <= n <= 19 or not luhn_ok(d):
        return False
    first, two, four = d[0], int(d[:2]), int(d[:4])
    if first == "4":
        return n in (13, 16, 19)
    if first == "5":
        return n >= 16 if 51 <= two <= 55 else two >= 50 and n >= 13  # MC / Maestro
    if first == "2":
        return 2221 <= four <= 2720 and n == 16
    if first == "3":
        if two in (34, 37):
            return n == 15
        return (two in (36, 38) or 300 <= int(d[:3]) <= 305 or 3528 <= four <= 3589) and n >= 14
    return first == "6" and n >= 16


# SWIFT IBAN registry: country -> total length.
IBAN_LENGTHS: dict[str, int] = dict(
    (c[:2], int(c[2:]))
    for c in [
        "AD24",
        "AE23",
        "AL28",
        "AT20",
        "AZ28",
        "BA20",
        "BE16",
        "BG22",
        "BH22",
        "BR29",
        "BY28",
        "CH21",
        "CR22",
        "CY28",
        "CZ24",
        "DE22",
        "DK18",
        "DO28",
        "EE20",
        "EG29",
        "ES24",
        "FI18",
        "FO18",
        "FR27",
        "GB22",
        "GE22",
        "GI23",
        "GL18",
        "GR27",
        "GT28",
        "HR21",
        "HU28",
        "IE22",
        "IL23",
        "IQ23",
        "IS26",
        "IT27",
        "JO30",
        "KW30",
        "KZ20",
        "LB28",
        "LC32",
        "LI21",
        "LT20",
        "LU20",
        "LV21",
        "MC27",
        "MD24",
        "ME22",
        "MK19",
        "MR27",
        "MT31",
        "MU30",
        "NL18",
        "NO15",
        "PK24",
        "PL28",
        "PS29",
        "PT25",
        "QA29",
        "RO24",
        "RS22",
        "SA24",
        "SC31",
        "SE24",
        "SI19",
        "SK24",
        "SM27",
        "ST25",
        "SV28",
        "TL23",
        "TN24",
        "TR26",
        "UA29",
        "VA22",
        "VG24",
        "XK20",
    ]
)


def iban_ok(compact: str) -> bool:
    compact = compact.upper()
    if IBAN_LENGTHS.get(compact[:2]) != len(compact):
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


# --------------------------------------------------------------------------- patterns

# Not glued to a word, a '+' or a longer number ("3429 4648 4646 570" is one number,
# not a phone number followed by digits).
_LB = r"(?<![\w+@])(?<!\d[.,/ -])"
_RB = r"(?![\w@])(?![.,/ -]\d)(?!,-)"
_PREFILTER = re.compile(r"@|\d(?:[ .\-+/]?\d){6}")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_IBAN = re.compile(r"(?<![\w])([A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]{4})*(?: ?[A-Za-z0-9]{1,3})?)")
_CARD = re.compile(
    _LB + r"(\d{4}(?:([ -])\d{4}){2,3}(?:\2\d{1,3})?|\d{4}([ -])\d{6}\3\d{4,5}|\d{13,19})" + _RB
)
_FNR = re.compile(_LB + r"(\d{6}[ -]?\d{5})" + _RB)
_ACCOUNT = re.compile(_LB + r"(\d{4}([. ]?)\d{2}\2\d{5})" + _RB)
_PNR = re.compile(_LB + r"((?:1[89]|20)?\d{6}[-+]?\d{4})" + _RB)
_CPR = re.compile(_LB + r"(\d{6}[- ]?\d{4})" + _RB)
# Not right after another digit group: "5200 0025 2010 0003" is one (card) number, not
# "5200" and a call to +252.
_PHONE_INTL = re.compile(
    r"(?<![\w+])(?<!\d[ \-])((?:\(\s*\+\s*\d{1,3}\s*\)|\+|\b00)\s?\d(?:[ \-]?(?:\(0\)\s?)?\d){6,14})"
    + _RB
)
_PHONE_SE = re.compile(_LB + r"(0\d{1,3}(?:[ -]?\d){5,8})" + _RB)
_PHONE_NODK = re.compile(
    _LB + r"([2-9]\d{2} \d{2} \d{3}|[2-9]\d(?: \d{2}){3}|[2-9]\d{3} \d{4}|[2-9]\d{7})" + _RB
)
_NON_DIGIT = re.compile(r"\D")
_AMOUNT_BEFORE = re.compile(r"(?:\bkr\.?|\bnok|\bsek|\bdkk|\beur|\busd|[€$£])\s*$", re.I)
_AMOUNT_AFTER = re.compile(r"\s*(?:kr\b|kroner|kronor|nok\b|sek\b|dkk\b|,-|€|euro)", re.I)
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:ordre|order|faktura|invoice|sak|saks|ärende|ref|referanse|reference|kid|pakke|"
    r"paket|sending|försändelse|tracking|kunde|kund|customer|artikkel|artikel|vare)"
    r"(?:[ .]?(?:nr|nummer|number|no|id))?|#)\.?:?\s*#?\s*$",
    re.I,
)
_PHONE_WORD_BEFORE = re.compile(
    r"(?:tlf|telefon|tel|mobil|mob|ring|sms|phone|call|nummer|number|nr)\w*\.?\W{0,4}$", re.I
)


def _digits(s: str) -> str:
    return _NON_DIGIT.sub("", s)


def _neighbourhood_blocks(text: str, start: int, end: int) -> bool:
    """True when an unchecksummed number sits next to an amount or an order/invoice reference."""
    before = text[max(0, start - 30) : start]
    return bool(
        _AMOUNT_BEFORE.search(before)
        or _AMOUNT_AFTER.match(text, end, end + 8)
        or _REFERENCE_BEFORE.search(before)
    )


_NORDIC_CODES = frozenset({45, 46, 47, 298, 299, 354, 358})


def _phone_ok(region: str | None, digits: str, explicit_plus: bool = False) -> bool:
    """National numbers must be valid. With "+" (or "00" and a Nordic country code) a
    possible length is enough: new ranges appear before the metadata knows them."""
    try:
        num = phonenumbers.parse(("+" + digits) if region is None else digits, region)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(num):
        return True
    lenient = region is None and (explicit_plus or num.country_code in _NORDIC_CODES)
    return lenient and phonenumbers.is_possible_number(num)


Span = tuple[str, int, int]


def _prefix_ends(text: str, start: int, end: int) -> list[int]:
    """Candidate end offsets at group boundaries, longest first (trims greedy matches)."""
    inner = range(end - 1, start, -1)
    return [end] + [i for i in inner if not text[i].isalnum() and text[i - 1].isalnum()]


def _find_intl_phones(text: str) -> Iterable[Span]:
    for m in _PHONE_INTL.finditer(text):
        s = m.start(1)
        for e in _prefix_ends(text, s, m.end(1)):
            chunk = text[s:e].replace("(0)", "")
            d = _digits(chunk)
            plus = not chunk.lstrip("( ").startswith("00")
            d = d if plus else d[2:]
            if 7 <= len(d) <= 15 and _phone_ok(None, d, plus):
                yield ("PHONE", s, e)
                break


_ID_SHAPE = re.compile(r"\d{6}[-+]\d{4}")


def _find_se_phones(text: str) -> Iterable[Span]:
    for m in _PHONE_SE.finditer(text):
        s = m.start(1)
        if _ID_SHAPE.fullmatch(m.group(1)):
            continue  # YYMMDD-NNNN is the ID-number shape; it failed those checks
        for e in _prefix_ends(text, s, m.end(1)):
            d = _digits(text[s:e])
            if 8 <= len(d) <= 10 and _phone_ok("SE", d) and not _neighbourhood_blocks(text, s, e):
                yield ("PHONE", s, e)
                break


def _find_nodk_phones(text: str) -> Iterable[Span]:
    for m in _PHONE_NODK.finditer(text):
        s, e = m.span(1)
        if _neighbourhood_blocks(text, s, e):
            continue
        chunk = m.group(1)
        # Bare 8-digit runs are everywhere (order numbers, dates); only mobile prefixes
        # (Norwegian 4/9) or an explicit phone word make them phone numbers.
        if " " not in chunk:
            if chunk[:2] in ("19", "20") and _date_ok(
                int(chunk[:4]), int(chunk[4:6]), int(chunk[6:])
            ):
                continue  # YYYYMMDD date
            if chunk[0] not in "49" and not _PHONE_WORD_BEFORE.search(text, max(0, s - 25), s):
                continue
        yield ("PHONE", s, e)


def _simple(
    pattern: re.Pattern[str], kind: str, check: Callable[[str], bool]
) -> Callable[[str], Iterable[Span]]:
    def find(text: str) -> Iterable[Span]:
        for m in pattern.finditer(text):
            if check(_digits(m.group(1))):
                yield (kind, m.start(1), m.end(1))

    return find


def _find_emails(text: str) -> Iterable[Span]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield ("EMAIL", m.start(), m.end())


def _find_ibans(text: str) -> Iterable[Span]:
    for m in _IBAN.finditer(text):
        s, e = m.span(1)
        want = IBAN_LENGTHS.get(text[s : s + 2].upper())
        if want is None:
            continue
        for end in _prefix_ends(text, s, e):
            compact = text[s:end].replace(" ", "")
            if len(compact) == want:
                if iban_ok(compact):
                    yield ("IBAN", s, end)
                break
            if len(compact) < want:
                break


def _find_cprs(text: str) -> Iterable[Span]:
    for m in _CPR.finditer(text):
        raw, s, e = m.group(1), m.start(1), m.end(1)
        d = _digits(raw)
        if not cpr_date_ok(d):
            continue
        if raw[6] == "-":
            # Modern CPR numbers need not satisfy mod-11: the dashed form on a valid
            # date is enough, unless it sits next to an amount or an order reference.
            if _neighbourhood_blocks(text, s, e):
                continue
        elif not cpr_mod11_ok(d):
            continue
        yield ("CPR", s, e)


# Priority order: earlier finders win overlapping spans.
_FINDERS: tuple[Callable[[str], Iterable[Span]], ...] = (
    _find_emails,
    _find_ibans,
    _simple(_CARD, "CARD", card_ok),
    _simple(_FNR, "FODSELSNUMMER", fodselsnummer_ok),
    _simple(_ACCOUNT, "ACCOUNT", no_account_ok),
    _simple(_PNR, "PERSONNUMMER", personnummer_ok),
    _find_cprs,
    _find_intl_phones,
    _find_se_phones,
    _find_nodk_phones,
)


def find_pii(text: str) -> list[PiiSpan]:
    """All PII spans in ``text``, sorted, non-overlapping."""
    if not _PREFILTER.search(text):
        return []
    taken: list[Span] = []
    for finder in _FINDERS:
        for kind, s, e in finder(text):
            if all(e <= ts or s >= te for _, ts, te in taken):
                taken.append((kind, s, e))
    taken.sort(key=lambda t: t[1])
    return [PiiSpan(k, s, e) for k, s, e in taken]


def redact(text: str) -> Redaction:
    spans = find_pii(text)
    if not spans:
        return Redaction(text, [])
    parts, pos = [], 0
    for sp in spans:
        parts.append(text[pos : sp.start])
        parts.append(PLACEHOLDERS[sp.kind])
        pos = sp.end
    parts.append(text[pos:])
    return Redaction("".join(parts), spans)


def redact_many(texts: Iterable[str]) -> list[Redaction]:
    return [redact(t) for t in texts]
