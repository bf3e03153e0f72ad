"""Messages: the reified message goes to the consumer's real handler (sync or async)."""

from __future__ import annotations

import json
import uuid

import pytest

from accord import generate, match
from accord.errors import (
    ContractDefinitionError,
    InteractionVerificationError,
    MismatchError,
    PactVerificationError,
)


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
    assert got == [b"\x00\x01", "hello"]  # text as str, as the verifier hands it to a provider


def test_pact_level_verify_runs_every_pending_message(msg_pact, pact_dir):
    pact = msg_pact()
    order_event(pact, "event one")
    order_event(pact, "event two")
    seen = []
    pact.verify(lambda body, metadata: seen.append(json.loads(body)["id"]), "Async")
    assert seen == [7, 7]
    assert len(read(pact_dir)["interactions"]) == 2


def test_reify_shows_what_a_handler_gets(msg_pact):
    body, metadata = order_event(msg_pact()).reify()
    assert body["id"] == 7 and metadata["topic"] == "orders"


def price_call(pact, description="a price request"):
    return (
        pact.upon_receiving(description, kind="sync")
        .given("SKU A-1 is sold")
        .with_request({"sku": match.regex("A-1", r"[A-Z]-\d")}, {"replyTo": "prices"})
        .will_respond_with(
            {"sku": match.string("A-1"), "price": match.decimal(9.99), "quote": generate.uuid()},
            {"status": "ok"},
        )
    )


class PriceClient:
    """Consumer code under test: sends JSON bytes over a request/reply transport."""

    def __init__(self, send):
        self.send = send

    def price(self, sku):
        body, metadata = self.send(json.dumps({"sku": sku}).encode(), {"replyTo": "prices"})
        if metadata.get("status") != "ok":
            raise LookupError(f"no price for {sku}")
        return body["price"], body["quote"]


def test_sync_message_consumer_sends_and_processes_the_response(msg_pact, pact_dir):
    got = []

    def consumer(send):
        got.append(PriceClient(send).price("B-2"))

    price_call(msg_pact()).verify(consumer)
    ((price, quote),) = got
    assert price == 9.99
    assert str(uuid.UUID(quote)) == quote  # the response's generator ran (consumer mode)
    (interaction,) = read(pact_dir)["interactions"]
    assert interaction["type"] == "Synchronous/Messages"
    assert interaction["request"]["contents"]["content"] == {"sku": "A-1"}
    assert interaction["request"]["metadata"]["replyTo"] == "prices"
    assert interaction["response"][0]["contents"]["content"]["price"] == 9.99
    assert interaction["response"][0]["metadata"]["status"] == "ok"


def test_the_channel_returns_a_reply_with_raw_and_decoded_forms(msg_pact):
    replies = []

    def consumer(channel):
        assert channel.request.body == {"sku": "A-1"}  # an example of what to send
        replies.append(channel.send({"sku": "C-3"}, {"replyTo": "prices"}))

    price_call(msg_pact()).verify(consumer)
    (reply,) = replies
    assert reply.body["sku"] == "A-1"
    assert json.loads(reply.content) == reply.body
    assert reply.content_type == "application/json"
    assert reply.metadata == {"status": "ok", "contentType": "application/json"}


def test_a_request_that_breaks_the_contract_fails_with_a_report(msg_pact, pact_dir):
    def consumer(send):
        send({"sku": "a1"}, {"replyTo": "quotes"})
        raise AssertionError("not reached: send raises")  # pragma: no cover

    with pytest.raises(MismatchError) as info:
        price_call(msg_pact()).verify(consumer)
    report = str(info.value)
    assert "a price request" in report and "request the consumer sent" in report
    assert "$.sku" in report and "replyTo" in report
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_a_mismatch_the_consumer_swallows_still_fails(msg_pact, pact_dir):
    def consumer(send):
        try:
            send({"sku": "wrong"}, {"replyTo": "prices"})
        except Exception:
            return None  # the consumer's own error handling must not hide the mismatch

    with pytest.raises(MismatchError, match=r"\$\.sku"):
        price_call(msg_pact()).verify(consumer)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_a_mismatch_turned_into_another_error_reports_the_mismatch(msg_pact):
    def consumer(send):
        try:
            send({"sku": "wrong"}, {"replyTo": "prices"})
        except Exception as exc:
            raise LookupError("price service unavailable") from exc

    with pytest.raises(MismatchError, match="does not match") as info:
        price_call(msg_pact()).verify(consumer)
    assert isinstance(info.value.__cause__, LookupError)


def test_the_consumers_own_failure_fails_the_test(msg_pact, pact_dir):
    def consumer(send):
        price, _quote = PriceClient(send).price("A-1")
        raise ValueError(f"cannot use price {price}")

    with pytest.raises(ValueError, match=r"cannot use price 9\.99"):
        price_call(msg_pact()).verify(consumer)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_a_consumer_that_never_sends_fails(msg_pact, pact_dir):
    with pytest.raises(MismatchError, match="never sent the request"):
        price_call(msg_pact()).verify(lambda send: None)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_async_consumer_without_running_loop(msg_pact, pact_dir):
    got = []

    async def consumer(send):
        got.append(PriceClient(send).price("A-1")[0])

    assert price_call(msg_pact()).verify(consumer) is None
    assert got == [9.99]
    assert read(pact_dir)["interactions"]


async def test_async_consumer_inside_a_loop(msg_pact, pact_dir):
    got = []

    async def consumer(send):
        got.append(PriceClient(send).price("A-1")[0])

    await price_call(msg_pact()).verify(consumer)
    await price_call(msg_pact(), "another price request").averify(consumer)
    await price_call(msg_pact(), "a third price request").averify(lambda send: send(
        {"sku": "D-4"}, {"replyTo": "prices"}))
    assert got == [9.99, 9.99]
    assert len(read(pact_dir)["interactions"]) == 3


async def test_async_consumer_failures_inside_a_loop(msg_pact, pact_dir):
    async def broken(send):
        raise RuntimeError("boom")

    async def mismatched(send):
        send({"sku": "nope"}, {"replyTo": "prices"})

    with pytest.raises(RuntimeError, match="boom"):
        await price_call(msg_pact()).verify(broken)
    with pytest.raises(MismatchError, match=r"\$\.sku"):
        await price_call(msg_pact(), "another").averify(mismatched)
    assert not (pact_dir / "orders-web-orders-api.json").exists()


def test_several_responses_and_pact_python_declaration_style(msg_pact, pact_dir):
    pact = msg_pact()
    (
        pact.upon_receiving("a stream request", kind="sync")
        .with_body({"q": match.string("x")}, part="request")
        .will_respond_with()
        .with_body({"n": match.integer(1)})
        .will_respond_with()
        .with_body({"done": match.boolean(True)})
    )
    seen = []

    def consumer(channel):
        seen.append([r.body for r in channel.send_all('{"q": "y"}')])
        seen.append(channel.send({"q": "z"}).body)

    pact.verify(consumer, "Sync")
    assert seen == [[{"n": 1}, {"done": True}], {"n": 1}]
    (interaction,) = read(pact_dir)["interactions"]
    assert len(interaction["response"]) == 2


def test_xml_response_and_metadata_generators(msg_pact, pact_dir):
    """features/V4/synchronous_message_consumer.feature, through the DSL."""
    xml = b"<?xml version='1.0'?><ns:projects xmlns:ns='urn:x' id='1'/>"
    received = []

    def consumer(channel):
        reply = channel.send({"one": 5, "two": "b"}, {"Origin": "Some Text", "ID": 7})
        received.append((channel.request, reply))

    (
        msg_pact().upon_receiving("an XML answer", kind="sync")
        .given("state one")
        .given("a user exists", username="Test", age=66)
        .with_request({"one": generate.random_int(0, 9), "two": "b"},
                      {"Origin": "Some Text", "ID": generate.random_int(0, 1000)})
        .will_respond_with(xml, {"ID": generate.random_int(0, 1000), "weight": 100.5},
                           content_type="application/xml")
        .verify(consumer)
    )
    ((request, reply),) = received
    assert isinstance(request.body["one"], int) and isinstance(request.metadata["ID"], int)
    assert reply.body == xml and reply.content_type == "application/xml"
    assert isinstance(reply.metadata["ID"], int) and reply.metadata["weight"] == 100.5
    (interaction,) = read(pact_dir)["interactions"]
    assert interaction["request"]["contents"]["contentType"] == "application/json"
    assert interaction["response"][0]["contents"]["contentType"] == "application/xml"
    assert interaction["request"]["metadata"]["Origin"] == "Some Text"
    assert [s["name"] for s in interaction["providerStates"]] == ["state one", "a user exists"]
    assert interaction["providerStates"][1]["params"] == {"username": "Test", "age": 66}
    assert interaction["response"][0]["generators"]["metadata"]["ID"]["type"] == "RandomInt"


def test_text_and_binary_messages(msg_pact, pact_dir):
    def ping(pact, description):
        return (
            pact.upon_receiving(description, kind="sync")
            .with_request(match.regex("ping 1", r"ping \d+"), content_type="text/plain")
            .will_respond_with(b"\x01\x02")
        )

    got = []
    ping(msg_pact(), "a ping").verify(lambda send: got.append(send("ping 42").body))
    assert got == [b"\x01\x02"]
    with pytest.raises(MismatchError, match="ping"):
        ping(msg_pact(), "a bad ping").verify(lambda send: send(b"pong"))
    assert [i["description"] for i in read(pact_dir)["interactions"]] == ["a ping"]


def test_pact_level_verify_hands_over_bodies_and_metadata_as_pact_python_does(msg_pact):
    """Checked against pact-python 4.2: the declared body as text (bytes when binary) and the
    metadata with contentType and JSON-decoded string values."""
    pact = msg_pact()
    (pact.upon_receiving("e1", "Async").with_body({"id": match.integer(7)}, "application/json")
         .with_metadata({"topic": "orders", "n": "1"}))
    pact.upon_receiving("e2", "Async").with_binary_body(b"\x00\x01", "application/octet-stream")
    pact.upon_receiving("e3", "Async").with_body("hello", "text/plain")
    seen = []
    assert pact.verify(lambda body, metadata: seen.append((body, metadata)), "Async") is None
    assert seen == [
        ('{"id":7}', {"contentType": "application/json", "n": 1, "topic": "orders"}),
        (b"\x00\x01", {"contentType": "application/octet-stream"}),
        ("hello", {"contentType": "text/plain"})]


def test_pact_level_verify_collects_handler_errors(msg_pact, pact_dir):
    pact = msg_pact()
    order_event(pact, "event one")
    order_event(pact, "event two")

    def handler(body, metadata):
        if "one" in json.dumps(metadata) or json.loads(body)["id"] != 7:
            raise ValueError("cannot")
        raise KeyError("boom")

    errors = pact.verify(handler, "Async", raises=False)
    assert [type(e) for e in errors] == [InteractionVerificationError] * 2
    assert [e.description for e in errors] == ["event one", "event two"]
    assert isinstance(errors[0].error, KeyError)
    assert "Error verifying interaction 'event one'" in str(errors[0])
    assert not (pact_dir / "orders-web-orders-api.json").exists()  # nothing passed

    again = msg_pact()
    order_event(again, "event three")
    with pytest.raises(PactVerificationError, match=r"count: 1(.|\n)*event three") as caught:
        again.verify(lambda body, metadata: 1 / 0, "Async")
    assert isinstance(caught.value.errors[0].error, ZeroDivisionError)


def test_pact_python_style_sync_handler_gets_the_request(msg_pact, pact_dir):
    pact = msg_pact()
    price_call(pact)
    price_call(pact, "a second price request")
    seen = []

    def handler(body, metadata):  # pact-python's Pact.verify(handler, "Sync")
        seen.append((json.loads(body), metadata["replyTo"]))

    pact.verify(handler, "Sync")
    assert seen == [({"sku": "A-1"}, "prices")] * 2
    assert len(read(pact_dir)["interactions"]) == 2


def test_pact_python_style_handler_returning_a_response_is_checked(msg_pact, pact_dir):
    quote = str(uuid.uuid4())
    pact = msg_pact()
    price_call(pact)
    with pytest.raises(MismatchError, match=r"matches none(.|\n)*\$\.price -> "):
        pact.verify(lambda body, metadata: ({"sku": "A-1", "price": "free", "quote": quote},
                                            {"status": "ok"}), "sync")
    ok = msg_pact()
    price_call(ok)
    ok.verify(lambda body, metadata: ({"sku": "A-1", "price": 1.5, "quote": quote},
                                      {"status": "ok"}), "sync")
    assert read(pact_dir)["interactions"][0]["description"] == "a price request"


def test_bad_message_declarations():
    from accord.consumer import Pact

    pact = Pact("a", "b")
    event = pact.upon_receiving("bad", kind="async")
    with pytest.raises(ContractDefinitionError, match=r"'bad'.*1 is outside max=0 \(at \$.n\)"):
        event.with_content({"n": match.integer(1, max=0)})
    with pytest.raises(ContractDefinitionError, match=r"'bad'.*metadata 'k'.*single value"):
        event.with_metadata(k=match.like({"a": match.integer(1)})).verify(lambda b, m: None)
