"""HTTP consumer steps: the Background table, the mock server, requests, and the pact file."""

from __future__ import annotations

import json
from dataclasses import replace

import httpx
from pytest_bdd import given, parsers, then, when

from accord.model import ProviderState, SynchronousHttp

from ..support.http import apply_request_changes, interactions_from_table, rows
from ..support.inspect import describe, find_mismatch
from ..support.pacts import make_pact, read_json, write_pact_file
from ..support.suite import FIXTURES, fixture_body
from ..support.world import World

ORDINALS = {"first": 0, "second": 1, "third": 2}


def _numbers(text: str) -> list[int]:
    return [int(n) for n in text.replace('"', "").split(",") if n.strip()]


@given("the following HTTP interactions have been defined:")
def _(world: World, datatable: list[list[str]]) -> None:
    world.interactions = interactions_from_table(datatable, world.spec)


# ------------------------------------------------------------------ the mock server


def _start(world: World, interactions: list[SynchronousHttp]) -> None:
    from accord.mock import MockServer

    world.extra["mock_pact"] = make_pact(interactions, world.spec)
    server = MockServer(world.extra["mock_pact"])
    server.__enter__()
    world.mock = server
    world.cleanup.append(lambda: _stop(world))


def _stop(world: World) -> None:
    if world.mock is not None and not world.extra.get("mock_stopped"):
        world.extra["mock_stopped"] = True
        try:
            world.mock.__exit__(None, None, None)
        except AssertionError as exc:  # only with raise_on_exit=True; kept for the report
            world.mock_error = exc


@when(parsers.re(r"the mock server is started with interactions? \"?(?P<numbers>[\d, ]+)\"?$"))
def _(world: World, numbers: str) -> None:
    _start(world, [world.interactions[n] for n in _numbers(numbers)])


@when(parsers.re(r"the mock server is started with interaction (?P<number>\d+) but with the "
                 r"following changes:"))
def _(world: World, number: str, datatable: list[list[str]]) -> None:
    base = world.interactions[int(number)]
    request = apply_request_changes(base.request, rows(datatable)[0], world.spec)
    _start(world, [replace(base, request=request)])


def _send(world: World, request: object) -> None:
    url = world.mock.url.rstrip("/") + request.path  # type: ignore[attr-defined]
    if request.raw_query is not None:  # type: ignore[attr-defined]
        url += "?" + request.raw_query  # type: ignore[attr-defined]
    headers = [(k, v) for k, vals in request.headers.items() for v in vals]  # type: ignore[attr-defined]
    body = request.body.content if request.body.is_present else None  # type: ignore[attr-defined]
    world.responses.append(httpx.request(request.method, url, headers=headers,  # type: ignore[attr-defined]
                                         content=body, timeout=10))


@when(parsers.re(r"request (?P<number>\d+) is made to the mock server$"))
def _(world: World, number: str) -> None:
    _send(world, world.interactions[int(number)].request)


@when(parsers.re(r"request (?P<number>\d+) is made to the mock server with the following "
                 r"changes:"))
def _(world: World, number: str, datatable: list[list[str]]) -> None:
    request = world.interactions[int(number)].request
    _send(world, apply_request_changes(request, rows(datatable)[0], world.spec))


@then(parsers.re(r"a (?P<status>\d+) (success|error) response is returned"))
def _(world: World, status: str) -> None:
    response = world.responses[-1]
    assert response.status_code == int(status), (
        f"expected {status}, got {response.status_code}: {response.text[:500]}\n"
        f"{describe(world.mock.report)}")


@then(parsers.parse('the payload will contain the "{name}" JSON document'))
def _(world: World, name: str) -> None:
    assert world.responses[-1].json() == json.loads((FIXTURES / f"{name}.json").read_text())


@then(parsers.parse('the content type will be set as "{content_type}"'))
def _(world: World, content_type: str) -> None:
    assert world.responses[-1].headers["content-type"] == content_type


@when("the pact test is done")
def _(world: World) -> None:
    _stop(world)
    world.extra["report"] = report = world.mock.report
    if report.ok:  # like a consumer test, the pact is written only when everything matched
        world.pact_file = write_pact_file(world.extra["mock_pact"], world.tmp / "pacts")


def _report(world: World) -> object:
    return world.extra.get("report") or world.mock.report


@then(parsers.re(r"the mock server status will (?P<neg>NOT )?be OK"))
def _(world: World, neg: str | None) -> None:
    report = _report(world)
    assert report.ok is (not neg), describe(report)


@then(parsers.re(r"the mock server will (?P<neg>NOT )?write out a Pact file for the "
                 r"interactions? when done"))
def _(world: World, neg: str | None) -> None:
    if neg:
        assert world.pact_file is None
        assert not list((world.tmp / "pacts").glob("*.json"))
    else:
        assert world.pact_file is not None and world.pact_file.exists()
        world.extra["pact_json"] = read_json(world.pact_file)


@then(parsers.parse("the mock server status will be an expected but not received error for "
                    "interaction {{{number:d}}}"))
def _(world: World, number: int) -> None:
    expected = world.interactions[number]
    missing = [m.description for m in _report(world).missing]
    assert expected.description in missing, missing


def _unexpected(world: World, method: str, path: str) -> None:
    unexpected = [(r.request.method.upper(), r.request.path) for r in _report(world).unexpected]
    assert (method, path) in unexpected, unexpected


@then(parsers.parse('the mock server status will be an unexpected "{method}" request received '
                    "error for interaction {{{number:d}}}"))
def _(world: World, method: str, number: int) -> None:
    _unexpected(world, method, world.interactions[number].request.path)


@then(parsers.parse('the mock server status will be an unexpected "{method}" request received '
                    'error for path "{path}"'))
def _(world: World, method: str, path: str) -> None:
    _unexpected(world, method, path)


@then("the mock server status will be mismatches")
def _(world: World) -> None:
    report = _report(world)
    assert not report.ok
    assert find_mismatch(report.mismatches) is not None, describe(report)


@then(parsers.re(r'the mismatches will contain a "(?P<kind>[\w-]+)" mismatch with error '
                 r'"(?P<error>.*)"$'))
def _(world: World, kind: str, error: str) -> None:
    report = world.mock.report
    assert find_mismatch(report, kind=kind, error=error) is not None, describe(report)


@then(parsers.re(r'the mismatches will contain a "(?P<kind>[\w-]+)" mismatch with path '
                 r'"(?P<path>[^"]*)" with error "(?P<error>.*)"$'))
def _(world: World, kind: str, path: str, error: str) -> None:
    report = world.mock.report
    assert find_mismatch(report, kind=kind, path=path, error=error) is not None, describe(report)


# ------------------------------------------------------------------ the pact file


def _pact_json(world: World) -> dict:
    if "pact_json" not in world.extra:
        assert world.pact_file is not None, "no pact file was written"
        world.extra["pact_json"] = read_json(world.pact_file)
    return world.extra["pact_json"]


def _nth(world: World, ordinal: str) -> dict:
    return _pact_json(world)["interactions"][ORDINALS[ordinal]]


@then(parsers.re(r"the pact file will contain \{?(?P<count>\d+)\}? interactions?$"))
def _(world: World, count: str) -> None:
    assert len(_pact_json(world)["interactions"]) == int(count)


@then(parsers.parse('the {{{ordinal}}} interaction request will be for a "{method}"'))
def _(world: World, ordinal: str, method: str) -> None:
    assert _nth(world, ordinal)["request"]["method"].upper() == method


def _document(name: str) -> object:
    return fixture_body(name).json


@then(parsers.parse('the {{{ordinal}}} interaction response will contain the "{name}" document'))
def _(world: World, ordinal: str, name: str) -> None:
    body = _nth(world, ordinal)["response"]["body"]
    if isinstance(body, dict) and "content" in body and world.spec.name == "V4":
        body = body["content"]
    assert body == _document(name)


@then(parsers.parse('the {{{ordinal}}} interaction request will contain the "{name}" document'))
def _(world: World, ordinal: str, name: str) -> None:
    body = _nth(world, ordinal)["request"]["body"]
    if isinstance(body, dict) and "content" in body and world.spec.name == "V4":
        body = body["content"]
    assert body == _document(name)


@then(parsers.parse('the {{{ordinal}}} interaction request query parameters will be "{query}"'))
def _(world: World, ordinal: str, query: str) -> None:
    from accord.model import parse_query_string

    written = _nth(world, ordinal)["request"]["query"]
    if isinstance(written, str):
        assert parse_query_string(written) == parse_query_string(query)
    else:
        expected = {k: list(v) for k, v in parse_query_string(query).items()}
        assert written == expected


@then(parsers.parse('the {{{ordinal}}} interaction request will contain the header "{name}" '
                    'with value "{value}"'))
def _(world: World, ordinal: str, name: str, value: str) -> None:
    headers = _nth(world, ordinal)["request"]["headers"]
    found = next(v for k, v in headers.items() if k.lower() == name.lower())
    assert found in (value, [value]), found


@then(parsers.parse('the {{{ordinal}}} interaction request content type will be "{content_type}"'))
def _(world: World, ordinal: str, content_type: str) -> None:
    request = _nth(world, ordinal)["request"]
    headers = request.get("headers", {})
    found = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if isinstance(found, list):
        found = found[0]
    if found is None and isinstance(request.get("body"), dict):
        found = request["body"].get("contentType")
    assert found == content_type


# ------------------------------------------------------------------ one interaction (V3, V4)


@given("an integration is being defined for a consumer test")
def _(world: World) -> None:
    world.defined.append(SynchronousHttp(description="a consumer test interaction"))


@given(parsers.re(r'a provider state "(?P<name>[^"]+)" is specified$'))
def _(world: World, name: str) -> None:
    _add_state(world, ProviderState(name))


@given(parsers.re(r'a provider state "(?P<name>[^"]+)" is specified with the following data:'))
def _(world: World, name: str, datatable: list[list[str]]) -> None:
    _add_state(world, ProviderState(name, state_params(datatable)))


def state_params(datatable: list[list[str]]) -> dict:
    row = rows(datatable)[0]
    return {k: json.loads(v) for k, v in row.items()}


def _add_state(world: World, state: ProviderState) -> None:
    last = world.defined[-1]
    world.defined[-1] = last.replace(provider_states=(*last.provider_states, state))


@when("the Pact file for the test is generated")
def _(world: World) -> None:
    world.pact_file = write_pact_file(make_pact(world.defined, world.spec), world.tmp / "pacts")
    world.extra["pact_json"] = read_json(world.pact_file)


def _only_interaction(world: World) -> dict:
    interactions = _pact_json(world).get("interactions") or _pact_json(world)["messages"]
    return interactions[0]


@then(parsers.parse("the interaction in the Pact file will contain {count:d} provider state"))
@then(parsers.parse("the interaction in the Pact file will contain {count:d} provider states"))
def _(world: World, count: int) -> None:
    assert len(_only_interaction(world)["providerStates"]) == count


@then(parsers.parse('the interaction in the Pact file will contain provider state "{name}"'))
def _(world: World, name: str) -> None:
    assert name in [s["name"] for s in _only_interaction(world)["providerStates"]]


@then(parsers.parse('the provider state "{name}" in the Pact file will contain the following '
                    "parameters:"))
def _(world: World, name: str, datatable: list[list[str]]) -> None:
    state = next(s for s in _only_interaction(world)["providerStates"] if s["name"] == name)
    assert state["params"] == json.loads(rows(datatable)[0]["parameters"])
