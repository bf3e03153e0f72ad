"""Differential tests: accord's ``match_response`` and the official verifier agree on verdicts.

Each case is a V4 interaction (a response with a matching rule) plus the response a provider
really sends. A tiny provider on 127.0.0.1 serves every case at ``/case/<n>``; the official
``pact verifier`` (pact-python-cli) checks one pact with all cases in a single run, and its JSON
report gives a verdict per interaction, which must equal accord's.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accord.matching import match_response
from accord.model import Body, HttpResponse, SpecVersion, load_response

pytestmark = pytest.mark.interop

JSON = "application/json"


def case(
    name: str,
    body: Any,
    rules: dict[str, Any],
    actual: Any,
    *,
    status: int = 200,
    actual_status: int = 200,
    status_rule: Any = None,
    content_type: str = JSON,
    header_rules: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    actual_headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One interaction; a non-JSON ``body``/``actual`` is given as the raw text."""
    matching: dict[str, Any] = {}
    if header_rules:
        matching["header"] = header_rules
    if rules:
        matching["body"] = {
            path: {"combine": r.get("combine", "AND"), "matchers": r["matchers"]}
            for path, r in rules.items()
        }
    if status_rule is not None:
        matching["status"] = {
            "combine": "AND",
            "matchers": [{"match": "statusCode", "status": status_rule}],
        }
    response: dict[str, Any] = {
        "status": status,
        "headers": {"Content-Type": [content_type], **{k: [v] for k, v in (headers or {}).items()}},
        "body": {"contentType": content_type, "encoded": False, "content": body},
    }
    if matching:
        response["matchingRules"] = matching
    payload = json.dumps(actual) if content_type == JSON else str(actual)
    wire_headers = {"Content-Type": content_type, **(actual_headers or {})}
    return {
        "name": name,
        "response": response,
        "payload": payload.encode(),
        "headers": wire_headers,
        "actual_status": actual_status,
    }


def one(rule: dict[str, Any]) -> dict[str, Any]:
    return {"matchers": [rule]}


EACH_KEY = {"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}], "value": "a"}
EACH_VALUE = {"match": "eachValue", "rules": [{"match": "regex", "regex": "[a-z]+"}], "value": "a"}
CONTAINS = {
    "match": "arrayContains",
    "variants": [
        {"index": 0, "rules": {"$.id": one({"match": "integer"})}, "generators": {}},
        {
            "index": 1,
            "rules": {"$.name": one({"match": "regex", "regex": "b.*"})},
            "generators": {},
        },
    ],
}

CASES = [
    case("boolean accepts true", {"v": True}, {"$.v": one({"match": "boolean"})}, {"v": False}),
    case(
        "boolean accepts the string true",
        {"v": True},
        {"$.v": one({"match": "boolean"})},
        {"v": "true"},
    ),
    case("boolean rejects yes", {"v": True}, {"$.v": one({"match": "boolean"})}, {"v": "yes"}),
    case("values ignores keys", {"a": "x"}, {"$": one({"match": "values"})}, {"b": "x", "c": "x"}),
    case(
        "values compares leaves by equality",
        {"a": "x"},
        {"$": one({"match": "values"})},
        {"b": "y"},
    ),
    case("integer accepts 5", {"v": 1}, {"$.v": one({"match": "integer"})}, {"v": 5}),
    case("integer rejects 5.5", {"v": 1}, {"$.v": one({"match": "integer"})}, {"v": 5.5}),
    case("decimal accepts 1.5", {"v": 1.1}, {"$.v": one({"match": "decimal"})}, {"v": 1.5}),
    case("decimal rejects 1", {"v": 1.1}, {"$.v": one({"match": "decimal"})}, {"v": 1}),
    case("number rejects a string", {"v": 1}, {"$.v": one({"match": "number"})}, {"v": "1"}),
    case("null accepts null", {"v": None}, {"$.v": one({"match": "null"})}, {"v": None}),
    case("include", {"v": "abc"}, {"$.v": one({"match": "include", "value": "b"})}, {"v": "xbx"}),
    case(
        "include rejects",
        {"v": "abc"},
        {"$.v": one({"match": "include", "value": "b"})},
        {"v": "xyz"},
    ),
    case(
        "regex", {"v": "a1"}, {"$.v": one({"match": "regex", "regex": "[a-z]\\d+"})}, {"v": "b22"}
    ),
    case(
        "regex rejects",
        {"v": "a1"},
        {"$.v": one({"match": "regex", "regex": "[a-z]\\d+"})},
        {"v": "22"},
    ),
    case(
        "min type accepts 3",
        {"l": [1]},
        {"$.l": one({"match": "type", "min": 2})},
        {"l": [1, 2, 3]},
    ),
    case("min type rejects 1", {"l": [1]}, {"$.l": one({"match": "type", "min": 2})}, {"l": [9]}),
    case(
        "max type does not cascade",
        {"l": [[1]]},
        {"$.l": one({"match": "type", "max": 1})},
        {"l": [[1, 2, 3]]},
    ),
    case(
        "date",
        {"d": "2020-01-01"},
        {"$.d": one({"match": "date", "format": "yyyy-MM-dd"})},
        {"d": "2023-07-19"},
    ),
    case(
        "date rejects",
        {"d": "2020-01-01"},
        {"$.d": one({"match": "date", "format": "yyyy-MM-dd"})},
        {"d": "19/07/2023"},
    ),
    case(
        "timestamp",
        {"t": "2020-01-01T10:00:00"},
        {"$.t": one({"match": "timestamp", "format": "yyyy-MM-dd'T'HH:mm:ss"})},
        {"t": "2023-07-19T23:59:01"},
    ),
    case("eachKey", {"a": "x"}, {"$": one(EACH_KEY)}, {"a": "x", "bb": "x"}),
    case("eachKey rejects", {"a": "x"}, {"$": one(EACH_KEY)}, {"a": "x", "B1": "x"}),
    case("eachValue", {"a": "x"}, {"$": one(EACH_VALUE)}, {"a": "q", "b": "zz"}),
    case("eachValue rejects", {"a": "x"}, {"$": one(EACH_VALUE)}, {"a": "q", "b": "Z1"}),
    case(
        "arrayContains",
        {"l": [{"id": 1}, {"name": "bob"}]},
        {"$.l": one(CONTAINS)},
        {"l": [{"name": "bill"}, {"x": 0}, {"id": 7}]},
    ),
    case(
        "arrayContains rejects",
        {"l": [{"id": 1}, {"name": "bob"}]},
        {"$.l": one(CONTAINS)},
        {"l": [{"id": 7}, {"name": "al"}]},
    ),
    case("semver", {"v": "1.0.0"}, {"$.v": one({"match": "semver"})}, {"v": "2.10.3-rc.1"}),
    case("semver rejects", {"v": "1.0.0"}, {"$.v": one({"match": "semver"})}, {"v": "2.10"}),
    case("notEmpty rejects", {"v": "a"}, {"$.v": one({"match": "notEmpty"})}, {"v": ""}),
    case(
        "statusCode success",
        {"ok": 1},
        {},
        {"ok": 1},
        status=200,
        actual_status=201,
        status_rule="success",
    ),
    case(
        "statusCode rejects",
        {"ok": 1},
        {},
        {"ok": 1},
        status=200,
        actual_status=404,
        status_rule="success",
    ),
    case("extra keys are fine in responses", {"a": 1}, {}, {"a": 1, "b": 2}),
    case("missing key", {"a": 1, "b": 2}, {}, {"a": 1}),
    case(
        "type cascades into nested lists",
        {"a": {"l": [1]}},
        {"$.a": one({"match": "type"})},
        {"a": {"l": [5, 6, 7]}},
    ),
    case(
        "type cascade still checks element types",
        {"a": {"l": [1]}},
        {"$.a": one({"match": "type"})},
        {"a": {"l": [5, "x"]}},
    ),
    case(
        "integer rule on a list applies to each item",
        {"l": [1]},
        {"$.l": one({"match": "integer"})},
        {"l": [1, 2.5]},
    ),
    case(
        "text body with a regex",
        "hello world",
        {"$": one({"match": "regex", "regex": "hello .+"})},
        "hello there",
        content_type="text/plain",
    ),
    case("text body equality", "hello world", {}, "hello there", content_type="text/plain"),
    case(
        "xml siblings in any order",
        "<a><b>1</b><c>2</c></a>",
        {},
        "<a><c>2</c><b>1</b></a>",
        content_type="application/xml",
    ),
    case(
        "xml extra element allowed in responses",
        "<a><b>1</b></a>",
        {},
        "<a><b>1</b><z/></a>",
        content_type="application/xml",
    ),
    case(
        "xml text differs", "<a><b>1</b></a>", {}, "<a><b>2</b></a>", content_type="application/xml"
    ),
    case(
        "xml attribute rule",
        '<a id="1"/>',
        {"$.a['@id']": one({"match": "integer"})},
        '<a id="77"/>',
        content_type="application/xml",
    ),
    case(
        "header regex rule",
        {"a": 1},
        {},
        {"a": 1},
        headers={"X-Id": "1"},
        header_rules={"X-Id": one({"match": "regex", "regex": "\\d+"})},
        actual_headers={"X-Id": "123"},
    ),
    case(
        "header regex rule rejects",
        {"a": 1},
        {},
        {"a": 1},
        headers={"X-Id": "1"},
        header_rules={"X-Id": one({"match": "regex", "regex": "\\d+"})},
        actual_headers={"X-Id": "abc"},
    ),
    case("missing header", {"a": 1}, {}, {"a": 1}, headers={"X-Id": "1"}),
    case(
        "eachValue with type",
        {"m": {"k": {"n": 1}}},
        {"$.m": one({"match": "eachValue", "rules": [{"match": "type"}]})},
        {"m": {"x": {"n": 2}, "y": {"n": 3}}},
    ),
    case(
        "combine OR",
        {"v": 1},
        {"$.v": {"combine": "OR", "matchers": [{"match": "null"}, {"match": "integer"}]}},
        {"v": None},
    ),
]


def pact_document() -> dict[str, Any]:
    interactions = []
    for i, c in enumerate(CASES):
        interactions.append(
            {
                "type": "Synchronous/HTTP",
                "description": f"case {i}: {c['name']}",
                "request": {"method": "GET", "path": f"/case/{i}"},
                "response": c["response"],
            }
        )
    return {
        "consumer": {"name": "accord-differential"},
        "provider": {"name": "differential-provider"},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        index = int(self.path.rsplit("/", 1)[-1])
        c = CASES[index]
        payload = c["payload"]
        lines = "".join(f"{k}: {v}\r\n" for k, v in c["headers"].items())
        head = (
            f"HTTP/1.1 {c['actual_status']} X\r\n{lines}Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        self.wfile.write(head + payload)  # one write: no Nagle delays between header and body
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().server_bind()


@pytest.fixture(scope="module")
def provider() -> Iterator[int]:
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _pact_cli() -> str:
    exe = Path(sys.executable).with_name("pact")
    return str(exe) if exe.exists() else (shutil.which("pact") or "pact")


@pytest.fixture(scope="module")
def official_verdicts(provider: int, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bool]:
    work = tmp_path_factory.mktemp("differential")
    pact_file = work / "accord-differential-differential-provider.json"
    pact_file.write_text(json.dumps(pact_document()))
    report = work / "report.json"
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    subprocess.run(
        [
            _pact_cli(),
            "verifier",
            "--file",
            str(pact_file),
            "--hostname",
            "127.0.0.1",
            "--port",
            str(provider),
            "--provider-name",
            "differential-provider",
            "--json",
            str(report),
            "--no-colour",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert report.exists(), "the official verifier wrote no JSON report"
    return _verdicts(json.loads(report.read_text()))


def _verdicts(report: dict[str, Any]) -> dict[str, bool]:
    """Interaction description -> passed, from the verifier's JSON report."""
    results = report.get("interactionResults", [])
    assert len(results) == len(CASES), f"the verifier reported {len(results)} interactions"
    return {item["description"]: item.get("result") == "OK" for item in results}


def accord_verdict(index: int) -> bool:
    c = CASES[index]
    expected = load_response(c["response"], SpecVersion.V4)
    actual = HttpResponse(
        status=c["actual_status"],
        headers={k: (v,) for k, v in c["headers"].items()},
        body=Body.of_bytes(c["payload"], c["headers"]["Content-Type"]),
    )
    return match_response(expected, actual, spec=SpecVersion.V4).ok


def test_the_cases_cover_both_verdicts() -> None:
    verdicts = [accord_verdict(i) for i in range(len(CASES))]
    assert True in verdicts and False in verdicts


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c["name"] for c in CASES])
def test_same_verdict_as_the_official_verifier(
    index: int, official_verdicts: dict[str, bool]
) -> None:
    description = f"case {index}: {CASES[index]['name']}"
    assert accord_verdict(index) is official_verdicts[description]
