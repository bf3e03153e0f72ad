"""Date/time expressions, checked against the reference implementation's own table
(base 2000-01-01T10:00Z)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accord.errors import GeneratorError
from accord.generation import evaluate_date, evaluate_datetime, evaluate_time

BASE = datetime(2000, 1, 1, 10, 0, 0, tzinfo=UTC)


def iso(dt: datetime) -> str:
    text = dt.strftime("%Y-%m-%dT%H:%M")
    if dt.second or dt.microsecond:
        text += dt.strftime(":%S")
    if dt.microsecond:
        text += f".{dt.microsecond // 1000:03d}"
    return text


@pytest.mark.parametrize(("expression", "expected"), [
    ("", "2000-01-01T10:00"),
    ("now", "2000-01-01T10:00"),
    ("today", "2000-01-01T10:00"),
    ("yesterday", "1999-12-31T10:00"),
    ("tomorrow", "2000-01-02T10:00"),
    ("+ 1 day", "2000-01-02T10:00"),
    ("+ 1 week", "2000-01-08T10:00"),
    ("- 2 weeks", "1999-12-18T10:00"),
    ("+ 4 years", "2004-01-01T10:00"),
    ("tomorrow+ 4 years", "2004-01-02T10:00"),
    ("next week", "2000-01-08T10:00"),
    ("last month", "1999-12-01T10:00"),
    ("next fortnight", "2000-01-15T10:00"),
    ("next monday", "2000-01-03T10:00"),
    ("last wednesday", "1999-12-29T10:00"),
    ("next mon", "2000-01-03T10:00"),
    ("last december", "1999-12-01T10:00"),
    ("next jan", "2001-01-01T10:00"),
    ("next june + 2 weeks", "2000-06-15T10:00"),
    ("last mon + 2 weeks", "2000-01-10T10:00"),
    ("+ 1 day - 2 weeks", "1999-12-19T10:00"),
    ("last december + 2 weeks + 4 days", "1999-12-19T10:00"),
    ("  Tomorrow  ", "2000-01-02T10:00"),
])
def test_date_expressions(expression, expected):
    assert iso(evaluate_date(BASE, expression)) == expected
    assert iso(evaluate_datetime(BASE, expression)) == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("", "10:00"),
    ("now", "10:00"),
    ("midnight", "00:00"),
    ("noon", "12:00"),
    ("1 o'clock", "13:00"),
    ("1 o'clock am", "01:00"),
    ("1 o'clock pm", "13:00"),
    ("+ 1 hour", "11:00"),
    ("- 2 minutes", "09:58"),
    ("+ 4 seconds", "10:00:04"),
    ("+ 4 milliseconds", "10:00:00.004"),
    ("midnight+ 4 minutes", "00:04"),
    ("next hour", "11:00"),
    ("last minute", "09:59"),
    ("now + 2 hours - 4 minutes", "11:56"),
    (" + 2 hours - 4 minutes", "11:56"),
    ("now - 2 hours", "08:00"),
])
def test_time_expressions(expression, expected):
    assert iso(evaluate_time(BASE, expression))[11:] == expected


@pytest.mark.parametrize(("expression", "expected"), [
    ("@ now", "2000-01-01T10:00"),
    ("@ midnight", "2000-01-01T00:00"),
    ("@ 2 o'clock", "2000-01-01T14:00"),
    ("@ 12 o'clock am", "2000-01-01T12:00"),
    ("today @ 1 o'clock", "2000-01-01T13:00"),
    ("yesterday @ midnight", "1999-12-31T00:00"),
    ("yesterday @ midnight - 1 hour", "1999-12-30T23:00"),
    ("tomorrow @ now", "2000-01-02T10:00"),
    ("+ 1 day @ noon", "2000-01-02T12:00"),
    ("+ 1 week @ +1 hour", "2000-01-08T11:00"),
    ("- 2 weeks @ now + 1 hour", "1999-12-18T11:00"),
    ("+ 4 years @ midnight", "2004-01-01T00:00"),
    ("tomorrow+ 4 years @ 3 o'clock + 40 milliseconds", "2004-01-02T15:00:00.040"),
    ("next week @ next hour", "2000-01-08T11:00"),
    ("last month @ last hour", "1999-12-01T09:00"),
    ("+ 1 month @ midnight", "2000-02-01T00:00"),
])
def test_datetime_expressions(expression, expected):
    assert iso(evaluate_datetime(BASE, expression)) == expected


def test_month_arithmetic_keeps_the_day_when_it_can():
    jan31 = datetime(2001, 1, 31, 8, tzinfo=UTC)
    assert iso(evaluate_date(jan31, "+ 1 month")) == "2001-02-01T08:00"
    jan15 = datetime(2001, 1, 15, 8, tzinfo=UTC)
    assert iso(evaluate_date(jan15, "+ 13 months")) == "2002-02-15T08:00"
    assert iso(evaluate_date(jan15, "- 2 months")) == "2000-11-15T08:00"
    leap = datetime(2000, 2, 29, tzinfo=UTC)
    assert iso(evaluate_date(leap, "+ 1 year")) == "2000-02-29T00:00"  # left as it is


def test_afternoon_oclock_is_the_same_day_hour():
    afternoon = datetime(2000, 1, 1, 15, 30, tzinfo=UTC)
    assert iso(evaluate_time(afternoon, "9 o'clock")) == "2000-01-01T09:00"


@pytest.mark.parametrize(("function", "expression", "message"), [
    (evaluate_date, "not valid", "expected one of now, today, yesterday, tomorrow"),
    (evaluate_date, "now today", r"expected \+ or -, got 'today' at column 5"),
    (evaluate_date, "+ day", "expected an integer value"),
    (evaluate_date, "+ 1 fortnight", "expected a unit"),
    (evaluate_date, "next blue", "expected an offset"),
    (evaluate_date, "+ 1", "expected a unit .* at the end"),
    (evaluate_time, "not valid", "expected one of now, midnight, noon, 1-12 o'clock"),
    (evaluate_time, "44 o'clock", "expected hour 1 to 12 at column 1"),
    (evaluate_time, "midnight 2 week", r"expected \+ or -, got '2' at column 10"),
    (evaluate_time, "3 pm", "expected o'clock"),
    (evaluate_datetime, "today @ teatime", "invalid time expression"),
    (evaluate_datetime, "today * 2", "unexpected '\\*'"),
])
def test_errors_say_what_and_where(function, expression, message):
    with pytest.raises(GeneratorError, match=message):
        function(BASE, expression)
