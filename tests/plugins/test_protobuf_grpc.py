"""gRPC: the official plugin's gRPC pacts served by accord's gRPC mock server to a grpcio
client, and verified against a grpcio server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest

from accord.errors import MismatchError
from accord.pactfile import read_pact
from accord.plugins import ensure_plugins
from accord.plugins.protobuf import compile_proto
from accord.plugins.protobuf.grpc import GrpcMockServer, method_path, verify_grpc_provider

DATA = Path(__file__).parent.parent / "data" / "protobuf"
AREA = compile_proto(DATA / "area_calculator.proto")
Shape = AREA.message_class("area_calculator.ShapeMessage")
AreaResponse = AREA.message_class("area_calculator.AreaResponse")
METHOD = "/area_calculator.Calculator/calculateOne"
PACTS = ["http-plus-grpc.json", "area-calculator-grpc.json"]


def call(address: str, shape: Any) -> Any:
    with grpc.insecure_channel(address) as channel:
        stub = channel.unary_unary(METHOD, request_serializer=type(shape).SerializeToString,
                                   response_deserializer=AreaResponse.FromString)
        return stub(shape, timeout=5)


@pytest.mark.parametrize("name", PACTS)
def test_the_mock_server_answers_a_grpc_client_as_the_pact_says(name):
    pact = read_pact(DATA / name)
    ensure_plugins(pact)
    assert [method_path(i) for i in pact.interactions
            if i.plugin_config.get("protobuf", {}).get("service")] == [METHOD]
    with GrpcMockServer(pact) as server:
        answer = call(server.address, Shape(rectangle={"length": 3, "width": 4}))
    assert list(answer.value) == [12.0]


def test_a_request_that_breaks_the_pact_fails_the_call_and_the_test():
    pact = read_pact(DATA / "area-calculator-grpc.json")
    server = GrpcMockServer(pact).start()
    try:
        with pytest.raises(grpc.RpcError) as failure:
            call(server.address, Shape(square={"edge_length": 3}))
        assert failure.value.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "missing the following keys: rectangle" in failure.value.details()
    finally:
        server.stop()
    problems = server.problems()
    assert any("no interaction matched" in p for p in problems)
    assert any("was never called" in p for p in problems)
    with pytest.raises(MismatchError, match="was never called"), GrpcMockServer(pact):
        pass


@pytest.fixture
def calculator() -> Iterator[Callable[[Callable[[Any], Any]], str]]:
    servers = []
    received: list[dict[str, str]] = []

    def start(compute: Callable[[Any], Any]) -> str:
        def handler(request: bytes, context: Any) -> bytes:
            received.append(dict(context.invocation_metadata()))
            return compute(Shape.FromString(request)).SerializeToString()

        class Generic(grpc.GenericRpcHandler):
            def service(self, details: Any) -> Any:
                if details.method == METHOD:
                    return grpc.unary_unary_rpc_method_handler(handler)
                return None

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        server.add_generic_rpc_handlers((Generic(),))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return f"127.0.0.1:{port}"

    start.received = received  # type: ignore[attr-defined]
    yield start
    for server in servers:
        server.stop(grace=None)


@pytest.mark.parametrize("name", PACTS)
def test_a_grpc_provider_is_verified_against_the_official_pacts(calculator, name):
    def area(shape: Any) -> Any:
        return AreaResponse(value=[shape.rectangle.length * shape.rectangle.width])

    results = verify_grpc_provider(read_pact(DATA / name), calculator(area))
    assert [(r.description, r.ok) for r in results] == [("calculate rectangle area request",
                                                         True)]


def test_a_grpc_provider_that_fails_is_reported(calculator):
    def broken(shape: Any) -> Any:
        raise RuntimeError("boom")

    (result,) = verify_grpc_provider(read_pact(DATA / "area-calculator-grpc.json"),
                                     calculator(broken))
    assert not result.ok
    assert result.mismatches[0].startswith("the call failed: UNKNOWN")


def test_a_consumer_test_against_the_grpc_mock_server_writes_the_official_shape(tmp_path):
    import json

    from accord import Pact

    proto = str(DATA / "area_calculator.proto")
    pact = Pact("grpc-consumer", "area-calculator-provider", pact_dir=tmp_path)
    (pact.sync_message("calculate rectangle area request")
         .with_request()
         .with_plugin_contents("application/grpc", {
             "pact:proto": proto, "pact:proto-service": "Calculator/calculateOne:request",
             "rectangle": {"length": "matching(number, 3)", "width": "matching(number, 4)"}})
         .will_respond_with()
         .with_plugin_contents("application/grpc", {
             "pact:proto": proto, "pact:proto-service": "Calculator/calculateOne:response",
             "value": "matching(number, 12)"}))
    with pact.serve_grpc() as server:
        answer = call(server.address, Shape(rectangle={"length": 5, "width": 6}))
    assert list(answer.value) == [12.0]

    doc = json.loads((tmp_path / "grpc-consumer-area-calculator-provider.json").read_text())
    (interaction,) = doc["interactions"]
    official = json.loads((DATA / "http-plus-grpc.json").read_text())["interactions"][0]
    assert interaction["request"]["contents"]["contentType"] == official["request"]["contents"][
        "contentType"]
    for key in ("type", "transport", "pluginConfiguration"):
        assert interaction[key] == official[key], key
    assert interaction["request"]["contents"]["content"] == official["request"]["contents"][
        "content"]
    assert interaction["request"]["matchingRules"]["body"].keys() == official["request"][
        "matchingRules"]["body"].keys()
    assert interaction["response"][0]["matchingRules"]["body"].keys() == official["response"][
        0]["matchingRules"]["body"].keys()
    assert interaction["response"][0]["contents"]["content"] == official["response"][0][
        "contents"]["content"]


@pytest.mark.parametrize("name", PACTS)
def test_the_verifier_takes_a_grpc_transport(calculator, name):
    from accord import Verifier

    def area(shape: Any) -> Any:
        return AreaResponse(value=[shape.rectangle.length * shape.rectangle.width])

    target = calculator(area)
    result = (Verifier("area-calculator-provider").add_source(DATA / name)
              .add_transport(url=f"grpc://{target}")
              .filter("calculate rectangle area request$").verify(raises=False))
    assert [r.outcome.value for r in result.results] == ["passed"], result.report()

    broken = calculator(lambda shape: AreaResponse(value=[]))
    result = (Verifier("area-calculator-provider").add_source(DATA / name)
              .add_transport(url=f"grpc://{broken}")
              .filter("calculate rectangle area request$").verify(raises=False))
    (failed,) = result.results
    assert failed.outcome.value == "failed"
    assert [m.path for m in failed.mismatches] == ["$.value"]


def test_each_pact_is_matched_with_its_own_descriptors(calculator):
    """Another pact in the same process defines a message of the same name differently (the
    pact-php area calculator); the interaction's own descriptor key must still decide, or a
    broken provider could pass against the other pact's message shape."""
    from accord import Verifier

    other = DATA.parent / "corpus" / "pact-foundation__pact-php"
    name = "protobufSyncMessageConsumer-protobufSyncMessageProvider.json"
    ensure_plugins(read_pact(other / name))
    broken = calculator(lambda shape: AreaResponse(value=[]))
    result = (Verifier("area-calculator-provider").add_source(DATA / "area-calculator-grpc.json")
              .add_transport(url=f"grpc://{broken}")
              .filter("calculate rectangle area request$").verify(raises=False))
    (failed,) = result.results
    assert failed.outcome.value == "failed"
    assert [m.path for m in failed.mismatches] == ["$.value"]


def test_expected_grpc_error_statuses_are_served_and_verified(calculator, tmp_path):
    import json

    doc = json.loads((DATA / "area-calculator-grpc.json").read_text())
    interaction = doc["interactions"][0]
    interaction["description"] = "an unsupported shape"
    interaction["response"] = [{"metadata": {
        "grpc-status": "UNIMPLEMENTED",
        "grpc-message": "we do not currently support parallelograms"}}]
    path = tmp_path / "status.json"
    path.write_text(json.dumps(doc))

    with GrpcMockServer(read_pact(path)) as server, pytest.raises(grpc.RpcError) as failure:
        call(server.address, Shape(rectangle={"length": 3, "width": 4}))
    assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
    assert failure.value.details() == "we do not currently support parallelograms"

    def refuse(request: bytes, context: Any) -> bytes:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "we do not currently support parallelograms")
        return b""

    class Refusing(grpc.GenericRpcHandler):
        def service(self, details: Any) -> Any:
            return grpc.unary_unary_rpc_method_handler(refuse)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    server.add_generic_rpc_handlers((Refusing(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        from accord import Verifier

        result = (Verifier("area-calculator-provider").add_source(path)
                  .add_transport(url=f"grpc://127.0.0.1:{port}").verify(raises=False))
        assert [r.outcome.value for r in result.results] == ["passed"], result.report()
        # a server that answers instead of refusing breaks this contract
        result = (Verifier("area-calculator-provider").add_source(path)
                  .add_transport(url=f"grpc://{calculator(lambda s: AreaResponse())}")
                  .verify(raises=False))
        assert [m.path for m in result.results[0].mismatches] == ["grpc-status",
                                                                 "grpc-message"]
    finally:
        server.stop(None)


def test_request_metadata_and_expected_statuses_from_the_consumer_dsl(tmp_path, calculator):
    from accord import Pact, Verifier, match

    proto = str(DATA / "area_calculator.proto")
    pact = Pact("grpc-consumer", "area-calculator-provider", pact_dir=tmp_path)
    (pact.sync_message("an authorised call")
         .with_request()
         .with_plugin_contents("application/grpc", {
             "pact:proto": proto, "pact:proto-service": "Calculator/calculateOne:request",
             "rectangle": {"length": "matching(number, 3)", "width": "matching(number, 4)"}})
         .with_metadata({"Auth": match.regex("AST00004", r"AST\d+")})
         .will_respond_with()
         .with_plugin_contents("application/grpc", {
             "pact:proto": proto, "pact:proto-service": "Calculator/calculateOne:response",
             "value": "matching(number, 12)"}))
    (pact.sync_message("a parallelogram")
         .with_request()
         .with_plugin_contents("application/grpc", {
             "pact:proto": proto, "pact:proto-service": "Calculator/calculateOne:request",
             "parallelogram": {"base_length": "matching(number, 3)",
                               "height": "matching(number, 4)"}})
         .will_respond_with()
         .with_metadata({"grpc-status": "UNIMPLEMENTED",
                         "grpc-message": "we do not currently support parallelograms"}))
    with pact.serve_grpc() as server, grpc.insecure_channel(server.address) as channel:
        stub = channel.unary_unary(METHOD, request_serializer=Shape.SerializeToString,
                                   response_deserializer=AreaResponse.FromString)
        answer = stub(Shape(rectangle={"length": 1, "width": 2}), metadata=[("auth", "AST123")])
        assert list(answer.value) == [12.0]
        with pytest.raises(grpc.RpcError) as refused:
            stub(Shape(parallelogram={"base_length": 1, "height": 2}))
        assert refused.value.code() == grpc.StatusCode.UNIMPLEMENTED
    written = tmp_path / "grpc-consumer-area-calculator-provider.json"
    mock = GrpcMockServer(read_pact(written), raise_on_exit=False)
    with mock, grpc.insecure_channel(mock.address) as channel:
        stub = channel.unary_unary(METHOD, request_serializer=Shape.SerializeToString,
                                   response_deserializer=AreaResponse.FromString)
        with pytest.raises(grpc.RpcError) as unauthorised:
            stub(Shape(rectangle={"length": 1, "width": 2}), metadata=[("auth", "nope")])
    assert "Auth" in unauthorised.value.details()

    def area(shape: Any) -> Any:
        if shape.WhichOneof("shape") == "parallelogram":
            raise NotImplementedError
        return AreaResponse(value=[shape.rectangle.length * shape.rectangle.width])

    result = (Verifier("area-calculator-provider").add_source(written)
              .add_transport(url=f"grpc://{calculator(area)}").verify(raises=False))
    outcomes = {r.description: r for r in result.results}
    assert outcomes["an authorised call"].outcome.value == "passed"
    assert any(m.get("auth") == "AST00004" for m in calculator.received)  # sent by the verifier
    # grpcio reports an exception in a handler as UNKNOWN, not UNIMPLEMENTED
    assert sorted(m.path for m in outcomes["a parallelogram"].mismatches) == [
        "grpc-message", "grpc-status"]
