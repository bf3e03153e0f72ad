"""Consumer tests: the requests client against accord's mock server.

The provider chooses user ids, so the consumer cannot know them in advance. Interactions that
act on an existing user take the id from the provider state: ``match.from_provider_state``
puts an example id in the pact (and in the request this test sends), and records that the
provider's verification must use the id its state handler returns instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from requests_fastapi_example.consumer import InvalidUser, UserClient, UserNotFound

from accord import Pact, match

USER = {
    "id": match.integer(123),
    "name": match.string("Alice"),
    "created_on": match.datetime("2024-05-01T09:30:00+00:00", "yyyy-MM-dd'T'HH:mm:ssXXX"),
}


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    """A fresh pact per test; each passing `serve()` block adds its interactions to the file."""
    return Pact("requests-web", "fastapi-users-api", pact_dir=pact_dir)


def test_get_an_existing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for an existing user")
        .given("a user exists", name="Alice")
        .with_request("GET", match.from_provider_state("/users/${id}", "/users/123"))
        .will_respond_with(200)
        .with_body({**USER, "id": match.from_provider_state("${id}", 123)})
    )

    with pact.serve() as server, UserClient(server.url) as client:
        user = client.get_user(123)

    assert user.id == 123
    assert user.name == "Alice"


def test_get_a_missing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a user that does not exist")
        .given("no user exists")
        .with_request("GET", "/users/404")
        .will_respond_with(404)
        .with_body({"detail": match.string("User not found")})
    )

    with (
        pact.serve() as server,
        UserClient(server.url) as client,
        pytest.raises(UserNotFound) as error,
    ):
        client.get_user(404)

    assert error.value.detail == "User not found"


def test_list_users(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for all users")
        .given("a user exists", name="Alice")
        .with_request("GET", "/users")
        .will_respond_with(200)
        .with_body({"users": match.each_like(USER, min=1)})
    )

    with pact.serve() as server, UserClient(server.url) as client:
        users = client.list_users()

    assert [user.name for user in users] == ["Alice"]


def test_create_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a user")
        .with_request("POST", "/users")
        .with_body({"name": "Bob"})
        .will_respond_with(201)
        .with_body({**USER, "name": "Bob"})
    )

    with pact.serve() as server, UserClient(server.url) as client:
        user = client.create_user(name="Bob")

    assert user.name == "Bob"
    assert user.id > 0


def test_create_a_user_without_a_name(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a user with an empty name")
        .with_request("POST", "/users")
        .with_body({"name": ""})
        .will_respond_with(422)
        .with_body({"detail": match.each_like({"msg": match.string("String too short")})})
    )

    with (
        pact.serve() as server,
        UserClient(server.url) as client,
        pytest.raises(InvalidUser) as error,
    ):
        client.create_user(name="")

    assert error.value.status == 422


def test_rename_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to rename a user")
        .given("a user exists", name="Alice")
        .with_request("PATCH", match.from_provider_state("/users/${id}", "/users/123"))
        .with_body({"name": "Alicia"})
        .will_respond_with(200)
        .with_body({**USER, "id": match.from_provider_state("${id}", 123), "name": "Alicia"})
    )

    with pact.serve() as server, UserClient(server.url) as client:
        user = client.rename_user(123, "Alicia")

    assert user.name == "Alicia"


def test_delete_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to delete a user")
        .given("a user exists", name="Dave")
        .with_request("DELETE", match.from_provider_state("/users/${id}", "/users/124"))
        .will_respond_with(204)
    )

    with pact.serve() as server, UserClient(server.url) as client:
        client.delete_user(124)
