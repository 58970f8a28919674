"""PII redaction benchmark: recall, false positives and speed on generated data.

Positives: valid Norwegian fødselsnummer/D-nummer, Swedish personnummer/
samordningsnummer, Danish CPR, e-mail, Nordic and international phone numbers,
IBANs, Norwegian account numbers and card numbers, in several written forms,
embedded in feedback-like sentences together with ordinary numbers.
Negatives: invalid-checksum look-alikes (rejected by python-stdnum, an independent
oracle) and ordinary numbers (order and invoice numbers, amounts, dates, postcodes,
years, times).

    .venv/bin/python bench/pii.py [--n 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.dk import cpr as std_cpr
from stdnum.no import fodselsnummer as std_fnr
from stdnum.no import kontonr as std_kontonr
from stdnum.se import personnummer as std_pnr

from outsidein.text.pii import redact

FNR_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
FNR_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _mod11(digits: str, weights: tuple[int, ...]) -> int:
    r = 11 - sum(int(c) * w for c, w in zip(digits, weights, strict=False)) % 11
    return 0 if r == 11 else r  # 10 = impossible, caller retries


def _luhn_digit(partial: str) -> str:
    return std_luhn.calc_check_digit(partial)


def _date(rng: random.Random, lo: int = 1930, hi: int = 2023) -> date:
    start = date(lo, 1, 1)
    return start + timedelta(days=rng.randrange((date(hi, 12, 31) - start).days))


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def fodselsnummer(rng: random.Random, d_number: bool = False) -> str:
    while True:
        d = _date(rng, 1940, 2023)
        individ = rng.randrange(0, 500) if d.year < 2000 else rng.randrange(500, 1000)
        day = d.day + (40 if d_number else 0)
        base = f"{day:02d}{d.month:02d}{d.year % 100:02d}{individ:03d}"
        k1 = _mod11(base, FNR_W1)
        k2 = _mod11(base + str(k1), FNR_W2) if k1 < 10 else 10
        if k1 < 10 and k2 < 10:
            return base + str(k1) + str(k2)


def personnummer(rng: random.Random, coordination: bool = False) -> tuple[str, str]:
    d = _date(rng)
    day = d.day + (60 if coordination else 0)
    core = f"{d.year % 100:02d}{d.month:02d}{day:02d}{_digits(rng, 3)}"
    core += _luhn_digit(core)
    return core, f"{d.year // 100}"


def cpr(rng: random.Random) -> str:
    d = _date(rng)
    # The 7th digit encodes the century: 0-3 for 1900-1999, 4-8 for 2000-2036.
    digit7 = rng.choice("0123") if d.year < 2000 else rng.choice("45678")
    return f"{d.day:02d}{d.month:02d}{d.year % 100:02d}{digit7}{_digits(rng, 3)}"


def account(rng: random.Random) -> str:
    while True:
        base = _digits(rng, 10)
        k = _mod11(base, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
        if k < 10:
            return base + str(k)


CARD_PREFIXES = [
    ("4", 16),
    ("4", 13),
    ("51", 16),
    ("55", 16),
    ("2221", 16),
    ("34", 15),
    ("37", 15),
    ("6011", 16),
]


def card(rng: random.Random) -> str:
    prefix, length = rng.choice(CARD_PREFIXES)
    partial = prefix + _digits(rng, length - len(prefix) - 1)
    return partial + _luhn_digit(partial)


IBAN_BBAN = {"NO": 11, "SE": 20, "DK": 14, "FI": 14, "DE": 18, "NL": None, "GB": None}


def iban(rng: random.Random) -> str:
    cc = rng.choice(["NO", "SE", "DK", "FI", "DE", "GB", "NL"])
    if cc == "GB":
        bban = "NWBK" + _digits(rng, 14)
    elif cc == "NL":
        bban = "ABNA" + _digits(rng, 10)
    else:
        bban = _digits(rng, IBAN_BBAN[cc])
    check = std_iban.calc_check_digits(cc + "00" + bban)
    return cc + check + bban


def group(s: str, sizes: list[int], sep: str = " ") -> str:
    out, i = [], 0
    for n in sizes:
        out.append(s[i : i + n])
        i += n
    if i < len(s):
        out.append(s[i:])
    return sep.join(p for p in out if p)


def phone(rng: random.Random) -> str:
    no = rng.choice("49") + _digits(rng, 7)
    dk = rng.choice("2345678") + _digits(rng, 7)
    se_mobile = "07" + rng.choice("0236") + _digits(rng, 7)
    forms = [
        group(no, [3, 2, 3]),
        group(no, [2, 2, 2, 2]),
        no,
        "+47 " + group(no, [3, 2, 3]),
        "+47" + no,
        "0047 " + no,
        "+45 " + group(dk, [2, 2, 2, 2]),
        "+45" + dk,
        se_mobile[:3] + "-" + group(se_mobile[3:], [3, 2, 2]),
        se_mobile,
        "+46 " + group(se_mobile[1:], [2, 3, 2, 2]),
        "+46" + se_mobile[1:],
        "+358 40 " + _digits(rng, 7),
        "+49 151 " + _digits(rng, 8),
    ]
    return rng.choice(forms)


def email(rng: random.Random) -> str:
    user = rng.choice(["ola", "kari.nordmann", "sven_s", "mette+kunde", "a.b.c"]) + _digits(rng, 2)
    return f"{user}@{rng.choice(['example.no', 'post.example.se', 'mail.dk', 'firma.com'])}"


def positive(rng: random.Random) -> tuple[str, str]:
    """(kind, written PII value) in one of its common written forms."""
    kind = rng.choice(
        [
            "FODSELSNUMMER",
            "DNUMMER",
            "PERSONNUMMER",
            "SAMORDNING",
            "CPR",
            "EMAIL",
            "PHONE",
            "IBAN",
            "ACCOUNT",
            "CARD",
        ]
    )
    if kind in ("FODSELSNUMMER", "DNUMMER"):
        v = fodselsnummer(rng, kind == "DNUMMER")
        return "FODSELSNUMMER", rng.choice([v, v[:6] + " " + v[6:]])
    if kind in ("PERSONNUMMER", "SAMORDNING"):
        core, century = personnummer(rng, kind == "SAMORDNING")
        sep = "+" if century == "19" and rng.random() < 0.1 else "-"
        forms = [
            core[:6] + sep + core[6:],
            core,
            century + core[:6] + "-" + core[6:],
            century + core,
        ]
        return "PERSONNUMMER", rng.choice(forms)
    if kind == "CPR":
        v = cpr(rng)
        return "CPR", v[:6] + "-" + v[6:]
    if kind == "IBAN":
        v = iban(rng)
        return "IBAN", rng.choice([v, group(v, [4] * 8)])
    if kind == "ACCOUNT":
        v = account(rng)
        return "ACCOUNT", rng.choice([group(v, [4, 2, 5], "."), group(v, [4, 2, 5]), v])
    if kind == "CARD":
        v = card(rng)
        sizes = [4, 6, 5] if len(v) == 15 else [4, 4, 4, 4]
        return "CARD", rng.choice([v, group(v, sizes), group(v, sizes, "-")])
    return kind, (email(rng) if kind == "EMAIL" else phone(rng))


def ordinary(rng: random.Random) -> str:
    """Numbers that must never be masked."""
    d = _date(rng, 2015, 2026)
    forms = [
        f"ordre {rng.randrange(10_000, 99_999_999)}",
        f"ordrenummer {rng.randrange(10_000_000, 99_999_999)}",
        f"ordre #{rng.randrange(100_000, 9_999_999)}",
        f"kr {rng.randrange(1, 99)} {rng.randrange(100, 999)},{rng.randrange(10, 99)}",
        f"{rng.randrange(1, 9)}.{rng.randrange(100, 999)},-",
        f"{rng.randrange(100, 99999)} kr",
        f"kr {rng.randrange(10_000_000, 99_999_999)}",
        d.strftime("%d.%m.%Y"),
        d.isoformat(),
        d.strftime("%d/%m/%Y"),
        d.strftime("%Y%m%d"),
        f"{rng.randrange(0, 9999):04d} Oslo",
        f"{rng.randrange(100, 999)} {rng.randrange(10, 99)} Stockholm",
        f"{rng.randrange(1000, 9999)} København",
        f"i {rng.randrange(1990, 2026)}",
        f"kl. {rng.randrange(7, 22)}.{rng.randrange(0, 59):02d}",
        f"{rng.randrange(2, 60)} minutter",
        f"fakturanr. {rng.randrange(2018, 2026)}-{rng.randrange(1, 99999):05d}",
        f"sak {rng.randrange(100_000, 999_999)}",
        f"{rng.randrange(1, 100)} %",
        f"{d.year} - {d.year + 1}",
    ]
    return rng.choice(forms)


def _coordination_valid(d: str) -> bool:
    """stdnum does not know samordningsnummer (day + 60)."""
    if len(d) != 10 or int(d[4:6]) <= 60 or not std_luhn.is_valid(d):
        return False
    try:  # any century will do: only the calendar date matters here
        date(2000 + int(d[:2]) if int(d[:2]) % 4 == 0 else 2001, int(d[2:4]), int(d[4:6]) - 60)
    except ValueError:
        return False
    return True


def _oracle_any(d: str) -> bool:
    """True when python-stdnum says a digit string is a valid identifier of any kind."""
    return any(
        check(d)
        for check in (
            std_fnr.is_valid,
            std_kontonr.is_valid,
            std_pnr.is_valid,
            _coordination_valid,
            std_cpr.is_valid,
            lambda x: 13 <= len(x) <= 19 and std_luhn.is_valid(x),
        )
    )


def lookalike(rng: random.Random) -> str:
    """A PII-shaped number with a broken checksum or date."""
    while True:
        kind = rng.choice(["fnr", "pnr", "card", "iban", "account", "cpr"])
        if kind == "fnr":
            v = fodselsnummer(rng)
            v = v[:10] + str((int(v[10]) + rng.randrange(1, 10)) % 10)
        elif kind == "pnr":
            core, _ = personnummer(rng)
            core = core[:9] + str((int(core[9]) + rng.randrange(1, 10)) % 10)
            v = core[:6] + "-" + core[6:]
        elif kind == "card":
            c = card(rng)
            v = group(c[:-1] + str((int(c[-1]) + rng.randrange(1, 10)) % 10), [4, 4, 4, 4])
        elif kind == "iban":
            i = iban(rng)
            v = i[:4] + i[4:-1] + str((int(i[-1]) + rng.randrange(1, 10)) % 10)
            if std_iban.is_valid(v):
                continue
            return v
        elif kind == "account":
            a = account(rng)
            v = group(a[:10] + str((int(a[10]) + rng.randrange(1, 10)) % 10), [4, 2, 5], ".")
        else:  # CPR-shaped with an impossible date (day 32-39 or month 13-19)
            v = f"{rng.randrange(32, 40)}{rng.randrange(1, 12):02d}{_digits(rng, 2)}-{_digits(rng, 4)}"
        if not _oracle_any("".join(c for c in v if c.isdigit())):
            return v


TEMPLATES = [
    "Hei, {x} er det du trenger. {o} gjelder saken.",
    "Mitt nummer: {x}. Jeg bestilte {o} og er misfornøyd.",
    "Kan dere ringe/skrive til {x}? Det gjelder {o}.",
    "Mitt personnummer är {x} och det gäller {o}.",
    "Mit CPR-nummer er {x}, jeg klager over {o}.",
    "Please use {x} for the refund ({o}).",
    "{x}",
    "({o}) {x}, takk!",
]


def dataset(n: int, seed: int = 1) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """(text, expected PII spans) pairs; about half contain PII."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        tpl = rng.choice(TEMPLATES)
        other = ordinary(rng) if rng.random() < 0.7 else lookalike(rng)
        if rng.random() < 0.5:
            kind, value = positive(rng)
            before, after = tpl.split("{x}")
            before = before.replace("{o}", other)
            text = before + value + after.replace("{o}", other)
            out.append((text, [(kind, len(before), len(before) + len(value))]))
        else:
            out.append((tpl.replace("{x}", ordinary(rng)).replace("{o}", other), []))
    return out


def evaluate(data: list[tuple[str, list[tuple[str, int, int]]]]) -> dict[str, float]:
    expected = found = kind_ok = fp_items = 0
    for text, spans in data:
        got = redact(text).spans
        for kind, s, e in spans:
            expected += 1
            cover = [g for g in got if g.start <= s and g.end >= e]
            found += bool(cover)
            kind_ok += bool(cover) and cover[0].kind == kind
        extra = [g for g in got if not any(g.start < e and g.end > s for _, s, e in spans)]
        fp_items += bool(extra)
    return {
        "items": len(data),
        "pii_items": expected,
        "recall": found / max(expected, 1),
        "kind_accuracy": kind_ok / max(found, 1),
        "false_positive_items": fp_items,
    }


def speed(texts: list[str], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        for x in texts:
            redact(x)
        best = min(best, time.perf_counter() - t)
    return len(texts) / best


def misses(data: list[tuple[str, list[tuple[str, int, int]]]], limit: int = 10) -> list[str]:
    out = []
    for text, spans in data:
        got = redact(text).spans
        ok = all(any(g.start <= s and g.end >= e for g in got) for _, s, e in spans)
        extra = [g for g in got if not any(g.start < e and g.end > s for _, s, e in spans)]
        if not ok or extra:
            out.append(f"{text!r} expected={spans} got={got}")
    return out[:limit]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    data = dataset(args.n, args.seed)
    res = evaluate(data)
    plain = [
        "Veldig fornøyd med kundeservice, rask hjelp!",
        "Fakturaen var for høy denne måneden og ingen svarte på telefonen.",
        "Leveringen kom to dager for sent, men pakken var hel.",
    ] * 3000
    print(f"items                 {res['items']}")
    print(f"items with PII        {res['pii_items']}")
    print(f"recall                {res['recall']:.4f}")
    print(f"kind accuracy         {res['kind_accuracy']:.4f}")
    print(f"false-positive items  {res['false_positive_items']}")
    print(f"items/s (generated)   {speed([t for t, _ in data]):,.0f}")
    print(f"items/s (no digits)   {speed(plain):,.0f}")
    for line in misses(data):
        print("MISS/FP", line)


if __name__ == "__main__":
    main()
