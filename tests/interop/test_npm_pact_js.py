"""pact-js (``@pact-foundation/pact``) end to end through ``accord broker serve``: a JavaScript
consumer test writes a V4 pact, the Ruby ``pact-broker`` client publishes it, accord's verifier
and pact-js's ``Verifier`` both verify an HTTP provider from the broker and publish their results,
and can-i-deploy answers from those results.

One broker serves the module; the consumer test runs once (``js_pact``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from _npm_tools import (
    JS_DIR,
    ToolRun,
    accord_broker,
    node_modules,
    ok,
    pact_broker,
    run_command,
)
from _official import ProviderThread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

pytestmark = pytest.mark.interop


def order_api(*, broken: bool = False) -> Starlette:
    """OrderApi: orders kept in memory, set up through ``POST /_pact/state``.

    ``broken`` renames a field the consumer reads, as a careless provider change would.
    """
    orders: dict[int, dict[str, Any]] = {}
    states: list[dict[str, Any]] = []

    async def state(request: Request) -> Response:
        body = await request.json()
        states.append(body)
        if body.get("action", "setup") == "setup":
            if body["state"] == "an order exists":
                number = int(body["params"]["id"])
                orders[number] = {
                    "id": number, "status": "shipped", "total": 12.5,
                    "placedAt": "2025-06-07T08:09:10+02:00",
                    "items": [{"sku": "B-7", "quantity": 3}],
                }
            elif body["state"] == "no orders exist":
                orders.clear()
        return JSONResponse({})

    async def get_order(request: Request) -> Response:
        order = orders.get(int(request.path_params["number"]))
        if order is None:
            return JSONResponse({"error": "no such order"}, status_code=404)
        if broken:
            order = {**order, "lines": order["items"]}
            del order["items"]
        return JSONResponse(order)

    async def orders_by_status(request: Request) -> Response:
        wanted = request.query_params.get("status")
        return JSONResponse([o for o in orders.values() if o["status"] == wanted])

    async def place(request: Request) -> Response:
        await request.json()
        return JSONResponse({"id": 101, "status": "pending"}, status_code=201,
                            headers={"Location": "/orders/101"})

    app = Starlette(routes=[
        Route("/_pact/state", state, methods=["POST"]),
        Route("/orders/{number:int}", get_order),
        Route("/orders", orders_by_status, methods=["GET"]),
        Route("/orders", place, methods=["POST"]),
    ])
    app.state.states = states
    return app


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with accord_broker(tmp_path_factory.mktemp("pact-js-broker")) as url:
        yield url


def node(script: Path, *args: str, env: dict[str, str], cwd: Path) -> ToolRun:
    """``node <args> script`` with pact-js resolvable (``NODE_PATH``) and tracking off."""
    modules = node_modules()
    return run_command(["node", *args, str(script)], cwd=cwd, timeout=180,
                       env={**env, "NODE_PATH": str(modules)})


@pytest.fixture(scope="module")
def js_pact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pact that the pact-js consumer test writes."""
    work = tmp_path_factory.mktemp("pact-js")
    pacts = work / "pacts"
    run = node(JS_DIR / "consumer.test.cjs", "--test", env={"PACT_DIR": str(pacts)}, cwd=work)
    assert run.returncode == 0, run.text()
    assert "# pass 4" in run.stdout, run.stdout
    return pacts / "WebShop-OrderApi.json"


@pytest.fixture(scope="module")
def published(broker: str, js_pact: Path) -> str:
    """The pact-js pact published as WebShop js1 on main; returns the consumer version."""
    run = ok(pact_broker(broker, "publish", str(js_pact), "--consumer-app-version", "js1",
                         "--branch", "main"))
    assert "Pact successfully published for WebShop version js1 and provider OrderApi." in (
        run.stdout)
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "OrderApi", "--main-branch",
                   "main"))
    return "js1"


def accord_verify(broker: str, provider_url: str, version: str) -> ToolRun:
    command = [sys.executable, "-m", "accord", "verify", "--broker-url", broker,
               "--provider-name", "OrderApi", "--provider-base-url", provider_url,
               "--provider-states-setup-url", provider_url + "/_pact/state",
               "--consumer-version-selectors", '{"mainBranch":true}',
               "--publish", "--provider-version", version, "--provider-branch", "main"]
    return run_command(command)


def js_verify(broker: str, provider_url: str, version: str, cwd: Path) -> ToolRun:
    return node(JS_DIR / "verify_provider.cjs", cwd=cwd, env={
        "BROKER_URL": broker, "PROVIDER_URL": provider_url, "PROVIDER_VERSION": version})


def verification_of(broker: str, provider_version: str) -> dict[str, Any]:
    """The latest verification result that ``provider_version`` of OrderApi published."""
    matrix = httpx.get(broker + "/matrix", params={
        "q[][pacticipant]": "OrderApi", "q[][version]": provider_version,
        "latestby": "cvpv"}).json()
    rows = [row for row in matrix["matrix"] if row.get("verificationResult")]
    assert rows, json.dumps(matrix)[:2000]
    return dict(rows[0]["verificationResult"])


def test_the_pact_js_consumer_test_writes_a_v4_pact(js_pact: Path) -> None:
    doc = json.loads(js_pact.read_text())
    assert doc["metadata"]["pactSpecification"]["version"] == "4.0"
    assert doc["consumer"] == {"name": "WebShop"} and doc["provider"] == {"name": "OrderApi"}
    by_description = {i["description"]: i for i in doc["interactions"]}
    assert set(by_description) == {"a request for order 42", "a request for order 7",
                                   "a new order", "a request for shipped orders"}
    read = by_description["a request for order 42"]
    assert read["type"] == "Synchronous/HTTP"
    assert read["providerStates"] == [{"name": "an order exists", "params": {"id": 42}}]
    assert read["response"]["matchingRules"]["body"]["$.placedAt"]["matchers"][0]["match"] == (
        "datetime")


@dataclass
class Verifications:
    """One verifier's runs against a good and a broken OrderApi (publishing both results)."""

    good: ToolRun
    broken: ToolRun
    states: list[dict[str, Any]]


@pytest.fixture(scope="module")
def accord_verified(broker: str, published: str) -> Verifications:
    app = order_api()
    with ProviderThread(app) as provider:
        good = accord_verify(broker, provider.url, "ov-accord")
    with ProviderThread(order_api(broken=True)) as provider:
        broken = accord_verify(broker, provider.url, "ov-accord-broken")
    return Verifications(good, broken, app.state.states)


@pytest.fixture(scope="module")
def js_verified(broker: str, published: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Verifications:
    work = tmp_path_factory.mktemp("pact-js-verifier")
    app = order_api()
    with ProviderThread(app) as provider:
        good = js_verify(broker, provider.url, "ov-js", work)
    with ProviderThread(order_api(broken=True)) as provider:
        broken = js_verify(broker, provider.url, "ov-js-broken", work)
    return Verifications(good, broken, app.state.states)


def test_accord_verifies_the_pact_js_pact_from_the_broker(
    broker: str, accord_verified: Verifications
) -> None:
    assert accord_verified.good.returncode == 0, accord_verified.good.text()
    # like the official verifier, accord also calls the state URL with "" for no state
    assert {s["state"] for s in accord_verified.states} == {
        "an order exists", "no orders exist", ""}
    assert verification_of(broker, "ov-accord")["success"] is True

    failing = accord_verified.broken
    assert failing.returncode == 1, failing.text()
    assert "a request for order 42" in failing.out
    assert verification_of(broker, "ov-accord-broken")["success"] is False


def test_pact_js_verifies_its_pact_from_the_broker(
    broker: str, js_verified: Verifications
) -> None:
    run = js_verified.good
    assert run.returncode == 0, run.text()
    assert "pact-js verification passed" in run.stdout
    assert {s["state"] for s in js_verified.states} == {"an order exists", "no orders exist"}
    assert verification_of(broker, "ov-js")["success"] is True
    branch_version = httpx.get(broker + "/pacticipants/OrderApi/branches/main/versions/ov-js")
    assert branch_version.status_code == 200

    failing = js_verified.broken
    assert failing.returncode == 1, failing.text()
    assert "pact-js verification failed" in failing.stderr
    assert verification_of(broker, "ov-js-broken")["success"] is False


def test_can_i_deploy_answers_from_both_verifiers(
    broker: str, published: str, accord_verified: Verifications, js_verified: Verifications
) -> None:
    for provider_version, deployable in (("ov-accord", True), ("ov-js", True),
                                         ("ov-accord-broken", False), ("ov-js-broken", False)):
        answer = pact_broker(broker, "can-i-deploy", "--pacticipant", "WebShop", "--version",
                             published, "--pacticipant", "OrderApi", "--version",
                             provider_version)
        assert (answer.returncode == 0) is deployable, answer.text()
        assert ("Computer says yes" if deployable else "Computer says no") in answer.stdout

    ok(pact_broker(broker, "create-environment", "--name", "production", "--production"))
    waiting = pact_broker(broker, "can-i-deploy", "--pacticipant", "WebShop", "--version",
                          published, "--to-environment", "production")
    assert waiting.returncode == 1, waiting.text()
    ok(pact_broker(broker, "record-deployment", "--pacticipant", "OrderApi", "--version", "ov-js",
                   "--environment", "production"))
    ready = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "WebShop", "--version",
                           published, "--to-environment", "production"))
    assert "All required verification results are published and successful" in ready.stdout
