"""Provider states: callables with params, setup/teardown, sync/async, injected values used by
ProviderState generators, the state-change URL protocol, and handlers that raise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accord import Verifier
from accord.verifier import Outcome

from .conftest import get_user, make_flask, make_starlette, serve, v3_pact, v4_pact, write_pact


def _stateful(tmp_path: Path, states: list[dict[str, Any]], uid: int = 5) -> Path:
    pact = v4_pact([{
        "type": "Synchronous/HTTP", "description": f"a request for user {uid}",
        "providerStates": states,
        "request": {"method": "GET", "path": f"/users/{uid}"},
        "response": {"status": 200,
                     "body": {"content": {"id": uid, "name": "Eve", "role": "user"}}},
    }])
    return write_pact(tmp_path, pact)


def test_params_setup_and_generator_teardown(tmp_path: Path) -> None:
    db: dict[int, dict[str, Any]] = {}
    calls: list[str] = []
    verifier = Verifier("users-api").add_source(
        _stateful(tmp_path, [{"name": "user exists", "params": {"id": 5, "name": "Eve"}}])
    ).add_transport(app=make_starlette(db))

    @verifier.state("user exists")
    def user_exists(id: int, name: str) -> Any:
        db[id] = {"id": id, "name": name, "role": "user"}
        calls.append(f"setup {id}")
        yield
        del db[id]
        calls.append(f"teardown {id}")

    result = verifier.verify(raises=False)
    assert result.ok, result.report()
    assert calls == ["setup 5", "teardown 5"] and db == {}


def test_teardown_true_passes_the_action_and_mapping_handlers(tmp_path: Path) -> None:
    db: dict[int, dict[str, Any]] = {}
    actions: list[tuple[str, str, dict[str, Any]]] = []

    def handler(state: str, action: str, params: dict[str, Any]) -> None:
        actions.append((state, action, params))
        if action == "setup":
            db[5] = {"id": 5, "name": "Eve", "role": "user"}
        else:
            db.clear()

    path = _stateful(tmp_path, [{"name": "user exists", "params": {"id": 5}}])
    result = (Verifier("users-api").add_source(path).add_transport(app=make_flask(db))
              .state_handler(handler, teardown=True).verify(raises=False))
    assert result.ok, result.report()
    assert actions == [("user exists", "setup", {"id": 5}),
                       ("user exists", "teardown", {"id": 5})]

    torn: list[str] = []
    result = (Verifier("users-api").add_source(path).add_transport(app=make_flask(db))
              .state_handler({"user exists": {
                  "setup": lambda params: db.update({5: {"id": 5, "name": "Eve",
                                                         "role": "user"}}),
                  "teardown": lambda: torn.append("done")}}).verify(raises=False))
    assert result.ok, result.report()
    assert torn == ["done"]


async def test_async_handlers_and_async_generators(tmp_path: Path) -> None:
    db: dict[int, dict[str, Any]] = {}
    order: list[str] = []
    verifier = Verifier("users-api").add_source(
        _stateful(tmp_path, [{"name": "user exists"}, {"name": "audit is on"}])
    ).add_transport(app=make_starlette(db))

    @verifier.state("user exists")
    async def user_exists() -> Any:
        db[5] = {"id": 5, "name": "Eve", "role": "user"}
        order.append("user")
        yield {"id": 5}
        order.append("user gone")

    @verifier.state("audit is on")
    async def audit() -> dict[str, Any]:
        order.append("audit")
        return {}

    result = verifier.verify(raises=False)  # called from inside a running event loop
    assert result.ok, result.report()
    assert order == ["user", "audit", "user gone"]


def _echo_app() -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse({"path": request.url.path, "query": dict(request.query_params),
                             "token": request.headers.get("x-token"),
                             "body": body.decode() or None})

    return Starlette(routes=[Route("/{rest:path}", echo, methods=["GET", "POST", "PUT"])])


def _generated_pact(tmp_path: Path) -> Path:
    return write_pact(tmp_path, v4_pact([{
        "type": "Synchronous/HTTP", "description": "an order for a user",
        "providerStates": [{"name": "a user with an order", "params": {"userId": 1}}],
        "request": {
            "method": "PUT", "path": "/users/1/orders/1",
            "query": {"since": ["2000"]},
            "headers": {"X-Token": ["example"], "Content-Type": ["application/json"]},
            "body": {"content": {"orderId": 1, "note": "x"}, "contentType": "application/json"},
            "generators": {
                "path": {"type": "ProviderState",
                         "expression": "/users/${userId}/orders/${orderId}"},
                "query": {"since": {"type": "ProviderState", "expression": "${since}"}},
                "header": {"X-Token": {"type": "ProviderState", "expression": "${token}"}},
                "body": {"$.orderId": {"type": "ProviderState", "expression": "${orderId}"}},
            },
        },
        "response": {"status": 200, "body": {"content": {
            "path": "/users/7/orders/42", "query": {"since": "2024"}, "token": "t-123",
            "body": '{"orderId":42,"note":"x"}'}}},
    }]))


def test_values_returned_by_a_state_are_injected_by_provider_state_generators(
        tmp_path: Path) -> None:
    verifier = Verifier("users-api").add_source(_generated_pact(tmp_path)) \
        .add_transport(app=_echo_app())
    seen: dict[str, Any] = {}

    @verifier.state("a user with an order")
    def with_order(userId: int) -> dict[str, Any]:
        seen["userId"] = userId
        return {"userId": 7, "orderId": 42, "token": "t-123", "since": "2024"}

    result = verifier.verify(raises=False)
    assert result.ok, result.report()
    assert seen == {"userId": 1}
    sent = result.results[0].request
    assert sent.path == "/users/7/orders/42"
    assert sent.header("X-Token") == ("t-123",)
    assert sent.body.json == {"orderId": 42, "note": "x"}


def test_state_change_url_protocol_injects_values(tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    async def state_change(request: Request) -> JSONResponse:
        payload = await request.json()
        received.append(payload)
        if payload["action"] == "setup":
            return JSONResponse({"userId": 7, "orderId": 42, "token": "t-123", "since": "2024"})
        return JSONResponse({})

    states = Starlette(routes=[Route("/_pact/state", state_change, methods=["POST"])])
    with serve(states) as url:
        result = (Verifier("users-api").add_source(_generated_pact(tmp_path))
                  .add_transport(app=_echo_app())
                  .state_change_url(f"{url}/_pact/state", teardown=True).verify(raises=False))
    assert result.ok, result.report()
    assert received == [
        {"state": "a user with an order", "params": {"userId": 1}, "action": "setup"},
        {"state": "a user with an order", "params": {"userId": 1}, "action": "teardown"},
    ]


def test_state_change_calls_of_a_run_share_one_connection(tmp_path: Path) -> None:
    # a client per call cost a new connection and SSL context each time (~50 ms per call)
    clients: list[tuple[str, int]] = []

    async def state_change(request: Request) -> JSONResponse:
        assert request.client is not None
        clients.append((request.client.host, request.client.port))
        return JSONResponse({})

    states = Starlette(routes=[Route("/_pact/state", state_change, methods=["POST"])])
    pact = v4_pact([{**get_user(uid), "type": "Synchronous/HTTP",
                     "providerStates": [{"name": f"user {uid} exists"}]} for uid in (1, 2)])
    with serve(states) as url:
        result = (Verifier("users-api").add_source(write_pact(tmp_path, pact))
                  .add_transport(app=make_starlette())
                  .state_change_url(f"{url}/_pact/state", teardown=True).verify())
    assert result.ok, result.report()
    assert len(clients) == 4
    assert len(set(clients)) == 1, clients


def test_relative_state_change_url_goes_to_the_in_process_app(tmp_path: Path) -> None:
    db: dict[int, dict[str, Any]] = {}
    app = make_starlette(db)

    async def state_change(request: Request) -> JSONResponse:
        payload = await request.json()
        db[5] = {"id": 5, "name": "Eve", "role": "user"}
        return JSONResponse({"seen": payload["state"]})

    app.router.routes.append(Route("/_pact/state", state_change, methods=["POST"]))
    result = (Verifier("users-api").add_source(_stateful(tmp_path, [{"name": "user exists"}]))
              .add_transport(app=app).state_change_url("/_pact/state").verify(raises=False))
    assert result.ok, result.report()


def test_state_change_url_failure_is_reported_per_interaction(tmp_path: Path) -> None:
    async def broken(request: Request) -> JSONResponse:
        return JSONResponse({"error": "boom"}, status_code=500)

    with serve(Starlette(routes=[Route("/state", broken, methods=["POST"])])) as url:
        result = (Verifier("users-api").add_source(_stateful(tmp_path, [{"name": "x"}]))
                  .add_transport(app=make_starlette()).state_change_url(url + "/state")
                  .verify(raises=False))
    r = result.results[0]
    assert r.outcome is Outcome.ERROR
    assert "HTTP 500" in r.error and "'x'" in r.error


def test_a_state_handler_that_raises_fails_that_interaction_only(tmp_path: Path) -> None:
    pact = v3_pact([get_user(1, state="broken state"), get_user(2, state="fine state")])
    verifier = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=make_starlette())
    torn: list[str] = []

    @verifier.state("broken state")
    def broken() -> None:
        raise RuntimeError("database is down")

    @verifier.state("fine state")
    def fine() -> Any:
        yield
        torn.append("fine")

    result = verifier.verify(raises=False)
    assert not result.ok
    bad, good = result.results
    assert bad.outcome is Outcome.ERROR
    assert bad.error == ("provider state setup failed: the state handler for 'broken state' "
                         "(setup) raised RuntimeError: database is down")
    assert good.ok and torn == ["fine"]
    assert result.summary() == "2 interactions, 1 passed, 1 failed"


def test_a_state_without_handler_is_noted(tmp_path: Path) -> None:
    pact = v3_pact([get_user(1, state="nobody handles this")])
    result = Verifier("users-api").add_source(write_pact(tmp_path, pact)) \
        .add_transport(app=make_starlette()).verify(raises=False)
    assert result.ok
    assert result.results[0].notes == [
        "no handler for provider state 'nobody handles this': it was ignored"]


def test_state_change_as_query_parameters(tmp_path: Path) -> None:
    received: list[dict[str, str]] = []

    async def state_change(request: Request) -> JSONResponse:
        received.append(dict(request.query_params))
        return JSONResponse({})

    with serve(Starlette(routes=[Route("/state", state_change, methods=["POST"])])) as url:
        result = (Verifier("users-api")
                  .add_source(_stateful(tmp_path, [{"name": "x", "params": {"id": 5}}]))
                  .add_transport(app=make_starlette({5: {"id": 5, "name": "Eve",
                                                         "role": "user"}}))
                  .state_handler(url + "/state", body=False).verify(raises=False))
    assert result.ok, result.report()
    assert received == [{"state": "x", "action": "setup", "id": "5"}]


def test_a_generic_handler_is_called_with_an_empty_state_for_stateless_interactions(
        tmp_path: Path) -> None:
    calls: list[tuple[str, str]] = []
    pact = v3_pact([get_user(1)])
    result = (Verifier("users-api").add_source(write_pact(tmp_path, pact))
              .add_transport(app=make_starlette())
              .state_handler(lambda state, action: calls.append((state, action)), teardown=True)
              .verify(raises=False))
    assert result.ok and calls == [("", "setup"), ("", "teardown")]
    assert result.results[0].notes == []


def test_state_parameters_win_over_the_handler_aliases(tmp_path: Path) -> None:
    db: dict[int, dict[str, Any]] = {}
    seen: list[tuple[Any, ...]] = []
    params = {"id": 5, "state": "active", "action": "promote", "params": "p"}
    verifier = Verifier("users-api").add_source(
        _stateful(tmp_path, [{"name": "user exists", "params": params}])
    ).add_transport(app=make_starlette(db))

    @verifier.state("user exists")
    def user_exists(id: int, state: str, action: str, params: str) -> None:
        seen.append((id, state, action, params))
        db[id] = {"id": id, "name": "Eve", "role": "user"}

    result = verifier.verify(raises=False)
    assert result.ok, result.report()
    assert seen == [(5, "active", "promote", "p")]


def _hello_pact(tmp_path: Path) -> Path:
    return write_pact(tmp_path, v4_pact([{
        "type": "Synchronous/HTTP", "description": "a greeting",
        "providerStates": [{"name": "a name", "params": {"name": "John"}},
                           {"name": "a greeting word", "params": {"word": "Hello"}}],
        "request": {"method": "GET", "path": "/api/hello/Mary",
                    "headers": {"X-Word": ["Hi"]},
                    "generators": {
                        "path": {"type": "ProviderState", "expression": "/api/hello/${name}"},
                        "header": {"X-Word": {"type": "ProviderState",
                                              "expression": "${word}"}}}},
        "response": {"status": 200},
    }]))


def test_provider_state_generators_fall_back_to_the_state_parameters(tmp_path: Path) -> None:
    # a state change that returns nothing leaves the states' own parameters (as the official
    # verifier merges them), so the request is not the recorded example
    verifier = Verifier("users-api").add_source(_hello_pact(tmp_path)) \
        .add_transport(app=_echo_app())
    verifier.state("a name")(lambda: None)
    verifier.state("a greeting word")(lambda: {"word": "Howdy"})  # returned values win
    result = verifier.verify()
    sent = result.results[0].request
    assert sent.path == "/api/hello/John"
    assert sent.header("X-Word") == ("Howdy",)
