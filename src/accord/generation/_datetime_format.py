"""Formatting datetimes with Java ``DateTimeFormatter`` patterns (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``).

Pact files carry date/time formats in the Java syntax (pact-jvm defined them, the Rust core
kept them), so generators must render that syntax exactly. The pattern is tokenised once
(cached) into literals and ``(letter, count)`` fields, then each field is rendered from the
datetime. English names are used (the official tools default to an English locale).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from accord.errors import GeneratorError

__all__ = ["format_datetime", "parse_java_pattern"]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LETTERS = frozenset("GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp")

Token = str | tuple[str, int]  # a literal, or a (pattern letter, count) field


@lru_cache(maxsize=512)
def parse_java_pattern(pattern: str) -> tuple[Token, ...]:
    """Split a Java pattern into literals and ``(letter, count)`` fields.

    Raises ``ValueError`` for an unterminated quote or an unknown/reserved pattern letter.
    Optional sections (``[...]``) are kept as their content (formatting prints them).
    """
    tokens: list[Token] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            if i + 1 < n and pattern[i + 1] == "'":
                tokens.append("'")
                i += 2
                continue
            end = i + 1
            text = []
            while True:
                if end >= n:
                    raise ValueError(f"unterminated quote at column {i} in {pattern!r}")
                if pattern[end] == "'":
                    if end + 1 < n and pattern[end + 1] == "'":
                        text.append("'")
                        end += 2
                        continue
                    break
                text.append(pattern[end])
                end += 1
            tokens.append("".join(text))
            i = end + 1
        elif ch in "[]":
            i += 1
        elif ch.isascii() and ch.isalpha():
            if ch not in _LETTERS:
                raise ValueError(f"unknown pattern letter {ch!r} at column {i} in {pattern!r}")
            j = i
            while j < n and pattern[j] == ch:
                j += 1
            tokens.append((ch, j - i))
            i = j
        elif ch in "#{}":
            raise ValueError(f"reserved character {ch!r} at column {i} in {pattern!r}")
        else:
            tokens.append(ch)
            i += 1
    return tuple(tokens)


def format_datetime(value: datetime | date | time, java_pattern: str) -> str:
    """Render ``value`` with a Java ``DateTimeFormatter`` pattern.

    A naive datetime is taken as UTC for zone fields. Raises ``GeneratorError`` for a pattern
    that is not valid Java syntax.
    """
    try:
        tokens = parse_java_pattern(java_pattern)
    except ValueError as exc:
        raise GeneratorError(f"invalid date/time format {java_pattern!r}: {exc}") from None
    dt = _as_datetime(value)
    out: list[str] = []
    for tok in tokens:
        if isinstance(tok, str):
            out.append(tok)
        else:
            try:
                out.append(_field(dt, tok[0], tok[1]))
            except ValueError as exc:
                raise GeneratorError(
                    f"invalid date/time format {java_pattern!r}: {exc}") from None
    return "".join(out)


def _as_datetime(value: datetime | date | time) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return datetime.combine(date(1970, 1, 1), value, value.tzinfo or UTC)


def _num(value: int, count: int, max_count: int, letter: str) -> str:
    if count > max_count:
        raise ValueError(f"too many pattern letters {letter * count!r}")
    return str(value).zfill(count)


def _text(full: str, count: int) -> str:
    if count <= 3:
        return full[:3]
    if count == 4:
        return full
    if count == 5:
        return full[:1]
    raise ValueError(f"too many pattern letters ({count})")


def _year(year: int, count: int) -> str:
    if count == 2:
        return str(year % 100).zfill(2)
    return str(year).zfill(count) if count > 1 else str(year)


def _offset(dt: datetime) -> timedelta:
    return dt.utcoffset() or timedelta(0)


def _fmt_offset(delta: timedelta, *, colon: bool, seconds: str, hours_only: bool = False) -> str:
    """``+HH[:]MM[[:]SS]``; ``seconds``: 'never', 'optional', 'always'."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else "+"
    total = abs(total)
    hh, rest = divmod(total, 3600)
    mm, ss = divmod(rest, 60)
    sep = ":" if colon else ""
    text = f"{sign}{hh:02d}"
    if hours_only and mm == 0 and ss == 0:
        return text
    text += f"{sep}{mm:02d}"
    if seconds == "always" or (seconds == "optional" and ss):
        text += f"{sep}{ss:02d}"
    return text


def _gmt(delta: timedelta, *, full: bool) -> str:
    total = int(delta.total_seconds())
    if total == 0:
        return "GMT"
    sign = "-" if total < 0 else "+"
    hh, rest = divmod(abs(total), 3600)
    mm, ss = divmod(rest, 60)
    if full:
        text = f"GMT{sign}{hh:02d}:{mm:02d}"
        return text + (f":{ss:02d}" if ss else "")
    text = f"GMT{sign}{hh}"
    if mm or ss:
        text += f":{mm:02d}"
    return text + (f":{ss:02d}" if ss else "")


def _zone_name(dt: datetime, count: int) -> str:
    name = dt.tzname() or "UTC"
    if name in ("UTC", "GMT", "Z"):
        return "UTC" if count < 4 else "Coordinated Universal Time"
    if name.startswith("UTC") and len(name) > 3:  # a fixed offset: Java prints GMT+hh:mm
        return _gmt(_offset(dt), full=True)
    return name


def _field(dt: datetime, letter: str, count: int) -> str:
    if letter == "G":
        return "AD" if count <= 3 else ("Anno Domini" if count == 4 else "A")
    if letter in "uy":
        return _year(dt.year, count)
    if letter == "Y":
        return _year(dt.isocalendar()[0], count)
    if letter in "ML":
        if count <= 2:
            return _num(dt.month, count, 2, letter)
        return _text(_MONTHS[dt.month - 1], count)
    if letter == "d":
        return _num(dt.day, count, 2, letter)
    if letter == "D":
        return _num(dt.timetuple().tm_yday, count, 3, letter)
    if letter in "Qq":
        quarter = (dt.month - 1) // 3 + 1
        if count <= 2:
            return _num(quarter, count, 2, letter)
        return {3: f"Q{quarter}", 4: f"{quarter}{_ordinal(quarter)} quarter",
                5: str(quarter)}.get(count) or _bad(letter, count)
    if letter == "w":
        return _num(dt.isocalendar()[1], count, 2, letter)
    if letter == "W":
        return str((dt.day + date(dt.year, dt.month, 1).weekday() - 1) // 7 + 1)
    if letter == "F":
        return str((dt.day - 1) // 7 + 1)
    if letter == "E":
        return _text(_DAYS[dt.weekday()], count)
    if letter in "ec":
        if count <= 2:  # localized day number; the default (ISO) week starts on Monday
            return _num(dt.isoweekday(), count, 2, letter)
        return _text(_DAYS[dt.weekday()], count)
    if letter == "a":
        return "AM" if dt.hour < 12 else "PM"
    if letter == "B":
        return _day_period(dt.hour)
    if letter == "h":
        return _num((dt.hour % 12) or 12, count, 2, letter)
    if letter == "K":
        return _num(dt.hour % 12, count, 2, letter)
    if letter == "k":
        return _num(dt.hour or 24, count, 2, letter)
    if letter == "H":
        return _num(dt.hour, count, 2, letter)
    if letter == "m":
        return _num(dt.minute, count, 2, letter)
    if letter == "s":
        return _num(dt.second, count, 2, letter)
    if letter == "S":
        if count > 9:
            raise ValueError(f"too many pattern letters {letter * count!r}")
        return f"{dt.microsecond:06d}000"[:count]
    if letter == "A":
        millis = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.microsecond // 1000
        return str(millis).zfill(count)
    if letter == "n":
        return str(dt.microsecond * 1000).zfill(count)
    if letter == "N":
        nanos = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 10**9 + dt.microsecond * 1000
        return str(nanos).zfill(count)
    if letter == "V":
        key = getattr(dt.tzinfo, "key", None)
        return key or _zone_name(dt, 1)
    if letter in "zv":
        return _zone_name(dt, count)
    if letter == "O":
        return _gmt(_offset(dt), full=count == 4)
    if letter in "Xx":
        delta = _offset(dt)
        if letter == "X" and not delta:
            return "Z"
        return {
            1: lambda: _fmt_offset(delta, colon=False, seconds="never", hours_only=True),
            2: lambda: _fmt_offset(delta, colon=False, seconds="never"),
            3: lambda: _fmt_offset(delta, colon=True, seconds="never"),
            4: lambda: _fmt_offset(delta, colon=False, seconds="optional"),
            5: lambda: _fmt_offset(delta, colon=True, seconds="optional"),
        }.get(count, lambda: _bad(letter, count))()
    if letter == "Z":
        delta = _offset(dt)
        if count <= 3:
            return _fmt_offset(delta, colon=False, seconds="optional")
        if count == 4:
            return _gmt(delta, full=True)
        if count == 5:
            return "Z" if not delta else _fmt_offset(delta, colon=True, seconds="optional")
        return _bad(letter, count)
    if letter == "p":
        return ""  # the pad modifier: fields already pad to their own width
    return _bad(letter, count)


def _bad(letter: str, count: int) -> str:
    raise ValueError(f"too many pattern letters {letter * count!r}")


def _ordinal(n: int) -> str:
    return {1: "st", 2: "nd", 3: "rd"}.get(n, "th")


def _day_period(hour: int) -> str:
    if hour < 6:
        return "at night"
    if hour < 12:
        return "in the morning"
    if hour < 18:
        return "in the afternoon"
    if hour < 21:
        return "in the evening"
    return "at night"
