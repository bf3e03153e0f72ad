"""Consumer tests of message handlers, as pact-python 4.x documents them: declare the
message, then `pact.verify(handler, kind)` hands each message to the handler as it would
arrive (the body as text or bytes, the metadata as a dict)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pact import Pact, match
from pact.error import InteractionVerificationError, PactVerificationError


@pytest.fixture
def pact(pacts_path: Path) -> Iterator[Pact]:
    pact = Pact("dropin-listener", "dropin-events").with_specification("V4")
    yield pact
    pact.write_file(pacts_path)


class Inbox:
    """The consumer's code under test: it stores user events it understands."""

    def __init__(self) -> None:
        self.users: dict[int, str] = {}

    def handle(self, body: str | bytes | None, metadata: dict[str, Any]) -> None:
        assert body is not None
        event = json.loads(body)
        if event["type"] != "user.created":
            raise ValueError(f"unknown event {event['type']}")
        assert metadata["topic"] == "users"
        self.users[event["user"]["id"]] = event["user"]["name"]


def user_created(pact: Pact, description: str = "a user created event") -> None:
    (
        pact.upon_receiving(description, "Async")
        .given("a user is created")
        .with_body({
            "type": "user.created",
            "user": {"id": match.int(42), "name": match.str("Ada")},
        }, "application/json")
        .with_metadata({"topic": "users"})
    )


def test_the_handler_gets_the_message_as_it_arrives(pact: Pact) -> None:
    user_created(pact)
    inbox = Inbox()
    assert pact.verify(inbox.handle, "Async") is None
    assert inbox.users == {42: "Ada"}


def test_the_body_is_text_and_the_metadata_a_dict(pact: Pact) -> None:
    user_created(pact)
    seen: list[tuple[Any, dict[str, Any]]] = []
    pact.verify(lambda body, metadata: seen.append((body, metadata)), "Async")
    ((body, metadata),) = seen
    assert isinstance(body, str) and json.loads(body)["user"]["name"] == "Ada"
    assert metadata["topic"] == "users" and metadata["contentType"] == "application/json"


def test_binary_and_text_messages(pact: Pact) -> None:
    (pact.upon_receiving("a binary blob", "Async")
         .with_binary_body(b"\x00\x01", "application/octet-stream"))
    pact.upon_receiving("a plain notice", "Async").with_body("hello", "text/plain")
    seen: list[Any] = []
    pact.verify(lambda body, metadata: seen.append(body), "Async")
    assert sorted(seen, key=str) == sorted([b"\x00\x01", "hello"], key=str)


def test_a_failing_handler_raises_pact_verification_error(pact: Pact) -> None:
    (
        pact.upon_receiving("an unknown event", "Async")
        .with_body({"type": "user.renamed", "user": {"id": 1, "name": "x"}}, "application/json")
        .with_metadata({"topic": "users"})
    )
    with pytest.raises(PactVerificationError) as caught:
        pact.verify(Inbox().handle, "Async")
    (error,) = caught.value.errors
    assert isinstance(error, InteractionVerificationError)
    assert error.description == "an unknown event"
    assert isinstance(error.error, ValueError)


def test_raises_false_returns_the_errors(pact: Pact) -> None:
    (
        pact.upon_receiving("another unknown event", "Async")
        .with_body({"type": "user.renamed", "user": {"id": 1, "name": "x"}}, "application/json")
        .with_metadata({"topic": "users"})
    )
    errors = pact.verify(Inbox().handle, "Async", raises=False)
    assert [e.description for e in errors] == ["another unknown event"]
    assert "user.renamed" in str(errors[0])


def test_raises_false_returns_an_empty_list_when_all_pass(pact: Pact) -> None:
    user_created(pact, "a user created event (quiet)")
    assert pact.verify(Inbox().handle, "Async", raises=False) == []


def test_message_matching_rules(pact: Pact) -> None:
    (
        pact.upon_receiving("an event with raw rules", "Async")
        .with_body({"id": 5, "tags": ["x"]}, "application/json")
        .with_matching_rules({"body": {"$.id": match.int(5)}})
        .with_metadata({"topic": "users"})
    )
    seen: list[Any] = []
    pact.verify(lambda body, metadata: seen.append(json.loads(body)), "Async")
    assert seen == [{"id": 5, "tags": ["x"]}]


def test_a_synchronous_message_hands_over_the_request(pact: Pact) -> None:
    (
        pact.upon_receiving("a price request", "Sync")
        .with_body({"sku": match.str("A-1")}, "application/json", part="Request")
        .will_respond_with()
        .with_body({"price": match.decimal(9.99)}, "application/json")
    )
    seen: list[Any] = []
    pact.verify(lambda body, metadata: seen.append(json.loads(body)), "Sync")
    assert seen == [{"sku": "A-1"}]


@pytest.mark.parametrize("kind", ["Async", "Sync"])
def test_a_multipart_file_in_a_message_is_refused(tmp_path: Path, kind: str) -> None:
    # multipart bodies are HTTP's: both tools raise a RuntimeError for a message
    attachment = tmp_path / "note.txt"
    attachment.write_text("hello")
    pact = Pact("dropin-listener", "dropin-multipart").with_specification("V4")
    interaction = pact.upon_receiving("a message with a file", kind)
    with pytest.raises(RuntimeError):
        interaction.with_multipart_file("file", attachment, "text/plain")
