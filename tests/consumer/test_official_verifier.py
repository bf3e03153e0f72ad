"""Pacts written by the consumer DSL are understood by the official verifier (the Rust core,
via the ``pact`` CLI of pact-python-cli): every matcher and generator, V3 and V4.

The provider is accord's own mock server serving the same pact (it answers with the examples,
response generators applied), so the official verifier checks that accord's examples,
rules and generators agree with each other as the official tools read them. A deliberately
wrong provider must make it fail on exactly the broken fields.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from accord import generate, match
from accord.consumer import Pact
from accord.mock import MockServer
from accord.pactfile import read_pact, write_pact

pytestmark = pytest.mark.interop

PACT_CLI = Path(sys.executable).parent / "pact"


def verify(pact_file: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PACT_DO_NOT_TRACK="true")
    return subprocess.run(
        [
            str(PACT_CLI),
            "verifier",
            "-f",
            str(pact_file),
            "--hostname",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-colour",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def everything(version: str) -> dict:
    body = {
        "like": match.like({"a": 1}),
        "each": match.each_like({"id": match.integer(1)}, min=2, max=4),
        "int": match.integer(5, min=1, max=10),
        "dec": match.decimal(1.5),
        "num": match.number(3),
        "str": match.string("abcd", size=4),
        "re": match.regex("ab12", r"[a-z]+\d+"),
        "date": match.date("2024-02-29", "%Y-%m-%d"),
        "time": match.time("10:20:30"),
        "ts": match.datetime("2024-01-02T03:04:05Z", "yyyy-MM-dd'T'HH:mm:ssXXX"),
        "inc": match.includes("needle"),
        "null": match.null(),
        "eq": match.equality("exact"),
        "values": match.values({"any": 1}),
        "uuid": match.uuid(),
        "email": match.email(),
        "ipv4": match.ipv4(),
        "ipv6": match.ipv6(),
        "hex": match.hexadecimal(),
        "url": match.url("/orders/1"),
        "combo": match.regex("ab12", r"[a-z]+\d+") & match.includes("12"),
        "g_int": generate.random_int(1, 5),
        "g_str": generate.random_string(4),
        "g_dt": generate.datetime("yyyy-MM-dd'T'HH:mm:ss"),
        "g_re": generate.regex(r"\d{3}"),
        "g_hex": generate.random_hex(6),
        "g_dec": generate.random_decimal(4),
        "g_uuid": generate.uuid(),
        "g_date": generate.date(expression="today + 1 day"),
    }
    if version == "V4":
        body.update(
            {
                "contains": match.array_containing([{"k": match.integer(1)}]),
                "keys": match.each_key_matches({"k1": 1}, rules=match.regex("k1", r"k\d+")),
                "vals": match.each_value_matches({"a": "x1"}, rules=match.regex("x1", r"x\d")),
                "semver": match.semver("1.2.3"),
                "ne": match.not_empty("x"),
                "bool": match.boolean(True),
                "g_bool": generate.random_boolean(),
            }
        )
    return body


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_official_verifier_accepts_every_matcher_and_generator(tmp_path, version):
    pact = Pact("interop-web", "interop-api", pact_dir=tmp_path).with_specification(version)
    status = match.status_code("success", 200) if version == "V4" else 200
    (
        pact.upon_receiving("everything")
        .given("a state", id=1)
        .with_request("GET", match.regex("/things/1", r"/things/\d+"))
        .with_query_parameter("q", match.integer(2))
        .with_header("X-Id", match.uuid())
        .will_respond_with(status)
        .with_header("X-Req", match.regex("r-1", r"r-\d"))
        .with_body(everything(version))
    )
    path = write_pact(pact.to_model(recorded_only=False), tmp_path, version=version)
    with MockServer(read_pact(path)) as provider:
        result = verify(path, provider.port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "has a matching body (OK)" in result.stdout
    assert provider.report.ok


class _WrongProvider(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        payload = json.dumps({"n": 11, "day": "2024-13-01", "tags": [], "id": "x"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_official_verifier_fails_a_wrong_provider_on_the_broken_fields(tmp_path):
    pact = Pact("interop-web", "interop-api", pact_dir=tmp_path)
    (
        pact.upon_receiving("numbers and dates")
        .with_request("GET", "/x")
        .will_respond_with(200)
        .with_body(
            {
                "n": match.integer(5, min=1, max=10),
                "day": match.date("2024-02-29"),
                "tags": match.each_like("a", min=2),
                "id": match.uuid(),
            }
        )
    )
    path = write_pact(pact.to_model(recorded_only=False), tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WrongProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = verify(path, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode != 0
    for field in ("$.n", "$.day", "$.tags", "$.id"):
        assert field in result.stdout, (field, result.stdout)


def _message_provider(body: dict, metadata: dict) -> ThreadingHTTPServer:
    """A provider as the official verifier expects for messages: POST {description} → body,
    metadata base64-encoded JSON in ``Pact-Message-Metadata``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            payload = json.dumps(body).encode()
            encoded = base64.b64encode(json.dumps(metadata).encode()).decode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Pact-Message-Metadata", encoded)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("version", ["V3", "V4"])
@pytest.mark.parametrize("honest", [True, False])
def test_official_verifier_checks_message_pacts(tmp_path, version, honest):
    pact = Pact("msg-web", "msg-api", pact_dir=tmp_path).with_specification(version)
    (
        pact.upon_receiving("an order event", kind="async")
        .given("an order", id=7)
        .with_content(
            {
                "id": match.integer(7, min=1),
                "total": match.decimal(9.5),
                "ref": generate.uuid(),
                "at": match.datetime("2024-01-02T03:04:05Z", "yyyy-MM-dd'T'HH:mm:ssXXX"),
            }
        )
        .with_metadata({"topic": "orders", "key": match.regex("o-7", r"o-\d+")})
        .verify(lambda body, metadata: None)
    )
    body = {
        "id": 8,
        "total": 1.25,
        "ref": "5a3ee4c6-3f0e-4cb4-9d35-0b9f1f2f3c11",
        "at": "2025-05-05T05:05:05Z",
    }
    metadata = {"topic": "orders", "key": "o-8", "contentType": "application/json"}
    if not honest:
        body["id"] = 0
        metadata["key"] = "x-8"
    server = _message_provider(body, metadata)
    try:
        result = verify(tmp_path / "msg-web-msg-api.json", server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
    if honest:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "has a matching body (OK)" in result.stdout
    else:
        assert result.returncode != 0
        assert "$.id" in result.stdout
        assert "key" in result.stdout


def test_official_verifier_accepts_xml_form_and_text_bodies(tmp_path):
    from accord.consumer import xml

    pact = Pact("interop-web", "interop-api", pact_dir=tmp_path)
    root = xml.element(
        "users",
        xml.element(
            "user",
            xml.element("name", text=match.string("Alice")),
            attrs={"id": match.integer(1)},
        ).each(min=2, max=3),
    )
    (
        pact.upon_receiving("xml users")
        .with_request("GET", "/users.xml")
        .will_respond_with(200)
        .with_body(root, "application/xml")
    )
    (
        pact.upon_receiving("a text greeting")
        .with_request("GET", "/hello")
        .will_respond_with(200)
        .with_body(match.regex("hello world", r"hello \w+"), "text/plain")
    )
    path = write_pact(pact.to_model(recorded_only=False), tmp_path)
    with MockServer(read_pact(path)) as provider:
        result = verify(path, provider.port)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("has a matching body (OK)") == 2
