"""Webhooks: create, validate, list, update, execute and fire on events."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import Any

from .helpers import publish, verify
from .live import LiveBroker

#: every test server listens on 127.0.0.1, which webhooks may only call when whitelisted
LOCAL = {"webhook_scheme_whitelist": ("https", "http"), "webhook_host_whitelist": ("127.0.0.1",)}

HOOK = {
    "description": "trigger build",
    "events": [{"name": "contract_content_changed"}],
    "request": {
        "method": "POST",
        "url": "https://ci.example/build",
        "headers": {"Authorization": "secret"},
        "body": {"pact": "${pactbroker.pactUrl}"},
        "username": "u",
        "password": "p",
    },
}


def test_create_list_update_delete(client):
    for name in ("Foo", "Bar"):
        client.post("/pacticipants", json={"name": name})
    created = client.post("/webhooks/provider/Bar/consumer/Foo", json=HOOK)
    assert created.status_code == 201
    body = created.json()
    assert (
        body["request"]["password"] == "**********"
        and body["request"]["headers"]["Authorization"] == "**********"
    )
    assert body["consumer"] == {"name": "Foo"} and body["provider"] == {"name": "Bar"}
    assert body["_links"]["pb:execute"]["href"].endswith("/execute")
    uuid = body["uuid"]
    assert [w["uuid"] for w in client.get("/webhooks").json()["_embedded"]["webhooks"]] == [uuid]
    assert (
        len(client.get("/webhooks/provider/Bar/consumer/Foo").json()["_embedded"]["webhooks"]) == 1
    )
    updated = client.put(f"/webhooks/{uuid}", json={**HOOK, "description": "renamed"})
    assert updated.status_code == 200 and updated.json()["description"] == "renamed"
    assert client.put("/webhooks/abcdefghijklmnopqrst", json=HOOK).status_code == 201
    assert client.delete(f"/webhooks/{uuid}").status_code == 204
    assert client.get(f"/webhooks/{uuid}").status_code == 404


def test_validation(client):
    assert client.post("/webhooks/provider/Bar/consumer/Nope", json=HOOK).status_code == 404
    missing = client.post("/webhooks", json={**HOOK, "consumer": {"name": "Nope"}})
    assert missing.status_code == 400 and "consumer.name" in missing.json()["errors"]
    no_url = client.post("/webhooks", json={**HOOK, "request": {"method": "POST"}})
    assert "request.url" in no_url.json()["errors"]
    bad_event = client.post("/webhooks", json={**HOOK, "events": [{"name": "nope"}]})
    assert bad_event.status_code == 400
    bad_method = client.post(
        "/webhooks", json={**HOOK, "request": {**HOOK["request"], "method": "DELETE"}}
    )
    assert bad_method.status_code == 400
    assert client.put("/webhooks/short", json=HOOK).status_code == 400


class Receiver:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.received.append({"path": self.path, "body": self.rfile.read(length).decode()})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int) -> None:
        for _ in range(500):
            if len(self.received) >= count:
                return
            time.sleep(0.01)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_webhooks_fire_on_content_change_and_verification(database_url):
    receiver = Receiver()
    try:
        with LiveBroker(database_url, **LOCAL) as broker:
            from starlette.testclient import TestClient

            client = TestClient(broker.app, base_url=broker.url)
            hook = {
                "events": [
                    {"name": "contract_content_changed"},
                    {"name": "provider_verification_failed"},
                ],
                "request": {
                    "method": "POST",
                    "url": receiver.url + "/hook/${pactbroker.consumerName}",
                    "body": {
                        "url": "${pactbroker.pactUrl}",
                        "status": "${pactbroker.githubVerificationStatus}",
                        "version": "${pactbroker.consumerVersionNumber}",
                    },
                },
            }
            assert client.post("/webhooks", json=hook).status_code == 201
            body = publish(client, "Foo", "1", "Bar", branch="main")
            assert any(
                "Webhook" in n["text"]
                and "triggered for event contract_content_changed" in n["text"]
                for n in body["notices"]
            )
            receiver.wait_for(1)
            assert receiver.received[0]["path"] == "/hook/Foo"
            sent = json.loads(receiver.received[0]["body"])
            assert sent["url"].startswith(
                broker.url + "/pacts/provider/Bar/consumer/Foo/pact-version/"
            )
            assert sent["status"] == "pending" and sent["version"] == "1"
            publish(client, "Foo", "2", "Bar", branch="main")  # same content: no event
            verify(client, "Foo", "1", "Bar", "p1", success=False)
            receiver.wait_for(2)
            assert len(receiver.received) == 2
            assert json.loads(receiver.received[1]["body"])["status"] == "failure"
            status = client.get("/pacts/provider/Bar/consumer/Foo/webhooks/status").json()
            assert status["_embedded"]["triggeredWebhooks"]
    finally:
        receiver.close()


def test_execute_a_saved_webhook(make_client):
    receiver = Receiver()
    client = make_client(**LOCAL)
    try:
        hook = {
            "events": [{"name": "contract_published"}],
            "request": {"method": "POST", "url": receiver.url + "/test", "body": "hello"},
        }
        uuid = client.post("/webhooks", json=hook).json()["uuid"]
        result = client.post(f"/webhooks/{uuid}/execute", json={})
        assert result.status_code == 200 and result.json()["success"] is True
        assert receiver.received[0]["body"] == "hello"
    finally:
        receiver.close()


def test_contract_requiring_verification_published(client):
    client.post("/pacticipants", json={"name": "Bar", "mainBranch": "main"})
    client.put("/pacticipants/Bar/branches/main/versions/b1", json={})
    hook = {
        "events": [{"name": "contract_requiring_verification_published"}],
        "request": {
            "method": "POST",
            "url": "https://ci.example/${pactbroker.providerVersionNumber}",
        },
    }
    assert client.post("/webhooks", json=hook).status_code == 201
    app = client.app
    app.config.run_webhooks = False
    body = publish(client, "Foo", "1", "Bar")
    assert any("contract_requiring_verification_published" in n["text"] for n in body["notices"])
    verify(client, "Foo", "1", "Bar", "b1")
    again = publish(client, "Foo", "2", "Bar")  # same content, already verified by the head
    assert not any(
        "contract_requiring_verification_published" in n["text"] for n in again["notices"]
    )
