"""Consumer tests: the aiohttp client against accord's mock server.

Each test declares the interactions it needs, runs the real client against ``pact.serve()`` and
checks what the client made of the answer. Matchers say what matters (an integer id, a name,
a timestamp in a format) instead of pinning example values, so the provider's real data passes.
When a test passes, its interactions are added to ``pacts/aiohttp-web-flask-users-api.json``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp_flask_example.consumer import InvalidUser, User, UserClient, UserNotFound

from accord import Pact, match

#: the fields of a user this consumer reads, with matchers instead of fixed values
USER = {
    "id": match.integer(123),
    "name": match.string("Alice"),
    "created_on": match.datetime("2024-05-01T09:30:00+00:00", "yyyy-MM-dd'T'HH:mm:ssXXX"),
}

#: errors come as RFC 9457 problem details; the client reads their ``detail``
PROBLEM = "application/problem+json"


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    """A fresh pact per test; each passing `serve()` block adds its interactions to the file."""
    return Pact("aiohttp-web", "flask-users-api", pact_dir=pact_dir)


async def test_get_an_existing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for an existing user")
        .given("a user exists", id=123, name="Alice")
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body(USER)
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            user = await client.get_user(123)

    assert user.id == 123
    assert user.name == "Alice"
    assert user.created_on.year == 2024


async def test_get_a_missing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a user that does not exist")
        .given("no user exists", id=404)
        .with_request("GET", "/users/404")
        .will_respond_with(404)
        .with_body({"detail": match.string("User not found")}, content_type=PROBLEM)
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            with pytest.raises(UserNotFound) as error:
                await client.get_user(404)

    assert error.value.status == 404
    assert error.value.detail == "User not found"


async def test_list_users(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for all users")
        .given("a user exists", id=7, name="Carol")
        .with_request("GET", "/users")
        .will_respond_with(200)
        .with_body({"users": match.each_like(USER, min=1)})
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            users = await client.list_users()

    assert users, "at least one user, as the contract says"
    assert all(isinstance(user, User) and user.id > 0 for user in users)


async def test_create_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a user")
        .with_request("POST", "/users")
        .with_body({"name": "Bob"})
        .will_respond_with(201)
        .with_body(
            {
                "id": match.integer(1000),
                "name": "Bob",  # the name we sent, exactly
                "created_on": match.datetime(format="yyyy-MM-dd'T'HH:mm:ssXXX"),
            }
        )
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            user = await client.create_user(name="Bob")

    assert user.id == 1000
    assert user.name == "Bob"
    assert user.created_on.tzinfo is not None


async def test_create_a_user_with_an_empty_name(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to create a user with an empty name")
        .with_request("POST", "/users")
        .with_body({"name": ""})
        .will_respond_with(400)
        .with_body({"detail": match.string("The name must not be empty")}, content_type=PROBLEM)
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            with pytest.raises(InvalidUser) as error:
                await client.create_user(name="")

    assert error.value.status == 400
    assert "name" in error.value.detail


async def test_delete_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to delete a user")
        .given("a user exists", id=124, name="Dave")
        .with_request("DELETE", "/users/124")
        .will_respond_with(204)
    )

    async with pact.serve() as server, UserClient(server.url) as client:
        await client.delete_user(124)


async def test_delete_a_missing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request to delete a user that does not exist")
        .given("no user exists", id=125)
        .with_request("DELETE", "/users/125")
        .will_respond_with(404)
        .with_body({"detail": match.string("User not found")}, content_type=PROBLEM)
    )

    with pact.serve() as server:
        async with UserClient(server.url) as client:
            with pytest.raises(UserNotFound):
                await client.delete_user(125)
