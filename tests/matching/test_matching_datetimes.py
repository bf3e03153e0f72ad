"""Java DateTimeFormatter/SimpleDateFormat patterns as date/time/timestamp rules use them."""

from __future__ import annotations

import pytest

from accord.matching.datetimes import InvalidFormat, compile_format, matches_format


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("yyyy-MM-dd", "2024-02-29"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2023-07-19T10:20:30.123+02:00"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2023-07-19T10:20:30.123Z"),
        ("yyyy-MM-dd'T'HH:mm:ssX", "2023-07-19T10:20:30+02"),
        ("yyyy-MM-dd'T'HH:mm:ssZ", "2023-07-19T10:20:30-0530"),
        ("yyyy-MM-dd HH:mm:ss z", "2023-07-19 10:20:30 UTC"),
        ("EEE, dd MMM yyyy HH:mm:ss zzz", "Wed, 19 Jul 2023 10:20:30 GMT"),
        ("EEEE d MMMM yy", "Wednesday 9 July 23"),
        ("h:mm a", "9:05 am"),
        ("HH 'o''clock'", "10 o'clock"),
        ("yyyy-MM-dd['T'HH:mm]", "2023-07-19"),
        ("yyyy-MM-dd['T'HH:mm]", "2023-07-19T10:15"),
        ("dd.MM.uuuu", "01.12.2020"),
        ("D/yyyy", "365/2023"),
        # two-letter numeric fields take one digit too, as the Rust core reads them (checked
        # through pact-python 4.2's mock server; pact-python's own docstring example)
        ("yyyy-MM-dd", "2023-7-19"),
        ("HH:mm:ss", "9:5:3"),
        ("hh:mm a", "2:30 PM"),
    ],
)
def test_valid_values(pattern: str, value: str) -> None:
    assert matches_format(value, pattern)


@pytest.mark.parametrize(
    ("pattern", "value"),
    [
        ("yyyy-MM-dd", "2023-02-29"),  # not a leap year
        ("yyyy-MM-dd", "2023-07-19T00:00"),
        ("HH:mm:ss", "24:00:00"),
        ("HH:mm:ss", "10:60:00"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2023-07-19T10:20:30.12+02:00"),
        ("EEE, dd MMM yyyy", "Wed, 19 Foo 2023"),
        ("h:mm a", "13:05 PM"),
    ],
)
def test_invalid_values(pattern: str, value: str) -> None:
    assert not matches_format(value, pattern)


def test_no_pattern_means_iso_8601() -> None:
    assert matches_format("2023-07-19T10:20:30.123456789Z", None, "timestamp")
    assert matches_format("2023-07-19T10:20:30+02:00", None, "timestamp")
    assert matches_format("2023-07-19", None, "date")
    assert matches_format("10:20", None, "time")
    assert not matches_format("19/07/2023", None, "date")
    assert not matches_format("2023-07-19T25:00:00Z", None, "timestamp")


@pytest.mark.parametrize(
    "pattern", ["yyyy-MM-dd'T", "yyyy-MM-dd]", "yyyy-MM-dd[HH", "yyyy-MM-dd bbb"]
)
def test_invalid_patterns_raise(pattern: str) -> None:
    with pytest.raises(InvalidFormat):
        compile_format(pattern)
