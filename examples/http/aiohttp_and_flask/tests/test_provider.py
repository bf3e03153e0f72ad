"""Provider verification: the Flask app honours the pact the aiohttp consumer wrote.

The same verifier runs twice: in process (the WSGI app is called directly, no server, no port)
and over HTTP against a real server on 127.0.0.1. Provider states put the data each
interaction needs into the app's store.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp_flask_example.provider import User, UserDb, create_app
from werkzeug.serving import make_server

from accord import Verifier

#: how many interactions test_consumer.py defines; verifying fewer would hide a broken contract
INTERACTIONS = 7


@pytest.fixture
def store() -> UserDb:
    return UserDb()


def provider_states(verifier: Verifier, store: UserDb) -> Verifier:
    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> Iterator[None]:
        user = User(
            id=params["id"],
            name=params.get("name", "Alice"),
            created_on=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
            email=f"user{params['id']}@example.com",
            hobbies=["chess", "running"],
        )
        store.put(user)
        yield  # the interaction runs here
        store.delete(user.id)

    @verifier.state("no user exists")
    def no_user_exists(params: dict[str, Any]) -> None:
        store.delete(params["id"])

    return verifier


def test_flask_app_in_process(pact_file: Path, store: UserDb) -> None:
    verifier = Verifier("flask-users-api").add_source(pact_file)
    verifier.add_transport(app=create_app(store))
    provider_states(verifier, store)

    result = verifier.verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS
    # The states' teardowns removed their users; only the one the POST created is left.
    assert [user.name for user in store.all()] == ["Bob"]


@pytest.fixture
def server_url(store: UserDb) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(store), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


def test_flask_app_over_http(pact_file: Path, store: UserDb, server_url: str) -> None:
    verifier = Verifier("flask-users-api").add_source(pact_file).add_transport(url=server_url)
    provider_states(verifier, store)

    result = verifier.verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS


def test_a_broken_provider_fails_verification(pact_file: Path, store: UserDb) -> None:
    """The contract has teeth: a provider that renames a field the consumer reads fails."""
    app = create_app(store)

    @app.after_request
    def rename_created_on(response: Any) -> Any:
        if response.is_json and isinstance(response.get_json(), dict):
            data = response.get_json()
            if "created_on" in data:
                data["createdOn"] = data.pop("created_on")
                response.set_data(response.json_module.dumps(data))
        return response

    verifier = Verifier("flask-users-api").add_source(pact_file).add_transport(app=app)
    provider_states(verifier, store)

    result = verifier.verify(raises=False)

    assert not result.ok
    assert len(result.failed) >= 1
    assert "created_on" in result.report()
