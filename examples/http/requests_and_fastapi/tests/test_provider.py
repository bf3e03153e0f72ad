"""Provider verification: the FastAPI app honours the pact the requests consumer wrote.

The state "a user exists" lets the store choose the id and returns it; the verifier puts that
id where the consumer used ``match.from_provider_state("/users/${id}", ...)``.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from requests_fastapi_example.provider import UserDb, create_app

from accord import Verifier

#: how many interactions test_consumer.py defines; verifying fewer would hide a broken contract
INTERACTIONS = 7


@pytest.fixture
def store() -> UserDb:
    return UserDb()


def provider_states(verifier: Verifier, store: UserDb) -> Verifier:
    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        user = store.create(params.get("name", "Alice"), email="alice@example.com")
        yield {"id": user.id}  # injected where the consumer wrote ${id}
        store.delete(user.id)

    @verifier.state("no user exists")
    def no_user_exists() -> None:
        store.clear()

    return verifier


def test_fastapi_app_in_process(pact_file: Path, store: UserDb) -> None:
    verifier = Verifier("fastapi-users-api").add_source(pact_file)
    verifier.add_transport(app=create_app(store))
    provider_states(verifier, store)

    result = verifier.verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS
    sent = {r.description: r.request for r in result.results}
    # The first user the store creates has id 1, not the consumer's example 123.
    assert sent["a request for an existing user"].path == "/users/1"


@pytest.fixture
def server_url(store: UserDb) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a free port) in a background thread."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(store), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not server.started and thread.is_alive():
        started.wait(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join()
    sock.close()


def test_fastapi_app_over_http(pact_file: Path, store: UserDb, server_url: str) -> None:
    verifier = Verifier("fastapi-users-api").add_source(pact_file).add_transport(url=server_url)
    provider_states(verifier, store)

    result = verifier.verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS


def test_without_the_injected_id_verification_fails(pact_file: Path, store: UserDb) -> None:
    """A state handler that forgets to return the id leaves the example id (123) in the path."""
    verifier = Verifier("fastapi-users-api").add_source(pact_file)
    verifier.add_transport(app=create_app(store))

    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> None:
        store.create(params.get("name", "Alice"))

    result = verifier.verify(raises=False)

    assert not result.ok
    failed = {r.description for r in result.failed}
    assert "a request for an existing user" in failed
