"""Consumer tests for messages: the newsletter's real code gets the contract's messages.

No queue is involved: the contract is about the message, so each event test hands the message
(as the provider would send it, generators applied) straight to ``Newsletter.handle``. If the
handler raises, the test fails and the interaction is not written to the pact. For the
request/reply lookup, the newsletter's ``UserDirectory`` sends its request over a channel that
stands in for the user service and processes the contract's reply.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from message_example.consumer import Newsletter, UnknownEvent, UserDirectory

from accord import Pact, match
from accord.consumer import SyncChannel
from accord.errors import MismatchError


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    return Pact("newsletter", "users-api", pact_dir=pact_dir)


def test_a_user_created_event_subscribes_the_user(pact: Pact) -> None:
    newsletter = Newsletter()
    (
        pact.upon_receiving("a user created event", kind="async")
        .given("a user exists", id=42, name="Alice", email="alice@example.com")
        .with_content(
            {
                "type": "user.created",
                "user": {
                    "id": match.integer(42),
                    "name": match.string("Alice"),
                    "email": match.email("alice@example.com"),
                },
                "occurred_at": match.datetime("2024-05-01T09:30:00+00:00", "%Y-%m-%dT%H:%M:%S%:z"),
            }
        )
        .with_metadata({"topic": "users", "eventType": "user.created"})
        .verify(newsletter.handle)
    )

    assert newsletter.subscribers[42].email == "alice@example.com"
    assert newsletter.subscribers[42].since.year == 2024


def test_a_user_deleted_event_unsubscribes_the_user(pact: Pact) -> None:
    newsletter = Newsletter()
    newsletter.handle(
        json.dumps(
            {
                "type": "user.created",
                "user": {"id": 42, "name": "Alice", "email": "alice@example.com"},
                "occurred_at": "2024-05-01T09:30:00+00:00",
            }
        ),
        {"contentType": "application/json", "eventType": "user.created"},
    )
    (
        pact.upon_receiving("a user deleted event", kind="async")
        .given("a user exists", id=42, name="Alice")
        .with_content(
            {
                "type": "user.deleted",
                "user": {"id": match.integer(42)},
                "occurred_at": match.datetime("2024-05-02T10:00:00+00:00", "%Y-%m-%dT%H:%M:%S%:z"),
            }
        )
        .with_metadata({"topic": "users", "eventType": "user.deleted"})
        .verify(newsletter.handle)
    )

    assert newsletter.subscribers == {}


def test_an_event_the_handler_cannot_process_fails_the_test(pact: Pact) -> None:
    """The handler's own error fails the consumer test, and nothing is written."""
    interaction = (
        pact.upon_receiving("an event of an unknown type", kind="async")
        .with_content({"type": "user.renamed", "user": {"id": 42}})
        .with_metadata({"topic": "users", "eventType": "user.renamed"})
    )

    with pytest.raises(UnknownEvent, match=r"user\.renamed"):
        interaction.verify(Newsletter().handle)

    assert pact.to_model().interactions == ()


def test_a_user_lookup_over_request_reply(pact: Pact) -> None:
    """A V4 synchronous message: the newsletter asks the user service for an address.

    The consumer code runs against a channel that stands in for the user service: ``send``
    checks the request the newsletter sends against the contract and answers with the
    contract's response, which the newsletter then reads. ``verify`` records the exchange.
    """
    interaction = (
        pact.upon_receiving("a user lookup", kind="sync")
        .given("a user exists", id=42, name="Alice", email="alice@example.com")
        .with_request({"type": "user.lookup", "id": match.integer(42)})
        .will_respond_with(
            {
                "id": match.integer(42),
                "name": match.string("Alice"),
                "email": match.email("alice@example.com"),
            }
        )
    )

    def newsletter_asks(channel: SyncChannel) -> None:
        def send(body: bytes, metadata: Mapping[str, Any]) -> tuple[bytes, dict[str, Any]]:
            reply = channel.send(body, metadata)  # the transport: bytes in, bytes out
            return reply.content, reply.metadata

        assert UserDirectory(send).email_of(42) == "alice@example.com"

    interaction.verify(newsletter_asks)


def test_a_lookup_request_that_breaks_the_contract_fails(pact: Pact) -> None:
    """The channel checks what the consumer sends: here the id is not an integer."""
    interaction = (
        pact.upon_receiving("a user lookup with a string id", kind="sync")
        .with_request({"type": "user.lookup", "id": match.integer(42)})
        .will_respond_with({"id": match.integer(42), "email": match.email("a@example.com")})
    )

    def asks_with_a_string_id(channel: SyncChannel) -> None:
        channel.send({"type": "user.lookup", "id": "alice"})

    with pytest.raises(MismatchError, match=r"\$\.id"):
        interaction.verify(asks_with_a_string_id)

    assert pact.to_model().interactions == ()
