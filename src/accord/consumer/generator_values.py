"""What a generator implies in a consumer test: the stable example written into the pact and
the matching rules that fit every value it makes.

Both ``accord.generate`` (``generate.uuid()``) and a plain ``accord.model.Generator`` met in a
body use this, so the two cannot disagree; it knows nothing of matchers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accord.consumer._formats import example_for_regex, format_java, int_range_regex
from accord.errors import ContractDefinitionError
from accord.model import Generator, Rule
from accord.model.jsontypes import JsonValue

__all__ = ["UUID_FORMATS", "UUID_NAMES", "implied"]

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
"""``generate.uuid`` formats: the name in the pact, the regex rule and the example."""

UUID_NAMES = {"lower-case-hyphenated": "lowercase", "upper-case-hyphenated": "uppercase",
              "URN": "urn", "lower": "lowercase", "upper": "uppercase"}
"""Other names of the ``UUID_FORMATS`` keys (the pact's own names among them)."""

Implied = tuple[JsonValue, tuple[Rule, ...]]


def implied(generator: Generator, example: JsonValue = None) -> Implied:
    """The example (``example`` when given) and the rules that fit ``generator``'s values."""
    rule_of = _KINDS.get(generator.kind)
    if rule_of is None:
        raise ContractDefinitionError(
            f"generator {generator.kind!r} cannot be used in a consumer test (use accord.generate)")
    return rule_of(generator.params, example)


def _random_int(params: Mapping[str, Any], example: Any) -> Implied:
    low, high = params.get("min"), params.get("max")
    if low is not None and high is not None and low > high:
        raise ContractDefinitionError(f"generate.random_int: min {low} is greater than max {high}")
    rules = [Rule("integer")]
    if low is not None or high is not None:
        rules.append(Rule("regex", {"regex": int_range_regex(low, high)}))
    if example is None:
        example = 1
        if low is not None and example < low:
            example = low
        if high is not None and example > high:
            example = high
    return example, tuple(rules)


def _random_decimal(params: Mapping[str, Any], example: Any) -> Implied:
    return (12.5 if example is None else example), (Rule("decimal"),)


def _random_hex(params: Mapping[str, Any], example: Any) -> Implied:
    digits = params.get("digits")
    size = digits or 10
    pattern = rf"^[0-9a-fA-F]{{{digits}}}$" if digits else r"^[0-9a-fA-F]+$"
    if example is None:
        example = ("0123456789abcdef" * (size // 16 + 1))[:size]
    return example, (Rule("regex", {"regex": pattern}),)


def _random_string(params: Mapping[str, Any], example: Any) -> Implied:
    size = params.get("size") or 10
    if example is None:
        example = ("abcdefghijklmnopqrstuvwxyz" * (size // 26 + 1))[:size]
    return example, (Rule("type"),)


def _random_boolean(params: Mapping[str, Any], example: Any) -> Implied:
    return (True if example is None else example), (Rule("boolean"),)


def _regex(params: Mapping[str, Any], example: Any) -> Implied:
    pattern = params.get("regex", ".*")
    if example is None:
        example = example_for_regex(pattern)
        if example is None:
            raise ContractDefinitionError(
                f"generate.regex: cannot make an example for {pattern!r}; pass example=...")
    return example, (Rule("regex", {"regex": pattern}),)


def _uuid(params: Mapping[str, Any], example: Any) -> Implied:
    name = params.get("format", "lowercase")
    key = UUID_NAMES.get(name, name)
    if key not in UUID_FORMATS:
        raise ContractDefinitionError(
            f"generate.uuid: unknown format {name!r} (simple, lowercase, uppercase, urn)")
    _wire, pattern, default = UUID_FORMATS[key]
    return (default if example is None else example), (Rule("regex", {"regex": pattern}),)


def _dated(kind: str, rule: str, default: str) -> Callable[[Mapping[str, Any], Any], Implied]:
    def implied_by(params: Mapping[str, Any], example: Any) -> Implied:
        java = params.get("format") or default
        if example is None:
            try:
                example = format_java(None, java)
            except ValueError as exc:
                raise ContractDefinitionError(
                    f"generate.{kind.lower()}: format {java!r}: {exc}") from None
        return example, (Rule(rule, {"format": java}),)
    return implied_by


def _provider_state(params: Mapping[str, Any], example: Any) -> Implied:
    return (params.get("expression", "") if example is None else example), (Rule("type"),)


def _mock_server_url(params: Mapping[str, Any], example: Any) -> Implied:
    if example is None:
        example = params.get("example") or "http://localhost:8080/"
    return example, (Rule("regex", {"regex": params.get("regex") or ".*"}),)


_KINDS: dict[str, Callable[[Mapping[str, Any], Any], Implied]] = {
    "RandomInt": _random_int,
    "RandomDecimal": _random_decimal,
    "RandomHexadecimal": _random_hex,
    "RandomString": _random_string,
    "RandomBoolean": _random_boolean,
    "Regex": _regex,
    "Uuid": _uuid,
    "Date": _dated("Date", "date", "yyyy-MM-dd"),
    "Time": _dated("Time", "time", "HH:mm:ss"),
    "DateTime": _dated("DateTime", "timestamp", "yyyy-MM-dd'T'HH:mm:ssZ"),
    "ProviderState": _provider_state,
    "MockServerURL": _mock_server_url,
}
