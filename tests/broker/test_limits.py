"""Limits with clear answers: body size (413 while streaming), JSON depth, non-finite numbers,
and what names, versions, branches, tags and environments may be."""

from __future__ import annotations

import asyncio
import base64
import json
from urllib.parse import quote

import httpx
import pytest

from accord.broker.names import MAX_NAME_LENGTH

from .helpers import create_environment, pact, publish, publish_body
from .live import LiveBroker

PROBLEM = "application/problem+json"


def _deep(levels: int) -> str:
    names = '{"consumer":{"name":"Foo"},"provider":{"name":"Bar"},"x":'
    return names + "[" * levels + "]" * levels + "}"


# -- body size ---------------------------------------------------------------------------------


def test_a_declared_oversized_body_is_refused_before_reading(make_client):
    client = make_client(max_body_bytes=1000)
    body = publish_body("Foo", "1", [pact("Foo", "Bar", *[f"request {i}" for i in range(50)])])
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == 413 and "1000 bytes" in problem["detail"]
    assert client.get("/pacticipants/Foo").status_code == 404  # nothing was stored


def test_the_limit_is_enforced_while_the_body_streams(make_client):
    """A chunked body without Content-Length is cut off once it passes the limit: the app
    stops reading (here: after 2 of 50 one-megabyte chunks) instead of buffering 50 MB."""
    app = make_client(max_body_bytes=1_500_000).app
    chunk = b" " * 1_000_000
    received = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": chunk, "more_body": received < 50}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/contracts/publish",
        "raw_path": b"/contracts/publish",
        "root_path": "",
        "query_string": b"",
        "server": ("broker", 80),
        "client": ("127.0.0.1", 1),
        "headers": [
            (b"host", b"broker"),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert received == 2
    assert b"1500000 bytes" in sent[1]["body"]


def test_the_default_limit_is_ten_megabytes_and_configurable(make_client):
    client = make_client()
    assert client.app.config.max_body_bytes == 10 * 1024 * 1024
    big = b'{"a": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = client.put(
        "/pacts/provider/Bar/consumer/Foo/version/1",
        content=big,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413


# -- JSON depth and numbers --------------------------------------------------------------------


def test_deeply_nested_json_is_a_400_not_a_500(client):
    response = client.put(
        "/pacts/provider/Bar/consumer/Foo/version/1",
        content=_deep(10_000),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested 10001 levels deep; at most 200" in response.json()["error"]["message"]
    body = publish_body("Foo", "1", [pact()])
    body["contracts"][0]["content"] = base64.b64encode(_deep(5000).encode()).decode()
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400
    assert "nested 5001 levels deep" in json.dumps(response.json())
    raw = '{"pacticipantName": "Foo", "x": ' + "[" * 300 + "]" * 300 + "}"
    response = client.post(
        "/contracts/publish", content=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_the_depth_limit_is_configurable(make_client):
    client = make_client(max_json_depth=5)
    response = client.put(
        "/pacts/provider/Bar/consumer/Foo/version/1",
        content=_deep(5),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and "at most 5 levels" in response.text
    assert (
        client.put(
            "/pacts/provider/Bar/consumer/Foo/version/1",
            content=_deep(4),
            headers={"Content-Type": "application/json"},
        ).status_code
        == 201
    )


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_are_refused(client, number):
    document = json.dumps(pact())[:-1] + f', "weird": {number}}}'
    response = client.put(
        "/pacts/provider/Bar/consumer/Foo/version/1",
        content=document,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert "JSON body refused" in response.json()["error"]["message"]
    body = publish_body("Foo", "1", [pact()])
    body["contracts"][0]["content"] = base64.b64encode(document.encode()).decode()
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400 and "content refused" in response.text
    assert client.get("/pacts/provider/Bar/consumer/Foo/latest").status_code == 404


# -- names ------------------------------------------------------------------------------------

BAD_NAMES = {
    "NUL": ("a\x00b", "control character (NUL) at position 2"),
    "CR/LF": ("a\r\nb", "control character (CR) at position 2"),
    "LF": ("a\nb", "control character (LF)"),
    "TAB": ("a\tb", "control character (TAB)"),
    "DEL": ("a\x7fb", "control character (DEL)"),
    "line separator": ("a\u2028b", "line separator (U+2028)"),
    "too long": ("v" * (MAX_NAME_LENGTH + 1), "256 characters long; at most 255"),
}


@pytest.mark.parametrize("case", list(BAD_NAMES))
def test_bad_names_are_refused_with_the_reason_everywhere(client, case):
    bad, reason = BAD_NAMES[case]
    publish(client, "Foo", "1", "Bar")
    env = create_environment(client)
    seg = quote(bad, safe="")
    attempts = {
        "publish version": lambda: client.post(
            "/contracts/publish", json=publish_body("Foo", bad, [pact()])
        ),
        "publish branch": lambda: client.post(
            "/contracts/publish", json=publish_body("Foo", "2", [pact()], branch=bad)
        ),
        "publish tag": lambda: client.post(
            "/contracts/publish", json=publish_body("Foo", "3", [pact()], tags=[bad])
        ),
        "publish provider": lambda: client.post(
            "/contracts/publish", json=publish_body("Foo", "4", [pact("Foo", bad)])
        ),
        "put version": lambda: client.put(f"/pacticipants/Foo/versions/{seg}", json={}),
        "put tag": lambda: client.put(f"/pacticipants/Foo/versions/1/tags/{seg}", json={}),
        "put branch": lambda: client.put(f"/pacticipants/Foo/branches/{seg}/versions/1", json={}),
        "put label": lambda: client.put(f"/pacticipants/Foo/labels/{seg}", json={}),
        "create pacticipant": lambda: client.post("/pacticipants", json={"name": bad}),
        "put pact": lambda: client.put(
            f"/pacts/provider/Bar/consumer/Foo/version/{seg}", json=pact()
        ),
        "environment": lambda: client.post(
            "/environments", json={"name": bad, "production": False}
        ),
        "environment display name": lambda: client.post(
            "/environments", json={"name": "qa", "displayName": bad, "production": False}
        ),
        "verification version": lambda: client.post(
            client.get("/pacts/provider/Bar/consumer/Foo/latest").json()["_links"][
                "pb:publish-verification-results"
            ]["href"],
            json={"success": True, "providerApplicationVersion": bad},
        ),
        "deployment of a bad version": lambda: client.post(
            f"/pacticipants/Foo/versions/{seg}/deployed-versions/environment/{env['uuid']}", json={}
        ),
    }
    failures = []
    for what, attempt in attempts.items():
        response = attempt()
        if what == "deployment of a bad version":  # such a version cannot exist
            ok = response.status_code == 404 or (
                response.status_code == 400 and reason in response.content.decode()
            )
        else:
            ok = response.status_code == 400 and reason in response.content.decode()
        if not ok:
            failures.append((what, response.status_code, response.text[:300]))
    assert failures == []
    names = [p["name"] for p in client.get("/pacticipants").json()["_embedded"]["pacticipants"]]
    assert names == ["Bar", "Foo"]


def test_non_ascii_names_are_allowed_and_latest_works(client):
    for version in ("1.0-é", "ünïcode", "日本語-2"):
        publish(client, "Fôo", version, "Bär", branch="größe", tags=["prod-ü"])
        latest = client.get("/pacts/provider/B%C3%A4r/consumer/F%C3%B4o/latest")
        assert latest.status_code == 200
        assert latest.json()["_links"]["pb:consumer-version"]["name"] == version
        header = latest.headers["x-pact-consumer-version"]
        assert httpx.URL("/" + header).path.lstrip("/") == version  # percent-encoded UTF-8
        tagged = "/pacts/provider/B%C3%A4r/consumer/F%C3%B4o/latest/prod-%C3%BC"
        assert client.get(tagged).status_code == 200
        page = client.get(
            "/pacts/provider/B%C3%A4r/consumer/F%C3%B4o/latest", headers={"Accept": "text/html"}
        )
        assert page.status_code == 200 and version in page.text
    env = client.post("/environments", json={"name": "prödüction", "production": True})
    assert env.status_code == 201


def test_non_ascii_latest_over_a_real_socket(database_url):
    with LiveBroker(database_url) as broker:
        body = publish_body("Fôo", "版本-1", [pact("Fôo", "Bär")])
        assert httpx.post(broker.url + "/contracts/publish", json=body).status_code == 200
        for _ in range(3):  # the connection is not dropped, and stays usable
            response = httpx.get(broker.url + "/pacts/provider/B%C3%A4r/consumer/F%C3%B4o/latest")
            assert response.status_code == 200
            assert response.json()["_links"]["pb:consumer-version"]["name"] == "版本-1"
