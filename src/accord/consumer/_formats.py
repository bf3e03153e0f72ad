"""Helpers that turn user-friendly arguments into Pact's wire vocabulary.

* ``strftime_to_java``: Python ``%Y-%m-%d`` → Java ``yyyy-MM-dd`` (pact files use Java formats).
* ``format_java``: render a date/time with a Java pattern (deterministic examples).
* ``int_range_regex``: an anchored regex for the integers in ``[lo, hi]`` so that a range is a
  real matching rule any Pact tool understands (a regex on the number's text), not a hint.
* ``example_for_regex``: a short string a regex matches (examples for ``match.regex`` without one).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

__all__ = ["example_for_regex", "format_java", "int_range_regex", "strftime_to_java"]

_STRFTIME = {
    "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "H": "HH", "I": "hh", "M": "mm", "S": "ss",
    "f": "SSSSSS", "z": "Z", "Z": "z", "b": "MMM", "B": "MMMM", "a": "EEE", "A": "EEEE",
    "p": "a", "j": "DDD", "e": "d", "%": "%", "G": "YYYY", "V": "ww", "u": "e",
    "U": "ww", "W": "ww", ":z": "XXX",
}  # fmt: skip


def strftime_to_java(fmt: str) -> str:
    """Convert a strftime format to a Java one; formats without ``%`` are returned as they are."""
    if "%" not in fmt:
        return fmt
    out: list[str] = []
    literal: list[str] = []

    def flush() -> None:
        if literal:
            text = "".join(literal)
            if re.search(r"[A-Za-z']", text):
                out.append("'" + text.replace("'", "''") + "'")
            else:
                out.append(text)
            literal.clear()

    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%" and i + 1 < len(fmt):
            code = fmt[i + 1:i + 3] if fmt[i + 1] == ":" else fmt[i + 1]  # %:z is two letters
            if code == "%":
                literal.append("%")
            else:
                java = _STRFTIME.get(code)
                if java is None:
                    raise ValueError(f"strftime directive %{code} has no Java equivalent")
                flush()
                out.append(java)
            i += 1 + len(code)
            continue
        literal.append(ch)
        i += 1
    flush()
    return "".join(out)


_FIXED = datetime(2000, 2, 1, 13, 45, 30, 123000, tzinfo=UTC)


def format_java(value: datetime | date | time | None, pattern: str) -> str:
    """Render ``value`` (default: a fixed instant, so examples are stable) with a Java pattern.

    The rendering is ``accord.model.datetime_format``'s, the one the generators and matching
    rules use; raises ``InvalidDateTimePattern`` (a ``ValueError``) for a pattern Java refuses.
    """
    # imported on first use, as the regex reader below: declaring a pact without date or
    # regex matchers need not load them (a consumer test's cold start)
    from accord.model.datetime_format import format_datetime

    return format_datetime(_FIXED if value is None else value, pattern)


# --------------------------------------------------------------------------- integer ranges


def int_range_regex(lo: int | None, hi: int | None) -> str:
    """An anchored regex matching exactly the decimal integers in ``[lo, hi]`` (None: open)."""
    alts: list[str] = []
    if lo is None or lo < 0:
        # negative part: -(max(1, -hi) .. -lo)
        neg_lo = 1 if hi is None or hi >= 0 else -hi
        neg_hi = None if lo is None else -lo
        if neg_hi is None or neg_lo <= neg_hi:
            alts += ["-" + p for p in _nonneg(neg_lo, neg_hi)]
    if hi is None or hi >= 0:
        alts += _nonneg(max(lo or 0, 0), hi)
    return "^(?:" + "|".join(alts) + ")$"


def _nonneg(lo: int, hi: int | None) -> list[str]:
    out: list[str] = []
    digits = len(str(lo))
    top = hi if hi is not None else 10**digits - 1
    d = digits
    while True:
        start = max(lo, 0 if d == 1 else 10 ** (d - 1))
        end = min(top, 10**d - 1)
        if start <= end:
            out += _same_length(str(start), str(end))
        if 10**d - 1 >= top:
            break
        d += 1
    if hi is None:
        out.append(rf"[1-9]\d{{{digits},}}")
    return out


def _same_length(a: str, b: str) -> list[str]:
    if a == b:
        return [a]
    if len(a) == 1:
        return [f"[{a}-{b}]"]
    n = len(a) - 1
    if a[1:] == "0" * n and b[1:] == "9" * n:
        return [_cls(a[0], b[0]) + rf"\d{{{n}}}"]
    if a[0] == b[0]:
        return [a[0] + p for p in _same_length(a[1:], b[1:])]
    out = [a[0] + p for p in _same_length(a[1:], "9" * n)]
    if int(a[0]) + 1 <= int(b[0]) - 1:
        out.append(_cls(str(int(a[0]) + 1), str(int(b[0]) - 1)) + rf"\d{{{n}}}")
    out += [b[0] + p for p in _same_length("0" * n, b[1:])]
    return out


def _cls(a: str, b: str) -> str:
    return a if a == b else f"[{a}-{b}]"


# --------------------------------------------------------------------------- regex examples


def example_for_regex(pattern: str) -> str | None:
    """A short, stable string matching ``pattern`` (None when one cannot be built).

    The generator's own parser builds it (``accord.generation.example_from_regex``): one regex
    reader for examples and generated values, bounded so a hostile pattern cannot hang.
    """
    from accord.generation import example_from_regex

    return example_from_regex(pattern)
