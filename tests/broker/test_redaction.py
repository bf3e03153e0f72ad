"""Webhook secrets are stored for sending but shown masked in every place a webhook is shown."""

from __future__ import annotations

import json

from sqlalchemy import select

from accord.broker.services.redaction import (
    MASK,
    redact_headers,
    redact_text,
    redact_url,
    redact_webhook_request,
)
from accord.broker.storage.schema import webhooks

from .test_auth import AUTH, basic

SECRETS = (
    "s3cr3t-bearer",
    "k3y-value",
    "c00kie",
    "sess-1d",
    "pr1vate",
    "x-s3cret",
    "pw-in-url",
    "t0k-in-query",
    "basic-pa55",
)

HOOK = {
    "description": "build",
    "events": [{"name": "contract_published"}],
    "request": {
        "method": "POST",
        "url": "https://ci-user:pw-in-url@ci.example/build?token=t0k-in-query&branch=${pactbroker.consumerVersionBranch}",
        "headers": {
            "Authorization": "Bearer s3cr3t-bearer",
            "X-Api-Key": "k3y-value",
            "Cookie": "c00kie",
            "X-Session-Id": "sess-1d",
            "PRIVATE-TOKEN": "pr1vate",
            "X-Webhook-Secret": "x-s3cret",
            "Content-Type": "application/json",
        },
        "body": {"pact": "${pactbroker.pactUrl}"},
        "username": "ci-user",
        "password": "basic-pa55",
    },
}


def test_redact_headers():
    shown = redact_headers(HOOK["request"]["headers"])
    assert shown["Content-Type"] == "application/json"
    assert all(v == MASK for k, v in shown.items() if k != "Content-Type")
    assert redact_headers(None) == {}
    assert redact_headers({"X-Trace": "1", "x-auth": ""}) == {"X-Trace": "1", "x-auth": ""}


def test_redact_url():
    assert (
        redact_url("https://u:p@h.example:8443/x?y=1") == f"https://u:{MASK}@h.example:8443/x?y=1"
    )
    assert (
        redact_url("https://h.example/x?api_key=abc&y=2")
        == f"https://h.example/x?api_key={MASK}&y=2"
    )
    assert redact_url("https://u@h.example/x") == "https://u@h.example/x"  # no password
    assert (
        redact_url("https://h.example/${pactbroker.pactUrl}")
        == "https://h.example/${pactbroker.pactUrl}"
    )
    assert redact_url("not a url [") == "not a url ["
    assert "pw" not in redact_text("POST https://u:pw@h.example/x failed; see https://o.example")


def test_redact_webhook_request_leaves_the_stored_one_alone():
    request = HOOK["request"]
    shown = redact_webhook_request(request)
    assert not any(secret in json.dumps(shown) for secret in SECRETS)
    assert shown["username"] == "ci-user" and shown["password"] == MASK
    assert "${pactbroker.consumerVersionBranch}" in shown["url"]
    assert request["password"] == "basic-pa55"  # the caller's dict is not changed


def _all_display_places(client, uuid: str, headers: dict) -> dict[str, str]:
    places = [
        f"/webhooks/{uuid}",
        "/webhooks",
        "/webhooks/provider/Bar/consumer/Foo",
        "/webhooks/provider/Bar",
        "/webhooks/consumer/Foo",
        "/pacts/provider/Bar/consumer/Foo/webhooks",
    ]
    out = {}
    for place in places:
        for accept in ("application/hal+json", "application/json", "text/html", "*/*"):
            response = client.get(place, headers={**headers, "Accept": accept})
            assert response.status_code == 200, (place, accept, response.status_code)
            out[f"{place} ({accept})"] = response.text
    return out


def test_every_reader_sees_masks_in_every_display_place(make_client):
    client = make_client(**AUTH)
    rw, ro = basic("rw", "pw"), basic("ro", "pr")
    for name in ("Foo", "Bar"):
        assert client.post("/pacticipants", json={"name": name}, headers=rw).status_code == 201
    created = client.post("/webhooks/provider/Bar/consumer/Foo", json=HOOK, headers=rw)
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    updated = client.put(f"/webhooks/{uuid}", json=HOOK, headers=rw)
    assert updated.status_code == 200
    texts = {"create": created.text, "update": updated.text}
    for who in (rw, ro, {"Authorization": "Bearer read-token"}):
        texts.update(_all_display_places(client, uuid, who))
    leaks = [(place, s) for place, text in texts.items() for s in SECRETS if s in text]
    assert leaks == []
    shown = client.get(f"/webhooks/{uuid}", headers=ro).json()["request"]
    assert shown["headers"]["Authorization"] == MASK and shown["headers"]["X-Api-Key"] == MASK
    assert shown["headers"]["Content-Type"] == "application/json"
    assert shown["password"] == MASK and f"ci-user:{MASK}@" in shown["url"]
    embedded = client.get("/webhooks", headers=ro).json()["_embedded"]["webhooks"][0]
    assert embedded["request"] == shown
    with client.app.engine.connect() as conn:  # kept for sending
        stored = json.loads(conn.execute(select(webhooks.c.request)).scalar_one())
    assert stored == HOOK["request"]
