"""A pact with an evil or an invalid regex cannot hang the mock server or stop it from serving.

The regex rules go through ``accord.model.regex`` (RE2, or a time-limited backtracking engine)
on the path pre-check and in matching alike. Wall-clock checks are hang detectors only.
"""

from __future__ import annotations

import time

import httpx
from mock_helpers import make_pact

from accord.mock import MockServer

HANG_GUARD = 20.0
EVIL = "a" * 34 + "b"


def _regex(pattern: str) -> dict:
    return {"combine": "AND", "matchers": [{"match": "regex", "regex": pattern}]}


def _pact():  # type: ignore[no-untyped-def]
    return make_pact(
        {"description": "an evil path rule",
         "request": {"method": "GET", "path": "/items/aaa",
                     "matchingRules": {"path": _regex("/items/(a+)+")}},
         "response": {"status": 200}},
        {"description": "an evil header rule, needing the backtracking engine",
         "request": {"method": "GET", "path": "/search",
                     "headers": {"X-Key": ["aac"]},
                     "matchingRules": {"header": {"X-Key": _regex("(a|aa)+(?=c)c")}}},
         "response": {"status": 204}},
        {"description": "an invalid regex",
         "request": {"method": "GET", "path": "/broken",
                     "query": {"q": ["1"]},
                     "matchingRules": {"query": {"q": _regex("[0-")}}},
         "response": {"status": 200}},
        {"description": "a plain one",
         "request": {"method": "GET", "path": "/plain"},
         "response": {"status": 200, "body": {"content": {"ok": True},
                                              "contentType": "application/json",
                                              "encoded": False}}},
    )


def test_evil_and_invalid_regexes_neither_hang_nor_break_the_mock() -> None:
    start = time.monotonic()
    with MockServer(_pact()) as server, \
            httpx.Client(base_url=server.url, timeout=HANG_GUARD) as client:
        evil_path = client.get(f"/items/{EVIL}")
        good_path = client.get("/items/" + "a" * 50)
        evil_header = client.get("/search", headers={"X-Key": "a" * 40})
        again = client.get("/search", headers={"X-Key": "a" * 41})  # abandoned: fails at once
        broken = client.get("/broken", params={"q": "1"})
        plain = client.get("/plain")
    assert time.monotonic() - start < HANG_GUARD

    assert evil_path.status_code == 500
    assert good_path.status_code == 200
    assert evil_header.status_code == 500
    [header_mismatch] = evil_header.json()["mismatches"]
    assert "gave up" in header_mismatch["mismatch"]
    assert "catastrophic backtracking" in header_mismatch["mismatch"]
    assert again.status_code == 500 and "gave up" in again.text
    assert broken.status_code == 500
    [query_mismatch] = broken.json()["mismatches"]
    assert "invalid regex '[0-' in matching rule" in query_mismatch["mismatch"]
    assert plain.status_code == 200 and plain.json() == {"ok": True}
