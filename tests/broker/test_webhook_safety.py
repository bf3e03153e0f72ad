"""Webhooks cannot reach internal services, leak credentials, or hang the broker."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import ssl
import subprocess
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from accord.broker.storage.schema import webhook_attempts

from .helpers import publish, verify
from .webhook_target import Target

pytestmark = pytest.mark.slow  # seconds of real waiting: kept out of --quick

HTTP = {"webhook_scheme_whitelist": ("https", "http")}
LOCAL = {**HTTP, "webhook_host_whitelist": ("127.0.0.1",)}


def hook(url: str, **request: Any) -> dict[str, Any]:
    return {
        "events": [{"name": "contract_published"}],
        "request": {"method": "POST", "url": url, **request},
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.0.0.1/",
        "http://0.0.0.0:{port}/",
    ],
)
def test_internal_targets_are_refused_when_saved_and_executed(make_client, url):
    client = make_client(**HTTP)
    with Target() as target:
        url = url.format(port=target.port)
        created = client.post("/webhooks", json=hook(url))
        assert created.status_code == 400
        message = " ".join(created.json()["errors"]["request.url"])
        assert "webhooks may not call internal addresses" in message
        executed = client.post("/webhooks/execute", json=hook(url))
        assert executed.status_code == 400
        assert target.received == []


def test_loopback_is_called_only_when_whitelisted(make_client):
    with Target(body=b"internal data") as target:
        refused = make_client(**HTTP).post("/webhooks/execute", json=hook(target.url))
        assert refused.status_code == 400 and target.received == []
        allowed = make_client(**LOCAL).post("/webhooks/execute", json=hook(target.url))
        assert allowed.status_code == 200 and allowed.json()["success"] is True
        assert allowed.json()["response"]["body"] == "internal data"
        assert len(target.received) == 1


def test_invalid_url_is_a_400_with_a_clear_message(make_client):
    client = make_client(**LOCAL)
    for path in ("/webhooks", "/webhooks/execute"):
        response = client.post(path, json=hook("http://[::1/"))
        assert response.status_code == 400
        assert response.json()["errors"]["request.url"] == [
            "is not a valid URL (Invalid IPv6 URL)"
        ]
    assert "scheme must be https" in " ".join(
        make_client().post("/webhooks", json=hook("http://ci.example/")).json()["errors"][
            "request.url"
        ]
    )
    put = client.post("/webhooks", json={**hook("https://ci.example/"), "request": {
        "method": "PUT", "url": "https://ci.example/"}})
    assert "webhook_http_method_whitelist" in put.json()["errors"]["request.method"][0]


@pytest.fixture
def fake_dns(monkeypatch):
    """Host names ending in .test resolve to the addresses given here (no DNS server)."""
    answers: dict[str, list[str]] = {}
    calls: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host in answers:
            calls.append(host)
            return [
                (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "",
                 (a, port))
                for a in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers, calls


def test_the_resolved_address_is_checked_at_send_time(make_client, fake_dns):
    answers, calls = fake_dns
    answers["ci.test"] = ["127.0.0.1"]
    client = make_client(**HTTP, webhook_host_whitelist=("ci.test",))
    with Target() as target:
        url = f"http://ci.test:{target.port}/build"
        created = client.post("/webhooks", json=hook(url))
        assert created.status_code == 201  # a name is not resolved when saved
        uuid = created.json()["uuid"]
        result = client.post(f"/webhooks/{uuid}/execute").json()
        assert result["success"] is False and target.received == []
        assert "ci.test resolves to 127.0.0.1 is a loopback address" in result["error"]["message"]
        # whitelisting the address opens it; the request goes to the checked address once
        client.app.config.webhook_host_whitelist = ("ci.test", "127.0.0.1")
        calls.clear()
        result = client.post(f"/webhooks/{uuid}/execute").json()
        assert result["success"] is True and calls == ["ci.test"]
        assert target.received[0]["headers"]["Host"] == f"ci.test:{target.port}"
        # one internal address among the answers is enough to refuse
        answers["ci.test"] = ["127.0.0.1", "10.1.2.3"]
        result = client.post(f"/webhooks/{uuid}/execute").json()
        assert result["success"] is False and len(target.received) == 1
        assert "10.1.2.3 is a private or reserved address" in result["error"]["message"]


def test_redirects_are_not_followed(make_client):
    with Target() as elsewhere, Target(status=302) as target:
        target.headers["Location"] = elsewhere.url + "/secret"
        result = make_client(**LOCAL).post("/webhooks/execute", json=hook(target.url)).json()
        assert result["success"] is False and result["response"]["status"] == 302
        assert "not followed" in result["logs"]
        time.sleep(0.2)
        assert elsewhere.received == []


def test_response_excerpts_are_bounded(make_client):
    with Target(body=b"x" * 100_000) as target:
        result = make_client(**LOCAL).post("/webhooks/execute", json=hook(target.url)).json()
        body = result["response"]["body"]
        assert body.startswith("x" * 1024) and len(body) < 1100 and "truncated" in body
        assert len(result["logs"]) < 2000


def test_a_slow_target_times_out(make_client):
    with Target(delay=3) as target:
        started = time.monotonic()
        client = make_client(**LOCAL, webhook_timeout=0.5)
        result = client.post("/webhooks/execute", json=hook(target.url)).json()
        assert time.monotonic() - started < 2.5
        assert result["success"] is False and "timed out" in result["error"]["message"]


SECRETS = ("s3cr3t-bearer", "k3y-value", "hunter22", "basic-pass")


def secret_hook(url: str) -> dict[str, Any]:
    scheme, rest = url.split("://")
    return hook(
        f"{scheme}://alice:hunter22@{rest}/build?token=k3y-value",
        headers={"Authorization": "Bearer s3cr3t-bearer", "X-Api-Key": "k3y-value"},
        username="bob",
        password="basic-pass",
        body="hello, my password is basic-pass",
    )


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_execution_results_hide_credentials(make_client):
    with Target(body=b"you sent {authorization}") as target:
        client = make_client(**LOCAL)
        uuid = client.post("/webhooks", json=secret_hook(target.url)).json()["uuid"]
        for response in (
            client.post(f"/webhooks/{uuid}/execute"),
            client.post("/webhooks/execute", json=secret_hook(target.url)),
        ):
            assert response.json()["success"] is True
            assert_no_secret(response.text)
            request = response.json()["request"]
            assert request["headers"]["Authorization"] == "**********"
            assert request["url"].startswith("http://alice:**********@127.0.0.1")
            assert "token=**********" in request["url"]
            assert request["body"] == "hello, my password is **********"
            # basic auth (username and password) takes the Authorization header
            assert response.json()["response"]["body"] == "you sent Basic **********"
        # the credentials themselves did reach the target
        basic = base64.b64encode(b"bob:basic-pass").decode()
        assert target.received[0]["headers"]["Authorization"] == f"Basic {basic}"
        assert target.received[0]["headers"]["X-Api-Key"] == "k3y-value"


def wait_for_status(client: Any, uuid: str, wanted: str, timeout: float = 15) -> str:
    deadline = time.monotonic() + timeout
    logs = ""
    while time.monotonic() < deadline:
        logs = client.get(f"/triggered-webhooks/{uuid}/logs").text
        if logs.startswith(f"Webhook status: {wanted}"):
            return logs
        time.sleep(0.1)
    raise AssertionError(f"not {wanted}: {logs}")


def triggered_uuid(client: Any) -> str:
    status = client.get("/pacts/provider/Bar/consumer/Foo/webhooks/status").json()
    return status["_embedded"]["triggeredWebhooks"][0]["uuid"]


def test_failed_deliveries_are_retried_on_schedule_and_recorded(make_client):
    with Target(status=503, body=b"busy {authorization}") as target:
        client = make_client(**LOCAL, webhook_retry_schedule=(0.2, 0.2))
        assert client.post("/webhooks", json=secret_hook(target.url)).status_code == 201
        publish(client, "Foo", "1", "Bar")
        uuid = triggered_uuid(client)
        logs = wait_for_status(client, uuid, "failure")
        assert len(target.received) == 3 and "(3 attempts)" in logs
        assert logs.count("Response status 503") == 3
        assert_no_secret(logs)
        with client.app.engine.connect() as conn:
            rows = list(conn.execute(select(webhook_attempts).order_by(webhook_attempts.c.id)))
        assert [(r.number, r.success, r.status) for r in rows] == [
            (1, False, 503), (2, False, 503), (3, False, 503)
        ]
        for row in rows:
            assert_no_secret(json.dumps([row.url, row.log, row.response_excerpt, row.error]))
        gaps = [(b.started_at - a.started_at).total_seconds() for a, b in itertools.pairwise(rows)]
        assert all(gap >= 0.2 for gap in gaps)


def test_a_retry_succeeds_once_the_target_answers(make_client):
    with Target(status=500) as target:
        client = make_client(**LOCAL, webhook_retry_schedule=(0.5, 0.5, 0.5))
        client.post("/webhooks", json=hook(target.url + "/${pactbroker.consumerVersionNumber}"))
        publish(client, "Foo", "1", "Bar")
        assert target.wait_for(1)
        target.status = 200
        logs = wait_for_status(client, triggered_uuid(client), "success")
        assert "(2 attempts)" in logs and [r["path"] for r in target.received] == ["/1", "/1"]


def test_test_execution_uses_the_latest_matching_pact_and_verification(make_client):
    with Target() as target:
        client = make_client(**LOCAL)
        body = {
            "consumer": "${pactbroker.consumerName}",
            "version": "${pactbroker.consumerVersionNumber}",
            "url": "${pactbroker.pactUrl}",
            "provider": "${pactbroker.providerVersionNumber}",
            "status": "${pactbroker.githubVerificationStatus}",
            "event": "${pactbroker.eventName}",
        }
        publish(client, "Foo", "1", "Bar")
        publish(client, "Foo", "2", "Bar", branch="main")
        publish(client, "Other", "9", "Elsewhere")
        created = client.post(
            "/webhooks/provider/Bar/consumer/Foo",
            json={**hook(target.url, body=body), "events": [
                {"name": "provider_verification_published"}]},
        ).json()
        result = client.post(f"/webhooks/{created['uuid']}/execute").json()
        assert result["success"] is True
        sent = json.loads(target.received[-1]["body"])
        assert sent["consumer"] == "Foo" and sent["version"] == "2"
        assert "/pacts/provider/Bar/consumer/Foo/pact-version/" in sent["url"]
        assert sent["status"] == "pending" and sent["provider"] == "" and sent["event"] == "test"
        verify(client, "Foo", "1", "Bar", "p7", success=False)
        client.post(f"/webhooks/{created['uuid']}/execute")
        sent = json.loads(target.received[-1]["body"])
        assert sent["provider"] == "p7" and sent["status"] == "failure"


def test_retries_use_the_webhook_as_it_is_now(make_client):
    with Target(status=500) as old, Target() as new:
        client = make_client(**LOCAL, webhook_retry_schedule=(0.5, 0.5, 0.5))
        uuid = client.post("/webhooks", json=hook(old.url)).json()["uuid"]
        publish(client, "Foo", "1", "Bar")
        assert old.wait_for(1)
        assert client.put(f"/webhooks/{uuid}", json=hook(new.url)).status_code == 200
        wait_for_status(client, triggered_uuid(client), "success")
        assert len(old.received) == 1 and len(new.received) == 1


def test_a_deleted_webhook_is_not_retried(make_client):
    with Target(status=500) as target:
        client = make_client(**LOCAL, webhook_retry_schedule=(0.5, 0.5, 0.5))
        uuid = client.post("/webhooks", json=hook(target.url)).json()["uuid"]
        publish(client, "Foo", "1", "Bar")
        assert target.wait_for(1)
        assert client.delete(f"/webhooks/{uuid}").status_code == 204
        logs = wait_for_status(client, triggered_uuid(client), "failure")
        assert "not sent: the webhook was deleted" in logs and len(target.received) == 1


def test_webhooks_are_logged_but_not_sent_when_run_webhooks_is_off(make_client):
    with Target() as target:
        client = make_client(**LOCAL, run_webhooks=False)
        client.post("/webhooks", json=hook(target.url))
        publish(client, "Foo", "1", "Bar")
        client.app.webhook_worker.run_due()
        logs = client.get(f"/triggered-webhooks/{triggered_uuid(client)}/logs").text
        assert logs.startswith("Webhook status: not_run") and target.received == []


@pytest.fixture
def tls_target(tmp_path, monkeypatch):
    """An HTTPS target on 127.0.0.1 whose certificate (trusted here) names ci.test only."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=ci.test", "-addext", "subjectAltName=DNS:ci.test",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    target = Target()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    target.server.socket = context.wrap_socket(target.server.socket, server_side=True)
    yield target
    target.close()


def test_https_goes_to_the_checked_address_and_verifies_the_host_name(
    make_client, fake_dns, tls_target
):
    answers, _ = fake_dns
    answers["ci.test"] = ["127.0.0.1"]
    client = make_client(webhook_host_whitelist=("ci.test", "127.0.0.1"))
    port = tls_target.port
    result = client.post("/webhooks/execute", json=hook(f"https://ci.test:{port}/")).json()
    assert result["success"] is True and len(tls_target.received) == 1
    # the certificate does not name 127.0.0.1: verification is on
    result = client.post("/webhooks/execute", json=hook(f"https://127.0.0.1:{port}/")).json()
    assert result["success"] is False and "certificate verify failed" in result["logs"]
    assert len(tls_target.received) == 1


def test_a_target_that_answers_a_byte_at_a_time_is_cut_off(make_client):
    """Each read is within the timeout, but the whole exchange is bounded too."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]

    def drip() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(65536)
            try:
                for _ in range(100):
                    conn.sendall(b"X-Slow: y\r\n" if _ else b"HTTP/1.1 200 OK\r\n")
                    time.sleep(0.2)
            except OSError:
                pass

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    started = time.monotonic()
    client = make_client(**LOCAL, webhook_timeout=0.5)
    result = client.post("/webhooks/execute", json=hook(f"http://127.0.0.1:{port}/")).json()
    assert result["success"] is False and time.monotonic() - started < 4
    assert "the target took more than 1.5 s in all" in result["logs"]
    thread.join(25)
    listener.close()
