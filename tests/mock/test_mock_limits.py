"""The mock server's limits: request body size (413), JSON depth (400), and a report endpoint
that answers whatever was sent before."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import httpx
from mock_helpers import create_user, get_user, make_pact
from mock_process import start_accord_mock

from accord.mock import MockServer, MockSession
from accord.mock.app import DEFAULT_MAX_BODY_BYTES, MockApp
from accord.model import dump_pact

DEEP = "[" * 10_000 + "]" * 10_000


def _report(url: str) -> httpx.Response:
    response = httpx.get(url + "/__accord/report")
    assert response.status_code == 200, response.text[:500]
    return response


def test_a_deeply_nested_body_is_refused_and_the_report_keeps_answering() -> None:
    with MockServer(make_pact(get_user(1), create_user()), admin=True) as server:
        refused = httpx.post(server.url + "/users", content=DEEP,
                             headers={"Content-Type": "application/json"})
        assert refused.status_code == 400
        assert "nested 10000 levels deep" in refused.json()["error"]
        for _ in range(2):  # the report, and the server, keep working afterwards
            report = _report(server.url).json()
            assert httpx.get(server.url + "/users/1").status_code == 200
        assert report["ok"] is False
        assert "nested 10000 levels deep" in json.dumps(report["mismatches"])
        assert not server.report.ok


def test_with_a_raised_depth_limit_the_report_still_never_fails() -> None:
    with MockServer(make_pact(create_user()), admin=True, max_json_depth=50_000) as server:
        answer = httpx.post(server.url + "/users", content=DEEP,
                            headers={"Content-Type": "application/json"})
        assert answer.status_code == 500  # not matchable: the consumer is told why
        report = _report(server.url).json()
        assert report["ok"] is False
        assert "RecursionError" in json.dumps(report) or "could not" in json.dumps(report)
        shown = [m["request"]["body"] for m in report["mismatches"]
                 if m["type"] != "missing-request" and "body" in m.get("request", {})]
        assert shown and all(isinstance(b, str) for b in shown)  # the deep body, as text


def test_deep_brackets_in_a_non_json_body_are_just_text() -> None:
    interaction = {"description": "text", "request": {"method": "POST", "path": "/t"},
                   "response": {"status": 204}}
    with MockServer(make_pact(interaction), admin=True) as server:
        answer = httpx.post(server.url + "/t", content=DEEP, headers={"Content-Type": "text/plain"})
        assert answer.status_code == 204


def test_an_oversized_body_is_refused_before_it_is_read() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 10 * 1024 * 1024
    with MockServer(make_pact(create_user()), admin=True) as server:
        host, port = server.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"POST /users HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 41943040\r\n\r\n")  # 40 MB announced, none sent
            head = sock.recv(65536).decode()
        assert head.startswith("HTTP/1.1 413")
        assert "41943040 bytes" in head and "10485760 bytes" in head
        report = _report(server.url).json()
        assert report["ok"] is False and "larger than the mock server accepts" in json.dumps(report)


def test_the_body_limit_is_enforced_while_the_body_streams() -> None:
    app = MockApp(MockSession(make_pact(create_user()).interactions), max_body_bytes=1_500_000)
    chunk = b" " * 1_000_000
    received = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal received
        received += 1
        return {"type": "http.request", "body": chunk, "more_body": received < 40}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/users", "query_string": b"",
             "headers": [(b"content-type", b"application/json")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413 and received == 2  # 2 MB read of 40, then refused
    assert not app.session.report().ok


def test_a_small_limit_still_serves_small_requests() -> None:
    with MockServer(make_pact(create_user()), max_body_bytes=64) as server:
        too_big = httpx.post(server.url + "/users", json={"name": "x" * 100})
        assert too_big.status_code == 413
        assert "larger than the mock server accepts (64 bytes" in too_big.json()["error"]


def test_cli_limits(tmp_path: Path) -> None:
    file = tmp_path / "web-users.json"
    file.write_text(json.dumps(dump_pact(make_pact(get_user(1), create_user()), "3.0.0")))
    proc, url = start_accord_mock([str(file), "--max-body-size", "1KB", "--max-json-depth", "5"])
    try:
        assert httpx.post(url + "/users", json={"name": "x" * 2000}).status_code == 413
        deep = httpx.post(url + "/users", content="[[[[[[[]]]]]]]",
                          headers={"Content-Type": "application/json"})
        assert deep.status_code == 400 and "at most 5" in deep.text
        report = _report(url).json()
        assert httpx.get(url + "/users/1").status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.finish()
    assert report["ok"] is False and len(report["mismatches"]) >= 2
    assert "larger than the mock server accepts" in out  # printed as it happened
    assert "Traceback" not in err
