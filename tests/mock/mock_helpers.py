"""Shared helpers for the mock server tests: pacts written as pact JSON, read by the model."""

from __future__ import annotations

from typing import Any

from accord.model import Pact, load_pact


def make_pact(*interactions: dict[str, Any], version: str = "4.0") -> Pact:
    """A pact from interaction JSON (V4 unless told), as any pact file would hold it."""
    items = []
    for i, inter in enumerate(interactions):
        item = dict(inter)
        item.setdefault("description", f"interaction {i}")
        if version.startswith("4"):
            item.setdefault("type", "Synchronous/HTTP")
        items.append(item)
    return load_pact({
        "consumer": {"name": "web"},
        "provider": {"name": "users-api"},
        "interactions": items,
        "metadata": {"pactSpecification": {"version": version}},
    })


def get_user(user_id: int = 1, **extra: Any) -> dict[str, Any]:
    """GET /users/{id} answered with a JSON user."""
    return {
        "description": f"a request for user {user_id}",
        "providerStates": [{"name": f"user {user_id} exists"}],
        "request": {"method": "GET", "path": f"/users/{user_id}"},
        "response": {
            "status": 200,
            "headers": {"Content-Type": ["application/json"]},
            "body": {"content": {"id": user_id, "name": "Alice"},
                     "contentType": "application/json", "encoded": False},
        },
        **extra,
    }


def create_user() -> dict[str, Any]:
    """POST /users with a JSON body whose name must be a string."""
    return {
        "description": "a request to create a user",
        "request": {
            "method": "POST", "path": "/users",
            "headers": {"Content-Type": ["application/json"]},
            "body": {"content": {"name": "Bob", "age": 30}, "contentType": "application/json",
                     "encoded": False},
            "matchingRules": {"body": {"$.name": {"combine": "AND",
                                                  "matchers": [{"match": "type"}]},
                                       "$.age": {"combine": "AND",
                                                 "matchers": [{"match": "integer"}]}}},
        },
        "response": {"status": 201, "headers": {"Location": ["/users/2"]}},
    }


def users_pact() -> Pact:
    return make_pact(get_user(1), create_user())
