"""Matching steps: an expected request/response against received ones, through accord.matching."""

from __future__ import annotations

from pytest_bdd import given, parsers, then, when

from accord.model import HttpRequest, HttpResponse

from ..support.http import (
    apply_request_changes,
    apply_response_changes,
    response_row,
    rows,
    with_header,
)
from ..support.inspect import describe, find_mismatch
from ..support.world import World


@given("an expected request configured with the following:")
def _(world: World, datatable: list[list[str]]) -> None:
    world.expected = apply_request_changes(HttpRequest(), rows(datatable)[0], world.spec)


@given("a request is received with the following:")
@given("the following requests are received:")
def _(world: World, datatable: list[list[str]]) -> None:
    world.actual = [apply_request_changes(HttpRequest(), row, world.spec)
                    for row in rows(datatable)]


@given(parsers.re(r'an expected request with an? "(?P<name>[^"]+)" header of "(?P<value>[^"]*)"'))
def _(world: World, name: str, value: str) -> None:
    world.expected = HttpRequest(headers=with_header({}, name, value))


@given(parsers.re(r'a request is received with an? "(?P<name>[^"]+)" header of "(?P<value>[^"]*)"'))
def _(world: World, name: str, value: str) -> None:
    world.actual = [HttpRequest(headers=with_header({}, name, value))]


@when(parsers.re(r"the requests? (is|are) compared to the expected one"))
def _(world: World) -> None:
    from accord.matching import match_request

    world.match_results = [match_request(world.expected, actual, spec=world.spec)
                           for actual in world.actual]


@then(parsers.re(r"the comparison should (?P<neg>NOT )?be OK"))
@then(parsers.re(r"the response comparison should (?P<neg>NOT )?be OK"))
def _(world: World, neg: str | None) -> None:
    for result in world.match_results:
        assert result.ok is (not neg), describe(result)


@then(parsers.re(r'the mismatches will contain a mismatch with error "(?P<path>[^"]*)" -> '
                 r'"(?P<error>.*)"$'))
def _(world: World, path: str, error: str) -> None:
    error = error.replace('\\"', '"')
    assert find_mismatch(world.match_results, path=path, error=error) is not None, (
        f"no mismatch at {path!r} with {error!r} in:\n{describe(world.match_results)}")


# ------------------------------------------------------------------ responses (V4 statusCode)


@given("an expected response configured with the following:")
def _(world: World, datatable: list[list[str]]) -> None:
    row = response_row(rows(datatable)[0])
    world.expected = apply_response_changes(HttpResponse(), row, world.spec)


@given(parsers.parse("a status {status:d} response is received"))
def _(world: World, status: int) -> None:
    world.actual = [HttpResponse(status=status)]


@when("the response is compared to the expected one")
def _(world: World) -> None:
    from accord.matching import match_response

    world.match_results = [match_response(world.expected, actual, spec=world.spec)
                           for actual in world.actual]


@then(parsers.re(r'the response mismatches will contain a "(?P<kind>[\w-]+)" mismatch with '
                 r'error "(?P<error>.*)"$'))
def _(world: World, kind: str, error: str) -> None:
    assert find_mismatch(world.match_results, kind=kind, error=error) is not None, (
        describe(world.match_results))
