"""The small translators behind the DSL: ranges as regexes, strftime → Java, regex examples."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from accord.consumer._formats import (
    example_for_regex,
    format_java,
    int_range_regex,
    strftime_to_java,
)


@pytest.mark.parametrize(
    "lo,hi",
    [
        (1, 100),
        (0, 0),
        (-5, 5),
        (5, None),
        (None, 10),
        (-100, -7),
        (17, 1234),
        (None, None),
        (0, 9),
        (10, 19),
        (123, 987),
        (-1, None),
        (None, -3),
        (99, 101),
    ],
)
def test_int_range_regex_matches_exactly_the_range(lo, hi):
    pattern = re.compile(int_range_regex(lo, hi))
    for n in range(-1300, 1301):
        inside = (lo is None or n >= lo) and (hi is None or n <= hi)
        assert bool(pattern.fullmatch(str(n))) is inside, (lo, hi, n, pattern.pattern)
    assert pattern.fullmatch("1.5") is None
    assert pattern.fullmatch("abc") is None


def test_int_range_regex_open_ended_large_numbers():
    pattern = re.compile(int_range_regex(1, None))
    assert pattern.fullmatch("123456789012")
    assert not pattern.fullmatch("0")


@pytest.mark.parametrize(
    "python,java",
    [
        ("%Y-%m-%d", "yyyy-MM-dd"),
        ("%H:%M:%S", "HH:mm:ss"),
        ("%Y-%m-%dT%H:%M:%S.%f%z", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ"),
        ("%d/%m/%y %I:%M %p", "dd/MM/yy hh:mm a"),
        ("%a, %d %b %Y", "EEE, dd MMM yyyy"),
        ("yyyy-MM-dd", "yyyy-MM-dd"),  # already Java: untouched
        ("100%% at %H", "'100% at 'HH"),
    ],
)
def test_strftime_to_java(python, java):
    assert strftime_to_java(python) == java


def test_strftime_unknown_directive():
    with pytest.raises(ValueError, match="%Q"):
        strftime_to_java("%Q")


def test_format_java_renders_stable_examples():
    assert format_java(None, "yyyy-MM-dd") == "2000-02-01"
    assert format_java(None, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX") == "2000-02-01T13:45:30.123Z"
    assert format_java(date(2024, 3, 9), "dd/MM/yyyy") == "09/03/2024"
    assert format_java(time(7, 5), "hh:mm a") == "07:05 AM"
    tz = timezone(timedelta(hours=2))
    assert format_java(datetime(2024, 1, 2, 3, 4, 5, tzinfo=tz), "HH:mm:ssZ") == "03:04:05+0200"
    assert format_java(datetime(2024, 1, 2, tzinfo=tz), "EEE MMM d ''yy") == "Tue Jan 2 '24"


@pytest.mark.parametrize(("pattern", "expected"), [
    # what java.time.format.DateTimeFormatter prints (where the DSL's old formatter did not)
    ("X", "+02"), ("XXXX", "+0200"), ("x", "+02"), ("xxxx", "+0200"),
    ("ZZZZ", "GMT+02:00"), ("ZZZZZ", "+02:00"), ("MMMMM", "J"), ("EEEEE", "T"),
    ("GGGG", "Anno Domini"), ("ee", "02"), ("eee", "Tue"), ("c", "2"),
    ("yyyy-MM-dd[ HH:mm]", "2024-01-02 03:04"),
])
def test_format_java_is_the_shared_java_formatter(pattern, expected):
    value = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert format_java(value, pattern) == expected
    assert format_java(datetime(2024, 1, 2, tzinfo=UTC), "ZZZZZ ZZZZ") == "Z GMT"


@pytest.mark.parametrize("pattern", ["cc", "hh:mm aa"])
def test_letter_counts_java_refuses(pattern):
    from accord.model.datetime_format import InvalidDateTimePattern

    with pytest.raises(InvalidDateTimePattern, match="too many pattern letters"):
        format_java(None, pattern)


def test_patterns_java_refuses_are_refused_when_declared():
    from accord import generate, match
    from accord.errors import ContractDefinitionError

    with pytest.raises(ContractDefinitionError, match=r"match\.date\(\): .*'ddd'"):
        match.date(date(2024, 1, 2), "ddd")
    with pytest.raises(ContractDefinitionError, match=r"generate\.date: .*'HHH'"):
        generate.date("yyyy HHH")


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d+",
        r"[a-z]{3}-\d{2,4}",
        r"^(foo|bar)$",
        r"[^abc]+",
        r"\w+@\w+\.com",
        r"^[0-9a-f]{8}-[0-9a-f]{4}$",
        r"(?<year>\d{4})-\d\d",
    ],
)
def test_example_for_regex_matches(pattern):
    from accord.model.regex import compile_pattern

    example = example_for_regex(pattern)
    assert example is not None
    assert compile_pattern(pattern).fullmatch(example)
