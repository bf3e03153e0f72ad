"""More pacts the official protobuf plugin wrote, from other Pact implementations' repositories:
pact-js-core's gRPC test pact (plugin 0.1.14, route guide), and pact-php's protobuf message
examples (plugin 0.5.4 asynchronous message, plugin 0.6.2 gRPC synchronous message with
provider-state generators). accord loads each, serves the gRPC ones and verifies them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
import pytest

from accord import Verifier
from accord.pactfile import read_pact
from accord.plugins import ensure_plugins
from accord.plugins.protobuf import DescriptorSet
from accord.plugins.protobuf.grpc import GrpcMockServer
from accord.verifier.messages import Message

DATA = Path(__file__).parent.parent / "data" / "protobuf"


def descriptors_of(name: str) -> DescriptorSet:
    """The message classes of a pact, from the descriptors the official plugin stored in it."""
    import base64

    (entry,) = json.loads((DATA / name).read_text())["metadata"]["plugins"]
    (config,) = entry["configuration"].values()
    return DescriptorSet(base64.b64decode(config["protoDescriptors"]))


@pytest.fixture
def grpc_server() -> Iterator[Callable[[str, Callable[[bytes], bytes]], str]]:
    servers = []

    def start(method: str, answer: Callable[[bytes], bytes]) -> str:
        class Handler(grpc.GenericRpcHandler):
            def service(self, details: Any) -> Any:
                if details.method != method:
                    return None
                return grpc.unary_unary_rpc_method_handler(lambda data, ctx: answer(data))

        server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
        server.add_generic_rpc_handlers((Handler(),))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return f"grpc://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.stop(None)


# ------------------------------------------------------------- pact-js-core: route guide

ROUTES = descriptors_of("pact-js-core-grpc.json")
Point = ROUTES.message_class("routeguide.Point")
Feature = ROUTES.message_class("routeguide.Feature")
GET_FEATURE = "/routeguide.RouteGuide/GetFeature"


def test_pact_js_core_grpc_pact_is_served_to_a_grpc_client():
    pact = read_pact(DATA / "pact-js-core-grpc.json")
    with GrpcMockServer(pact) as server, grpc.insecure_channel(server.address) as channel:
        stub = channel.unary_unary(GET_FEATURE, request_serializer=Point.SerializeToString,
                                   response_deserializer=Feature.FromString)
        feature = stub(Point(latitude=409146138, longitude=-746188906), timeout=5)
    assert feature.name == "Big Tree"
    assert (feature.location.latitude, feature.location.longitude) == (180, 200)


def test_pact_js_core_grpc_pact_verifies_a_grpc_provider(grpc_server):
    def get_feature(data: bytes) -> bytes:
        point = Point.FromString(data)
        return Feature(name="Somewhere", location=point).SerializeToString()

    target = grpc_server(GET_FEATURE, get_feature)
    result = (Verifier("grpcprovider").add_source(DATA / "pact-js-core-grpc.json")
              .add_transport(url=target).filter("Route guide").verify(raises=False))
    assert [r.outcome.value for r in result.results] == ["passed"], result.report()

    nameless = grpc_server(GET_FEATURE, lambda data: Feature().SerializeToString())
    result = (Verifier("grpcprovider").add_source(DATA / "pact-js-core-grpc.json")
              .add_transport(url=nameless).filter("Route guide").verify(raises=False))
    assert [m.path for m in result.results[0].mismatches] == ["$"]
    assert "missing the following keys: location" in result.results[0].mismatches[0].message


# ------------------------------------------------------------- pact-php: asynchronous message

LIBRARY = descriptors_of("pact-php-async-message.json")
Person = LIBRARY.message_class("library.Person")
Name = LIBRARY.message_class("library.Name")


def person(**changes: Any) -> bytes:
    fields: dict[str, Any] = {"id": "d1f077b5-0f91-40aa-b8f9-568b50ee4dd9",
                              "name": Name(given="Ada", surname="Lovelace"),
                              "children": {"Byron": 9}, "hobbies": ["maths", "poetry"]}
    fields.update(changes)
    return Person(**fields).SerializeToString()


def verify_person(data: bytes) -> Any:
    verifier = Verifier("protobufAsyncMessageProvider").add_source(
        DATA / "pact-php-async-message.json")
    verifier.message_handler(lambda: Message(
        data, metadata={"contentType": "application/protobuf;message=.library.Person"},
        content_type="application/protobuf;message=.library.Person"))
    return verifier.verify(raises=False)


def test_pact_php_protobuf_message_verifies_a_python_producer():
    ensure_plugins(read_pact(DATA / "pact-php-async-message.json"))
    result = verify_person(person())
    assert [r.outcome.value for r in result.results] == ["passed"], result.report()


@pytest.mark.parametrize(("changes", "path"), [
    ({"id": "not-a-uuid"}, "$.id"),
    ({"children": {}}, "$.children"),
])
def test_pact_php_protobuf_message_rules_apply_field_by_field(changes, path):
    result = verify_person(person(**changes))
    assert path in [m.path for m in result.results[0].mismatches], result.report()


# ------------------------------------------------------------- pact-php: gRPC, provider states

PLUGINS = descriptors_of("pact-php-sync-message.json")
ShapeMessage = PLUGINS.message_class("plugins.ShapeMessage")
AreaResponse = PLUGINS.message_class("plugins.AreaResponse")


def test_pact_php_grpc_pact_injects_provider_state_values_and_verifies(grpc_server):
    seen = []

    def calculate(data: bytes) -> bytes:
        shape = ShapeMessage.FromString(data)
        seen.append((shape.id, shape.created))
        return AreaResponse(value=shape.rectangle.length * shape.rectangle.width
                            ).SerializeToString()

    verifier = (Verifier("protobufSyncMessageProvider")
                .add_source(DATA / "pact-php-sync-message.json")
                .add_transport(url=grpc_server("/plugins.Calculator/calculate", calculate)))

    @verifier.state("a shape")
    def a_shape() -> dict[str, str]:
        return {"id": "6f3f9a0e-4bb5-4f4e-9a57-4b8d3b1e2f10", "created": "2024-05-01"}

    result = verifier.verify(raises=False)
    assert [r.outcome.value for r in result.results] == ["passed"], result.report()
    assert seen == [("6f3f9a0e-4bb5-4f4e-9a57-4b8d3b1e2f10", "2024-05-01")]
