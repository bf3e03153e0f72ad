"""Matchers for consumer contracts (``from accord import match``).

Each function returns a value to put in a body, header, query parameter, path, status or
message metadata: the example is what the mock server sends and the pact file records; the
rules say what else the other side may send::

    {"id": match.integer(123, min=1), "tags": match.each_like("admin", min=2),
     "email": match.email(), "created": match.datetime("2024-05-01T10:00:00", "%Y-%m-%dT%H:%M:%S")}

Call through the module (``match.int``): several names shadow built-ins on purpose, as in
pact-python. Arguments are never silently dropped: ``integer(min=, max=)``, ``number(min=,
max=)`` and ``string(size=)`` become real rules, and a matcher whose own example breaks them is
reported (naming the interaction) when it is used.

That is stricter than pact-python, where those arguments only shape generated values (and are
ignored, with a warning for ``size``, when an example is given). ``lenient_ranges()`` (or the
environment variable ``ACCORD_LENIENT_RANGES=1``) gives pact-python's behaviour to matchers
made afterwards, for suites being migrated.
"""

from __future__ import annotations

import builtins as _b
import datetime as _dt
import os as _os
import re as _re
from collections.abc import Mapping, Sequence
from typing import Any

from accord.consumer import generate as _gen
from accord.consumer._formats import format_java, int_range_regex, strftime_to_java
from accord.consumer.matchers import (
    ArrayContaining,
    EachKey,
    EachLike,
    EachValue,
    Matchable,
    Matcher,
)
from accord.errors import ContractDefinitionError
from accord.model import Generator, Rule
from accord.model.jsontypes import JsonValue

__all__ = [
    "AbstractMatcher",
    "Matcher",
    "array_containing",
    "bool",
    "boolean",
    "content_type",
    "date",
    "datetime",
    "decimal",
    "each_key",
    "each_key_matches",
    "each_like",
    "each_value",
    "each_value_matches",
    "email",
    "equal",
    "equality",
    "float",
    "from_provider_state",
    "hexadecimal",
    "includes",
    "int",
    "integer",
    "ipv4",
    "ipv6",
    "lenient_ranges",
    "like",
    "none",
    "not_empty",
    "null",
    "number",
    "regex",
    "semver",
    "status_code",
    "str",
    "string",
    "time",
    "timestamp",
    "type",
    "url",
    "uuid",
    "values",
]

_UNSET: Any = object()


def _with_generator(m: Matcher, generator: Generator | Matcher | None) -> Matcher:
    gen = _gen.generator_of(generator)
    if gen is not None:
        m.generator = gen
    return m


def _is_int(value: Any) -> _b.bool:
    return isinstance(value, _b.int) and not isinstance(value, _b.bool)


# --------------------------------------------------------------------------- type family


def like(value: Matchable, *, min: _b.int | None = None, max: _b.int | None = None,
         generator: Generator | Matcher | None = None) -> Matcher:
    """Anything of the same type as ``value`` (objects: same keys, each matched by type).

    ``min``/``max`` bound the length of an array example.
    """
    params = {k: v for k, v in (("min", min), ("max", max)) if v is not None}

    def check() -> _b.str | None:
        if min is not None and max is not None and min > max:
            return f"like(): min {min} is greater than max {max}"
        if isinstance(value, list) and params:
            n = len(value)
            if (min is not None and n < min) or (max is not None and n > max):
                return f"like(): the example has {n} elements, outside min={min} max={max}"
        return None

    return _with_generator(Matcher(value, (Rule("type", params),), check=check), generator)


type = like


def each_like(value: Matchable, *, min: _b.int = 1, max: _b.int | None = None,
              examples: _b.int | None = None) -> Matcher:
    """An array whose every element is like ``value``; at least ``min``, at most ``max``.

    The example holds ``examples`` copies (default ``max(min, 1)``), so a mock response
    honours the contract.
    """
    count = examples if examples is not None else _b.max(min or 0, 1)
    m = EachLike(value, min, max, count)

    def check() -> _b.str | None:
        if examples is not None and (examples < (min or 0) or (max is not None and examples > max)):
            return f"each_like(): examples={examples} is outside min={min} max={max}"
        if min is not None and min < 0:
            return f"each_like(): min must not be negative, got {min}"
        if max is not None and min is not None and min > max:
            return f"each_like(): min {min} is greater than max {max}"
        if max is not None and max < 1:
            return f"each_like(): max must be at least 1, got {max}"
        return None

    m.check = check
    return m


AbstractMatcher = Matcher  # pact-python's name for the type of every matcher

# --------------------------------------------------------------------------- numbers

_LENIENT: dict[_b.str, _b.bool | None] = {"ranges": None}  # set by lenient_ranges()


def lenient_ranges(enabled: _b.bool | None = True) -> None:
    """pact-python's reading of ``min``/``max``/``size`` for matchers made from now on: they
    only shape generated values, and are neither rules nor checked against the example.

    Overrides ``ACCORD_LENIENT_RANGES`` (``1`` turns it on for a whole run; ``None`` goes back
    to it); a migration aid, since such a contract accepts values the arguments seem to
    exclude."""
    _LENIENT["ranges"] = enabled


def _lenient() -> _b.bool:
    chosen = _LENIENT["ranges"]
    if chosen is not None:
        return chosen
    return _os.environ.get("ACCORD_LENIENT_RANGES", "").strip().lower() in ("1", "true", "yes")


def _range_rules(lo: _b.int | None, hi: _b.int | None) -> tuple[Rule, ...]:
    if (lo is None and hi is None) or _lenient():
        return ()
    return (Rule("regex", {"regex": int_range_regex(lo, hi)}),)


def _range_check(name: _b.str, value: Any, lo: Any, hi: Any) -> _b.str | None:
    if lo is not None and hi is not None and lo > hi:
        return f"{name}(): min {lo} is greater than max {hi}"
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        bounds = " ".join(f"{k}={v}" for k, v in (("min", lo), ("max", hi)) if v is not None)
        return f"{name}(): the example {value!r} is outside {bounds}"
    return None


def integer(value: _b.int | None = None, *, min: _b.int | None = None, max: _b.int | None = None,
            generator: Generator | Matcher | None = None) -> Matcher:
    """An integer; ``min``/``max`` are enforced (a range rule), and generate values when no
    example is given."""
    if value is None:
        g = _gen.random_int(min, max)
        rules = (Rule("integer"),) if _lenient() else g.rules
        return _with_generator(Matcher(g.value, rules, g.generator), generator)
    lenient = _lenient()

    def check() -> _b.str | None:
        if not _is_int(value):
            return f"integer(): the example {value!r} is not an integer"
        return None if lenient else _range_check("integer", value, min, max)

    rules = (Rule("integer"), *_range_rules(min, max))
    return _with_generator(Matcher(value, rules, check=check), generator)


int = integer


def decimal(value: _b.float | None = None, *, precision: _b.int | None = None,
            generator: Generator | Matcher | None = None) -> Matcher:
    """A number with a fractional part (``precision``: digits of generated values)."""
    if value is None:
        g = _gen.random_decimal(precision)
        return _with_generator(Matcher(g.value, g.rules, g.generator), generator)

    def check() -> _b.str | None:
        if not isinstance(value, _b.float):
            return f"decimal(): the example {value!r} is not a decimal (give e.g. 12.5)"
        return None

    return _with_generator(Matcher(value, (Rule("decimal"),), check=check), generator)


float = decimal


def number(value: _b.int | _b.float | None = None, *, min: _b.int | None = None,
           max: _b.int | None = None, precision: _b.int | None = None,
           generator: Generator | Matcher | None = None) -> Matcher:
    """Any number. ``min``/``max`` (integers only) are enforced as a range rule."""
    if value is None:
        g = _gen.random_int(min, max) if precision is None else _gen.random_decimal(precision)
        rules = ((Rule("number"), *_range_rules(min, max)) if precision is None
                 else (Rule("number"),))
        return _with_generator(Matcher(g.value, rules, g.generator), generator)

    lenient = _lenient()

    def check() -> _b.str | None:
        if not isinstance(value, (_b.int, _b.float)) or isinstance(value, _b.bool):
            return f"number(): the example {value!r} is not a number"
        if lenient:
            return None
        if (min is not None or max is not None) and not _is_int(value):
            return "number(): min/max can only be enforced on integers; use an integer example"
        return _range_check("number", value, min, max)

    rules = (Rule("number"), *_range_rules(min, max))
    return _with_generator(Matcher(value, rules, check=check), generator)


def boolean(value: _b.bool | None = None, *, generator: Generator | Matcher | None = None
            ) -> Matcher:
    """``true`` or ``false``."""
    if value is None:
        g = _gen.random_boolean()
        return _with_generator(Matcher(g.value, g.rules, g.generator), generator)

    def check() -> _b.str | None:
        return None if isinstance(value, _b.bool) else f"boolean(): {value!r} is not a boolean"

    return _with_generator(Matcher(value, (Rule("boolean"),), check=check), generator)


bool = boolean


# --------------------------------------------------------------------------- strings


def string(value: _b.str | None = None, *, size: _b.int | None = None,
           generator: Generator | Matcher | None = None) -> Matcher:
    """Any string; with ``size`` it must be exactly that long (a rule, not just a hint)."""
    if value is None:  # no example: generate one (pact-python does the same)
        g = _gen.random_string(size)
        value = g.value
        if generator is None:
            generator = g.generator
    rules: tuple[Rule, ...] = (Rule("type"),)
    lenient = _lenient()
    if size is not None and not lenient:
        rules += (Rule("regex", {"regex": rf"^[\s\S]{{{size}}}$"}),)

    def check() -> _b.str | None:
        if not isinstance(value, _b.str):
            return f"string(): the example {value!r} is not a string"
        if size is not None and len(value) != size and not lenient:
            return f"string(): the example {value!r} is {len(value)} characters, not size={size}"
        return None

    return _with_generator(Matcher(value, rules, check=check), generator)


str = string


def _regex_check(name: _b.str, value: Any, pattern: _b.str) -> _b.str | None:
    # the regex engines (RE2, regex) load on the first regex matcher, not with accord.match
    from accord.model.regex import RegexError, compile_pattern

    try:
        compiled = compile_pattern(pattern)
    except RegexError as exc:
        return f"{name}(): invalid regular expression {pattern!r}: {exc.reason}"
    if not isinstance(value, (_b.str, _b.int, _b.float)) or isinstance(value, _b.bool):
        return f"{name}(): the example {value!r} must be a string"
    try:
        matched = compiled.fullmatch(_b.str(value))
    except RegexError as exc:  # timed out: the pattern backtracks catastrophically
        return f"{name}(): {exc}"
    if not matched:
        hint = ""
        try:
            if isinstance(value, _b.str) and compile_pattern(value).fullmatch(pattern):
                hint = " (swapped? the order is regex(example, pattern))"
        except RegexError:
            pass
        return (f"{name}(): the example {value!r} does not match its own pattern "
                f"{pattern!r}{hint}")
    return None


def regex(value: _b.str | None = None, pattern: _b.str | None = None, *,
          regex: _b.str | None = None, generator: Generator | Matcher | None = None) -> Matcher:
    """A string matching ``pattern`` (Java/Rust regex syntax; the whole value must match).

    ``match.regex("2024-01-01", r"\\d{4}-\\d{2}-\\d{2}")``; pact-python's ``regex=`` keyword
    works too. Without an example, one is made up and a ``Regex`` generator attached.
    """
    pattern = pattern if pattern is not None else regex
    if pattern is None:
        raise ContractDefinitionError("match.regex(): a pattern is required")
    if value is None:
        g = _gen.regex(pattern)
        return _with_generator(Matcher(g.value, g.rules, g.generator), generator)
    m = Matcher(value, (Rule("regex", {"regex": pattern}),),
                check=lambda: _regex_check("regex", value, pattern))
    return _with_generator(m, generator)


def includes(value: _b.str, *, generator: Generator | Matcher | None = None) -> Matcher:
    """A string that contains ``value``."""
    return _with_generator(Matcher(value, (Rule("include", {"value": value}),)), generator)


def _preset(name: _b.str, pattern: _b.str, value: _b.str | None, default: _b.str) -> Matcher:
    example = default if value is None else value
    return Matcher(example, (Rule("regex", {"regex": pattern}),),
                   check=lambda: _regex_check(name, example, pattern))


def uuid(value: _b.str | None = None, *, format: _b.str = "lowercase") -> Matcher:
    """A UUID (``format``: lowercase, uppercase, simple, urn); generated when no example."""
    g = _gen.uuid(format)
    pattern = g.rules[0].params["regex"]
    if value is None:
        return Matcher(g.value, g.rules, g.generator)
    return _preset("uuid", pattern, value, g.value)


def email(value: _b.str | None = None) -> Matcher:
    """An e-mail address."""
    return _preset("email", r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$", value,
                   "user@example.com")


_IPV4 = r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$"
_IPV6 = (r"^(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|"
         r"(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}"
         r"(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|"
         r"(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}"
         r"(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|"
         r":(?:(?::[0-9A-Fa-f]{1,4}){1,7}|:)|::(?:[fF]{4}:)?(?:\d{1,3}\.){3}\d{1,3})$")


def ipv4(value: _b.str | None = None) -> Matcher:
    """An IPv4 address."""
    return _preset("ipv4", _IPV4, value, "127.0.0.1")


def ipv6(value: _b.str | None = None) -> Matcher:
    """An IPv6 address."""
    return _preset("ipv6", _IPV6, value, "::ffff:192.0.2.128")


def hexadecimal(value: _b.str | None = None, *, digits: _b.int | None = None) -> Matcher:
    """A hexadecimal string; generated (``digits`` long) when no example is given."""
    if value is None:
        g = _gen.random_hex(digits)
        return Matcher(g.value, g.rules, g.generator)
    pattern = rf"^[0-9a-fA-F]{{{digits}}}$" if digits else r"^[0-9a-fA-F]+$"
    return _preset("hexadecimal", pattern, value, value)


def semver(value: _b.str = "1.0.0") -> Matcher:
    """A semantic version (``1.2.3``, ``1.0.0-rc.1+build.5``)."""
    pattern = (r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-]"
               r"[0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
               r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")

    def check() -> _b.str | None:
        if not isinstance(value, _b.str) or not _re.fullmatch(pattern, value):
            return f"semver(): the example {value!r} is not a semantic version"
        return None

    return Matcher(value, (Rule("semver"),), check=check)


def not_empty(value: Matchable) -> Matcher:
    """Present and not empty (not null, "", [] or {}); otherwise matched by type."""

    def check() -> _b.str | None:
        if value is None or value == "" or value == [] or value == {}:
            return f"not_empty(): the example {value!r} is empty"
        return None

    return Matcher(value, (Rule("notEmpty"),), check=check)


# --------------------------------------------------------------------------- dates and times


def _date_matcher(name: _b.str, rule: _b.str, default_fmt: _b.str, value: Any, fmt: _b.str | None,
                  disable_conversion: _b.bool, generator_factory: Any) -> Matcher:
    java = fmt or default_fmt
    if not disable_conversion:
        try:
            java = strftime_to_java(java)
        except ValueError as exc:
            raise ContractDefinitionError(f"match.{name}(): format {fmt!r}: {exc}") from None
    if value is None:
        g = generator_factory(java, disable_conversion=True)
        return Matcher(g.value, (Rule(rule, {"format": java}),), g.generator)
    if isinstance(value, (_dt.date, _dt.time)):
        try:
            value = format_java(value, java)
        except ValueError as exc:
            raise ContractDefinitionError(f"match.{name}(): format {java!r}: {exc}") from None

    def check() -> _b.str | None:
        if not isinstance(value, _b.str):
            return f"{name}(): the example {value!r} must be a string or a date/time"
        try:
            from accord.matching.datetimes import matches_format
        except ImportError:  # pragma: no cover - the matching package is part of accord
            return None
        try:
            ok = matches_format(value, java, rule)
        except Exception as exc:  # an unusable pattern, whatever the parser calls it
            return f"{name}(): format {java!r} cannot be used: {exc}"
        if not ok:
            return f"{name}(): the example {value!r} does not match its own format {java!r}"
        return None

    return Matcher(value, (Rule(rule, {"format": java}),), check=check)


def date(value: _b.str | _dt.date | None = None, format: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> Matcher:
    """A date in ``format`` (Java ``yyyy-MM-dd`` by default; ``%Y-%m-%d`` is converted)."""
    return _date_matcher("date", "date", "yyyy-MM-dd", value, format, disable_conversion,
                         _gen.date)


def time(value: _b.str | _dt.time | None = None, format: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> Matcher:
    """A time of day in ``format`` (Java ``HH:mm:ss`` by default)."""
    return _date_matcher("time", "time", "HH:mm:ss", value, format, disable_conversion, _gen.time)


def datetime(value: _b.str | _dt.datetime | None = None, format: _b.str | None = None, *,
             disable_conversion: _b.bool = False) -> Matcher:
    """A timestamp in ``format`` (by default pact-python's ``%Y-%m-%dT%H:%M:%S%z``, Java
    ``yyyy-MM-dd'T'HH:mm:ssZ``: ``2000-02-01T13:45:30+0000``)."""
    return _date_matcher("datetime", "timestamp", "yyyy-MM-dd'T'HH:mm:ssZ", value, format,
                         disable_conversion, _gen.datetime)


timestamp = datetime


# --------------------------------------------------------------------------- others


def null() -> Matcher:
    """JSON ``null``."""
    return Matcher(None, (Rule("null"),))


none = null


def equality(value: Matchable) -> Matcher:
    """Exactly ``value`` (useful to stop a parent ``like`` from cascading)."""
    return Matcher(value, (Rule("equality"),))


equal = equality


def content_type(content_type: _b.str, value: Matchable = _UNSET) -> Matcher:
    """A body (or part) whose bytes are of ``content_type`` (checked by magic bytes)."""
    example = "" if value is _UNSET else value
    return Matcher(example, (Rule("contentType", {"value": content_type}),))


def array_containing(variants: Sequence[Matchable]) -> Matcher:
    """An array that contains, in any order and among others, an element like each variant."""
    if not isinstance(variants, (list, tuple)) or not variants:
        raise ContractDefinitionError("match.array_containing(): give a non-empty list of variants")
    return ArrayContaining(list(variants))


def _rules_of(rules: Matcher | Sequence[Matcher], name: _b.str) -> tuple[Rule, ...]:
    items = [rules] if isinstance(rules, Matcher) else list(rules)
    out: list[Rule] = []
    for m in items:
        if not isinstance(m, Matcher):
            raise ContractDefinitionError(f"match.{name}(): rules must be matchers, got {m!r}")
        out.extend(m.rules)
    return tuple(out)


def _key_matches(pattern: _b.str, key: _b.str) -> _b.bool:
    from accord.model.regex import RegexError, compile_pattern

    try:
        return compile_pattern(pattern).fullmatch(key)
    except RegexError:  # reported by the inner regex matcher's own check
        return True


def each_key_matches(value: Mapping[_b.str, Matchable],
                     rules: Matcher | Sequence[Matcher]) -> Matcher:
    """An object whose every key satisfies ``rules`` (e.g. ``match.regex(pattern=r"\\d+")``)."""
    inner = _rules_of(rules, "each_key_matches")
    rule = Rule("eachKey", {"rules": [r.to_json() for r in inner]})

    def check() -> _b.str | None:
        if not isinstance(value, Mapping) or not value:
            return "each_key_matches(): the example must be a non-empty object"
        for r in inner:
            if r.kind == "regex":
                for key in value:
                    if not _key_matches(r.params["regex"], key):
                        return (f"each_key_matches(): the example key {key!r} does not match "
                                f"{r.params['regex']!r}")
        return None

    return EachKey(dict(value), (rule,), check=check)


def each_value_matches(value: Mapping[_b.str, Matchable] | Sequence[Matchable],
                       rules: Matcher | Sequence[Matcher]) -> Matcher:
    """An object (or array) whose every value satisfies ``rules``, whatever its keys."""
    inner = _rules_of(rules, "each_value_matches")
    rule = Rule("eachValue", {"rules": [r.to_json() for r in inner]})

    def check() -> _b.str | None:
        if not isinstance(value, (Mapping, list, tuple)) or not value:
            return "each_value_matches(): the example must be a non-empty object or array"
        items = value.values() if isinstance(value, Mapping) else value
        for r in inner:
            if r.kind == "regex":
                for item in items:
                    problem = _regex_check("each_value_matches", item, r.params["regex"])
                    if problem:
                        return problem
        return None

    example = dict(value) if isinstance(value, Mapping) else list(value)
    return EachValue(example, (rule,), check=check)


each_key = each_key_matches
each_value = each_value_matches


def values(value: Mapping[_b.str, Matchable]) -> Matcher:
    """An object whose keys are free: any keys may appear, but each value must *equal* the
    example's value under the same key (or, for a key the example lacks, its first value).

    Only the keys are ignored, as in the official verifier; to match the values by type or
    pattern use ``each_value_matches``.
    """
    return Matcher(dict(value), (Rule("values"),))


_STATUS_CLASSES = {
    "info": 100, "information": 100, "success": 200, "redirect": 301, "clientError": 400,
    "serverError": 500, "nonError": 200, "error": 400,
}  # fmt: skip


def status_code(status: _b.str | Sequence[_b.int], value: _b.int | None = None) -> Matcher:
    """A response status in a class (``"success"``, ``"clientError"``, ...) or a list of codes.

    Use it in ``will_respond_with(match.status_code("success", 201))``.
    """
    if isinstance(status, _b.str):
        if status not in _STATUS_CLASSES:
            raise ContractDefinitionError(
                f"match.status_code(): unknown class {status!r} (one of "
                f"{', '.join(_STATUS_CLASSES)})")
        example = value if value is not None else _STATUS_CLASSES[status]
        wire: Any = status
    else:
        codes = [_b.int(c) for c in status]
        example = value if value is not None else codes[0]
        wire = codes

    def check() -> _b.str | None:
        if isinstance(wire, list) and example not in wire:
            return f"status_code(): the example {example} is not one of {wire}"
        if isinstance(wire, _b.str):
            lo = {"info": 100, "information": 100, "success": 200, "redirect": 300,
                  "clientError": 400, "serverError": 500}.get(wire)
            if lo is not None and not lo <= example < lo + 100:
                return f"status_code(): the example {example} is not in class {wire!r}"
            if wire == "nonError" and example >= 400:
                return f"status_code(): the example {example} is an error status"
            if wire == "error" and example < 400:
                return f"status_code(): the example {example} is not an error status"
        return None

    return Matcher(example, (Rule("statusCode", {"status": wire}),), check=check)


def url(path: _b.str = "/", regex: _b.str | None = None, *,
        base: _b.str = "http://localhost:8080") -> Matcher:
    """A URL on the provider: the mock server answers it with its own base URL.

    ``match.url("/orders/1", r".*/orders/\\d+$")``; ``path`` may also be a full example URL.
    """
    example = path if _re.match(r"^[a-z][a-z0-9+.\-]*://", path) else base.rstrip("/") + path
    if regex is None:
        tail = _re.sub(r"^[a-z][a-z0-9+.\-]*://[^/]*", "", example)
        regex = r".*(" + _re.escape(tail) + ")$"
    g = _gen.mock_server_url(regex, example)
    return Matcher(example, g.rules, g.generator,
                   check=lambda: _regex_check("url", example, regex))


def from_provider_state(expression: _b.str, example: JsonValue) -> Matcher:
    """A value the provider state supplies (``"${id}"``, ``"/users/${id}"``); ``example`` is
    used by the consumer test and written to the pact."""
    g = _gen.provider_state(expression, example)
    return Matcher(example, g.rules, g.generator)
