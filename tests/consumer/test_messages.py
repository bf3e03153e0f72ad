"""Messages: the reified message goes to the consumer's real handler (sync or async)."""

from __future__ import annotations

import json
import uuid

import pytest

from accord import generate, match
from accord.errors import ContractDefinitionError, MismatchError


def read(pact_dir, name="orders-web-orders-api.json"):
    return json.loads((pact_dir / name).read_text())


@pytest.fixture
def msg_pact(make_pact):
    return lambda **kw: make_pact("orders-web", "orders-api", **kw)


def order_event(pact, description="an order created event"):
    return (
        pact.upon_receiving(description, kind="async")
        .given("an order exists", id=7)
        .with_content({"id": match.integer(7), "total": match.decimal(9.5), "ref": generate.uuid()})
        .with_metadata({"topic": "orders", "key": match.regex("o-7", r"o-\d+")})
    )


def test_sync_handler_gets_reified_message_and_pact_is_written(msg_pact, pact_dir):
    seen = []

    def handler(body, metadata):
        seen.append((body, metadata))

    order_event(msg_pact()).verify(handler)
    ((body, metadata),) = seen
    assert body["id"] == 7 and body["total"] == 9.5
    assert str(uuid.UUID(body["ref"])) == body["ref"]
    assert body["ref"] != "e2490de5-5bd3-43d5-b7c4-526e33f71304"  # the generator ran
    assert metadata == {"topic": "orders", "key": "o-7", "contentType": "application/json"}
    (interaction,) = read(pact_dir)["interactions"]
    assert interaction["type"] == "Asynchronous/Messages"
    assert interaction["contents"]["content"]["id"] == 7
    assert interaction["matchingRules"]["body"]["$.id"] == {"matchers": [{"match": "integer"}]}
    assert interaction["matchingRules"]["metadata"]["key"]["matchers"][0]["match"] == "regex"
    assert interaction["metadata"]["topic"] == "orders"


def test_handler_exception_fails_and_nothing_is_written(msg_pact, pact_dir):
    def handler(body, metadata):
        raise ValueError(f"cannot process order {body['id']}")

    with pytest.raises(ValueError, match="cannot process order 7"):
        order_event(msg_pact()).verify(handler)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_async_handler_without_running_loop(msg_pact, pact_dir):
    got = []

    async def handler(body, metadata):
        got.append(body["id"])

    assert order_event(msg_pact()).verify(handler) is None
    assert got == [7]
    assert read(pact_dir)["interactions"]


async def test_async_handler_inside_a_loop_is_awaited(msg_pact, pact_dir):
    got = []

    async def handler(body, metadata):
        got.append(metadata["topic"])

    await order_event(msg_pact()).verify(handler)
    await order_event(msg_pact(), "another event").averify(handler)
    assert got == ["orders", "orders"]
    assert len(read(pact_dir)["interactions"]) == 2


async def test_async_handler_failure_inside_a_loop(msg_pact, pact_dir):
    async def handler(body, metadata):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await order_event(msg_pact()).verify(handler)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_v3_message_pact(msg_pact, pact_dir):
    pact = msg_pact().with_specification("V3")
    order_event(pact).verify(lambda body, metadata: None)
    doc = read(pact_dir)
    assert doc["metadata"]["pactSpecification"] == {"version": "3.0.0"}
    (message,) = doc["messages"]
    assert message["contents"]["id"] == 7
    assert message["metadata"]["topic"] == "orders"
    assert message["matchingRules"]["body"]["$.id"] == {"matchers": [{"match": "integer"}]}
    assert message["generators"]["body"]["$.ref"]["type"] == "Uuid"


def test_binary_and_text_messages(msg_pact):
    got = []
    pact = msg_pact()
    (
        pact.async_message("a binary event")
        .with_content(b"\x00\x01", "application/octet-stream")
        .verify(lambda body, metadata: got.append(body))
    )
    (
        pact.upon_receiving("a text event", kind="async")
        .with_content("hello", "text/plain")
        .verify(lambda body, metadata: got.append(body))
    )
    assert got == [b"\x00\x01", b"hello"]


def test_pact_level_verify_runs_every_pending_message(msg_pact, pact_dir):
    pact = msg_pact()
    order_event(pact, "event one")
    order_event(pact, "event two")
    seen = []
    pact.verify(lambda body, metadata: seen.append(body["id"]), "Async")
    assert seen == [7, 7]
    assert len(read(pact_dir)["interactions"]) == 2


def test_reify_shows_what_a_handler_gets(msg_pact):
    body, metadata = order_event(msg_pact()).reify()
    assert body["id"] == 7 and metadata["topic"] == "orders"


def price_call(pact):
    return (
        pact.upon_receiving("a price request", kind="sync")
        .given("SKU A-1 is sold")
        .with_request({"sku": match.regex("A-1", r"[A-Z]-\d")}, {"replyTo": "prices"})
        .will_respond_with(
            {"sku": match.string("A-1"), "price": match.decimal(9.99)}, {"status": "ok"}
        )
    )


def test_sync_message_handler_response_matches(msg_pact, pact_dir):
    def service(request, metadata):
        assert metadata["replyTo"] == "prices"
        return {"sku": request["sku"], "price": 12.5}, {"status": "ok"}

    price_call(msg_pact()).verify(service)
    (interaction,) = read(pact_dir)["interactions"]
    assert interaction["type"] == "Synchronous/Messages"
    assert interaction["request"]["contents"]["content"] == {"sku": "A-1"}
    assert interaction["response"][0]["contents"]["content"] == {"sku": "A-1", "price": 9.99}


def test_sync_message_mismatch_fails_with_details(msg_pact, pact_dir):
    def service(request, metadata):
        return {"sku": request["sku"], "price": "free"}, {"status": "ok"}

    with pytest.raises(MismatchError) as info:
        price_call(msg_pact()).verify(service)
    assert "a price request" in str(info.value)
    assert "$.price" in str(info.value)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


async def test_sync_message_async_handler(msg_pact):
    async def service(request, metadata):
        return {"sku": "B-2", "price": 1.25}, {"status": "ok"}

    await price_call(msg_pact()).verify(service)


def test_sync_message_several_responses_and_pact_python_style(msg_pact, pact_dir):
    pact = msg_pact()
    (
        pact.upon_receiving("a stream request", kind="sync")
        .with_request({"q": "x"})
        .will_respond_with()
        .with_body({"n": match.integer(1)})
        .will_respond_with()
        .with_body({"done": match.boolean(True)})
    )
    pact.verify(lambda request, metadata: {"done": False}, "Sync")
    (interaction,) = read(pact_dir)["interactions"]
    assert len(interaction["response"]) == 2


def test_bad_message_declarations():
    from accord.consumer import Pact

    pact = Pact("a", "b")
    event = pact.upon_receiving("bad", kind="async")
    with pytest.raises(ContractDefinitionError, match=r"'bad'.*1 is outside max=0 \(at \$.n\)"):
        event.with_content({"n": match.integer(1, max=0)})
    with pytest.raises(ContractDefinitionError, match=r"'bad'.*metadata 'k'.*single value"):
        event.with_metadata(k=match.like({"a": match.integer(1)})).verify(lambda b, m: None)
