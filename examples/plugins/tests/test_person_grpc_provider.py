"""Verification of the gRPC service: accord calls the running grpcio server with each
interaction's request message and compares the answer field by field."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from person_example.grpc_service import serve
from person_example.messages import AddressBook, Person, address_book

from accord.pactfile import read_pact
from accord.plugins.protobuf.grpc import verify_grpc_provider


def verify(pact_file: Path, book: Any) -> list[Any]:
    server, port = serve(book)

    def states(name: str, params: Mapping[str, Any]) -> None:
        assert name == "person with the given ID exists"
        assert any(p.id == params["user_id"] for p in book.people)

    try:
        return verify_grpc_provider(read_pact(pact_file), f"127.0.0.1:{port}", states=states)
    finally:
        server.stop(None)


def test_the_grpc_service_honours_the_contract(grpc_pact_file: Path) -> None:
    results = verify(grpc_pact_file, address_book())

    assert [(r.description, r.ok) for r in results] == [("a GetPerson call for Alice", True)]


def test_a_person_without_a_name_breaks_the_contract(grpc_pact_file: Path) -> None:
    book = AddressBook(people=[Person(id=1, email="anonymous@example.com")])

    (result,) = verify(grpc_pact_file, book)

    assert not result.ok
    assert result.mismatches == ["$.name: Expected '' (String) to not be empty"]
