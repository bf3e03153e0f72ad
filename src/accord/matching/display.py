"""How values are shown in mismatch messages (the official tools' wording and layout).

Messages quote values, and a value can be a 10 MB body: every function here that makes text
for people shows at most ``EXCERPT_CHARS`` characters of it, then how long it was
(``"aaaa… (10,485,760 chars)"``), so that reports stay short and fast. ``raw`` and
``compact`` are the exceptions: they give the whole text, for matching.
"""

from __future__ import annotations

import json

from accord.model.jsontypes import JsonValue

__all__ = [
    "EXCERPT_CHARS",
    "compact",
    "excerpt",
    "json_equal",
    "list_display",
    "raw",
    "shown",
    "type_of",
    "value_of",
    "with_type",
]

# How many characters of a value a message quotes.
EXCERPT_CHARS = 200


# In this order: a bool is an int too.
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (type(None), "Null"),
    (bool, "Boolean"),
    (int, "Integer"),
    (float, "Decimal"),
    (str, "String"),
    (dict, "Object"),
    (list, "Array"),
)


def type_of(value: object) -> str:
    """The JSON type name messages use (Object, Array, Null, Boolean, Integer, Decimal, String)."""
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return type(value).__name__


_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def compact(value: JsonValue) -> str:
    """JSON without spaces and with sorted keys, as the reference implementation shows it."""
    kind = type(value)
    if kind is int:  # the common leaves, without building an encoder call
        return str(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return _COMPACT.encode(value)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` itself when short; else its first ``limit`` characters and its length."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} chars)"


def shown(value: JsonValue) -> str:
    """``raw(value)`` for a message: strings bare, the rest as JSON, bounded by ``excerpt``."""
    if isinstance(value, str):
        return excerpt(value)
    return excerpt(compact(value))


def value_of(value: JsonValue) -> str:
    """A value as messages show it: strings quoted with ', everything else as JSON."""
    if isinstance(value, str):
        return f"'{excerpt(value)}'"
    return excerpt(compact(value))


def raw(value: JsonValue) -> str:
    """Strings bare, everything else as JSON (what regex/include messages show)."""
    if isinstance(value, str):
        return value
    return compact(value)


def with_type(value: JsonValue) -> str:
    return f"{value_of(value)} ({type_of(value)})"


def list_display(values: list[JsonValue]) -> str:
    return excerpt("[" + ", ".join(compact(v) for v in values) + "]")


def json_equal(a: JsonValue, b: JsonValue) -> bool:
    """Equality that keeps JSON types apart (``1`` ≠ ``1.0`` ≠ ``true``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return False
        return all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
