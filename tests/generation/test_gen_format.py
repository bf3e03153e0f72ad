"""Java DateTimeFormatter patterns rendered by ``format_datetime``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from accord.errors import GeneratorError
from accord.generation import format_datetime, parse_java_pattern

DT = datetime(2024, 3, 5, 14, 7, 9, 123456, tzinfo=UTC)
PLUS = datetime(2024, 3, 5, 9, 7, 9, 5000, tzinfo=timezone(timedelta(hours=5, minutes=30)))
MINUS = datetime(2024, 12, 31, 23, 0, 0, tzinfo=timezone(timedelta(hours=-8)))


@pytest.mark.parametrize(("value", "pattern", "expected"), [
    (DT, "yyyy-MM-dd", "2024-03-05"),
    (DT, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2024-03-05T14:07:09.123Z"),
    (DT, "yyyy-MM-dd'T'HH:mm:ssZ", "2024-03-05T14:07:09+0000"),
    (DT, "yy/M/d", "24/3/5"),
    (DT, "uuuu-MM-dd", "2024-03-05"),
    (DT, "EEE, dd MMM yyyy HH:mm:ss z", "Tue, 05 Mar 2024 14:07:09 UTC"),
    (DT, "EEEE d MMMM", "Tuesday 5 March"),
    (DT, "h:mm a", "2:07 PM"),
    (DT, "hh 'o''clock' a", "02 o'clock PM"),
    (DT, "K k H", "2 14 14"),
    (DT, "S SS SSSSSS SSSSSSSSS", "1 12 123456 123456000"),
    (DT, "D DDD", "65 065"),
    (DT, "Q QQQ QQQQ", "1 Q1 1st quarter"),
    (DT, "G GGGG", "AD Anno Domini"),
    (DT, "''", "'"),
    (DT, "yyyy[-MM]", "2024-03"),
    (DT, "w", "10"),
    (DT, "n", "123456000"),
    (PLUS, "HH:mmX", "09:07+0530"),
    (PLUS, "HH:mmXX", "09:07+0530"),
    (PLUS, "HH:mmXXX", "09:07+05:30"),
    (PLUS, "HH:mmx", "09:07+0530"),
    (PLUS, "ZZZZ", "GMT+05:30"),
    (PLUS, "ZZZZZ", "+05:30"),
    (PLUS, "O", "GMT+5:30"),
    (PLUS, "SSS", "005"),
    (MINUS, "yyyy-MM-dd'T'HH:mmXXX", "2024-12-31T23:00-08:00"),
    (MINUS, "X", "-08"),
    (DT, "x", "+00"),
    (DT, "ZZZZZ", "Z"),
    (DT, "O", "GMT"),
    (date(2020, 2, 29), "dd.MM.yyyy", "29.02.2020"),
    (time(7, 5, 3), "HH:mm:ss", "07:05:03"),
])
def test_patterns(value, pattern, expected):
    assert format_datetime(value, pattern) == expected


def test_midnight_and_noon_in_12_hour_fields():
    midnight = datetime(2024, 1, 1, 0, 30, tzinfo=UTC)
    noon = datetime(2024, 1, 1, 12, 30, tzinfo=UTC)
    assert format_datetime(midnight, "h K k a") == "12 0 24 AM"
    assert format_datetime(noon, "h K k a") == "12 0 12 PM"


def test_tokens():
    assert parse_java_pattern("yyyy-MM'T'") == (("y", 4), "-", ("M", 2), "T")


@pytest.mark.parametrize(("pattern", "message"), [
    ("yyyy-'MM", "unterminated quote"),
    ("yyyy-MM-dd bb", "unknown pattern letter 'b'"),
    ("ddd", "too many pattern letters 'ddd'"),
    ("yyyy#", "reserved character '#'"),
])
def test_invalid_patterns(pattern, message):
    with pytest.raises(GeneratorError, match=message):
        format_datetime(DT, pattern)
