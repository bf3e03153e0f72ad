"""One generator, one value: ``generate_value(generator, ctx, current_value)``.

The current (example) value decides the JSON type of the result where the reference
implementation does so: ``RandomInt`` gives a string for a string example and a number
otherwise, ``RandomDecimal`` a number for a number example, ``ProviderState`` keeps the type
of the provider-state value when the expression is a single ``${name}``.
"""

from __future__ import annotations

import json
import random
import re
import uuid
from collections.abc import Mapping
from dataclasses import field
from datetime import UTC, datetime
from typing import Any, Literal

from accord.errors import GeneratorError, MissingGeneratorInput
from accord.generation._datetime_expr import evaluate_date, evaluate_datetime, evaluate_time
from accord.generation._datetime_format import format_datetime
from accord.generation._regex_gen import generate_from_regex
from accord.model.catalogue import Catalogue
from accord.model.generators import Generator
from accord.model.regex import RegexError, compile_pattern
from accord.model.valueclass import dataclass

__all__ = ["GeneratorContext", "applies_in", "generate_value"]

Mode = Literal["consumer", "provider"]
_MISSING: Any = object()
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_HEX = "0123456789ABCDEF"


@dataclass(frozen=True)
class GeneratorContext:
    """Everything a generator may draw on, passed in so results are reproducible.

    ``mode`` is ``consumer`` (a mock server building a response) or ``provider`` (a verifier
    building a request); ``now`` is the clock reading (naive means UTC); ``random`` the random
    source; ``provider_state`` the values the provider's state set-up returned;
    ``mock_server_url`` the mock server's base URL (for ``MockServerURL``); ``catalogue``
    the body generators and plugins for content types beyond JSON, XML and forms (default:
    none, the built-in generation only).
    """

    mode: Mode
    now: datetime
    random: random.Random
    provider_state: Mapping[str, Any] = field(default_factory=dict)
    mock_server_url: str | None = None
    catalogue: Catalogue = field(default_factory=Catalogue)

    def __post_init__(self) -> None:
        if self.mode not in ("consumer", "provider"):
            raise GeneratorError(f"generator mode must be 'consumer' or 'provider', "
                                 f"got {self.mode!r}")

    @staticmethod
    def default(mode: Mode, **kw: Any) -> GeneratorContext:
        """A context on the real clock (local time zone) and a fresh ``Random``.

        The one impure convenience of this package: call it at the edge (mock server,
        verifier), never inside the core.
        """
        kw.setdefault("now", datetime.now().astimezone())
        kw.setdefault("random", random.Random())
        return GeneratorContext(mode, **kw)


def applies_in(generator: Generator, mode: str) -> bool:
    """Does ``generator`` run in ``mode``? ProviderState only for providers, MockServerURL
    only for consumers (as the official tools do); every other generator in both."""
    if generator.kind == "ProviderState":
        return mode == "provider"
    if generator.kind == "MockServerURL":
        return mode == "consumer"
    return True


def generate_value(generator: Generator, ctx: GeneratorContext, current_value: Any = None) -> Any:
    """The value ``generator`` produces in place of ``current_value`` (a JSON value).

    Raises ``GeneratorError`` when the generator's parameters are invalid or it has nothing
    to work from (no provider-state value, no mock server URL).
    """
    kind = generator.kind
    fn = _GENERATORS.get(kind)
    if fn is None:
        raise GeneratorError(f"unknown generator {kind!r}")
    return fn(generator, ctx, current_value)


# --------------------------------------------------------------------------- parameters


def _int_param(g: Generator, name: str, default: int) -> int:
    value = g.get(name, default)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise GeneratorError(f"{g.kind} generator: {name} must be an integer, got {value!r}")
    return value


def _str_param(g: Generator, name: str) -> str | None:
    value = g.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise GeneratorError(f"{g.kind} generator: {name} must be a string, got {value!r}")
    return value


# --------------------------------------------------------------------------- generators


def _random_int(g: Generator, ctx: GeneratorContext, current: Any) -> Any:
    lo, hi = _int_param(g, "min", 0), _int_param(g, "max", 10)
    if lo > hi:
        raise GeneratorError(f"RandomInt generator: min {lo} is greater than max {hi}")
    n = ctx.random.randint(lo, hi)
    return str(n) if isinstance(current, str) else n


def _random_decimal(g: Generator, ctx: GeneratorContext, current: Any) -> Any:
    digits = _int_param(g, "digits", 10)
    if digits < 0:
        raise GeneratorError(f"RandomDecimal generator: digits must not be negative, got {digits}")
    text = _decimal_digits(digits, ctx.random)
    if isinstance(current, (int, float)) and not isinstance(current, bool) and text:
        return float(text)
    return text


def _decimal_digits(digits: int, rng: random.Random) -> str:
    """``digits`` digits with a decimal point inside, no leading zero before other digits."""
    if digits == 0:
        return ""
    if digits == 1:
        return str(rng.randint(0, 9))
    chars = [str(rng.randint(1, 9))] + [str(rng.randint(0, 9)) for _ in range(digits - 1)]
    point = rng.randint(1, digits - 1)
    return "".join(chars[:point]) + "." + "".join(chars[point:])


def _random_hex(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    digits = _int_param(g, "digits", 10)
    return "".join(ctx.random.choice(_HEX) for _ in range(max(digits, 0)))


def _random_string(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    size = _int_param(g, "size", 10)
    return "".join(ctx.random.choice(_ALNUM) for _ in range(max(size, 0)))


def _random_boolean(g: Generator, ctx: GeneratorContext, current: Any) -> bool:
    return ctx.random.random() < 0.5


def _regex(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    pattern = _str_param(g, "regex")
    if pattern is None:
        raise GeneratorError("Regex generator needs a 'regex'")
    return generate_from_regex(pattern, ctx.random)


_UUID_FORMATS = ("simple", "lower-case-hyphenated", "upper-case-hyphenated", "URN")


def _uuid(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    fmt = _str_param(g, "format") or "lower-case-hyphenated"
    value = uuid.UUID(int=ctx.random.getrandbits(128), version=4)
    if fmt == "simple":
        return value.hex
    if fmt == "lower-case-hyphenated":
        return str(value)
    if fmt == "upper-case-hyphenated":
        return str(value).upper()
    if fmt.upper() == "URN":
        return value.urn
    raise GeneratorError(f"Uuid generator: unknown format {fmt!r} "
                         f"(expected one of {', '.join(_UUID_FORMATS)})")


def _now(ctx: GeneratorContext) -> datetime:
    return ctx.now if ctx.now.tzinfo is not None else ctx.now.replace(tzinfo=UTC)


def _date(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    value = evaluate_date(_now(ctx), _str_param(g, "expression") or "")
    return format_datetime(value, _str_param(g, "format") or "yyyy-MM-dd")


def _time(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    value = evaluate_time(_now(ctx), _str_param(g, "expression") or "")
    return format_datetime(value, _str_param(g, "format") or "HH:mm:ss")


def _datetime(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    value = evaluate_datetime(_now(ctx), _str_param(g, "expression") or "")
    return format_datetime(value, _str_param(g, "format") or "yyyy-MM-dd'T'HH:mm:ss.SSSZ")


def _mock_server_url(g: Generator, ctx: GeneratorContext, current: Any) -> str:
    example = _str_param(g, "example") or (current if isinstance(current, str) else "")
    regex = _str_param(g, "regex") or ""
    if ctx.mock_server_url is None:
        raise MissingGeneratorInput("MockServerURL generator: no mock server URL in the context")
    try:
        pattern = compile_pattern(regex)
        m = pattern.search(example)
    except RegexError as exc:
        raise GeneratorError(f"MockServerURL generator: {exc}") from None
    if m is None:
        return example
    base = ctx.mock_server_url.rstrip("/")
    tail = (m.group(1) or "") if pattern.groups >= 1 else ""
    return example[: m.start()] + base + tail + example[m.end() :]


# --------------------------------------------------------------------------- provider state


def _provider_state(g: Generator, ctx: GeneratorContext, current: Any) -> Any:
    expression = g.get("expression")
    if not isinstance(expression, str):
        raise GeneratorError("ProviderState generator needs an 'expression' string")
    data_type = g.get("dataType")
    if data_type is not None and (not isinstance(data_type, str)
                                  or data_type.upper() not in _CONVERTERS):
        raise GeneratorError(f"ProviderState generator: unknown dataType {data_type!r} "
                             f"(expected one of {', '.join(_CONVERTERS)})")
    value = _evaluate(expression, ctx.provider_state)
    if data_type is None:
        return value
    return _CONVERTERS[data_type.upper()](value, expression)


def _evaluate(expression: str, values: Mapping[str, Any]) -> Any:
    whole = _PLACEHOLDER.fullmatch(expression)
    if whole:
        return _lookup(whole.group(1).strip(), values, expression)
    if not _PLACEHOLDER.search(expression):
        return _lookup(expression, values, expression)  # a bare name, as the official tools
    return _PLACEHOLDER.sub(
        lambda m: _text(_lookup(m.group(1).strip(), values, expression)), expression)


def _lookup(name: str, values: Mapping[str, Any], expression: str) -> Any:
    if name in values:
        return values[name]
    node: Any = values
    for part in name.split("."):  # dotted names reach into nested provider-state values
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            available = ", ".join(sorted(map(str, values))) or "none"
            raise MissingGeneratorInput(
                f"ProviderState generator {expression!r}: the provider state gave no value "
                f"{name!r} (values given: {available})")
    return node


def _text(value: Any) -> str:
    """A provider-state value as text: strings as-is, everything else as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _to_int(value: Any, expression: str) -> int:
    try:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, float):
            return int(value)
        return int(str(value).strip())
    except ValueError:
        try:
            return int(float(str(value)))
        except ValueError:
            raise GeneratorError(f"ProviderState generator {expression!r}: {value!r} is not an "
                                 "integer") from None


def _to_float(value: Any, expression: str) -> float:
    try:
        return float(value if isinstance(value, (int, float)) else str(value).strip())
    except ValueError:
        raise GeneratorError(f"ProviderState generator {expression!r}: {value!r} is not a "
                             "number") from None


def _to_bool(value: Any, expression: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise GeneratorError(f"ProviderState generator {expression!r}: {value!r} is not a boolean")


_CONVERTERS = {
    "STRING": lambda v, e: _text(v),
    "INTEGER": _to_int,
    "DECIMAL": _to_float,
    "FLOAT": _to_float,
    "BOOLEAN": _to_bool,
    "RAW": lambda v, e: v,
}

_GENERATORS = {
    "RandomInt": _random_int,
    "RandomDecimal": _random_decimal,
    "RandomHexadecimal": _random_hex,
    "RandomString": _random_string,
    "RandomBoolean": _random_boolean,
    "Regex": _regex,
    "Uuid": _uuid,
    "Date": _date,
    "Time": _time,
    "DateTime": _datetime,
    "ProviderState": _provider_state,
    "MockServerURL": _mock_server_url,
}
