"""Provider verification as pact-python 4.x documents it: a `Verifier` pointed at the pact
files and at the running provider, provider states set up by Python functions, and
`verify()` failing the test when the provider breaks the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
import users_app
import yarl
from pact import Pact, Verifier, match


@pytest.fixture(scope="module")
def pact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer's contract, written by its own consumer test run."""
    directory = tmp_path_factory.mktemp("provider-pacts")
    pact = Pact("dropin-app", "dropin-users-api")
    (
        pact.upon_receiving("a request for user 7")
        .given("the user exists", id=7, name="Grace")
        .with_request("GET", "/users/7")
        .will_respond_with(200)
        .with_body({"id": match.int(7), "name": match.str("Grace"),
                    "created_on": match.datetime("2024-05-01T09:30:00+0000")})
    )
    (
        pact.upon_receiving("a request for a missing user")
        .given("the user doesn't exist", id=8)
        .with_request("GET", "/users/8")
        .will_respond_with(404)
        .with_body({"detail": "User not found"})
    )
    (
        pact.upon_receiving("a request to create a user")
        .with_request("POST", "/users")
        .with_body({"name": "Hedy"}, "application/json")
        .will_respond_with(201)
        .with_body({"id": match.int(1000), "name": "Hedy"})
    )
    with pact.serve() as srv:
        assert requests.get(f"{srv.url}/users/7", timeout=5).status_code == 200
        assert requests.get(f"{srv.url}/users/8", timeout=5).status_code == 404
        assert requests.post(f"{srv.url}/users", json={"name": "Hedy"}, timeout=5).ok
    pact.write_file(directory)
    return directory


def user_exists(action: str, parameters: dict[str, Any] | None) -> None:
    params = parameters or {}
    uid = int(params.get("id", 1))
    if action == "setup":
        users_app.USERS[uid] = users_app.new_user(uid, str(params.get("name", "Someone")))
    else:
        users_app.USERS.pop(uid, None)


def user_does_not_exist(action: str, parameters: dict[str, Any] | None) -> None:
    if action == "setup":
        users_app.USERS.pop(int((parameters or {})["id"]), None)


def verifier_for(pact_dir: Path, port: int) -> Verifier:
    return (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(pact_dir)
        .add_transport(url=f"http://127.0.0.1:{port}")
        .state_handler({"the user exists": user_exists,
                        "the user doesn't exist": user_does_not_exist}, teardown=True)
    )


def test_the_provider_honours_the_pact(pact_dir: Path, provider_port: int) -> None:
    verifier = verifier_for(pact_dir, provider_port)
    verifier.verify()
    assert verifier.results["result"] is True
    assert verifier.results["errors"] == []
    assert isinstance(verifier.output(), str)


def test_a_broken_provider_fails_verify(pact_dir: Path, provider_port: int) -> None:
    users_app.BROKEN["enabled"] = True
    with pytest.raises(RuntimeError):
        verifier_for(pact_dir, provider_port).verify()


def test_one_function_for_every_state(pact_dir: Path, provider_port: int) -> None:
    calls: list[tuple[str, str]] = []

    def handler(state: str, action: str, parameters: dict[str, Any] | None) -> None:
        calls.append((state, action))
        if state == "the user exists":
            user_exists(action, parameters)
        elif state == "the user doesn't exist":
            user_does_not_exist(action, parameters)

    (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(pact_dir)
        .add_transport(url=f"http://127.0.0.1:{provider_port}")
        .state_handler(handler, teardown=True)
        .verify()
    )
    assert ("the user exists", "setup") in calls
    assert ("the user exists", "teardown") in calls


def test_transport_by_protocol_port_and_path(pact_dir: Path, provider_port: int) -> None:
    (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(pact_dir)
        .add_transport(protocol="http", port=provider_port, path="/")
        .state_handler({"the user exists": user_exists,
                        "the user doesn't exist": user_does_not_exist}, teardown=True)
        .verify()
    )


def test_transport_by_url_object(pact_dir: Path, provider_port: int) -> None:
    (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(pact_dir)
        .add_transport(url=yarl.URL(f"http://127.0.0.1:{provider_port}"))
        .state_handler({"the user exists": user_exists,
                        "the user doesn't exist": user_does_not_exist}, teardown=True)
        .verify()
    )


def test_a_filter_selects_interactions(pact_dir: Path, provider_port: int) -> None:
    (
        verifier_for(pact_dir, provider_port)
        .filter("a request to create a user")
        .set_request_timeout(5000)
        .add_custom_header("X-Test", "1")
        .verify()
    )


def test_the_verifier_can_be_configured_fluently(pact_dir: Path) -> None:
    verifier = (
        Verifier("dropin-users-api")
        .add_source(pact_dir)
        .set_publish_options(version="1.2.3", branch="main")
        .set_error_on_empty_pact(enabled=True)
        .disable_ssl_verification()
        .filter_consumers("dropin-app")
    )
    assert isinstance(verifier, Verifier)


def test_broker_selectors_take_pact_pythons_shapes() -> None:
    builder = Verifier("dropin-users-api").broker_source("http://127.0.0.1:9", selector=True)
    built = (
        builder.consumer_versions(json.dumps({"mainBranch": True}))
        .consumer_tags("prod", "staging")
        .consumer_version(deployed_or_released=True)
        .include_pending()
        .include_wip_since("2024-01-01")
        .provider_branch("main")
        .provider_tags("ci")
        .build()
    )
    assert isinstance(built, Verifier)


@pytest.fixture(scope="module")
def message_pact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("message-pacts")
    pact = Pact("dropin-listener", "dropin-publisher")
    (
        pact.upon_receiving("a user created event", "Async")
        .with_body({"type": "user.created", "id": match.int(42)}, "application/json")
        .with_metadata({"topic": "users"})
    )
    pact.upon_receiving("a ping", "Async").with_binary_body(b"ping", "application/octet-stream")
    pact.verify(lambda body, metadata: None, "Async")
    pact.write_file(directory)
    return directory


def _event(name: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
    if name == "a ping":
        return {"contents": b"ping", "metadata": None, "content_type": "application/octet-stream"}
    body = json.dumps({"type": "user.created", "id": 7}).encode()
    return {"contents": body, "metadata": {"topic": "users"}, "content_type": "application/json"}


def test_a_message_producer_function(message_pact_dir: Path) -> None:
    Verifier("dropin-publisher").add_source(message_pact_dir).message_handler(_event).verify()


def test_message_producers_by_description(message_pact_dir: Path) -> None:
    (
        Verifier("dropin-publisher")
        .add_source(message_pact_dir)
        .message_handler({
            "a user created event": lambda: _event("a user created event", None),
            "a ping": {"contents": b"ping", "metadata": None,
                       "content_type": "application/octet-stream"},
        })
        .verify()
    )


def test_messages_from_the_providers_own_relay(message_pact_dir: Path,
                                               provider_port: int) -> None:
    (
        Verifier("dropin-publisher", host="127.0.0.1")
        .add_source(message_pact_dir)
        .filter("a user created event")
        .add_transport(protocol="message", port=provider_port, path="/_pact/message")
        .verify()
    )


def test_a_wrong_message_fails_verify(message_pact_dir: Path) -> None:
    def wrong(name: str) -> dict[str, Any]:
        body = json.dumps({"type": "user.created", "id": "seven"}).encode()
        return {"contents": body, "metadata": {"topic": "users"},
                "content_type": "application/json"}

    with pytest.raises(RuntimeError):
        Verifier("dropin-publisher").add_source(message_pact_dir).message_handler(wrong).verify()
