"""Basic auth (read-write and read-only users) and bearer tokens."""

from __future__ import annotations

import base64

from accord.broker.config import hash_token

from .helpers import pact, publish_body


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def make(make_client):
    return make_client(
        username="rw",
        password="pw",
        read_only_username="ro",
        read_only_password="pr",
        tokens={hash_token("write-token"): "write", hash_token("read-token"): "read"},
    )


def test_auth_off_by_default(client):
    assert client.get("/").status_code == 200


def test_anonymous_is_rejected_with_basic_challenge(make_client):
    client = make(make_client)
    response = client.get("/")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Basic realm="Restricted area"'
    assert client.get("/diagnostic/status/heartbeat").status_code == 200
    assert client.get("/", headers=basic("rw", "wrong")).status_code == 401


def test_read_only_user_reads_and_fetches_pacts_for_verification_only(make_client):
    client = make(make_client)
    body = publish_body("Foo", "1", [pact()])
    assert (
        client.post("/contracts/publish", json=body, headers=basic("rw", "pw")).status_code == 200
    )
    ro = basic("ro", "pr")
    assert client.get("/pacticipants", headers=ro).status_code == 200
    assert (
        client.post("/pacts/provider/Bar/for-verification", json={}, headers=ro).status_code == 200
    )
    assert client.post("/contracts/publish", json=body, headers=ro).status_code == 403
    assert client.put("/pacticipants/Foo/versions/2/tags/x", json={}, headers=ro).status_code == 403


def test_bearer_tokens(make_client):
    client = make(make_client)
    body = publish_body("Foo", "1", [pact()])
    assert (
        client.post(
            "/contracts/publish", json=body, headers={"Authorization": "Bearer read-token"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/contracts/publish", json=body, headers={"Authorization": "Bearer write-token"}
        ).status_code
        == 200
    )
    assert client.get("/", headers={"Authorization": "Bearer read-token"}).status_code == 200
    assert client.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401
