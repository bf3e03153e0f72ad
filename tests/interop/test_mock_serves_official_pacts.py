"""Pacts written by pact-python (the official library, on the Rust core) are served by
`accord mock`; a client replaying their requests gets the responses the pacts promise."""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from accord.matching import match_response
from accord.model import Body, HttpResponse, SynchronousHttp
from accord.pactfile import read_pact

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "mock"))
from mock_process import start_accord_mock

pytestmark = pytest.mark.interop

OFFICIAL_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "official"


def write_with_pact_python(directory: Path, version: str) -> Path:
    """A pact written with pact-python's own API (matchers and generators included)."""
    os.environ["PACT_DO_NOT_TRACK"] = "true"
    from pact import Pact, generate, match

    consumer = f"interop-web-{version.lower()}"
    pact = Pact(consumer, "interop-users").with_specification(version)
    (
        pact.upon_receiving("a request for user 123")
        .given("user 123 exists", id=123)
        .with_request("GET", "/users/123")
        .with_header("Accept", "application/json")
        .with_query_parameter("fields", "name,email")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_body({
            "id": match.int(123),
            "name": match.str("Alice"),
            "email": match.regex("alice@example.com", regex=r"[^@]+@[^@]+\.[a-z]+"),
            "tags": match.each_like(match.str("admin"), min=1),
            "visits": match.type(5, generator=generate.int(min=10, max=20)),
            "self": match.type("http://localhost:1/users/123", generator=generate.mock_server_url(
                regex=r".*(/users/\d+)$", example="http://localhost:1/users/123")),
        })
    )
    (
        pact.upon_receiving("a request to create a user")
        .given("no users exist")
        .with_request("POST", "/users")
        .with_header("Content-Type", "application/json")
        .with_body({"name": match.str("Bob"), "age": match.int(30)}, "application/json")
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/9", regex=r"/users/\d+"))
        .with_body({"id": match.int(9), "name": "Bob"}, "application/json")
    )
    (
        pact.upon_receiving("a request for a missing user")
        .with_request("DELETE", "/users/404")
        .will_respond_with(404)
    )
    pact.write_file(directory, overwrite=True)
    (file,) = directory.glob(f"{consumer}-*.json")
    return file


def replay(client: httpx.Client, interaction: SynchronousHttp) -> httpx.Response:
    """Send the example request of ``interaction`` as a consumer would."""
    req = interaction.request
    params = [(k, v or "") for k, values in (req.query or {}).items() for v in values]
    headers = [(k, v) for k, values in req.headers.items() for v in values]
    content = req.body.content if req.body.is_present else None
    return client.request(req.method, req.path, params=params, headers=headers,
                          content=content)


def as_model(response: httpx.Response) -> HttpResponse:
    headers: dict[str, tuple[str, ...]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name, ())
        headers[name] += (value,)
    ctype = response.headers.get("content-type")
    body = Body.of_bytes(response.content, ctype) if response.content else Body.missing()
    return HttpResponse(status=response.status_code, headers=headers, body=body)


def assert_example_served(interaction: SynchronousHttp, response: httpx.Response) -> None:
    """The response is the pact's example, except where a generator makes a fresh value."""
    expected = interaction.response
    assert response.status_code == expected.status, (interaction.description, response.text)
    generated = expected.generators.category("body")
    for name, values in expected.headers.items():
        if name not in expected.generators.category("header"):
            assert response.headers.get(name) == ", ".join(values), name
    if not expected.body.is_present:
        assert response.content == b""
        return
    if not expected.body.is_json:
        assert response.content == expected.body.content
        return
    want, got = expected.body.json, response.json()
    for path in generated:
        keys = path.removeprefix("$.").split(".")
        assert all(k.isidentifier() for k in keys), f"test only drops simple paths: {path}"
        for doc in (want, got):
            for k in keys[:-1]:
                doc = doc[k]
            doc.pop(keys[-1])
    assert got == want, interaction.description


def serve_and_replay(files: list[Path], tmp_path: Path, *, check_rules: bool = True
                     ) -> tuple[str, dict, str]:
    http = [i for f in files for i in read_pact(f).interactions
            if isinstance(i, SynchronousHttp)]
    assert http, "the official pacts hold HTTP interactions"
    proc, url = start_accord_mock([str(f) for f in files])
    try:
        with httpx.Client(base_url=url) as client:
            for interaction in http:
                response = replay(client, interaction)
                assert_example_served(interaction, response)
                if check_rules:
                    result = match_response(interaction.response, as_model(response))
                    assert result.ok, (interaction.description, result.describe())
            report = client.get("/__accord/report").json()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.finish()
    assert proc.returncode == 0, err
    return url, report, out


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_pacts_written_by_pact_python_are_served(version: str, tmp_path: Path) -> None:
    file = write_with_pact_python(tmp_path, version)
    written = json.loads(file.read_text())
    assert written["metadata"]["pactSpecification"]["version"].startswith(version[1])
    _, report, out = serve_and_replay([file], tmp_path)
    assert report["ok"] is True, json.dumps(report, indent=1)
    assert {m["interaction"] for m in report["matched"]} == {
        "a request for user 123", "a request to create a user", "a request for a missing user"}
    assert "UNEXPECTED" not in out and "MISMATCHED" not in out


def test_generated_values_follow_the_official_generators(tmp_path: Path) -> None:
    file = write_with_pact_python(tmp_path, "V4")
    proc, url = start_accord_mock([str(file)])
    try:
        response = httpx.get(url + "/users/123", params={"fields": "name,email"},
                             headers={"Accept": "application/json"})
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.finish()
    data = response.json()
    # pact-python writes generate.int's bounds its own way (0..10 here): honour the file
    (inter,) = [i for i in json.loads(file.read_text())["interactions"]
                if i["description"] == "a request for user 123"]
    bounds = inter["response"]["generators"]["body"]["$.visits"]
    assert bounds["type"] == "RandomInt"
    assert bounds["min"] <= data["visits"] <= bounds["max"]
    assert data["self"] == f"{url}/users/123"
    assert data["name"] == "Alice"


def test_official_fixture_pacts_are_served(tmp_path: Path) -> None:
    files = sorted(OFFICIAL_FIXTURES.glob("*http*.json"))
    assert len(files) == 2
    # these fixtures hold examples that break their own rules (each_like(min=2) with one
    # element, a %z timestamp): served as written, as the official mock server does
    _, report, _ = serve_and_replay(files, tmp_path, check_rules=False)
    assert report["ok"] is True, json.dumps(report, indent=1)
    assert sum(m["requests"] for m in report["matched"]) == 6
