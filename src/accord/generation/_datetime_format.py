"""Formatting datetimes with Java ``DateTimeFormatter`` patterns, for the Date/Time generators.

The pattern language lives in ``accord.model.datetime_format`` (shared with the matching
rules); this adds the generator's error type and the flat token view of a pattern.
"""

from __future__ import annotations

from datetime import date, datetime, time

from accord.errors import GeneratorError
from accord.model import datetime_format as _fmt

__all__ = ["format_datetime", "parse_java_pattern"]

Token = str | tuple[str, int]  # a literal, or a (pattern letter, count) field


def parse_java_pattern(pattern: str) -> tuple[Token, ...]:
    """Split a Java pattern into literals and ``(letter, count)`` fields.

    Raises ``ValueError`` for an unterminated quote, an unbalanced bracket or an
    unknown/reserved pattern letter. Optional sections (``[...]``) are kept as their content
    (formatting prints them).
    """
    return tuple(_flatten(_fmt.parse_pattern(pattern)))


def _flatten(nodes: tuple[_fmt.PatternNode, ...]) -> list[Token]:
    out: list[Token] = []
    for node in nodes:
        if isinstance(node, _fmt.OptionalSection):
            out.extend(_flatten(node.items))
        elif isinstance(node, _fmt.Literal):
            out.append(node.text)
        else:
            out.append((node.letter, node.count))
    return out


def format_datetime(value: datetime | date | time, java_pattern: str) -> str:
    """Render ``value`` with a Java ``DateTimeFormatter`` pattern.

    A naive datetime is taken as UTC for zone fields. Raises ``GeneratorError`` for a pattern
    that is not valid Java syntax.
    """
    try:
        return _fmt.format_datetime(value, java_pattern)
    except _fmt.InvalidDateTimePattern as exc:
        raise GeneratorError(f"invalid date/time format {java_pattern!r}: {exc.reason}") from None
