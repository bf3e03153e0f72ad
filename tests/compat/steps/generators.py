"""Generator steps: requests/responses prepared for use through accord.generation."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from typing import Any

from pytest_bdd import given, parsers, then, when

from accord.model import HttpRequest, HttpResponse

from ..support.http import apply_request_changes, apply_response_changes, response_row, rows
from ..support.suite import json_cell
from ..support.world import World

# What "replaced with a <type>" means: a check on the generated JSON value. Like the official
# core, generators keep the example's JSON type (RandomInt on "a" gives "331"), so numbers may
# come as numeric strings.
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_TYPE_CHECKS: dict[str, Any] = {
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool))
    or (isinstance(v, str) and re.fullmatch(r"-?\d+", v) is not None),
    "decimal number": lambda v: isinstance(v, float)
    or (isinstance(v, str) and re.fullmatch(r"-?\d*\.\d+", v) is not None),
    "hexadecimal number": lambda v: isinstance(v, str) and _HEX.fullmatch(v) is not None,
    "random string": lambda v: isinstance(v, str) and v != "a",
    "string from the regex": lambda v: isinstance(v, str) and re.fullmatch(r"\d{1,8}", v),
    "date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v),
    "time": lambda v: isinstance(v, str) and re.fullmatch(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?", v),
    "date-time": lambda v: isinstance(v, str) and re.fullmatch(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", v),
    "UUID": lambda v: isinstance(v, str) and re.fullmatch(_UUID, v.lower()),
    "simple UUID": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{32}", v),
    "lower-case-hyphenated UUID": lambda v: isinstance(v, str) and re.fullmatch(_UUID, v),
    "upper-case-hyphenated UUID": lambda v: isinstance(v, str)
    and re.fullmatch(_UUID.replace("a-f", "A-F"), v),
    "URN UUID": lambda v: isinstance(v, str) and re.fullmatch("urn:uuid:" + _UUID, v),
    "boolean": lambda v: isinstance(v, bool),
}


def check_type(value: Any, kind: str) -> None:
    assert _TYPE_CHECKS[kind](value), f"{value!r} is not a {kind}"


def value_at(document: Any, path: str) -> Any:
    """The value at a simple ``$.a.b[0]`` path."""
    value = document
    for token in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path[1:]):
        name, index = token
        value = value[int(index)] if index else value[name]
    return value


def generator_context(world: World) -> Any:
    from accord.generation import GeneratorContext

    return GeneratorContext(
        mode=world.generator_mode,
        now=dt.datetime(2024, 5, 17, 13, 45, 12, tzinfo=dt.UTC),
        random=random.Random(7),
        provider_state=world.context.get("providerState", {}),
        mock_server_url=world.context.get("mockServer", {}).get("href"),
    )


@given("a request configured with the following generators:")
def _(world: World, datatable: list[list[str]]) -> None:
    world.expected = apply_request_changes(HttpRequest(), rows(datatable)[0], world.spec)


@given("a response configured with the following generators:")
def _(world: World, datatable: list[list[str]]) -> None:
    row = response_row(rows(datatable)[0])
    world.expected = apply_response_changes(HttpResponse(), row, world.spec)


@given(parsers.parse('the generator test mode is set as "{mode}"'))
def _(world: World, mode: str) -> None:
    world.generator_mode = mode.lower()


@when("the request is prepared for use")
def _(world: World) -> None:
    from accord.generation import generate_request

    world.generated = generate_request(world.expected, generator_context(world))


@when(parsers.parse('the request is prepared for use with a "{kind}" context:'))
def _(world: World, kind: str, datatable: list[list[str]]) -> None:
    from accord.generation import generate_request

    world.context[kind] = json_cell(datatable[0][0])
    world.generated = generate_request(world.expected, generator_context(world))


@when("the response is prepared for use")
def _(world: World) -> None:
    from accord.generation import generate_response

    world.generated = generate_response(world.expected, generator_context(world))


def _body_json(world: World) -> Any:
    return json.loads(world.generated.body.content)


@then(parsers.re(r'the body value for "(?P<path>[^"]+)" will have been replaced with an? '
                 r'"(?P<kind>[^"]+)"'))
def _(world: World, path: str, kind: str) -> None:
    check_type(value_at(_body_json(world), path), kind)


@then(parsers.re(r'the body value for "(?P<path>[^"]+)" will have been replaced with '
                 r'"(?P<value>[^"]+)"'))
def _(world: World, path: str, value: str) -> None:
    actual = value_at(_body_json(world), path)
    assert str(actual) == value, actual


def _part(generated: Any, part: str) -> str:
    match = re.fullmatch(r"(\w+)(?:\[(.+)\])?", part)
    assert match is not None
    name, key = match.groups()
    if name == "path":
        return generated.path
    if name == "status":
        return str(generated.status)
    if name == "header":
        values = generated.header(key)
        assert values, f"no header {key!r} in {generated.headers!r}"
        return values[0]
    if name == "queryParameter":
        values = (generated.query or {}).get(key)
        assert values, f"no query parameter {key!r} in {generated.query!r}"
        return str(values[0])
    raise AssertionError(f"unknown part {part!r}")


@then(parsers.parse('the request "{part}" will be set as "{value}"'))
def _(world: World, part: str, value: str) -> None:
    assert _part(world.generated, part) == value


@then(parsers.re(r'the (request|response) "(?P<part>[^"]+)" will match "(?P<pattern>[^"]+)"'))
def _(world: World, part: str, pattern: str) -> None:
    actual = _part(world.generated, part)
    assert re.fullmatch(pattern, actual), actual


@then(parsers.parse('the response "{part}" will not be "{value}"'))
def _(world: World, part: str, value: str) -> None:
    assert _part(world.generated, part) != value
