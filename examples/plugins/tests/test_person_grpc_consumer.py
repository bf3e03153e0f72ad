"""A gRPC consumer test: the client calls ``AddressBookService/GetPerson`` on accord's gRPC mock
server (``pact.serve_grpc()``), built from the pact's protobuf descriptors.

The configuration is the official protobuf plugin's for a service method:
``pact:proto-service`` names it, ``:request`` / ``:response`` the message being described.
"""

from __future__ import annotations

import json
from pathlib import Path

from person_example.grpc_service import AddressBookGrpcClient
from person_example.messages import PROTO_FILE

from accord import Pact

GRPC = "application/grpc"


def test_get_a_person_over_grpc(pact_dir: Path, grpc_pact_path: Path) -> None:
    pact = Pact("address-book-grpc-client", "address-book-grpc", pact_dir=pact_dir)
    (
        pact.sync_message("a GetPerson call for Alice")
        .given("person with the given ID exists", user_id=1)
        .with_request()
        .with_plugin_contents(GRPC, {
            "pact:proto": str(PROTO_FILE),
            "pact:proto-service": "AddressBookService/GetPerson:request",
            "person_id": "matching(integer, 1)",
        })
        .will_respond_with()
        .with_plugin_contents(GRPC, {
            "pact:proto": str(PROTO_FILE),
            "pact:proto-service": "AddressBookService/GetPerson:response",
            "name": "notEmpty('Alice')",
            "id": "matching(integer, 1)",
            "email": "matching(regex, '^[^@]+@[^@]+$', 'alice@gmail.com')",
        })
    )

    with pact.serve_grpc() as server:
        client = AddressBookGrpcClient(server.address)
        alice = client.person(1)
        client.close()

    assert (alice.name, alice.id, alice.email) == ("Alice", 1, "alice@gmail.com")
    (interaction,) = json.loads(grpc_pact_path.read_text())["interactions"]
    assert interaction["transport"] == "grpc"
    assert interaction["pluginConfiguration"]["protobuf"]["service"] == (
        ".person.AddressBookService/GetPerson")
