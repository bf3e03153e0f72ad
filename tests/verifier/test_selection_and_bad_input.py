"""Filters (API and environment variables), request customisation, and bad input: a provider
that is down, times out or answers garbage, a pact that does not parse, pending pacts, no
pacts found."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from accord import Verifier
from accord.verifier import Outcome

from .conftest import (
    free_port,
    garbage_server,
    get_user,
    make_flask,
    make_starlette,
    v3_pact,
    v4_pact,
    write_pact,
)


@pytest.fixture
def pacts(tmp_path: Path) -> Path:
    write_pact(tmp_path, v3_pact([get_user(1, state="user 1 exists"), get_user(2)], "web"))
    write_pact(tmp_path / "nested" / "deeper",
               v3_pact([get_user(1, description="mobile asks for user 1")], "mobile"))
    write_pact(tmp_path, v3_pact([get_user(1)], "web", "another-provider"), "other.json")
    (tmp_path / "package.json").write_text(json.dumps({"name": "not a pact"}))
    return tmp_path


def _names(verifier: Verifier) -> list[str]:
    result = verifier.add_transport(app=make_starlette()).verify(raises=False)
    assert result.ok, result.report()
    return sorted(r.name for r in result.results)


def test_directories_are_searched_recursively_for_our_provider(pacts: Path) -> None:
    assert _names(Verifier("users-api").add_source(pacts)) == [
        "mobile: mobile asks for user 1", "web: a request for user 1", "web: a request for user 2"]


def test_filters(pacts: Path) -> None:
    assert _names(Verifier("users-api").add_source(pacts).filter_consumers("mobile")) == [
        "mobile: mobile asks for user 1"]
    assert _names(Verifier("users-api").add_source(pacts).filter("user 2$")) == [
        "web: a request for user 2"]
    assert _names(Verifier("users-api").add_source(pacts).filter(state="exists")) == [
        "web: a request for user 1"]
    assert _names(Verifier("users-api").add_source(pacts).filter(no_state=True)) == [
        "mobile: mobile asks for user 1", "web: a request for user 2"]


def test_filter_environment_variables(pacts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_DESCRIPTION", "^mobile")
    assert _names(Verifier("users-api").add_source(pacts)) == ["mobile: mobile asks for user 1"]
    monkeypatch.delenv("PACT_DESCRIPTION")
    monkeypatch.setenv("PACT_PROVIDER_STATE", "user 1")
    assert _names(Verifier("users-api").add_source(pacts)) == ["web: a request for user 1"]
    monkeypatch.delenv("PACT_PROVIDER_STATE")
    monkeypatch.setenv("PACT_PROVIDER_NO_STATE", "true")
    assert len(_names(Verifier("users-api").add_source(pacts))) == 2


def _whoami(tmp_path: Path) -> Path:
    return write_pact(tmp_path, v3_pact([{
        "description": "who am I", "request": {"method": "GET", "path": "/whoami",
                                               "headers": {"Authorization": "Bearer example"}},
        "response": {"status": 200, "body": {"user": "alice"}}}]))


@pytest.mark.parametrize("make_app", [make_starlette, make_flask])
def test_custom_headers_replace_pact_headers(tmp_path: Path, make_app: object) -> None:
    path = _whoami(tmp_path)
    app = make_app()  # type: ignore[operator]
    assert not Verifier("users-api").add_source(path).add_transport(app=app).verify(raises=False).ok
    result = (Verifier("users-api").add_source(path).add_transport(app=app)
              .add_custom_header("Authorization", "Bearer s3cret").verify(raises=False))
    assert result.ok, result.report()


def test_request_filter_can_change_the_request(tmp_path: Path) -> None:
    verifier = Verifier("users-api").add_source(_whoami(tmp_path)) \
        .add_transport(app=make_starlette())
    seen: list[str] = []

    @verifier.request_filter
    def sign(request: httpx.Request) -> None:
        seen.append(str(request.url))
        request.headers["Authorization"] = "Bearer s3cret"

    assert verifier.verify(raises=False).ok
    assert seen == ["http://localhost/whoami"]


def test_a_provider_that_is_down_is_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    pact = v3_pact([get_user(1), get_user(2)])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(url=url).verify(raises=False)
    assert [r.outcome for r in result.results] == [Outcome.ERROR, Outcome.ERROR]
    assert all(r.unreachable for r in result.results)
    assert result.results[0].error.startswith(f"could not connect to the provider at {url}")
    assert result.summary() == "2 interactions, 0 passed, 2 failed"


@pytest.mark.parametrize("kind", ["asgi", "http"])
def test_a_provider_that_times_out(tmp_path: Path, kind: str, http_provider: str) -> None:
    pact = v3_pact([{"description": "slow", "request": {"method": "GET", "path": "/slow"},
                     "response": {"status": 200}}, get_user(1)])
    target = {"app": make_starlette()} if kind == "asgi" else {"url": http_provider}
    result = (Verifier("users-api", timeout=0.2).add_source(write_pact(tmp_path, pact))
              .add_transport(**target).verify(raises=False))
    slow, fast = result.results
    assert slow.outcome is Outcome.ERROR and "did not answer within 0.2 s" in slow.error
    assert slow.unreachable
    assert fast.ok


def test_a_provider_answering_garbage(tmp_path: Path) -> None:
    with garbage_server() as url:
        result = Verifier("users-api").add_source(write_pact(tmp_path, v3_pact([get_user(1)]))) \
            .add_transport(url=url).verify(raises=False)
    r = result.results[0]
    assert r.outcome is Outcome.ERROR
    assert r.error.startswith(f"the provider at {url} did not answer valid HTTP")


def test_an_app_that_raises_is_an_error_for_that_interaction(tmp_path: Path) -> None:
    async def app(scope: dict, receive: object, send: object) -> None:
        if scope["type"] == "http":
            raise ValueError("kaboom")

    result = Verifier("users-api").add_source(write_pact(tmp_path, v3_pact([get_user(1)]))) \
        .add_transport(app=app).verify(raises=False)
    assert result.results[0].error == "the provider app raised ValueError: kaboom"


def test_a_pact_that_does_not_parse_is_reported_and_the_others_verified(tmp_path: Path) -> None:
    write_pact(tmp_path, v3_pact([get_user(1)]))
    (tmp_path / "broken.json").write_text("{not json")
    bad = v3_pact([get_user(1)])
    bad["interactions"][0]["request"]["headers"] = {"X": {"nested": True}}
    write_pact(tmp_path, bad, "bad-headers.json")
    result = Verifier("users-api").add_source(tmp_path).add_transport(app=make_starlette()) \
        .verify(raises=False)
    # a file that is not JSON fails as a source; a pact with an unreadable interaction fails
    # only that interaction
    assert sorted(r.ok for r in result.results) == [False, True]
    assert [Path(f.source).name for f in result.source_failures] == ["broken.json"]
    assert not result.ok
    assert "header 'X' must be a string" in result.report()


def test_pending_interactions_never_fail_the_build(tmp_path: Path) -> None:
    pact = v4_pact([{
        "type": "Synchronous/HTTP", "description": "a new feature", "pending": True,
        "request": {"method": "GET", "path": "/users/1"},
        "response": {"status": 200, "body": {"content": {"id": 1, "nickname": "Al"}}},
    }])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=make_starlette()).verify(raises=False)
    (r,) = result.results
    assert r.outcome is Outcome.FAILED and r.pending and r.status == "pending"
    assert result.ok and result.pending_failures == [r] and result.failed == []
    result.assert_ok()


def test_no_pacts_found_fails_unless_allowed(tmp_path: Path) -> None:
    result = Verifier("users-api").add_source(tmp_path).add_transport(app=make_starlette()) \
        .verify(raises=False)
    assert result.no_pacts and not result.ok
    assert "No pacts were found for provider 'users-api'" in result.report()
    allowed = Verifier("users-api", fail_if_no_pacts_found=False).add_source(tmp_path) \
        .add_transport(app=make_starlette()).verify(raises=False)
    assert allowed.no_pacts and allowed.ok


def test_an_http_interaction_without_a_transport_is_an_error(tmp_path: Path) -> None:
    result = Verifier("users-api").add_source(write_pact(tmp_path, v3_pact([get_user(1)]))) \
        .verify(raises=False)
    assert "no provider to send HTTP requests to" in result.results[0].error
