"""Provider verification for messages: the user service's real message functions.

There is no HTTP here: for each message in the pact, the verifier sets up its provider state,
calls the producer registered for its description and matches what it returns (contents and
metadata) against the contract. For the synchronous "user lookup", the producer is given the
request message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from message_example.producer import User, UserStore, answer_lookup, user_created, user_deleted

from accord import Verifier

#: how many messages test_consumer.py puts in the pact
INTERACTIONS = 3


def message_verifier(pact_file: Path, store: UserStore) -> Verifier:
    verifier = Verifier("users-api").add_source(pact_file)

    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> None:
        store.add(User(params["id"], params["name"], params.get("email")))

    @verifier.message("a user created event")
    def a_user_created_event(params: dict[str, Any]) -> Any:
        return user_created(store.users[params["id"]])

    @verifier.message("a user deleted event")
    def a_user_deleted_event(params: dict[str, Any]) -> Any:
        return user_deleted(params["id"])

    @verifier.message("a user lookup")
    def a_user_lookup(request: dict[str, Any]) -> Any:
        return answer_lookup(store, request)

    return verifier


def test_the_producer_sends_the_messages_the_consumer_expects(pact_file: Path) -> None:
    result = message_verifier(pact_file, UserStore()).verify()  # raises on failure

    assert len(result.passed) == INTERACTIONS
    kinds = sorted(r.kind for r in result.passed)
    assert kinds == ["Asynchronous/Messages", "Asynchronous/Messages", "Synchronous/Messages"]


def test_a_producer_that_drops_the_event_type_fails(pact_file: Path) -> None:
    verifier = message_verifier(pact_file, UserStore())

    @verifier.message("a user created event")
    def without_event_type(params: dict[str, Any]) -> Any:
        body, metadata = user_created(User(params["id"], params["name"], params["email"]))
        return body, {key: value for key, value in metadata.items() if key != "eventType"}

    result = verifier.verify(raises=False)

    assert [r.description for r in result.failed] == ["a user created event"]
    assert "eventType" in result.report()


@pytest.mark.parametrize("email", [None, "not-an-address"])
def test_a_user_without_a_valid_email_breaks_the_lookup_contract(
    pact_file: Path, email: str | None
) -> None:
    """The consumer relies on an e-mail address in the lookup reply."""
    store = UserStore()
    verifier = message_verifier(pact_file, store)

    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> None:
        store.add(User(params["id"], params["name"], email))

    result = verifier.filter("a user lookup").verify(raises=False)

    assert len(result.results) == 1
    assert not result.ok
