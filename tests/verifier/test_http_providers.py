"""Passing and failing pacts against the same provider in process (ASGI, WSGI) and over HTTP."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accord import Verifier
from accord.errors import VerificationFailed
from accord.verifier import Outcome

from .conftest import get_user, v3_pact, v4_pact, write_pact


def test_a_pact_the_provider_honours_passes(tmp_path: Path, provider: dict[str, Any]) -> None:
    pact = v3_pact([
        get_user(1),
        get_user(2),
        {"description": "a request for a missing user",
         "request": {"method": "GET", "path": "/users/42"},
         "response": {"status": 404, "body": {"error": "not found"}}},
        {"description": "a request for a name only",
         "request": {"method": "GET", "path": "/users/1", "query": "fields=name"},
         "response": {"status": 200, "body": {"name": "Alice"}}},
        {"description": "a user is created",
         "request": {"method": "POST", "path": "/users",
                     "headers": {"Content-Type": "application/json"},
                     "body": {"name": "Carol"}},
         "response": {"status": 201, "body": {"id": 99, "name": "Carol"},
                      "matchingRules": {"$.body.id": {"match": "integer"}}}},
    ])
    write_pact(tmp_path, pact)
    result = Verifier("users-api").add_source(tmp_path).add_transport(**provider).verify()
    assert result.ok, result.report()
    assert [r.outcome for r in result.results] == [Outcome.PASSED] * 5
    assert result.assert_ok() is result


def test_matchers_accept_other_values(tmp_path: Path, provider: dict[str, Any]) -> None:
    pact = v4_pact([{
        "type": "Synchronous/HTTP", "description": "any user",
        "request": {"method": "GET", "path": "/users/2"},
        "response": {"status": 200,
                     "headers": {"Content-Type": ["application/json"]},
                     "body": {"content": {"id": 1, "name": "Someone", "role": "admin"},
                              "contentType": "application/json", "encoded": False},
                     "matchingRules": {"body": {
                         "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
                         "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
                         "$.role": {"combine": "AND", "matchers": [
                             {"match": "regex", "regex": "admin|user"}]}}}},
    }])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(**provider).verify(raises=False)
    assert result.ok, result.report()


def test_a_broken_provider_fails_with_the_right_mismatches(tmp_path: Path,
                                                           provider: dict[str, Any]) -> None:
    pact = v3_pact([
        get_user(1, body={"id": 1, "name": "Alicia", "role": "admin"}),
        get_user(2, status=201, description="wrong status"),
        {"description": "missing header",
         "request": {"method": "GET", "path": "/users/1"},
         "response": {"status": 200, "headers": {"X-Version": "2"}}},
        get_user(1, description="passes"),
    ])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(**provider).verify(raises=False)
    assert not result.ok
    by_name = {r.description: r for r in result.results}
    body = by_name["a request for user 1"]
    assert body.outcome is Outcome.FAILED
    assert [(m.kind, m.path) for m in body.mismatches] == [("BodyMismatch", "$.name")]
    assert "Alicia" in body.mismatches[0].message and "Alice" in body.mismatches[0].message
    assert [m.kind for m in by_name["wrong status"].mismatches] == ["StatusMismatch"]
    header = by_name["missing header"].mismatches
    assert [(m.kind, m.path) for m in header] == [("HeaderMismatch", "X-Version")]
    assert by_name["passes"].ok
    assert len(result.failed) == 3 and len(result.passed) == 1
    with pytest.raises(VerificationFailed) as caught:
        result.assert_ok()
    assert isinstance(caught.value, AssertionError)
    assert "FAILED web: wrong status" in str(caught.value)
    assert "$.name" in str(caught.value)


def test_the_request_sent_and_responses_are_kept(tmp_path: Path) -> None:
    from .conftest import make_starlette

    pact = v3_pact([get_user(1, body={"id": 7})])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=make_starlette()).verify(raises=False)
    r = result.results[0]
    assert r.request.method == "GET" and r.request.path == "/users/1"
    assert r.actual.status == 200 and r.actual.body.json["name"] == "Alice"
    assert r.expected.body.json == {"id": 7}


def test_asgi_lifespan_runs_before_requests(tmp_path: Path) -> None:
    import contextlib

    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Any):  # type: ignore[no-untyped-def]
        events.append("startup")
        yield
        events.append("shutdown")

    async def ready(request: Any) -> JSONResponse:
        return JSONResponse({"ready": events == ["startup"]})

    app = Starlette(routes=[Route("/ready", ready)], lifespan=lifespan)
    pact = v3_pact([{"description": "ready", "request": {"method": "GET", "path": "/ready"},
                     "response": {"status": 200, "body": {"ready": True}}}])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=app).verify(raises=False)
    assert result.ok, result.report()
    assert events == ["startup", "shutdown"]


def test_fastapi_app_in_process(tmp_path: Path) -> None:
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/items/{item_id}")
    async def item(item_id: int, q: str | None = None) -> dict[str, Any]:
        return {"id": item_id, "q": q}

    pact = v3_pact([{"description": "an item",
                     "request": {"method": "GET", "path": "/items/5", "query": {"q": ["a b&c"]}},
                     "response": {"status": 200, "body": {"id": 5, "q": "a b&c"}}}])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=app).verify(raises=False)
    assert result.ok, result.report()


def test_lifespan_state_reaches_requests(tmp_path: Path) -> None:
    import contextlib

    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    @contextlib.asynccontextmanager
    async def lifespan(app: Any):  # type: ignore[no-untyped-def]
        yield {"db": "connected"}

    async def status(request: Request) -> JSONResponse:
        return JSONResponse({"db": request.state.db})

    app = Starlette(routes=[Route("/status", status)], lifespan=lifespan)
    pact = v3_pact([{"description": "status", "request": {"method": "GET", "path": "/status"},
                     "response": {"status": 200, "body": {"db": "connected"}}}])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=app).verify(raises=False)
    assert result.ok, result.report()
