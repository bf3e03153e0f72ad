"""One Java DateTimeFormatter pattern parser for formatting (generators) and reading (rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.errors import MatchingRuleError
from accord.model import load_pact
from accord.model.datetime_format import (
    Field,
    InvalidDateTimePattern,
    Literal,
    OptionalSection,
    compile_matcher,
    format_datetime,
    parse_datetime,
    parse_pattern,
    validate_pattern,
)


def test_the_intermediate_representation() -> None:
    assert parse_pattern("yyyy-MM-dd['T'HH:mm[:ss]]' o''clock'''") == (
        Field("y", 4), Literal("-"), Field("M", 2), Literal("-"), Field("d", 2),
        OptionalSection((
            Literal("T"), Field("H", 2), Literal(":"), Field("m", 2),
            OptionalSection((Literal(":"), Field("s", 2))),
        )),
        Literal(" o'clock'"),
    )  # fmt: skip
    assert parse_pattern("''") == (Literal("'"),)
    assert parse_pattern("") == ()
    assert parse_pattern("é/ü") == (Literal("é/ü"),)  # only ASCII letters are pattern letters


@pytest.mark.parametrize(("pattern", "reason"), [
    ("yyyy-'MM", "unterminated quote at column 5"),
    ("yyyy-MM-dd bb", "unknown pattern letter 'b' at column 11"),
    ("HH:mm]", "unbalanced ']' at column 5"),
    ("yyyy[MM[dd]", "unbalanced '[' at column 4"),
    ("yyyy#", "reserved character '#' at column 4"),
    ("{yyyy}", "reserved character '{' at column 0"),
])  # fmt: skip
def test_invalid_patterns_say_what_and_where(pattern: str, reason: str) -> None:
    with pytest.raises(InvalidDateTimePattern) as info:
        validate_pattern(pattern)
    assert info.value.reason == reason
    assert str(info.value) == f"{reason} in date/time pattern {pattern!r}"
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidDateTimePattern):
        compile_matcher(pattern)
    with pytest.raises(InvalidDateTimePattern):
        format_datetime(datetime(2024, 1, 1, tzinfo=UTC), pattern)


def test_letter_counts_are_refused_only_when_formatting() -> None:
    validate_pattern("ddd")
    assert parse_datetime("05", "ddd") == {"d": 5}
    with pytest.raises(InvalidDateTimePattern, match="too many pattern letters 'ddd'"):
        format_datetime(datetime(2024, 1, 5, tzinfo=UTC), "ddd")


def test_reading_gives_the_fields_of_a_real_date() -> None:
    fields = parse_datetime("Thu, 29 Feb 2024 13:05:09 +0100", "EEE, dd MMM yyyy HH:mm:ss Z")
    assert fields == {"d": 29, "M": 2, "y": 2024, "H": 13, "m": 5, "s": 9}
    assert parse_datetime("29 Feb 2023", "dd MMM yyyy") is None  # not a leap year
    assert parse_datetime("29.02.", "dd.MM.") == {"d": 29, "M": 2}  # no year: allowed
    assert parse_datetime("2024-02", "yyyy-MM[-dd]") == {"y": 2024, "M": 2}
    assert parse_datetime("2024-02-30", "yyyy-MM[-dd]") is None
    assert parse_datetime("1:05 pm", "h:mm a") == {"h": 1, "m": 5}


def test_generic_zone_names_are_read_like_zone_names() -> None:
    assert parse_datetime("10:00 UTC", "HH:mm v") == {"H": 10, "m": 0}
    assert format_datetime(datetime(2024, 1, 1, 10, tzinfo=UTC), "HH:mm v") == "10:00 UTC"


_READABLE = [
    "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "yyyy-MM-dd'T'HH:mm:ssZ", "dd/MM/yy",
    "EEE, dd MMM yyyy HH:mm:ss z", "EEEE d MMMM uuuu h:mm a", "D/yyyy HH:mm:ss.SSSSSSx",
    "yyyy-MM-dd['T'HH:mm[:ss]]", "hh 'o''clock' a, K k", "yyyy-MM-dd'T'HH:mm:ssXXXXX O",
]  # fmt: skip


@given(
    st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from([timedelta(0), timedelta(hours=5, minutes=30), timedelta(hours=-8)]),
    st.sampled_from(_READABLE),
)
def test_what_is_formatted_reads_back(moment: datetime, offset: timedelta, pattern: str) -> None:
    value = moment.replace(tzinfo=timezone(offset))
    text = format_datetime(value, pattern)
    fields = parse_datetime(text, pattern)
    assert fields is not None, text
    two_digit_year = pattern.endswith("/yy")  # read back as 20yy
    expected = {"y": value.year % 100 + 2000 if two_digit_year else value.year,
                "M": value.month, "d": value.day, "H": value.hour, "m": value.minute}
    assert {k: v for k, v in fields.items() if k in expected} == {
        k: v for k, v in expected.items() if k in fields
    }


def test_pact_files_with_a_bad_date_format_fail_when_read() -> None:
    pact = {
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{
            "description": "d", "request": {"method": "GET", "path": "/"},
            "response": {"status": 200, "body": {"at": "2024-01-01"}, "matchingRules": {
                "body": {"$.at": {"matchers": [{"match": "date", "date": "yyyy-MM-dd'"}]}}}},
        }],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }  # fmt: skip
    message = (
        "bad.json at /interactions/0/response/matchingRules/body/$.at/matchers/0: date rule: "
        "invalid date format \"yyyy-MM-dd'\": unterminated quote at column 10"
    )
    with pytest.raises(MatchingRuleError) as info:
        load_pact(pact, file="bad.json", strict=True)
    assert info.value.file == "bad.json"
    assert info.value.pointer == "/interactions/0/response/matchingRules/body/$.at/matchers/0"
    assert str(info.value) == message
    # leniently only the rule is left out, and the pact says so
    loaded = load_pact(pact, file="bad.json")
    assert loaded.load_warnings == (message + " (left out)",)
    assert not loaded.interactions[0].response.matching_rules
