"""Date/time expressions of the Date, Time and DateTime generators.

The grammar is the one pact-jvm defined and the Rust core kept: ``DATE [@ TIME]`` where::

    DATE := base [op N unit]...  |  op N unit [op N unit]...  |  (next|last) offset [op N unit]...
      base: now, today, yesterday, tomorrow     unit: day(s), week(s), month(s), year(s)
      offset: day, week, month, year, fortnight, a weekday (mon, tues, ...), a month (jan, ...)
    TIME := base [op N unit]...  |  op N unit ...  |  (next|last) unit [op N unit]...
      base: now, midnight, noon, H o'clock [am|pm]     unit: hour(s), minute(s), second(s),
      millisecond(s)

e.g. ``today + 1 day @ 9 o'clock``, ``now - 2 hours`` (as a time expression), ``next week``,
``+ 1 month @ midnight``. Evaluation matches the reference implementation, quirks included:
``next monday`` is the following Monday, ``last december`` the 1st of the previous December,
``H o'clock`` without am/pm is the next such hour after noon when it is morning.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from accord.errors import GeneratorError
from accord.model.valueclass import dataclass

__all__ = ["evaluate_date", "evaluate_datetime", "evaluate_time"]

_TOKEN = re.compile(r"\s*(?:(?P<int>[0-9]+)|(?P<op>[+-])|(?P<at>@)|(?P<word>[A-Za-z][A-Za-z']*))")

_WEEKDAYS = {"mon": 0, "monday": 0, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
             "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
             "sun": 6, "sunday": 6}
_MONTHS = {name: i + 1 for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december"))) for name in names}
_DATE_UNITS = {"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month",
               "months": "month", "year": "year", "years": "year"}
_TIME_UNITS = {"hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
               "second": "second", "seconds": "second", "millisecond": "millisecond",
               "milliseconds": "millisecond"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # int, op, word, at
    text: str
    column: int


def _lex(expression: str, what: str) -> list[_Tok]:
    tokens, pos = [], 0
    while pos < len(expression):
        if not expression[pos:].strip():
            break
        m = _TOKEN.match(expression, pos)
        if not m:
            raise _error(expression, what, f"unexpected {expression[pos:].strip()[0]!r}", pos)
        kind = m.lastgroup or "word"
        text = m.group(kind)
        tokens.append(_Tok(kind, text.lower() if kind == "word" else text, m.start(kind)))
        pos = m.end()
    return tokens


def _error(expression: str, what: str, message: str, column: int | None) -> GeneratorError:
    where = f" at column {column + 1}" if column is not None else " at the end"
    return GeneratorError(f"invalid {what} expression {expression!r}: {message}{where}")


class _Parser:
    def __init__(self, expression: str, what: str):
        self.expression = expression
        self.what = what
        self.tokens = _lex(expression, what)
        self.pos = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok | None:
        tok = self.peek()
        self.pos += tok is not None
        return tok

    def fail(self, expected: str, tok: _Tok | None) -> GeneratorError:
        got = f", got {tok.text!r}" if tok else ""
        return _error(self.expression, self.what, f"expected {expected}{got}",
                      tok.column if tok else None)

    def adjustments(self, units: dict[str, str]) -> list[tuple[int, str]]:
        """``(op N unit)*`` up to the end; each becomes (signed amount, unit)."""
        out = []
        while (tok := self.take()) is not None:
            if tok.kind != "op":
                raise self.fail("+ or -", tok)
            n = self.take()
            if n is None or n.kind != "int":
                raise self.fail("an integer value", n)
            unit = self.take()
            if unit is None or unit.text not in units:
                raise self.fail(f"a unit ({', '.join(sorted(set(units.values())))})", unit)
            out.append(((1 if tok.text == "+" else -1) * int(n.text), units[unit.text]))
        return out


# ------------------------------------------------------------------------- dates


def evaluate_date(base: datetime, expression: str) -> datetime:
    """Apply a date expression (``tomorrow + 2 weeks``) to ``base``; time of day is kept."""
    if not expression.strip():
        return base
    p = _Parser(expression, "date")
    tok = p.take()
    assert tok is not None
    date = base
    if tok.kind == "word" and tok.text in ("now", "today", "yesterday", "tomorrow"):
        date = base + timedelta(days={"yesterday": -1, "tomorrow": 1}.get(tok.text, 0))
    elif tok.kind == "op":
        p.pos -= 1
    elif tok.kind == "word" and tok.text in ("next", "last"):
        offset = p.take()
        date = _date_offset(p, date, offset, 1 if tok.text == "next" else -1)
    else:
        raise p.fail("one of now, today, yesterday, tomorrow, +, -, next or last", tok)
    for amount, unit in p.adjustments(_DATE_UNITS):
        date = _shift_date(date, amount, unit)
    return date


def _date_offset(p: _Parser, date: datetime, tok: _Tok | None, sign: int) -> datetime:
    word = tok.text if tok is not None and tok.kind == "word" else ""
    if word in ("day", "week", "month", "year"):
        return _shift_date(date, sign, word)
    if word == "fortnight":
        return _shift_date(date, 2 * sign, "week")
    if word in _WEEKDAYS:
        target = _WEEKDAYS[word]
        return _walk(date, sign, lambda d: d.weekday() == target)
    if word in _MONTHS:
        target = _MONTHS[word]
        found = _walk(date, sign, lambda d: d.month == target)
        return found if sign > 0 else found.replace(day=1)
    raise p.fail("an offset (day, week, month, year, fortnight, a weekday or a month)", tok)


def _walk(date: datetime, step: int, pred) -> datetime:  # type: ignore[no-untyped-def]
    """Move a day at a time: first off the days that already match, then to the next match."""
    one = timedelta(days=step)
    while pred(date):
        date += one
    while not pred(date):
        date += one
    return date


def _shift_date(date: datetime, amount: int, unit: str) -> datetime:
    if unit == "day":
        return date + timedelta(days=amount)
    if unit == "week":
        return date + timedelta(weeks=amount)
    if unit == "year":
        try:
            return date.replace(year=date.year + amount)
        except ValueError:  # 29 February in a year without one: left as it is
            return date
    # months: roll over month boundaries, then try to keep the day of the month
    index = date.year * 12 + (date.month - 1) + amount
    year, month = divmod(index, 12)
    try:
        return date.replace(year=year, month=month + 1)
    except ValueError:
        return date.replace(year=year, month=month + 1, day=1)


# ------------------------------------------------------------------------- times


def evaluate_time(base: datetime, expression: str) -> datetime:
    """Apply a time expression (``midnight + 2 hours``, ``3 o'clock pm``) to ``base``."""
    if not expression.strip():
        return base
    p = _Parser(expression, "time")
    tok = p.take()
    assert tok is not None
    hour_start = base.replace(minute=0, second=0, microsecond=0)
    result = base
    if tok.kind == "word" and tok.text == "now":
        pass
    elif tok.kind == "word" and tok.text in ("midnight", "noon"):
        result = hour_start.replace(hour=0 if tok.text == "midnight" else 12)
    elif tok.kind == "int":
        result = _oclock(p, base, hour_start, tok)
    elif tok.kind == "op":
        p.pos -= 1
    elif tok.kind == "word" and tok.text in ("next", "last"):
        unit = p.take()
        if unit is None or unit.text not in _TIME_UNITS:
            raise p.fail("an offset (hour, minute, second or millisecond)", unit)
        result = base + _time_delta(1 if tok.text == "next" else -1, _TIME_UNITS[unit.text])
    else:
        raise p.fail("one of now, midnight, noon, 1-12 o'clock, +, -, next or last", tok)
    for amount, unit_name in p.adjustments(_TIME_UNITS):
        result += _time_delta(amount, unit_name)
    return result


def _oclock(p: _Parser, base: datetime, hour_start: datetime, tok: _Tok) -> datetime:
    hour = int(tok.text)
    clock = p.take()
    if clock is None or clock.text != "o'clock":
        raise p.fail("o'clock", clock)
    if not 1 <= hour <= 12:
        raise _error(p.expression, p.what, "expected hour 1 to 12", tok.column)
    nxt = p.peek()
    if nxt is not None and nxt.text in ("am", "pm"):
        p.take()
        target = hour if nxt.text == "am" else 12 + hour
    else:
        target = 12 + hour if base.hour < 12 else hour
    if target > 23:  # as the reference implementation: an impossible hour leaves the time as is
        return base
    return hour_start.replace(hour=target)


def _time_delta(amount: int, unit: str) -> timedelta:
    return {"hour": timedelta(hours=amount), "minute": timedelta(minutes=amount),
            "second": timedelta(seconds=amount),
            "millisecond": timedelta(milliseconds=amount)}[unit]


def evaluate_datetime(base: datetime, expression: str) -> datetime:
    """Apply ``DATE [@ TIME]`` to ``base`` (``tomorrow @ 9 o'clock``, ``+ 1 month @ midnight``)."""
    if "@" in expression:
        date_part, time_part = expression.split("@", 1)
        return evaluate_time(evaluate_date(base, date_part), time_part)
    return evaluate_date(base, expression)
