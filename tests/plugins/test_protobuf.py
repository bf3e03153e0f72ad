"""The protobuf plugin: the official plugin's published pacts verified by accord, and pacts
written by accord in the official shape, served and verified field by field."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import httpx
import pytest
from flask import Flask, Response, request

from accord import Pact, Verifier
from accord.errors import ContractDefinitionError
from accord.pactfile import read_pact
from accord.plugins import ensure_plugins, find_plugin
from accord.plugins.protobuf import compile_proto, descriptor_set_of, protobuf_contents
from accord.verifier.messages import Message

DATA = Path(__file__).parent.parent / "data" / "protobuf"
AREA = compile_proto(DATA / "area_calculator.proto")
Shape = AREA.message_class("area_calculator.ShapeMessage")
AreaResponse = AREA.message_class("area_calculator.AreaResponse")
PEOPLE = compile_proto(DATA / "person.proto")
Person = PEOPLE.message_class("person.Person")


def calculator(respond=None) -> Flask:
    app = Flask("calculator")

    @app.post("/Calculator/calculateOne")
    def one() -> Response:
        shape = Shape.FromString(request.get_data())
        body = (respond(shape) if respond else
                AreaResponse(value=[shape.rectangle.length * shape.rectangle.width])
                .SerializeToString())
        return Response(body, content_type=request.headers["Content-Type"].replace(
            "ShapeMessage", "AreaResponse"))

    return app


def verify(source: Path, app: Flask, description: str):
    return (Verifier("area-calculator-provider").add_source(source).add_transport(app=app)
            .filter(description).verify(raises=False))


# ------------------------------------------------------------- the official plugin's pacts

def test_accord_compiles_the_same_descriptors_as_the_official_plugin():
    doc = json.loads((DATA / "http-plus-grpc.json").read_text())
    (entry,) = doc["metadata"]["plugins"]
    (key,) = entry["configuration"]
    assert AREA.key == key == "d58838959e37498cddf51805bedf4dca"
    assert AREA.encoded == entry["configuration"][key]["protoDescriptors"]
    assert hashlib.md5(AREA.data).hexdigest() == key


def test_an_official_http_protobuf_pact_verifies_a_python_provider():
    result = verify(DATA / "http-plus-grpc.json", calculator(),
                    "calculate rectangle area request via HTTP")
    assert [r.outcome.value for r in result.results] == ["passed"]


def test_the_official_pact_s_rules_are_applied_field_by_field():
    # $.value.* is a number rule: another area is fine ...
    result = verify(DATA / "http-plus-grpc.json",
                    calculator(lambda s: AreaResponse(value=[99.5]).SerializeToString()),
                    "calculate rectangle area request via HTTP")
    assert result.results[0].outcome.value == "passed"
    # ... bytes that are not an AreaResponse are not
    result = verify(DATA / "http-plus-grpc.json", calculator(lambda s: b"\xff\xff\xff"),
                    "calculate rectangle area request via HTTP")
    (mismatch,) = result.results[0].mismatches
    assert mismatch.path == "$"
    assert "Failed to parse the body as a .area_calculator.AreaResponse message" in (
        mismatch.message)


def test_an_official_synchronous_message_pact_verifies_a_python_handler():
    def handler(request: bytes) -> Message:
        shape = Shape.FromString(request)
        area = AreaResponse(value=[shape.rectangle.length * shape.rectangle.width])
        return Message(area.SerializeToString(),
                       metadata={"contentType": "application/protobuf;message=AreaResponse"},
                       content_type="application/protobuf; message=AreaResponse")

    result = (Verifier("area-calculator-provider")
              .add_source(DATA / "area-calculator-grpc.json").message_handler(handler)
              .verify(raises=False))
    assert [r.outcome.value for r in result.results] == ["passed"]
    assert not result.source_failures


def test_the_mock_server_serves_the_official_http_interaction_and_checks_the_request():
    from accord.mock.server import MockServer

    pact = read_pact(DATA / "http-plus-grpc.json")
    ensure_plugins(pact)
    ct = "application/protobuf; message=.area_calculator.ShapeMessage"
    with MockServer(pact) as server:
        other = Shape(rectangle={"length": 5, "width": 7}).SerializeToString()
        ok = httpx.post(f"{server.url}/Calculator/calculateOne", content=other,
                        headers={"Content-Type": ct})
        assert ok.status_code == 200
        assert list(AreaResponse.FromString(ok.content).value) == [12.0]
        square = Shape(square={"edge_length": 3}).SerializeToString()
        bad = httpx.post(f"{server.url}/Calculator/calculateOne", content=square,
                         headers={"Content-Type": ct})
        assert bad.status_code == 500
        assert "rectangle" in bad.text


# ------------------------------------------------------------- accord's consumer side

PERSON = {
    "pact:proto": str(DATA / "person.proto"),
    "pact:message-type": "Person",
    "pact:content-type": "application/protobuf",
    "name": "notEmpty('Alice')",
    "id": "matching(integer, 1)",
    "email": "matching(regex, '.+@.+', 'alice@example.com')",
    "phones": {"number": "matching(regex, '\\d{3}-\\d{3}-\\d{4}', '123-456-7890')",
               "type": "matching(equalTo, 'PHONE_TYPE_HOME')"},
    # (accord's JSON engine applies eachKey alone; eachKey + eachValue on one map checks values)
    "labels": {"pact:match": "eachKey(matching(regex, '[a-z]+', 'team'))",
               "team": "pact"},
    "tags": "atLeast(1), eachValue(matching(type, 'friend'))",
}


def person_pact(pact_dir: Path, config=None) -> Pact:
    pact = Pact("person-web", "person-api", pact_dir=pact_dir).using_plugin("protobuf")
    (pact.upon_receiving("a request for Alice")
         .with_request("GET", "/person/1")
         .will_respond_with(200)
         .with_plugin_contents("application/protobuf", config or PERSON))
    return pact


def write_person_pact(pact_dir: Path, config=None) -> dict:
    pact = person_pact(pact_dir, config)
    with pact.serve() as server:
        response = httpx.get(f"{server.url}/person/1")
    assert response.headers["content-type"] == "application/protobuf; message=.person.Person"
    alice = Person.FromString(response.content)
    assert (alice.name, alice.id, alice.phones[0].number) == ("Alice", 1, "123-456-7890")
    return json.loads((pact_dir / "person-web-person-api.json").read_text())


def test_the_consumer_writes_the_official_shape(pact_dir):
    doc = write_person_pact(pact_dir)
    (interaction,) = doc["interactions"]
    assert interaction["pluginConfiguration"] == {
        "protobuf": {"descriptorKey": PEOPLE.key, "message": ".person.Person"}}
    body = interaction["response"]["body"]
    assert body["contentType"] == "application/protobuf; message=.person.Person"
    assert body["encoded"] == "base64" and body["contentTypeHint"] == "BINARY"
    alice = Person.FromString(base64.b64decode(body["content"]))
    assert alice.email == "alice@example.com" and alice.labels == {"team": "pact"}
    assert list(alice.tags) == ["friend"]
    rules = interaction["response"]["matchingRules"]["body"]
    assert rules["$.name"] == {"matchers": [{"match": "notEmpty"}], "combine": "AND"} or (
        rules["$.name"]["matchers"] == [{"match": "notEmpty"}])
    assert rules["$.id"]["matchers"] == [{"match": "integer"}]
    assert rules["$.phones.*.number"]["matchers"][0]["match"] == "regex"
    assert rules["$.tags"]["matchers"][0] == {"match": "type", "min": 1}
    assert rules["$.tags"]["matchers"][1]["match"] == "eachValue"
    assert [m["match"] for m in rules["$.labels"]["matchers"]] == ["eachKey"]
    (plugin,) = doc["metadata"]["plugins"]
    assert plugin["name"] == "protobuf" and plugin["version"] == "0.5.1"
    assert plugin["configuration"][PEOPLE.key]["protoDescriptors"] == PEOPLE.encoded
    assert "message Person" in plugin["configuration"][PEOPLE.key]["protoFile"]
    assert interaction["interactionMarkup"]["markup"].startswith("```protobuf\nmessage Person {")


def person_provider(person) -> Flask:
    app = Flask("people")

    @app.get("/person/<int:pid>")
    def get(pid: int) -> Response:
        return Response(person.SerializeToString(),
                        content_type="application/protobuf; message=.person.Person")

    return app


GOOD = Person(name="Bob", id=7, email="bob@example.org", tags=["a", "b"],
              labels={"ops": "yes"},
              phones=[Person.PhoneNumber(number="555-123-4567", type=2)])


def test_accord_verifies_its_own_protobuf_pact(pact_dir):
    write_person_pact(pact_dir)
    result = (Verifier("person-api").add_source(pact_dir / "person-web-person-api.json")
              .add_transport(app=person_provider(GOOD)).verify(raises=False))
    assert [r.outcome.value for r in result.results] == ["passed"]


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"name": ""}, "$.name", "empty"),
    ({"phones": [Person.PhoneNumber(number="12", type=2)]}, "$.phones[0].number", "to match"),
    ({"phones": [Person.PhoneNumber(number="555-123-4567", type=1)]}, "$.phones[0].type",
     "PHONE_TYPE_MOBILE"),
    ({"tags": []}, "$.tags", "1"),
    ({"labels": {"OPS": "x"}}, "$.labels.OPS", "[a-z]+"),
])
def test_mismatches_name_the_field_path(pact_dir, change, path, words):
    write_person_pact(pact_dir)
    bad = Person()
    bad.CopyFrom(GOOD)
    for name, value in change.items():
        bad.ClearField(name)
        if isinstance(value, dict):
            getattr(bad, name).update(value)
        elif isinstance(value, list):
            getattr(bad, name).extend(value)
        else:
            setattr(bad, name, value)
    result = (Verifier("person-api").add_source(pact_dir / "person-web-person-api.json")
              .add_transport(app=person_provider(bad)).verify(raises=False))
    mismatches = result.results[0].mismatches
    assert [m.path for m in mismatches] == [path], mismatches
    assert words in mismatches[0].message


def test_a_compiled_message_class_or_message_works_in_place_of_the_proto_file(pact_dir):
    config = protobuf_contents(Person, {k: v for k, v in PERSON.items()
                                        if not k.startswith("pact:")})
    doc = write_person_pact(pact_dir, config)
    interaction = doc["interactions"][0]
    key = interaction["pluginConfiguration"]["protobuf"]["descriptorKey"]
    assert key == descriptor_set_of(Person).key
    assert interaction["response"]["matchingRules"]["body"]["$.id"]["matchers"] == [
        {"match": "integer"}]

    alice = Person(name="Alice", id=1, email="a@b.c", tags=["friend"],
                   phones=[Person.PhoneNumber(number="123-456-7890")])
    pact_dir2 = pact_dir / "instance"
    doc = write_person_pact(pact_dir2, protobuf_contents(alice, {"id": "matching(integer, 1)"}))
    rules = doc["interactions"][0]["response"]["matchingRules"]["body"]
    assert list(rules) == ["$.id"]  # the other example values are compared by equality


def test_asynchronous_messages_carry_protobuf_contents(pact_dir):
    pact = Pact("person-listener", "person-events", pact_dir=pact_dir)
    (pact.async_message("a person was added")
         .with_plugin_contents("application/protobuf", PERSON))
    seen = []
    pact.verify(lambda body, metadata: seen.append(Person.FromString(body)))
    assert seen[0].name == "Alice"
    doc = json.loads((pact_dir / "person-listener-person-events.json").read_text())
    (message,) = doc["interactions"]
    assert message["contents"]["contentType"] == "application/protobuf; message=.person.Person"
    assert message["pluginConfiguration"]["protobuf"]["message"] == ".person.Person"

    def produce() -> Message:
        return Message(GOOD.SerializeToString(),
                       content_type="application/protobuf; message=.person.Person")

    result = (Verifier("person-events").add_source(pact_dir / "person-listener-person-events.json")
              .message_handler(produce).verify(raises=False))
    assert [r.outcome.value for r in result.results] == ["passed"]


def test_synchronous_messages_use_the_service_method(pact_dir):
    from accord.model import dump_pact

    pact = Pact("person-web", "person-grpc", pact_dir=pact_dir)
    common = {"pact:proto": str(DATA / "person.proto")}
    (pact.sync_message("get a person")
         .with_request()
         .with_plugin_contents("application/grpc", {
             **common, "pact:proto-service": "AddressBookService/GetPerson:request",
             "person_id": "matching(integer, 1)"})
         .will_respond_with()
         .with_plugin_contents("application/grpc", {
             **common, "pact:proto-service": "AddressBookService/GetPerson:response",
             "name": "notEmpty('Alice')"}))
    doc = dump_pact(pact.to_model(recorded_only=False), pact.specification)
    (interaction,) = doc["interactions"]
    assert interaction["pluginConfiguration"] == {"protobuf": {
        "descriptorKey": PEOPLE.key, "service": ".person.AddressBookService/GetPerson"}}
    assert interaction["request"]["contents"]["contentType"] == (
        "application/protobuf; message=.person.GetPersonRequest")
    assert interaction["response"][0]["contents"]["contentType"] == (
        "application/protobuf; message=.person.Person")


def test_bad_configurations_are_clear(pact_dir):
    with pytest.raises(ContractDefinitionError, match=r"has no field 'nickname'"):
        person_pact(pact_dir, {**PERSON, "nickname": "x"})
    with pytest.raises(ContractDefinitionError, match=r"no message 'Nobody'.*person.Person"):
        person_pact(pact_dir, {**PERSON, "pact:message-type": "Nobody"})
    with pytest.raises(ContractDefinitionError, match=r"does not exist"):
        person_pact(pact_dir, {**PERSON, "pact:proto": str(DATA / "missing.proto")})
    with pytest.raises(ContractDefinitionError, match=r"\$\.id: .*not a whole number|\$\.id"):
        person_pact(pact_dir, {**PERSON, "id": "matching(type, 'abc')"})


def test_a_proto_file_protoc_refuses_shows_protoc_s_messages(pact_dir, tmp_path):
    broken = tmp_path / "broken.proto"
    broken.write_text('syntax = "proto3";\nmessage Person {\n  strin name = 1;\n}\n')
    with pytest.raises(ContractDefinitionError,
                       match=r"(?s)protoc could not compile .*broken.proto:3:3: \"strin\" is not "
                             r"defined"):
        person_pact(pact_dir, {**PERSON, "pact:proto": str(broken)})


def test_grpc_metadata_in_the_contents_points_to_with_metadata(pact_dir):
    pact = Pact("a", "b", pact_dir=pact_dir)
    with pytest.raises(ContractDefinitionError, match=r"'requestMetadata'.*with_metadata"):
        (pact.sync_message("m").with_request().with_plugin_contents("application/grpc", {
            "pact:proto": str(DATA / "person.proto"),
            "pact:proto-service": "AddressBookService/GetPerson:request",
            "request": {"person_id": "matching(integer, 1)"},
            "requestMetadata": {"Auth": "x"}}))


def test_the_plugin_is_installed_through_its_entry_point():
    plugin = find_plugin("protobuf")
    assert plugin.handles("application/protobuf; message=.person.Person")
    assert plugin.handles("application/x-protobuf")


# ------------------------------------------------------------- generators

Lookup = PEOPLE.message_class("person.GetPersonRequest")


def test_provider_state_values_are_injected_into_protobuf_request_fields(pact_dir):
    pact = Pact("person-web", "person-api", pact_dir=pact_dir)
    (pact.upon_receiving("a lookup of the person the state made")
         .given("a person exists")
         .with_request("POST", "/lookup")
         .with_plugin_contents("application/protobuf", {
             "pact:proto": str(DATA / "person.proto"), "pact:message-type": "GetPersonRequest",
             "person_id": "matching(integer, fromProviderState('${id}', 1))"})
         .will_respond_with(200)
         .with_plugin_contents("application/protobuf", {
             "pact:proto": str(DATA / "person.proto"), "pact:message-type": "Person",
             "name": "notEmpty('Alice')",
             "email": "matching(datetime, 'yyyy-MM-dd', '2000-01-01')"}))
    with pact.serve() as server:  # the mock server generates the response's date
        response = httpx.post(f"{server.url}/lookup", content=Lookup(person_id=1)
                              .SerializeToString(),
                              headers={"Content-Type": "application/protobuf; "
                                                       "message=.person.GetPersonRequest"})
    served = Person.FromString(response.content)
    assert served.name == "Alice"
    assert served.email != "2000-01-01" and len(served.email) == 10

    received = []
    app = Flask("people")

    @app.post("/lookup")
    def lookup() -> Response:
        received.append(Lookup.FromString(request.get_data()).person_id)
        return Response(Person(name="Zed", email="2024-05-01").SerializeToString(),
                        content_type="application/protobuf; message=.person.Person")

    verifier = (Verifier("person-api").add_source(pact_dir / "person-web-person-api.json")
                .add_transport(app=app))

    @verifier.state("a person exists")
    def person_exists():
        return {"id": 42}

    result = verifier.verify(raises=False)
    assert [r.outcome.value for r in result.results] == ["passed"], result.report()
    assert received == [42]


def test_a_pact_needing_protobuf_without_the_runtime_says_which_extra_to_install(monkeypatch):
    import sys

    pact = read_pact(DATA / "http-plus-grpc.json")
    monkeypatch.setitem(sys.modules, "google.protobuf", None)  # as if not installed
    from accord.plugins import PluginError

    with pytest.raises(PluginError, match=r"pip install 'accord\[protobuf\]'"):
        ensure_plugins(pact)


def test_binary_protobuf_bodies_without_a_message_type_are_compared_as_bytes(pact_dir):
    # pact-python's own protobuf example: using_plugin("protobuf") and with_binary_body
    alice = Person(name="Alice", id=1).SerializeToString()
    pact = Pact("people-web", "people-api", pact_dir=pact_dir).using_plugin("protobuf")
    (pact.upon_receiving("alice as bytes").with_request("GET", "/person/1")
         .will_respond_with(200)
         .with_binary_body(alice, "application/x-protobuf"))
    with pact.serve() as server:
        assert httpx.get(f"{server.url}/person/1").content == alice

    def provider(body: bytes) -> Flask:
        app = Flask("p")
        app.get("/person/1")(lambda: Response(body, content_type="application/x-protobuf"))
        return app

    source = pact_dir / "people-web-people-api.json"
    ok = (Verifier("people-api").add_source(source).add_transport(app=provider(alice))
          .verify(raises=False))
    assert [r.outcome.value for r in ok.results] == ["passed"]
    bob = Person(name="Bob", id=1).SerializeToString()
    bad = (Verifier("people-api").add_source(source).add_transport(app=provider(bob))
           .verify(raises=False))
    (mismatch,) = bad.results[0].mismatches
    assert "names no message type" in mismatch.message


def test_a_message_type_without_descriptors_matches_the_same_bytes_whatever_was_loaded():
    # pact_broker's v4_sync_messages.json names 'message=InitPluginResponse' but carries no
    # descriptors; its verdict must not change once another pact has loaded the plugin
    source = (Path(__file__).parent.parent / "data" / "corpus" / "pact-foundation__pact_broker"
              / "v4_sync_messages.json")
    recorded = base64.b64decode("CggIABIEdGVzdA==")
    ctype = "application/protobuf;message=InitPluginResponse"
    metadata = {"responseKey1": "value", "responseKey2": "value2"}
    find_plugin("protobuf")  # loaded, as after verifying a pact that names it

    def verify_with(answer: bytes):
        return (Verifier("provider").add_source(source)
                .message_handler(lambda request: Message(answer, metadata=metadata,
                                                    content_type=ctype))
                .verify(raises=False))

    assert [r.outcome.value for r in verify_with(recorded).results] == ["passed"]
    (mismatch,) = verify_with(recorded + b"\x18\x01").results[0].mismatches
    assert "no descriptors hold the message 'InitPluginResponse'" in mismatch.message
    assert "only the pact's exact bytes can match" in mismatch.message
