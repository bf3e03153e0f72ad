"""Validating dates and times against Java ``DateTimeFormatter``/``SimpleDateFormat`` patterns.

Pact files write formats the JVM way (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``). A pattern is
translated once into a regular expression with named fields, and a match is then checked
for real calendar values (month 1 to 12, a day that exists in that month, hour ranges ...).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

__all__ = ["DEFAULT_FORMATS", "InvalidFormat", "compile_format", "matches_format"]

DEFAULT_FORMATS = {
    "date": "yyyy-MM-dd",
    "time": "HH:mm:ss",
    "timestamp": "yyyy-MM-dd'T'HH:mm:ssXXX",
}

_MONTHS = [calendar.month_name[i] for i in range(1, 13)]
_MONTHS_SHORT = [calendar.month_abbr[i] for i in range(1, 13)]
_DAYS = list(calendar.day_name)
_DAYS_SHORT = list(calendar.day_abbr)
_LETTERS = set("GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp")


class InvalidFormat(ValueError):
    """A date/time pattern that cannot be understood."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    regex: re.Pattern[str]
    fields: tuple[tuple[str, str], ...]  # (group name, pattern letter run)


def _alts(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


def _field_regex(letter: str, n: int) -> str:
    if letter in "yuY":
        return r"\d{2}" if n == 2 else (r"[+-]?\d{4,9}" if n >= 4 else r"[+-]?\d{1,9}")
    if letter in "ML":
        if n >= 4:
            return _alts(_MONTHS)
        if n == 3:
            return _alts(_MONTHS_SHORT)
        return r"\d{2}" if n == 2 else r"\d{1,2}"
    if letter in "dHhKkmsWF":
        return r"\d{2}" if n == 2 else r"\d{1,2}"
    if letter == "D":
        return rf"\d{{{n},3}}" if n <= 3 else rf"\d{{{n}}}"
    if letter == "w":
        return r"\d{1,2}"
    if letter in "Qq":
        return r"\d{1,2}" if n <= 2 else r"(?:Q[1-4]|[1-4](?:st|nd|rd|th) quarter)"
    if letter == "S":
        return rf"\d{{{n}}}"
    if letter in "nAN":
        return r"\d+"
    if letter in "Eec":
        if letter in "ec" and n <= 2:
            return r"\d{1,2}"
        return _alts(_DAYS) if n >= 4 else _alts(_DAYS_SHORT)
    if letter in "aB":
        return r"(?i:AM|PM|a\.m\.|p\.m\.)"
    if letter == "G":
        return r"(?:AD|BC|Anno Domini|Before Christ)"
    if letter == "X":
        base = {
            1: r"[+-]\d{2}(?:\d{2})?",
            2: r"[+-]\d{4}",
            3: r"[+-]\d{2}:\d{2}",
            4: r"[+-]\d{4}(?:\d{2})?",
            5: r"[+-]\d{2}:\d{2}(?::\d{2})?",
        }.get(n, r"[+-]\d{2}:\d{2}")
        return f"(?:Z|{base})"
    if letter == "x":
        return {
            1: r"[+-]\d{2}(?:\d{2})?",
            2: r"[+-]\d{4}",
            3: r"[+-]\d{2}:\d{2}",
            4: r"[+-]\d{4}(?:\d{2})?",
        }.get(n, r"[+-]\d{2}:\d{2}(?::\d{2})?")
    if letter == "Z":
        if n <= 3:
            return r"[+-]\d{4}"
        if n == 4:
            return r"(?:GMT|UTC)(?:[+-]\d{1,2}(?::\d{2})?)?"
        return r"(?:Z|[+-]\d{2}:\d{2})"
    if letter == "z":
        return r"(?:[A-Za-z][A-Za-z0-9_/+\-]*(?:[+-]\d{1,2}(?::?\d{2})?)?)"
    if letter in "VO":
        return r"(?:[A-Za-z][A-Za-z0-9_/+\-:]*)"
    if letter == "p":
        return r" *"
    raise InvalidFormat(f"unsupported pattern letter {letter!r}")


@lru_cache(maxsize=512)
def compile_format(pattern: str) -> _Compiled:
    """Translate a Java date/time pattern (raises ``InvalidFormat`` when it is not one)."""
    out: list[str] = []
    fields: list[tuple[str, str]] = []
    depth = 0
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                out.append("'")
                i += 2
                continue
            end = pattern.find("'", i + 1)
            literal = []
            j = i + 1
            while True:
                if end < 0:
                    raise InvalidFormat(f"unterminated quote in date/time pattern {pattern!r}")
                literal.append(pattern[j:end])
                if end + 1 < n and pattern[end + 1] == "'":
                    literal.append("'")
                    j = end + 2
                    end = pattern.find("'", j)
                    continue
                break
            out.append(re.escape("".join(literal)))
            i = end + 1
        elif ch == "[":
            out.append("(?:")
            depth += 1
            i += 1
        elif ch == "]":
            if depth == 0:
                raise InvalidFormat(f"unbalanced ']' in date/time pattern {pattern!r}")
            out.append(")?")
            depth -= 1
            i += 1
        elif ch.isascii() and ch.isalpha():
            if ch not in _LETTERS:
                raise InvalidFormat(
                    f"unknown pattern letter {ch!r} in date/time pattern {pattern!r}"
                )
            j = i
            while j < n and pattern[j] == ch:
                j += 1
            run = j - i
            name = f"f{len(fields)}"
            fields.append((name, ch * run))
            out.append(f"(?P<{name}>{_field_regex(ch, run)})")
            i = j
        else:
            out.append(re.escape(ch))
            i += 1
    if depth:
        raise InvalidFormat(f"unbalanced '[' in date/time pattern {pattern!r}")
    return _Compiled(re.compile("".join(out)), tuple(fields))


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def matches_format(value: str, pattern: str | None, kind: str = "timestamp") -> bool:
    """Does ``value`` follow ``pattern`` and name a real date/time? No pattern: ISO 8601."""
    if not pattern:
        return _iso(value, kind)
    compiled = compile_format(pattern)
    m = compiled.regex.fullmatch(value)
    if m is None:
        return False
    parts: dict[str, int] = {}
    for name, run in compiled.fields:
        text = m.group(name)
        if text is None:
            continue
        letter, size = run[0], len(run)
        if letter in "ML" and size >= 3:
            names = _MONTHS if size >= 4 else _MONTHS_SHORT
            parts["M"] = names.index(text) + 1 if text in names else 0
            continue
        if letter in "yuY":
            year = _number(text)
            if year is None:
                return False
            parts["y"] = year + 2000 if size == 2 else year
            continue
        num = _number(text) if text.isdigit() else None
        if num is None:
            continue
        if letter in "ML":
            parts["M"] = num
        elif letter in "dDHhKkms":
            parts[letter] = num
    return _valid(parts)


def _valid(p: dict[str, int]) -> bool:
    limits = {
        "M": (1, 12),
        "d": (1, 31),
        "D": (1, 366),
        "H": (0, 23),
        "h": (1, 12),
        "K": (0, 11),
        "k": (1, 24),
        "m": (0, 59),
        "s": (0, 59),
    }
    for key, (low, high) in limits.items():
        if key in p and not low <= p[key] <= high:
            return False
    if "d" in p and "M" in p:
        year = p.get("y", 2000)  # a leap year: 29 February is valid when no year is given
        try:
            date(year if 1 <= year <= 9999 else 2000, p["M"], p["d"])
        except ValueError:
            return False
    return True


_ISO_TS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?"
)


def _iso(value: str, kind: str) -> bool:
    try:
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return False
            date.fromisoformat(value)
        elif kind == "time":
            if not re.fullmatch(
                r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?", value
            ):
                return False
            time.fromisoformat(_trim_fraction(value.replace(",", ".")))
        else:
            if not _ISO_TS.fullmatch(value):
                return False
            datetime.fromisoformat(_trim_fraction(value.replace(",", ".").replace("z", "Z")))
    except ValueError:
        return False
    return True


def _trim_fraction(text: str) -> str:
    """Python accepts at most 6 fraction digits; ISO allows 9."""
    return re.sub(r"\.(\d{6})\d+", r".\1", text)
