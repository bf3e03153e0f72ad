"""Generators: values made fresh when the contract is exercised (``accord.generate``).

Use one directly as a value (it brings the matching rule that fits it and a stable example)::

    .with_body({"id": generate.random_int(1, 1000), "at": generate.datetime("yyyy-MM-dd")})

or hand it to a matcher: ``match.string("Alice", generator=generate.random_string(8))``.
Response generators run in the mock server (consumer side); request generators run in the
verifier (provider side), where ``provider_state`` injects values the state set-up returned.
Formats are Java patterns; Python ``%Y-%m-%d`` formats are converted for you.
"""

from __future__ import annotations

import builtins as _b
from typing import Any

from accord.consumer._formats import (
    example_for_regex,
    format_java,
    int_range_regex,
    strftime_to_java,
)
from accord.consumer.matchers import Matcher, _Generated
from accord.errors import ContractDefinitionError
from accord.model import Generator, Rule

__all__ = [
    "AbstractGenerator",
    "as_matcher",
    "bool",
    "boolean",
    "date",
    "datetime",
    "decimal",
    "float",
    "hex",
    "hexadecimal",
    "int",
    "integer",
    "mock_server_url",
    "provider_state",
    "random_boolean",
    "random_decimal",
    "random_hex",
    "random_int",
    "random_string",
    "regex",
    "str",
    "string",
    "time",
    "timestamp",
    "uuid",
]

UUID_FORMATS = {
    "simple": ("simple", r"^[0-9a-f]{32}$", "e2490de55bd343d5b7c4526e33f71304"),
    "lowercase": ("lower-case-hyphenated",
                  r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                  "e2490de5-5bd3-43d5-b7c4-526e33f71304"),
    "uppercase": ("upper-case-hyphenated",
                  r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$",
                  "E2490DE5-5BD3-43D5-B7C4-526E33F71304"),
    "urn": ("URN",
            r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
            "urn:uuid:e2490de5-5bd3-43d5-b7c4-526e33f71304"),
}
_UUID_ALIASES = {"lower-case-hyphenated": "lowercase", "upper-case-hyphenated": "uppercase",
                 "URN": "urn", "lower": "lowercase", "upper": "uppercase"}


AbstractGenerator = _Generated  # pact-python's name for the type of every generator


def _gen(kind: _b.str, value: Any, rules: tuple[Rule, ...], /, **params: Any) -> _Generated:
    clean = {k: v for k, v in params.items() if v is not None}
    return _Generated(value, rules, Generator(kind, clean))


def random_int(min: _b.int | None = None, max: _b.int | None = None) -> _Generated:
    """A random integer in ``[min, max]`` (rules: integer, and the range when given)."""
    if min is not None and max is not None and min > max:
        raise ContractDefinitionError(f"generate.random_int: min {min} is greater than max {max}")
    rules = [Rule("integer")]
    if min is not None or max is not None:
        rules.append(Rule("regex", {"regex": int_range_regex(min, max)}))
    example = 1
    if min is not None and example < min:
        example = min
    if max is not None and example > max:
        example = max
    return _gen("RandomInt", example, tuple(rules), min=min, max=max)


def random_decimal(digits: _b.int | None = None) -> _Generated:
    """A random decimal number with ``digits`` digits (rule: decimal)."""
    return _gen("RandomDecimal", 12.5, (Rule("decimal"),), digits=digits)


def random_hex(digits: _b.int | None = None) -> _Generated:
    """A random hexadecimal string of ``digits`` characters."""
    size = digits or 10
    example = ("0123456789abcdef" * (size // 16 + 1))[:size]
    pattern = rf"^[0-9a-fA-F]{{{digits}}}$" if digits else r"^[0-9a-fA-F]+$"
    return _gen("RandomHexadecimal", example, (Rule("regex", {"regex": pattern}),), digits=digits)


def random_string(size: _b.int | None = None) -> _Generated:
    """A random alphanumeric string of ``size`` characters (rule: type)."""
    example = ("abcdefghijklmnopqrstuvwxyz" * ((size or 10) // 26 + 1))[: size or 10]
    return _gen("RandomString", example, (Rule("type"),), size=size)


def random_boolean() -> _Generated:
    """A random boolean (rule: boolean)."""
    return _gen("RandomBoolean", True, (Rule("boolean"),))


def regex(pattern: _b.str | None = None, example: _b.str | None = None, *,
          regex: _b.str | None = None) -> _Generated:
    """A random string that matches ``pattern`` (rule: the same regex); pact-python's
    ``regex=`` keyword works too."""
    if pattern is None or regex is not None:
        if regex is None or (pattern is not None and pattern != regex):
            raise ContractDefinitionError("generate.regex: give the pattern once (pattern or "
                                          "regex=)")
        pattern = regex
    if example is None:
        example = example_for_regex(pattern)
        if example is None:
            raise ContractDefinitionError(
                f"generate.regex: cannot make an example for {pattern!r}; pass example=...")
    return _gen("Regex", example, (Rule("regex", {"regex": pattern}),), regex=pattern)


def uuid(format: _b.str = "lowercase") -> _Generated:
    """A random UUID: format ``lowercase`` (default), ``uppercase``, ``simple`` or ``urn``."""
    key = _UUID_ALIASES.get(format, format)
    if key not in UUID_FORMATS:
        raise ContractDefinitionError(
            f"generate.uuid: unknown format {format!r} (simple, lowercase, uppercase, urn)")
    wire, pattern, example = UUID_FORMATS[key]
    return _gen("Uuid", example, (Rule("regex", {"regex": pattern}),), format=wire)


def _java(fmt: _b.str | None, disable_conversion: _b.bool) -> _b.str | None:
    if fmt is None or disable_conversion:
        return fmt
    try:
        return strftime_to_java(fmt)
    except ValueError as exc:
        raise ContractDefinitionError(f"date/time format {fmt!r}: {exc}") from None


def _dated(kind: _b.str, rule: _b.str, default: _b.str, fmt: _b.str | None,
           expression: _b.str | None, disable_conversion: _b.bool) -> _Generated:
    java = _java(fmt, disable_conversion) or default
    try:
        example = format_java(None, java)
    except ValueError as exc:
        raise ContractDefinitionError(f"generate.{kind.lower()}: format {java!r}: {exc}") from None
    return _gen(kind, example, (Rule(rule, {"format": java}),), format=java, expression=expression)


def date(format: _b.str | None = None, expression: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> _Generated:
    """Today's date (or ``expression``, e.g. ``"today + 1 day"``) in ``format``."""
    return _dated("Date", "date", "yyyy-MM-dd", format, expression, disable_conversion)


def time(format: _b.str | None = None, expression: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> _Generated:
    """The current time (or ``expression``, e.g. ``"now + 2 hours"``) in ``format``."""
    return _dated("Time", "time", "HH:mm:ss", format, expression, disable_conversion)


def datetime(format: _b.str | None = None, expression: _b.str | None = None, *,
             disable_conversion: _b.bool = False) -> _Generated:
    """The current date and time (or ``expression``) in ``format`` (by default pact-python's
    ``%Y-%m-%dT%H:%M:%S%z``, Java ``yyyy-MM-dd'T'HH:mm:ssZ``)."""
    return _dated("DateTime", "timestamp", "yyyy-MM-dd'T'HH:mm:ssZ", format, expression,
                  disable_conversion)


def _data_type(example: Any) -> _b.str:
    if isinstance(example, _b.bool):
        return "BOOLEAN"
    if isinstance(example, _b.int):
        return "INTEGER"
    if isinstance(example, _b.float):
        return "DECIMAL"
    return "STRING"


def provider_state(expression: _b.str, example: Any = None) -> _Generated:
    """A value the provider-state set-up supplies, e.g. ``"${id}"`` or ``"/users/${id}"``.

    ``example`` is what the consumer test (and the pact file) uses; its type is kept when
    the provider substitutes the real value.
    """
    if example is None:
        example = expression
    return _gen("ProviderState", example, (Rule("type"),), expression=expression,
                dataType=_data_type(example))


def mock_server_url(regex: _b.str | None = None, example: _b.str | None = None) -> _Generated:
    """A URL pointing at the mock server (consumer side) with the path kept from ``example``."""
    example = example or "http://localhost:8080/"
    regex = regex or ".*"
    return _gen("MockServerURL", example, (Rule("regex", {"regex": regex}),), regex=regex,
                example=example)


def as_matcher(generator: Generator | Matcher) -> Matcher:
    """A generator given as a plain ``accord.model.Generator`` turned into a value with rules."""
    if isinstance(generator, Matcher):
        return generator
    params = dict(generator.params)
    builders = {
        "RandomInt": lambda: random_int(params.get("min"), params.get("max")),
        "RandomDecimal": lambda: random_decimal(params.get("digits")),
        "RandomHexadecimal": lambda: random_hex(params.get("digits")),
        "RandomString": lambda: random_string(params.get("size")),
        "RandomBoolean": random_boolean,
        "Regex": lambda: regex(params.get("regex", ".*")),
        "Uuid": lambda: uuid(params.get("format", "lowercase")),
        "Date": lambda: date(params.get("format"), params.get("expression"),
                             disable_conversion=True),
        "Time": lambda: time(params.get("format"), params.get("expression"),
                             disable_conversion=True),
        "DateTime": lambda: datetime(params.get("format"), params.get("expression"),
                                     disable_conversion=True),
        "ProviderState": lambda: provider_state(params.get("expression", "")),
        "MockServerURL": lambda: mock_server_url(params.get("regex"), params.get("example")),
    }
    made = builders[generator.kind]()
    return _Generated(made.value, made.rules, generator)


def generator_of(value: Generator | Matcher | None) -> Generator | None:
    """The ``Generator`` behind a ``generate.*`` value (for ``generator=`` arguments)."""
    if value is None:
        return None
    if isinstance(value, Generator):
        return value
    if isinstance(value, Matcher) and value.generator is not None:
        return value.generator
    raise ContractDefinitionError(f"{value!r} is not a generator (use accord.generate.*)")


# pact-python spellings
int = integer = random_int
def decimal(precision: _b.int | None = None) -> _Generated:
    """pact-python's name and argument for ``random_decimal``: ``precision`` digits."""
    return random_decimal(precision)


float = decimal
hex = hexadecimal = random_hex
str = string = random_string
bool = boolean = random_boolean
timestamp = datetime
