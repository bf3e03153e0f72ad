"""Consumer tests of the address-book client: Protocol Buffers over HTTP, through accord's
protobuf plugin (``accord[protobuf]``), in the pact shape of the official Pact protobuf plugin.

The first test configures the message the official way (``pact:proto``, ``pact:message-type``
and one matching definition per field, as pact-jvm, pact-js or pact-go users write it); the
last one hands the compiled message classes to ``protobuf_contents`` instead.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from person_example.consumer import AddressBookClient, PersonNotFound
from person_example.messages import PROTO_FILE, AddPersonRequest, Person

from accord import Pact, match
from accord.plugins.protobuf import protobuf_contents

PROTOBUF = "application/x-protobuf"


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    return Pact("address-book-web", "address-book-api", pact_dir=pact_dir).using_plugin("protobuf")


def test_get_a_person_as_protobuf(pact: Pact, person_pact_path: Path) -> None:
    (
        pact.upon_receiving("a request to get person by ID")
        .given("person with the given ID exists", user_id=1)
        .with_request("GET", "/person/1")
        .with_header("Accept", PROTOBUF)
        .will_respond_with(200)
        .with_header("Content-Type", PROTOBUF)
        .with_plugin_contents(PROTOBUF, {
            "pact:proto": str(PROTO_FILE),
            "pact:message-type": "Person",
            "name": "notEmpty('Alice')",
            "id": "matching(integer, 1)",
            "email": "matching(regex, '^[^@]+@[^@]+$', 'alice@gmail.com')",
            # every phone number like this one (at least one; without "pact:match", exactly
            # as many numbers as the example has, as with the official plugin)
            "phones": {
                "pact:match": "atLeast(1)",
                "number": "matching(regex, '^\\d{3}-\\d{3}-\\d{4}$', '123-456-7890')",
                "type": "matching(type, 'PHONE_TYPE_HOME')",
            },
        })
    )

    with pact.serve() as server:
        alice = AddressBookClient(server.url).person(1)

    assert (alice.name, alice.id, alice.email) == ("Alice", 1, "alice@gmail.com")
    assert alice.phones[0].number == "123-456-7890"
    assert alice.phones[0].type == Person.PHONE_TYPE_HOME

    doc = json.loads(person_pact_path.read_text())
    interaction = doc["interactions"][0]
    body = interaction["response"]["body"]
    assert body["contentType"] == f"{PROTOBUF}; message=.person.Person"
    assert Person.FromString(base64.b64decode(body["content"])).name == "Alice"
    key = interaction["pluginConfiguration"]["protobuf"]["descriptorKey"]
    assert interaction["pluginConfiguration"]["protobuf"]["message"] == ".person.Person"
    assert sorted(interaction["response"]["matchingRules"]["body"]) == [
        "$.email", "$.id", "$.name", "$.phones", "$.phones.*.number", "$.phones.*.type"]
    (plugin,) = doc["metadata"]["plugins"]
    assert plugin["name"] == "protobuf"
    assert "protoDescriptors" in plugin["configuration"][key]


def test_a_person_that_does_not_exist(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to get non-existent person")
        .given("person with the given ID does not exist", user_id=999)
        .with_request("GET", "/person/999")
        .will_respond_with(404)
        .with_body({"detail": "Person not found"})
    )

    with pact.serve() as server, pytest.raises(PersonNotFound):
        AddressBookClient(server.url).person(999)


def test_add_a_person_with_compiled_message_classes(pact: Pact) -> None:
    carol = Person(name="Carol", email="carol@example.com",
                   phones=[Person.PhoneNumber(number="555-010-0000",
                                              type=Person.PHONE_TYPE_MOBILE)])
    (
        pact.upon_receiving("a request to add a person")
        .with_request("POST", "/people")
        .with_header("Content-Type", PROTOBUF)
        # the request: any name, an email address, phone numbers like this one. A request
        # with fields the pact does not mention does not match (as with the official plugin).
        .with_plugin_contents(PROTOBUF, protobuf_contents(AddPersonRequest, {
            "person": {"name": match.like("Carol"),
                       "email": "matching(regex, '.+@.+', 'carol@example.com')",
                       "phones": {"pact:match": "atLeast(0)",
                                  "number": "matching(type, '555-010-0000')",
                                  "type": "matching(type, 'PHONE_TYPE_MOBILE')"}},
        }))
        .will_respond_with(201)
        .with_header("Content-Type", PROTOBUF)
        # the response: this message as the example, its id any integer
        .with_plugin_contents(PROTOBUF, protobuf_contents(
            Person(name="Carol", id=3, email="carol@example.com"), {"id": match.integer(3)}))
    )

    with pact.serve() as server:
        added = AddressBookClient(server.url).add(carol)

    assert (added.name, added.id) == ("Carol", 3)
