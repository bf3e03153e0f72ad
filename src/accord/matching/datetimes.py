"""Validating dates and times against Java ``DateTimeFormatter``/``SimpleDateFormat`` patterns.

Pact files write formats the JVM way (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``); the pattern is read
by ``accord.model.datetime_format`` (shared with the generators). Without a pattern a value
must be ISO 8601 (the official tools' default).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from accord.model.datetime_format import DateTimeMatcher, compile_matcher, parse_datetime
from accord.model.datetime_format import InvalidDateTimePattern as InvalidFormat

__all__ = ["DEFAULT_FORMATS", "InvalidFormat", "compile_format", "matches_format"]

DEFAULT_FORMATS = {
    "date": "yyyy-MM-dd",
    "time": "HH:mm:ss",
    "timestamp": "yyyy-MM-dd'T'HH:mm:ssXXX",
}


def compile_format(pattern: str) -> DateTimeMatcher:
    """Translate a Java date/time pattern (raises ``InvalidFormat`` when it is not one)."""
    return compile_matcher(pattern)


def matches_format(value: str, pattern: str | None, kind: str = "timestamp") -> bool:
    """Does ``value`` follow ``pattern`` and name a real date/time? No pattern: ISO 8601."""
    if not pattern:
        return _iso(value, kind)
    return parse_datetime(value, pattern) is not None


_ISO_TS = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|z|[+-]\d{2}(?::?\d{2})?)?"
)
_ISO_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?")


def _iso(value: str, kind: str) -> bool:
    try:
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                return False
            date.fromisoformat(value)
        elif kind == "time":
            if not _ISO_TIME.fullmatch(value):
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
