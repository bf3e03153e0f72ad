"""Verification of the gRPC service: the verifier calls the running grpcio server
(``add_transport(url="grpc://host:port")``) with each interaction's request message and
compares the answer field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from person_example.grpc_service import serve
from person_example.messages import AddressBook, Person, address_book

from accord import Verifier


def verify(pact_file: Path, book: Any) -> Any:
    """The verification's result (not raised: the tests look at what failed)."""
    server, port = serve(book)
    verifier = (Verifier("address-book-grpc").add_source(pact_file)
                .add_transport(url=f"grpc://127.0.0.1:{port}"))

    @verifier.state("person with the given ID exists")
    def person_exists(params: dict[str, Any]) -> None:
        assert any(p.id == params["user_id"] for p in book.people)

    try:
        return verifier.verify(raises=False)
    finally:
        server.stop(None)


def test_the_grpc_service_honours_the_contract(grpc_pact_file: Path) -> None:
    result = verify(grpc_pact_file, address_book())

    result.assert_ok()
    assert [r.description for r in result.passed] == ["a GetPerson call for Alice"]


def test_a_person_without_a_name_breaks_the_contract(grpc_pact_file: Path) -> None:
    book = AddressBook(people=[Person(id=1, email="anonymous@example.com")])

    result = verify(grpc_pact_file, book)

    (failed,) = result.failed
    assert [(m.path, m.message) for m in failed.mismatches] == [
        ("$.name", "Expected '' (String) to not be empty")]
