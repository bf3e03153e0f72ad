"""End to end: a FastAPI provider's generated OpenAPI document (3.1, with anyOf for optional
fields and 422 validation responses) against a consumer pact written with accord's DSL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from accord import Pact, match
from accord.openapi import check_pact, parse_document


class User(BaseModel):
    id: int
    name: str
    email: str | None = None
    tags: list[str] = []


class NewUser(BaseModel):
    name: str
    email: str | None = None


def provider(renamed: bool = False) -> dict[str, Any]:
    """The users API's document; ``renamed``: a release that renamed ``name`` to ``full_name``."""
    app = FastAPI(title="users-api", version="1.0.0")
    model: type[BaseModel] = User
    if renamed:
        class User2(BaseModel):
            id: int
            full_name: str
            email: str | None = None
            tags: list[str] = []

        model = User2

    @app.get("/users/{user_id}", response_model=model,
             responses={404: {"description": "no such user"}})
    def get_user(user_id: int) -> Any:
        raise HTTPException(404)

    @app.get("/users", response_model=list[model])  # type: ignore[valid-type]
    def list_users(limit: int = 10) -> Any:
        return []

    @app.post("/users", response_model=model, status_code=201)
    def create_user(user: NewUser) -> Any:
        raise HTTPException(500)

    return app.openapi()


def consumer(*, expect_nickname: bool = False, limit: str = "5") -> Pact:
    pact = Pact("users-web", "users-api")
    user = {"id": match.integer(1), "name": match.string("Alice"),
            "email": match.email("alice@example.com"), "tags": match.each_like("admin")}
    if expect_nickname:
        user["nickname"] = match.string("Al")
    (pact.upon_receiving("a user")
     .with_request("GET", "/users/1")
     .will_respond_with(200).with_body(user))
    (pact.upon_receiving("a user without an email")
     .with_request("GET", "/users/2")
     .will_respond_with(200).with_body({"id": 2, "name": "Bob", "email": None}))
    (pact.upon_receiving("no such user")
     .with_request("GET", "/users/404")
     .will_respond_with(404))
    (pact.upon_receiving("some users")
     .with_request("GET", "/users").with_query_parameter("limit", limit)
     .will_respond_with(200).with_body(match.each_like(user)))
    (pact.upon_receiving("a new user")
     .with_request("POST", "/users").with_body({"name": "Carol"})
     .will_respond_with(201).with_body(user))
    (pact.upon_receiving("a user without a name")
     .with_request("POST", "/users").with_body({"email": "x@example.com"})
     .will_respond_with(422).with_body({"detail": match.each_like({
         "loc": match.each_like("body"), "msg": match.string("Field required"),
         "type": match.string("missing")})}))
    return pact


def _errors(pact: Pact, document: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    result = check_pact(pact.to_model(recorded_only=False), parse_document(document))
    return {i.description: [(f.code, f.pact_location) for f in i.findings
                            if f.severity != "warning"] for i in result.interactions}


def test_the_consumer_is_compatible_with_the_generated_document() -> None:
    document = provider()
    assert document["openapi"].startswith("3.1")
    errors = _errors(consumer(), document)
    assert errors == {name: [] for name in errors}
    assert len(errors) == 6


def test_a_field_the_provider_does_not_document_breaks_it() -> None:
    errors = _errors(consumer(expect_nickname=True), provider())
    assert errors["a user"] == [("undocumented-field", "response.body.nickname")]
    assert errors["some users"] == [("undocumented-field", "response.body[0].nickname")]
    assert errors["a new user"] == [("undocumented-field", "response.body.nickname")]


def test_a_bad_query_parameter_breaks_it() -> None:
    errors = _errors(consumer(limit="many"), provider())
    assert errors["some users"] == [("type-mismatch", "request.query.limit")]


def test_a_provider_release_that_renames_a_field_breaks_it() -> None:
    errors = _errors(consumer(), provider(renamed=True))
    assert errors["a user"] == [("undocumented-field", "response.body.name")]
    assert errors["a user without an email"] == [("undocumented-field", "response.body.name")]
    assert errors["a new user"] == [("undocumented-field", "response.body.name")]
    assert errors["a user without a name"] == []
