"""Provider verification of the address-book contract: the Flask app serves Protocol Buffers,
and accord compares its messages with the pact field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from person_example.messages import AddressBook, Person, address_book
from person_example.provider import create_app

from accord import Verifier

INTERACTIONS = 3


def person_verifier(pact: Path, book: Any) -> Verifier:
    app = create_app(book)
    verifier = Verifier("address-book-api").add_source(pact).add_transport(app=app)

    @verifier.state("person with the given ID exists")
    def person_exists(params: dict[str, Any]) -> None:
        app.config["book"].CopyFrom(address_book())
        assert any(p.id == params["user_id"] for p in app.config["book"].people)

    @verifier.state("person with the given ID does not exist")
    def person_does_not_exist(params: dict[str, Any]) -> None:
        app.config["book"].CopyFrom(AddressBook())

    return verifier


def test_the_flask_app_honours_the_protobuf_contract(person_pact_file: Path) -> None:
    book = address_book()
    del book.people[1]  # two people before the new one: the next id is 2, any integer will do
    result = person_verifier(person_pact_file, book).verify()

    result.assert_ok()
    assert len(result.passed) == INTERACTIONS


def test_a_person_without_a_valid_phone_number_breaks_the_contract(person_pact_file: Path
                                                                   ) -> None:
    book = address_book()
    verifier = person_verifier(person_pact_file, book)

    @verifier.state("person with the given ID exists")
    def person_exists(params: dict[str, Any]) -> None:
        book.CopyFrom(AddressBook(people=[Person(
            name="Alice", id=1, email="alice@gmail.com",
            phones=[Person.PhoneNumber(number="call me", type=Person.PHONE_TYPE_HOME)])]))

    result = verifier.verify(raises=False)  # the result, to look at what failed

    (failed,) = result.failed
    assert failed.description == "a request to get person by ID"
    (mismatch,) = failed.mismatches
    assert mismatch.path == "$.phones[0].number"
    assert "call me" in mismatch.message
