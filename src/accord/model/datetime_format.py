"""Java ``DateTimeFormatter`` patterns (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``): one parser, two uses.

Pact files write date/time formats the JVM way (pact-jvm defined them, the Rust core kept
them). Matching rules *read* values with them and generators *write* values with them, so
both go through the same tokenizer: ``parse_pattern`` turns a pattern into literals, fields
``(letter, count)`` and optional sections ``[...]``, once (cached).

* ``validate_pattern`` raises ``InvalidDateTimePattern`` for what Java refuses outright:
  unknown or reserved letters, unterminated quotes, unbalanced brackets.
* ``format_datetime`` renders a date/time (English names, as the official tools' default
  locale); a letter count it cannot render (``ddd``) is refused then.
* ``parse_datetime`` reads a value: the numeric fields it names when it follows the pattern
  and is a real calendar date/time (month 1 to 12, a day that exists in that month ...),
  else ``None``. Letter counts are read leniently (``ddd`` reads a day).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from accord.model.valueclass import dataclass

__all__ = [
    "PATTERN_LETTERS",
    "DateTimeMatcher",
    "Field",
    "InvalidDateTimePattern",
    "Literal",
    "OptionalSection",
    "PatternNode",
    "compile_matcher",
    "format_datetime",
    "parse_datetime",
    "parse_pattern",
    "validate_pattern",
]

PATTERN_LETTERS = frozenset("GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp")
_RESERVED = frozenset("#{}")

_MONTHS = tuple(calendar.month_name[i] for i in range(1, 13))
_MONTHS_SHORT = tuple(calendar.month_abbr[i] for i in range(1, 13))
_DAYS = tuple(calendar.day_name)
_DAYS_SHORT = tuple(calendar.day_abbr)


class InvalidDateTimePattern(ValueError):
    """A date/time pattern Java would refuse; ``reason`` says why without repeating it."""

    def __init__(self, reason: str, pattern: str, column: int | None = None) -> None:
        self.reason = reason if column is None else f"{reason} at column {column}"
        self.pattern = pattern
        self.column = column
        super().__init__(f"{self.reason} in date/time pattern {pattern!r}")


# --------------------------------------------------------------------------- the pattern


@dataclass(frozen=True, slots=True)
class Field:
    """A run of one pattern letter: ``Field("y", 4)`` is ``yyyy``."""

    letter: str
    count: int


@dataclass(frozen=True, slots=True)
class Literal:
    """Text printed and expected as it is (quoted text, punctuation, ``''``)."""

    text: str


@dataclass(frozen=True, slots=True)
class OptionalSection:
    """``[...]``: printed when formatting, may be absent when reading."""

    items: tuple[PatternNode, ...]


PatternNode = Field | Literal | OptionalSection


@lru_cache(maxsize=512)
def parse_pattern(pattern: str) -> tuple[PatternNode, ...]:
    """Tokenize a Java pattern (raises ``InvalidDateTimePattern`` when Java would refuse it).

    Adjacent literal characters are joined into one ``Literal``.
    """
    stack: list[list[PatternNode]] = [[]]
    opened: list[int] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "'":
            text, i = _quoted(pattern, i)
            _add_literal(stack[-1], text)
        elif ch == "[":
            stack.append([])
            opened.append(i)
            i += 1
        elif ch == "]":
            if not opened:
                raise InvalidDateTimePattern("unbalanced ']'", pattern, i)
            opened.pop()
            section = OptionalSection(tuple(stack.pop()))
            stack[-1].append(section)
            i += 1
        elif ch.isascii() and ch.isalpha():
            if ch not in PATTERN_LETTERS:
                raise InvalidDateTimePattern(f"unknown pattern letter {ch!r}", pattern, i)
            j = i
            while j < n and pattern[j] == ch:
                j += 1
            stack[-1].append(Field(ch, j - i))
            i = j
        elif ch in _RESERVED:
            raise InvalidDateTimePattern(f"reserved character {ch!r}", pattern, i)
        else:
            _add_literal(stack[-1], ch)
            i += 1
    if opened:
        raise InvalidDateTimePattern("unbalanced '['", pattern, opened[-1])
    return tuple(stack[0])


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """The text of the quote opening at ``start`` (``''`` is one quote) and the next index."""
    n = len(pattern)
    if start + 1 < n and pattern[start + 1] == "'":
        return "'", start + 2
    text: list[str] = []
    end = start + 1
    while True:
        if end >= n:
            raise InvalidDateTimePattern("unterminated quote", pattern, start)
        if pattern[end] == "'":
            if end + 1 < n and pattern[end + 1] == "'":
                text.append("'")
                end += 2
                continue
            return "".join(text), end + 1
        text.append(pattern[end])
        end += 1


def _add_literal(items: list[PatternNode], text: str) -> None:
    if items and isinstance(items[-1], Literal):
        items[-1] = Literal(items[-1].text + text)
    else:
        items.append(Literal(text))


def validate_pattern(pattern: str) -> None:
    """Raise ``InvalidDateTimePattern`` (saying what and at which column) for a bad pattern."""
    parse_pattern(pattern)


def _walk(nodes: tuple[PatternNode, ...]) -> Iterator[Field | Literal]:
    for node in nodes:
        if isinstance(node, OptionalSection):
            yield from _walk(node.items)
        else:
            yield node


# --------------------------------------------------------------------------- formatting


def format_datetime(value: datetime | date | time, pattern: str) -> str:
    """Render ``value`` with a Java pattern; optional sections are printed.

    A naive value is taken as UTC for zone fields. Raises ``InvalidDateTimePattern`` for an
    invalid pattern or a letter count that has no rendering (``ddd``, ``EEEEEE``).
    """
    nodes = parse_pattern(pattern)
    dt = _as_datetime(value)
    out: list[str] = []
    for node in _walk(nodes):
        if isinstance(node, Literal):
            out.append(node.text)
            continue
        try:
            out.append(_render(dt, node.letter, node.count))
        except _TooMany:
            raise InvalidDateTimePattern(
                f"too many pattern letters {node.letter * node.count!r}", pattern
            ) from None
    return "".join(out)


class _TooMany(Exception):
    pass


def _as_datetime(value: datetime | date | time) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return datetime.combine(date(1970, 1, 1), value, value.tzinfo or UTC)


def _num(value: int, count: int, max_count: int) -> str:
    if count > max_count:
        raise _TooMany
    return str(value).zfill(count)


def _text(full: str, count: int) -> str:
    if count <= 3:
        return full[:3]
    if count == 4:
        return full
    if count == 5:
        return full[:1]
    raise _TooMany


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
    hh, rest = divmod(abs(total), 3600)
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


def _render(dt: datetime, letter: str, count: int) -> str:
    if letter == "G":
        return "AD" if count <= 3 else ("Anno Domini" if count == 4 else "A")
    if letter in "uy":
        return _year(dt.year, count)
    if letter == "Y":
        return _year(dt.isocalendar()[0], count)
    if letter in "ML":
        if count <= 2:
            return _num(dt.month, count, 2)
        return _text(_MONTHS[dt.month - 1], count)
    if letter == "d":
        return _num(dt.day, count, 2)
    if letter == "D":
        return _num(dt.timetuple().tm_yday, count, 3)
    if letter in "Qq":
        quarter = (dt.month - 1) // 3 + 1
        if count <= 2:
            return _num(quarter, count, 2)
        text = {3: f"Q{quarter}", 4: f"{quarter}{_ordinal(quarter)} quarter", 5: str(quarter)}
        if count not in text:
            raise _TooMany
        return text[count]
    if letter == "w":
        return _num(dt.isocalendar()[1], count, 2)
    if letter == "W":
        return str((dt.day + date(dt.year, dt.month, 1).weekday() - 1) // 7 + 1)
    if letter == "F":
        return str((dt.day - 1) // 7 + 1)
    if letter == "E":
        return _text(_DAYS[dt.weekday()], count)
    if letter in "ec":
        if letter == "c" and count == 2:
            raise _TooMany  # Java: 'c' is a number, 'ccc' and more a name; 'cc' is invalid
        if count <= 2:  # localized day number; the default (ISO) week starts on Monday
            return _num(dt.isoweekday(), count, 2)
        return _text(_DAYS[dt.weekday()], count)
    if letter == "a":
        if count > 1:
            raise _TooMany  # Java (and the Rust core) accept only a single 'a'
        return "AM" if dt.hour < 12 else "PM"
    if letter == "B":
        return _day_period(dt.hour)
    if letter in _HOURS:
        return _num(_HOURS[letter](dt), count, 2)
    if letter == "S":
        if count > 9:
            raise _TooMany
        return f"{dt.microsecond:06d}000"[:count]
    if letter == "A":
        millis = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.microsecond // 1000
        return str(millis).zfill(count)
    if letter == "n":
        return str(dt.microsecond * 1000).zfill(count)
    if letter == "N":
        nanos = ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 10**9 + dt.microsecond * 1000
        return str(nanos).zfill(count)
    return _render_zone(dt, letter, count)


_HOURS = {
    "h": lambda dt: (dt.hour % 12) or 12,
    "K": lambda dt: dt.hour % 12,
    "k": lambda dt: dt.hour or 24,
    "H": lambda dt: dt.hour,
    "m": lambda dt: dt.minute,
    "s": lambda dt: dt.second,
}


# X/x by count: (colon, seconds, hours only when the minutes are zero)
_X_SHAPES = {
    1: (False, "never", True),
    2: (False, "never", False),
    3: (True, "never", False),
    4: (False, "optional", False),
    5: (True, "optional", False),
}


def _render_zone(dt: datetime, letter: str, count: int) -> str:
    if letter == "V":
        key = getattr(dt.tzinfo, "key", None)
        return key or _zone_name(dt, 1)
    if letter in "zv":
        return _zone_name(dt, count)
    if letter == "O":
        return _gmt(_offset(dt), full=count == 4)
    delta = _offset(dt)
    if letter in "Xx":
        if letter == "X" and not delta:
            return "Z"
        if count not in _X_SHAPES:
            raise _TooMany
        colon, seconds, hours_only = _X_SHAPES[count]
        return _fmt_offset(delta, colon=colon, seconds=seconds, hours_only=hours_only)
    if letter == "Z":
        if count <= 3:
            return _fmt_offset(delta, colon=False, seconds="optional")
        if count == 4:
            return _gmt(delta, full=True)
        if count == 5:
            return "Z" if not delta else _fmt_offset(delta, colon=True, seconds="optional")
        raise _TooMany
    if letter == "p":
        return ""  # the pad modifier: fields already pad to their own width
    raise _TooMany


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


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class DateTimeMatcher:
    """A pattern translated to a regular expression with one named group per field."""

    pattern: str
    regex: re.Pattern[str]
    fields: tuple[tuple[str, Field], ...]  # (group name, field)

    def parse(self, text: str) -> Mapping[str, int] | None:
        """The numeric fields of ``text`` by letter, or ``None`` (see ``parse_datetime``)."""
        m = self.regex.fullmatch(text)
        if m is None:
            return None
        parts: dict[str, int] = {}
        for name, fld in self.fields:
            value = m.group(name)
            if value is None:
                continue
            letter, size = fld.letter, fld.count
            if letter in "ML" and size >= 3:
                names = _MONTHS if size >= 4 else _MONTHS_SHORT
                parts["M"] = names.index(value) + 1 if value in names else 0
            elif letter in "yuY":
                year = _int(value)
                if year is None:
                    return None
                parts["y"] = year + 2000 if size == 2 else year
            else:
                num = _int(value) if value.isdigit() else None
                if num is None:
                    continue
                if letter in "ML":
                    parts["M"] = num
                elif letter in "dDHhKkms":
                    parts[letter] = num
        return parts if _real(parts) else None


@lru_cache(maxsize=512)
def compile_matcher(pattern: str) -> DateTimeMatcher:
    """The cached reader for ``pattern`` (raises ``InvalidDateTimePattern`` for a bad one)."""
    fields: list[tuple[str, Field]] = []
    regex = _nodes_regex(parse_pattern(pattern), fields)
    return DateTimeMatcher(pattern, re.compile(regex), tuple(fields))


def parse_datetime(text: str, pattern: str) -> Mapping[str, int] | None:
    """Read ``text`` with ``pattern``: its numeric fields, or ``None`` when it does not fit.

    Keys are pattern letters (``y`` for any year letter, ``M`` for ``M``/``L`` including month
    names, ``d``, ``D``, ``H``, ``h``, ``K``, ``k``, ``m``, ``s``). ``None`` also when the
    values are not a real date/time (a 30 February, minute 60, hour 13 in ``h``).
    """
    return compile_matcher(pattern).parse(text)


def _nodes_regex(nodes: tuple[PatternNode, ...], fields: list[tuple[str, Field]]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Literal):
            out.append(re.escape(node.text))
        elif isinstance(node, OptionalSection):
            out.append(f"(?:{_nodes_regex(node.items, fields)})?")
        else:
            name = f"f{len(fields)}"
            fields.append((name, node))
            out.append(f"(?P<{name}>{_field_regex(node.letter, node.count)})")
    return "".join(out)


def _alts(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


_X_OFFSETS = {
    1: r"[+-]\d{2}(?:\d{2})?",
    2: r"[+-]\d{4}",
    3: r"[+-]\d{2}:\d{2}",
    4: r"[+-]\d{4}(?:\d{2})?",
}
_ZONE_NAME = r"(?:[A-Za-z][A-Za-z0-9_/+\-]*(?:[+-]\d{1,2}(?::?\d{2})?)?)"


def _field_regex(letter: str, n: int) -> str:
    if letter in "yuY":
        return r"\d{2}" if n == 2 else (r"[+-]?\d{4,9}" if n >= 4 else r"[+-]?\d{1,9}")
    if letter in "ML":
        if n >= 4:
            return _alts(_MONTHS)
        if n == 3:
            return _alts(_MONTHS_SHORT)
        return r"\d{1,2}"  # the Rust core reads "MM" leniently too ("1" for January)
    if letter in "dHhKkmsWF":
        return r"\d{1,2}"  # as the Rust core: "hh:mm a" matches "2:30 PM" and "2:3 PM"
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
        base = {**_X_OFFSETS, 5: r"[+-]\d{2}:\d{2}(?::\d{2})?"}.get(n, r"[+-]\d{2}:\d{2}")
        return f"(?:Z|{base})"
    if letter == "x":
        return _X_OFFSETS.get(n, r"[+-]\d{2}:\d{2}(?::\d{2})?")
    if letter == "Z":
        if n <= 3:
            return r"[+-]\d{4}"
        if n == 4:
            return r"(?:GMT|UTC)(?:[+-]\d{1,2}(?::\d{2})?)?"
        return r"(?:Z|[+-]\d{2}:\d{2})"
    if letter in "zv":
        return _ZONE_NAME
    if letter in "VO":
        return r"(?:[A-Za-z][A-Za-z0-9_/+\-:]*)"
    return r" *"  # p, the pad modifier


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


_LIMITS = {
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


def _real(parts: Mapping[str, int]) -> bool:
    for key, (low, high) in _LIMITS.items():
        if key in parts and not low <= parts[key] <= high:
            return False
    if "d" in parts and "M" in parts:
        year = parts.get("y", 2000)  # a leap year: 29 February is valid when no year is given
        try:
            date(year if 1 <= year <= 9999 else 2000, parts["M"], parts["d"])
        except ValueError:
            return False
    return True
