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

from accord.consumer._formats import strftime_to_java
from accord.consumer.generator_values import UUID_FORMATS, UUID_NAMES
from accord.consumer.matchers import Generated, Matcher, generated
from accord.errors import ContractDefinitionError
from accord.model import Generator
from accord.model.jsontypes import JsonValue

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

AbstractGenerator = Generated  # pact-python's name for the type of every generator


def _gen(kind: _b.str, example: Any = None, /, **params: Any) -> Generated:
    clean = {k: v for k, v in params.items() if v is not None}
    return generated(Generator(kind, clean), example)


def random_int(min: _b.int | None = None, max: _b.int | None = None) -> Generated:
    """A random integer in ``[min, max]`` (rules: integer, and the range when given)."""
    return _gen("RandomInt", min=min, max=max)


def random_decimal(digits: _b.int | None = None) -> Generated:
    """A random decimal number with ``digits`` digits (rule: decimal)."""
    return _gen("RandomDecimal", digits=digits)


def random_hex(digits: _b.int | None = None) -> Generated:
    """A random hexadecimal string of ``digits`` characters."""
    return _gen("RandomHexadecimal", digits=digits)


def random_string(size: _b.int | None = None) -> Generated:
    """A random alphanumeric string of ``size`` characters (rule: type)."""
    return _gen("RandomString", size=size)


def random_boolean() -> Generated:
    """A random boolean (rule: boolean)."""
    return _gen("RandomBoolean")


def regex(pattern: _b.str | None = None, example: _b.str | None = None, *,
          regex: _b.str | None = None) -> Generated:
    """A random string that matches ``pattern`` (rule: the same regex); pact-python's
    ``regex=`` keyword works too."""
    if pattern is None or regex is not None:
        if regex is None or (pattern is not None and pattern != regex):
            raise ContractDefinitionError("generate.regex: give the pattern once (pattern or "
                                          "regex=)")
        pattern = regex
    return _gen("Regex", example, regex=pattern)


def uuid(format: _b.str = "lowercase") -> Generated:
    """A random UUID: format ``lowercase`` (default), ``uppercase``, ``simple`` or ``urn``."""
    key = UUID_NAMES.get(format, format)
    if key not in UUID_FORMATS:
        raise ContractDefinitionError(
            f"generate.uuid: unknown format {format!r} (simple, lowercase, uppercase, urn)")
    return _gen("Uuid", format=UUID_FORMATS[key][0])


def _java(fmt: _b.str | None, disable_conversion: _b.bool) -> _b.str | None:
    if fmt is None or disable_conversion:
        return fmt
    try:
        return strftime_to_java(fmt)
    except ValueError as exc:
        raise ContractDefinitionError(f"date/time format {fmt!r}: {exc}") from None


def _dated(kind: _b.str, default: _b.str, fmt: _b.str | None, expression: _b.str | None,
           disable_conversion: _b.bool) -> Generated:
    java = _java(fmt, disable_conversion) or default
    return _gen(kind, format=java, expression=expression)


def date(format: _b.str | None = None, expression: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> Generated:
    """Today's date (or ``expression``, e.g. ``"today + 1 day"``) in ``format``."""
    return _dated("Date", "yyyy-MM-dd", format, expression, disable_conversion)


def time(format: _b.str | None = None, expression: _b.str | None = None, *,
         disable_conversion: _b.bool = False) -> Generated:
    """The current time (or ``expression``, e.g. ``"now + 2 hours"``) in ``format``."""
    return _dated("Time", "HH:mm:ss", format, expression, disable_conversion)


def datetime(format: _b.str | None = None, expression: _b.str | None = None, *,
             disable_conversion: _b.bool = False) -> Generated:
    """The current date and time (or ``expression``) in ``format`` (by default pact-python's
    ``%Y-%m-%dT%H:%M:%S%z``, Java ``yyyy-MM-dd'T'HH:mm:ssZ``)."""
    return _dated("DateTime", "yyyy-MM-dd'T'HH:mm:ssZ", format, expression, disable_conversion)


def _data_type(example: Any) -> _b.str:
    if isinstance(example, _b.bool):
        return "BOOLEAN"
    if isinstance(example, _b.int):
        return "INTEGER"
    if isinstance(example, _b.float):
        return "DECIMAL"
    return "STRING"


def provider_state(expression: _b.str, example: JsonValue = None) -> Generated:
    """A value the provider-state set-up supplies, e.g. ``"${id}"`` or ``"/users/${id}"``.

    ``example`` is what the consumer test (and the pact file) uses; its type is kept when
    the provider substitutes the real value.
    """
    if example is None:
        example = expression
    return _gen("ProviderState", example, expression=expression, dataType=_data_type(example))


def mock_server_url(regex: _b.str | None = None, example: _b.str | None = None) -> Generated:
    """A URL pointing at the mock server (consumer side) with the path kept from ``example``."""
    example = example or "http://localhost:8080/"
    regex = regex or ".*"
    return _gen("MockServerURL", example, regex=regex, example=example)


def as_matcher(generator: Generator | Matcher) -> Matcher:
    """A generator given as a plain ``accord.model.Generator`` turned into a value with rules."""
    if isinstance(generator, Matcher):
        return generator
    return generated(generator)


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
def decimal(precision: _b.int | None = None) -> Generated:
    """pact-python's name and argument for ``random_decimal``: ``precision`` digits."""
    return random_decimal(precision)


float = decimal
hex = hexadecimal = random_hex
str = string = random_string
bool = boolean = random_boolean
timestamp = datetime
