"""Message producers: V3 message pacts, V4 asynchronous and synchronous messages, sync and async
producers, and the official HTTP message relay for non-Python producers."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accord import Verifier
from accord.verifier import Message, Outcome

from .conftest import serve, write_pact

V3_MESSAGES = {
    "consumer": {"name": "billing"}, "provider": {"name": "orders"},
    "messages": [
        {"description": "an order created event",
         "providerStates": [{"name": "an order exists", "params": {"orderId": 55}}],
         "contents": {"orderId": 55, "total": 9.5},
         "metadata": {"contentType": "application/json", "queue": "orders"},
         "matchingRules": {"body": {"$.total": {"matchers": [{"match": "decimal"}]}}}},
        {"description": "a plain notice", "contents": "hello",
         "metadata": {"contentType": "text/plain"}},
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}

V4_MESSAGES = {
    "consumer": {"name": "billing"}, "provider": {"name": "orders"},
    "interactions": [
        {"type": "Asynchronous/Messages", "description": "an order created event",
         "providerStates": [{"name": "an order exists", "params": {"orderId": 55}}],
         "contents": {"content": {"orderId": 55, "total": 9.5},
                      "contentType": "application/json", "encoded": False},
         "metadata": {"contentType": "application/json", "queue": "orders"},
         "matchingRules": {"body": {"$.total": {"combine": "AND",
                                                "matchers": [{"match": "decimal"}]}}}},
        {"type": "Synchronous/Messages", "description": "a price request",
         "request": {"contents": {"content": {"sku": "AB-1"}, "contentType": "application/json",
                                  "encoded": False}},
         "response": [{"contents": {"content": {"sku": "AB-1", "price": 9.99},
                                    "contentType": "application/json", "encoded": False},
                       "matchingRules": {"body": {"$.price": {"combine": "AND", "matchers": [
                           {"match": "decimal"}]}}}}]},
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}},
}


def test_v3_message_pact_with_sync_and_async_producers(tmp_path: Path) -> None:
    verifier = Verifier("orders").add_source(write_pact(tmp_path, V3_MESSAGES))
    seen: dict[str, Any] = {}

    @verifier.message("an order created event")
    async def order_created(orderId: int) -> Message:
        seen["orderId"] = orderId
        return Message({"orderId": orderId, "total": 12.25}, metadata={"queue": "orders"})

    @verifier.message("a plain notice")
    def notice() -> Message:
        return Message("hello", content_type="text/plain")

    result = verifier.verify(raises=False)
    assert result.ok, result.report()
    assert seen == {"orderId": 55}
    assert [r.kind for r in result.results] == ["Asynchronous/Messages"] * 2


def test_v4_async_and_sync_messages(tmp_path: Path) -> None:
    verifier = Verifier("orders").add_source(write_pact(tmp_path, V4_MESSAGES))
    requests: list[Any] = []

    @verifier.message("an order created event")
    def order_created() -> tuple[dict[str, Any], dict[str, Any]]:
        return {"orderId": 55, "total": 1.5}, {"queue": "orders"}

    @verifier.message("a price request")
    def price(request: dict[str, Any]) -> dict[str, Any]:
        requests.append(request)
        return {"sku": request["sku"], "price": 3.25}

    result = verifier.verify(raises=False)
    assert result.ok, result.report()
    assert requests == [{"sku": "AB-1"}]


def test_message_mismatches_are_reported(tmp_path: Path) -> None:
    verifier = Verifier("orders").add_source(write_pact(tmp_path, V4_MESSAGES))
    verifier.message_handler({
        "an order created event": Message({"orderId": "55", "total": 1.5},
                                          metadata={"queue": "payments"}),
        "a price request": lambda request: {"sku": "AB-1", "price": "free"},
    })
    result = verifier.verify(raises=False)
    event, price = result.results
    assert event.outcome is Outcome.FAILED
    kinds = sorted((m.kind, m.path) for m in event.mismatches)
    assert kinds == [("BodyMismatch", "$.orderId"), ("MetadataMismatch", "queue")]
    assert [(m.kind, m.path) for m in price.mismatches] == [("BodyMismatch", "$.price")]


def test_missing_or_raising_producers_are_errors_for_that_message(tmp_path: Path) -> None:
    verifier = Verifier("orders").add_source(write_pact(tmp_path, V4_MESSAGES))

    @verifier.message("a price request")
    def price() -> None:
        raise KeyError("sku")

    result = verifier.verify(raises=False)
    event, price_result = result.results
    assert event.outcome is Outcome.ERROR and "no message producer for 'an order created " \
        "event'" in event.error
    assert price_result.error == ("the message producer for 'a price request' raised "
                                  "KeyError: 'sku'")


def test_generic_message_handler_receives_the_description(tmp_path: Path) -> None:
    names: list[str] = []

    def produce(description: str) -> Any:
        names.append(description)
        if "order" in description:
            return {"orderId": 55, "total": 1.0}, {"queue": "orders"}
        return "hello"

    result = Verifier("orders").add_source(write_pact(tmp_path, V3_MESSAGES)) \
        .message_handler(produce).verify(raises=False)
    assert result.ok, result.report()
    assert names == ["an order created event", "a plain notice"]


def test_http_message_relay_protocol(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    async def relay(request: Request) -> Response:
        payload = await request.json()
        calls.append(payload)
        if payload["description"] == "a plain notice":
            return Response(b"hello", media_type="text/plain")
        meta = base64.b64encode(json.dumps({"queue": "orders"}).encode()).decode()
        return Response(json.dumps({"orderId": 55, "total": 2.5}), media_type="application/json",
                        headers={"Pact-Message-Metadata": meta})

    with serve(Starlette(routes=[Route("/_pact/message", relay, methods=["POST"])])) as url:
        result = Verifier("orders").add_source(write_pact(tmp_path, V3_MESSAGES)) \
            .add_transport(url=url + "/_pact/message", protocol="message").verify(raises=False)
    assert result.ok, result.report()
    assert calls[0] == {"description": "an order created event",
                        "providerStates": [{"name": "an order exists",
                                            "params": {"orderId": 55}}]}
    assert calls[1] == {"description": "a plain notice", "providerStates": []}


def test_the_relay_gets_a_synchronous_request_in_the_official_form(tmp_path: Path) -> None:
    # the official verifier posts the request message as written in a V4 file: binary
    # contents base64-encoded (a raw bytes value could not be sent as JSON at all)
    pact = {"consumer": {"name": "web"}, "provider": {"name": "plugins"},
            "metadata": {"pactSpecification": {"version": "4.0"}},
            "interactions": [{
                "type": "Synchronous/Messages", "description": "an init request",
                "request": {"contents": {"content": "AAEC", "contentType":
                                         "application/octet-stream", "encoded": "base64"},
                            "metadata": {"key": "value"}},
                "response": [{"contents": {"content": "AwQ=", "contentType":
                                           "application/octet-stream", "encoded": "base64"}}],
            }]}
    calls: list[dict[str, Any]] = []

    async def relay(request: Request) -> Response:
        calls.append(await request.json())
        return Response(b"\x03\x04", media_type="application/octet-stream")

    with serve(Starlette(routes=[Route("/_pact/message", relay, methods=["POST"])])) as url:
        result = Verifier("plugins").add_source(write_pact(tmp_path, pact)) \
            .add_transport(url=url + "/_pact/message", protocol="message").verify()
    assert result.ok, result.report()
    request = calls[0]["request"]
    assert request["contents"] == {"content": "AAEC", "contentType": "application/octet-stream",
                                   "encoded": "base64"}
    assert request["metadata"] == {"key": "value"}
