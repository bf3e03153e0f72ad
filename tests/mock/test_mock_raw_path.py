"""The mock server matches the request path as sent, still percent-encoded, against the pact's
path (as the official mock server does): a Ruby-written ``/pacts/Pricing%20Service`` matches,
a path written with a bare space does not."""

from __future__ import annotations

import httpx
from mock_helpers import make_pact

from accord.mock import MockServer
from accord.mock.app import wire_path


def _get(path: str, body: str) -> dict:
    return {"type": "Synchronous/HTTP", "description": f"GET {path}",
            "request": {"method": "GET", "path": path},
            "response": {"status": 200, "body": {"content": body, "contentType": "text/plain"}}}


def test_percent_encoded_pact_paths_match_the_raw_request_path() -> None:
    pact = make_pact(_get("/pacts/Pricing%20Service", "encoded"),
                     _get("/raw/Pricing Service", "bare"),
                     _get("/a%2Fb", "slash"))
    with MockServer(pact) as server, httpx.Client(base_url=server.url) as client:
        encoded = client.get("/pacts/Pricing%20Service")
        assert (encoded.status_code, encoded.text) == (200, "encoded")
        assert client.get("/a%2Fb").text == "slash"
        assert client.get("/a/b").status_code == 500  # %2F is not a path separator
        assert client.get("/raw/Pricing%20Service").status_code == 500
        report = server.report
    assert [r.request.path for r in report.unexpected] == ["/a/b", "/raw/Pricing%20Service"]


def test_wire_path_is_the_raw_path_without_the_query() -> None:
    assert wire_path({"path": "/a b", "raw_path": b"/a%20b"}) == "/a%20b"
    assert wire_path({"path": "/a", "raw_path": b"/a?x=1"}) == "/a"
    assert wire_path({"path": "/fallback"}) == "/fallback"
    assert wire_path({"path": "/\u00fc", "raw_path": "/\u00fc".encode()}) == "/\u00fc"
