"""Write pact files with the official tools (pact-python, on the Rust core) as test fixtures.

Re-run from the repository root whenever the fixtures should be refreshed::

    PACT_DO_NOT_TRACK=true .venv/bin/python scripts/make_official_fixtures.py

It writes into tests/fixtures/official/: V3 and V4 HTTP pacts with many matchers and
generators (ProviderState and MockServerURL included), a V3 message pact, and a V4 pact with
asynchronous and synchronous messages. tests/model/test_official_roundtrip.py reads them.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

from pact import Pact, generate, match  # the official library (test-only)

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "official"


def http_pact(version: str, consumer: str) -> Pact:
    pact = Pact(consumer, "official-http-provider").with_specification(version)
    (
        pact.upon_receiving("a request for a user")
        .given("a user exists", id=123, name="Alice")
        .with_request("GET", match.regex("/users/123", regex=r"/users/\d+"))
        .with_header("Accept", "application/json")
        .with_query_parameter("fields", match.regex("name", regex=r"[a-z,]+"))
        .will_respond_with(200)
        .with_header("Content-Type", "application/json; charset=utf-8")
        .with_body({
            "id": match.int(123, min=1, max=1000),
            "name": match.str("Alice"),
            "code": match.str(size=5),
            "email": match.regex("alice@example.com", regex=r"[^@]+@[^@]+\.[a-z]+"),
            "uuid": match.uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            "active": match.bool(True),
            "score": match.float(12.5, precision=2),
            "count": match.number(42),
            "created": match.datetime("2024-01-02T03:04:05+00:00",
                                      format="%Y-%m-%dT%H:%M:%S%z"),
            "birthday": match.date("2000-01-31", format="%Y-%m-%d"),
            "alarm": match.time("07:30:00", format="%H:%M:%S"),
            "nickname": match.null(),
            "motto": match.includes("world"),
            "tags": match.each_like(match.str("admin"), min=1, max=5),
            "roles": match.each_like({"name": match.str("admin"),
                                      "level": match.int(3)}, min=2),
            "anything": match.like({"nested": [1, 2, 3]}),
            "token": match.type("abc", generator=generate.regex("[a-z]{3}")),
            "hexId": match.type("abcdef", generator=generate.hex(6)),
            "randomText": match.type("hello", generator=generate.str(8)),
            "lucky": match.type(7, generator=generate.int(min=1, max=9)),
            "ratio": match.type(1.5, generator=generate.float(3)),
            "flag": match.type(True, generator=generate.bool()),
            "ref": match.type("ref-1", generator=generate.uuid("simple")),
            "userId": match.type(123, generator=generate.provider_state("${id}")),
            "link": match.type("/users/123",
                               generator=generate.provider_state("/users/${id}")),
            "self": match.type("http://localhost:8080/users/123",
                               generator=generate.mock_server_url(
                                   regex=r".*(/users/\d+)$",
                                   example="http://localhost:8080/users/123")),
        })
    )
    (
        pact.upon_receiving("a request to create a user")
        .given("no users exist")
        .given("the clock reads noon")
        .with_request("POST", "/users")
        .with_header("Content-Type", "application/json")
        .with_body({"name": match.str("Bob"), "age": match.int(30)}, "application/json")
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/9", regex=r"/users/\d+"))
        .with_body({
            "id": match.int(9),
            "when": match.type("2024-01-01", generator=generate.date("%Y-%m-%d")),
            "at": match.type("12:00", generator=generate.time("%H:%M")),
            "stamp": match.type("2024-01-01T12:00:00",
                                generator=generate.datetime("%Y-%m-%dT%H:%M:%S")),
            "javaStamp": match.type("2024-01-01T12:00:00.000+01:00", generator=generate.datetime(
                "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", disable_conversion=True)),
            "attributes": match.each_key_matches({"colour": "red"},
                                                 rules=match.regex("colour", regex="[a-z]+")),
            "limits": match.each_value_matches({"daily": 5}, rules=match.int(5)),
            "contains": match.array_containing([match.str("a"), match.int(1)]),
        })
    )
    (
        pact.upon_receiving("a request for a missing user")
        .with_request("GET", "/users/404")
        .will_respond_with(404)
    )
    return pact


def v3_message_pact() -> Pact:
    pact = Pact("official-v3-message-consumer", "official-message-provider")
    pact = pact.with_specification("V3")
    (
        pact.upon_receiving("a user created event", "Async")
        .given("a user is created", id=7)
        .with_body({"type": "created", "id": match.int(7),
                    "name": match.str("Carol"),
                    "at": match.datetime("2024-05-06T07:08:09", format="%Y-%m-%dT%H:%M:%S")},
                   "application/json")
        .with_metadata({"topic": "users", "partition": "1"})
    )
    (
        pact.upon_receiving("a user deleted event", "Async")
        .with_body({"type": "deleted", "id": match.int(8)}, "application/json")
        .with_metadata({"topic": "users"})
    )
    return pact


def v4_message_pact() -> Pact:
    pact = Pact("official-v4-message-consumer", "official-message-provider")
    pact = pact.with_specification("V4")
    (
        pact.upon_receiving("an order placed event", "Async")
        .given("an order exists", orderId=55)
        .with_body({"orderId": match.int(55),
                    "items": match.each_like({"sku": match.regex("AB-1", regex=r"[A-Z]+-\d+"),
                                              "qty": match.int(1)})},
                   "application/json")
        .with_metadata({"queue": "orders"})
    )
    (
        pact.upon_receiving("a price request", "Sync")
        .given("prices are loaded")
        .with_body({"sku": match.str("AB-1")}, "application/json")
        .will_respond_with()
        .with_body({"sku": match.str("AB-1"), "price": match.float(9.99),
                    "currency": match.regex("EUR", regex="[A-Z]{3}")},
                   "application/json")
    )
    (
        pact.upon_receiving("a plain text notice", "Async")
        .with_body("hello there", "text/plain")
    )
    return pact


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    pacts = [
        http_pact("V3", "official-v3-http-consumer"),
        http_pact("V4", "official-v4-http-consumer"),
        v3_message_pact(),
        v4_message_pact(),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for pact in pacts:
            pact.write_file(tmp, overwrite=True)
        for file in sorted(Path(tmp).glob("*.json")):
            json.loads(file.read_text())  # a sanity check: the files are kept byte for byte
            shutil.copyfile(file, OUT / file.name)
            print(f"wrote {OUT / file.name}")
    if not any(OUT.glob("*.json")):
        print("no pact files were written", file=sys.stderr)
        return 1
    shutil.rmtree(OUT / "__pycache__", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
