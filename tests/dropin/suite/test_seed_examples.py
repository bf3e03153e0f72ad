"""pact-python's seed examples, re-created: the aiohttp (async) consumer of
`examples/http/aiohttp_and_flask`, the V3 message consumer of `examples/v2/tests/v3` (a mocked
file system driven by messages with raw matching rules), a multipart upload matched by
content type, and state handlers in their other shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import aiohttp
import pytest
import requests
import users_app
from pact import Pact, Verifier, match


@pytest.fixture
def pact(pacts_path: Path) -> Iterator[Pact]:
    pact = Pact("dropin-aiohttp", "dropin-users").with_specification("V4")
    yield pact
    pact.write_file(pacts_path)


@pytest.mark.asyncio
async def test_async_client_gets_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("An async user request")
        .given("the user exists", id=123, name="Alice")
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body({"id": match.int(123), "name": match.str("Alice"),
                    "created_on": match.datetime()})
    )
    with pact.serve() as srv:
        async with aiohttp.ClientSession() as session, \
                session.get(f"{srv.url}/users/123") as response:
            user = await response.json()
    assert user["name"] == "Alice"


@pytest.mark.asyncio
async def test_async_client_sees_a_404(pact: Pact) -> None:
    (
        pact.upon_receiving("An async request for an unknown user")
        .given("the user doesn't exist", id=123)
        .with_request("GET", "/users/123")
        .will_respond_with(404)
        .with_body({"detail": "User not found"})
    )
    with pact.serve() as srv:
        async with aiohttp.ClientSession() as session:
            with pytest.raises(aiohttp.ClientResponseError):
                async with session.get(f"{srv.url}/users/123") as response:
                    response.raise_for_status()


class FileHandler:
    """The consumer of the V3 message example: it writes or reads files as messages ask."""

    def __init__(self, fs: Any) -> None:
        self.fs = fs

    def process(self, body: str | bytes | None, metadata: dict[str, Any]) -> None:
        assert body is not None
        event = json.loads(body)
        if event["action"] == "WRITE":
            self.fs.write(event["path"], event["contents"])
        elif event["action"] == "READ":
            self.fs.read(event["path"])
        else:
            raise ValueError(f"invalid action {event['action']!r}")


def test_v3_messages_drive_a_mocked_file_system(pacts_path: Path) -> None:
    pact = Pact("dropin-files", "dropin-filesystem").with_specification("V3")
    (
        pact.upon_receiving("a write request", "Async")
        .given("a request to write test.txt")
        .with_body(json.dumps({"action": "WRITE", "path": "test.txt", "contents": "Hello"}),
                   "application/json")
        .with_matching_rules({"body": {"$.contents": {"matchers": [{"match": "type"}]}}})
        .with_metadata({"Content-Type": "application/json"})
    )
    (
        pact.upon_receiving("a read request", "Async")
        .given("a request to read test.txt")
        .with_body(json.dumps({"action": "READ", "path": "test.txt"}), "application/json")
        .with_metadata({"Content-Type": "application/json"})
    )
    fs = MagicMock()
    pact.verify(FileHandler(fs).process, "Async")
    fs.write.assert_called_once_with("test.txt", "Hello")
    fs.read.assert_called_once_with("test.txt")
    pact.write_file(pacts_path)
    written = json.loads((pacts_path / "dropin-files-dropin-filesystem.json").read_text())
    assert written["metadata"]["pactSpecification"]["version"] == "3.0.0"
    assert sorted(m["description"] for m in written["messages"]) == [
        "a read request", "a write request"]


def test_a_multipart_upload(tmp_path: Path) -> None:
    picture = tmp_path / "avatar.jpg"
    picture.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32)
    pact = Pact("dropin-upload", "dropin-users")
    (
        pact.upon_receiving("An avatar upload")
        .with_request("POST", "/avatars")
        .with_multipart_file("file", picture, "image/jpeg", part="Request",
                             boundary="dropinboundary")
        .will_respond_with(201)
    )
    with pact.serve() as srv:
        response = requests.post(f"{srv.url}/avatars", timeout=5, files={
            "file": ("avatar.jpg", picture.read_bytes(), "image/jpeg")})
    assert response.status_code == 201
    pact.write_file(tmp_path)


@pytest.fixture(scope="module")
def state_pacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("state-pacts")
    pact = Pact("dropin-states", "dropin-users-api")
    (
        pact.upon_receiving("a request for user 9")
        .given("the user exists", id=9, name="Ida")
        .with_request("GET", "/users/9")
        .will_respond_with(200)
        .with_body({"id": 9, "name": "Ida"})
    )
    with pact.serve() as srv:
        requests.get(f"{srv.url}/users/9", timeout=5)
    pact.write_file(directory)
    return directory


def test_state_functions_without_teardown_take_the_parameters(state_pacts: Path,
                                                               provider_port: int) -> None:
    def user_exists(parameters: dict[str, Any] | None) -> None:
        params = parameters or {}
        users_app.USERS[int(params["id"])] = users_app.new_user(int(params["id"]),
                                                                str(params["name"]))

    (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(state_pacts)
        .add_transport(url=f"http://127.0.0.1:{provider_port}")
        .state_handler({"the user exists": user_exists})
        .verify()
    )
    assert 9 in users_app.USERS  # no teardown was asked for


def test_a_state_change_url(state_pacts: Path, provider_port: int) -> None:
    (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(state_pacts)
        .add_transport(url=f"http://127.0.0.1:{provider_port}")
        .state_handler(f"http://127.0.0.1:{provider_port}/_pact/state", body=True)
        .verify()
    )
    assert users_app.STATE_CALLS and users_app.STATE_CALLS[0]["state"] == "the user exists"
