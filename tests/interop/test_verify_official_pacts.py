"""Pacts written by pact-python (the official library, on the Rust core) and verified by accord:
a provider that honours them passes; one that breaks them fails with the right mismatches.

The pacts are written inside the test (V3 and V4 HTTP with matchers and generators, ProviderState
included; a V3 message pact; V4 asynchronous and synchronous messages)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accord import Verifier
from accord.verifier import Message, Outcome, VerificationResult

pytestmark = pytest.mark.interop

PROVIDER = "interop-users"


def write_http_pact(directory: Path, version: str) -> Path:
    os.environ["PACT_DO_NOT_TRACK"] = "true"
    from pact import Pact, generate, match

    pact = Pact(f"interop-web-{version.lower()}", PROVIDER).with_specification(version)
    (
        pact.upon_receiving("a request for a user")
        .given("a user exists", id=123, name="Alice")
        .with_request("GET", match.type("/users/123",
                                        generator=generate.provider_state("/users/${id}")))
        .with_header("Accept", "application/json")
        .with_header("X-User-Id", match.type("123", generator=generate.provider_state("${id}")))
        .with_query_parameter("fields", match.regex("name", regex=r"[a-z,]+"))
        .will_respond_with(200)
        .with_header("Content-Type", match.regex("application/json",
                                                 regex=r"application/json.*"))
        .with_body({
            "id": match.int(123),
            "name": match.str("Alice"),
            "email": match.regex("alice@example.com", regex=r"[^@]+@[^@]+\.[a-z]+"),
            "uuid": match.uuid("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
            "active": match.bool(True),
            "score": match.float(12.5),
            "count": match.number(42),
            "birthday": match.date("2000-01-31", format="%Y-%m-%d"),
            "nickname": match.null(),
            "motto": match.includes("world"),
            "tags": match.each_like(match.str("admin"), min=1),
            "roles": match.each_like({"name": match.str("admin"), "level": match.int(3)},
                                     min=2),
            "anything": match.like({"nested": [1, 2, 3]}),
            "userId": match.type(123, generator=generate.provider_state("${id}")),
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
        .with_body({
            "id": match.int(9),
            "attributes": match.each_key_matches({"colour": "red"},
                                                 rules=match.regex("colour", regex="[a-z]+")),
            "limits": match.each_value_matches({"daily": 5}, rules=match.int(5)),
        })
    )
    (
        pact.upon_receiving("a request for a missing user")
        .with_request("GET", "/users/404")
        .will_respond_with(404)
    )
    pact.write_file(directory, overwrite=True)
    return directory


GOOD_USER = {
    "name": "Zoe", "email": "zoe@example.org", "uuid": "123e4567-e89b-12d3-a456-426614174000",
    "active": False, "score": 3.25, "count": 7, "birthday": "1999-12-31", "nickname": None,
    "motto": "hello world!", "tags": ["x", "y"],
    "roles": [{"name": "a", "level": 1}, {"name": "b", "level": 2}],
    "anything": {"nested": [4]},
}
BAD_USER = {
    "name": "Zoe", "email": "not-an-email", "active": "yes", "score": 3.25, "count": 7,
    "birthday": "31/12/1999", "nickname": "zed", "motto": "hello", "tags": [],
    "roles": [{"name": "a", "level": "high"}], "anything": {"nested": [4]},
}


def users_app(*, honour: bool) -> Starlette:
    async def get_user(request: Request) -> Response:
        uid = int(request.path_params["id"])
        if uid == 404:
            return JSONResponse({}, status_code=200 if not honour else 404)
        ok = request.headers.get("x-user-id") == str(uid) and \
            request.headers.get("accept") == "application/json"
        if not ok:
            return JSONResponse({"error": "bad request"}, status_code=400)
        if honour:
            return JSONResponse({"id": uid, **GOOD_USER, "userId": uid})
        return JSONResponse({"id": str(uid), **BAD_USER, "userId": uid})

    async def create_user(request: Request) -> Response:
        body = await request.json()
        assert isinstance(body["age"], int)
        if honour:
            return JSONResponse({"id": 42, "attributes": {"size": "big"},
                                 "limits": {"weekly": 9, "monthly": 3}}, status_code=201,
                                headers={"Location": "/users/42"})
        return JSONResponse({"id": 42.5, "attributes": {"Size": "big"},
                             "limits": {"weekly": "nine"}}, status_code=200)

    return Starlette(routes=[Route("/users/{id:int}", get_user),
                             Route("/users", create_user, methods=["POST"])])


def verify_http(pacts: Path, honour: bool) -> VerificationResult:
    verifier = Verifier(PROVIDER).add_source(pacts).add_transport(app=users_app(honour=honour))
    states: list[tuple[str, Any]] = []

    @verifier.state("a user exists")
    def user_exists(id: int, name: str) -> dict[str, Any]:
        states.append(("a user exists", (id, name)))
        return {"id": 77}

    @verifier.state("no users exist")
    def no_users() -> None:
        states.append(("no users exist", None))

    result = verifier.verify(raises=False)
    assert states == [("a user exists", (123, "Alice")), ("no users exist", None)]
    return result


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_official_http_pacts_pass_against_a_provider_that_honours_them(
        tmp_path: Path, version: str) -> None:
    result = verify_http(write_http_pact(tmp_path, version), honour=True)
    assert result.ok, result.report()
    assert len(result.results) == 3
    sent = next(r for r in result.results if r.description == "a request for a user").request
    assert sent.path == "/users/77"  # the ProviderState generator used the state's value
    assert sent.header("X-User-Id") == ("77",)


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_official_http_pacts_fail_against_a_provider_that_breaks_them(
        tmp_path: Path, version: str) -> None:
    result = verify_http(write_http_pact(tmp_path, version), honour=False)
    assert not result.ok
    by = {r.description: {(m.kind, m.path) for m in r.mismatches} for r in result.results}
    user = by["a request for a user"]
    missing = [m.message for r in result.results for m in r.mismatches if m.path == "$"]
    assert any("uuid" in text for text in missing), missing  # a missing key is reported at $
    for path in ("$.id", "$.email", "$.active", "$.birthday", "$.nickname", "$.motto",
                 "$.roles"):
        assert any(p == path or p.startswith(path + "[") or p.startswith(path + ".")
                   for _, p in user), (path, user)
    assert not any(p in ("$.name", "$.score", "$.count", "$.anything", "$.userId")
                   for _, p in user), user
    assert {k for k, _ in user} == {"BodyMismatch"}
    create = by["a request to create a user"]
    assert ("StatusMismatch", "") in {(k, p or "") for k, p in create}
    assert ("HeaderMismatch", "Location") in create
    assert any(p.startswith("$.id") for _, p in create)
    assert any(p.startswith("$.limits") for _, p in create)
    assert {k for k, _ in by["a request for a missing user"]} == {"StatusMismatch"}


def write_message_pacts(directory: Path) -> Path:
    os.environ["PACT_DO_NOT_TRACK"] = "true"
    from pact import Pact, match

    v3 = Pact("interop-v3-events", PROVIDER).with_specification("V3")
    (
        v3.upon_receiving("a user created event", "Async")
        .given("a user is created", id=7)
        .with_body({"type": "created", "id": match.int(7), "name": match.str("Carol")},
                   "application/json")
        .with_metadata({"topic": "users"})
    )
    v3.write_file(directory, overwrite=True)
    v4 = Pact("interop-v4-events", PROVIDER).with_specification("V4")
    (
        v4.upon_receiving("an order placed event", "Async")
        .given("an order exists", orderId=55)
        .with_body({"orderId": match.int(55),
                    "items": match.each_like({"sku": match.regex("AB-1", regex=r"[A-Z]+-\d+"),
                                              "qty": match.int(1)})}, "application/json")
        .with_metadata({"queue": "orders"})
    )
    (
        v4.upon_receiving("a price request", "Sync")
        .with_body({"sku": match.str("AB-1")}, "application/json")
        .will_respond_with()
        .with_body({"sku": match.str("AB-1"), "price": match.float(9.99),
                    "currency": match.regex("EUR", regex="[A-Z]{3}")}, "application/json")
    )
    (v4.upon_receiving("a plain text notice", "Async").with_body("hello there", "text/plain"))
    v4.write_file(directory, overwrite=True)
    return directory


def producers(verifier: Verifier, honour: bool) -> Verifier:
    @verifier.message("a user created event")
    def created(id: int) -> Message:
        body = {"type": "created", "id": id if honour else str(id), "name": "Dan"}
        return Message(body, metadata={"topic": "users" if honour else "people"})

    @verifier.message("an order placed event")
    async def placed(orderId: int) -> Message:
        items = [{"sku": "XY-42", "qty": 3}] if honour else [{"sku": "xy42", "qty": 3}]
        return Message({"orderId": orderId, "items": items}, metadata={"queue": "orders"})

    @verifier.message("a price request")
    def price(request: dict[str, Any]) -> dict[str, Any]:
        return {"sku": request["sku"], "price": 1.25 if honour else "1.25",
                "currency": "USD" if honour else "dollars"}

    verifier.message_handler({"a plain text notice": Message(
        "hello there" if honour else "goodbye", content_type="text/plain")})
    return verifier


def test_official_message_pacts_pass_and_fail(tmp_path: Path) -> None:
    pacts = write_message_pacts(tmp_path)
    good = producers(Verifier(PROVIDER).add_source(pacts), honour=True).verify(raises=False)
    assert good.ok, good.report()
    assert len(good.results) == 4
    bad = producers(Verifier(PROVIDER).add_source(pacts), honour=False).verify(raises=False)
    by = {r.description: r for r in bad.results}
    assert all(r.outcome is Outcome.FAILED for r in bad.results), bad.report()
    assert {(m.kind, m.path) for m in by["a user created event"].mismatches} == {
        ("BodyMismatch", "$.id"), ("MetadataMismatch", "topic")}
    assert {m.path for m in by["an order placed event"].mismatches} == {"$.items[0].sku"}
    assert {m.path for m in by["a price request"].mismatches} == {"$.price", "$.currency"}
    assert [m.kind for m in by["a plain text notice"].mismatches] == ["BodyMismatch"]
