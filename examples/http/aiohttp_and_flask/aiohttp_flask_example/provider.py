"""The user service: a Flask application over an in-memory store.

The provider knows nothing about Pact either. It stores more about a user than the consumer
reads (email, admin flag, hobbies); the contract only pins down what the consumer uses.

    flask --app aiohttp_flask_example.provider:app run
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

__all__ = ["User", "UserDb", "app", "create_app", "db"]


@dataclass
class User:
    id: int
    name: str
    created_on: datetime
    email: str | None = None
    admin: bool = False
    hobbies: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "created_on": self.created_on.isoformat(timespec="seconds"),
            "email": self.email,
            "admin": self.admin,
            "hobbies": list(self.hobbies),
        }


class UserDb:
    """A thread-safe in-memory user table (the HTTP server may run in another thread)."""

    def __init__(self) -> None:
        self._users: dict[int, User] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def all(self) -> list[User]:
        with self._lock:
            return [self._users[key] for key in sorted(self._users)]

    def put(self, user: User) -> User:
        with self._lock:
            self._users[user.id] = user
            return user

    def create(self, name: str, **fields: Any) -> User:
        with self._lock:
            user_id = max(self._users, default=0) + 1
            user = User(id=user_id, name=name, created_on=datetime.now(UTC), **fields)
            self._users[user_id] = user
            return user

    def delete(self, user_id: int) -> bool:
        with self._lock:
            return self._users.pop(user_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._users.clear()


def _problem(status: int, title: str, detail: str) -> tuple[Response, int]:
    """An RFC 9457 problem-details body, which is what the consumer reads ``detail`` from."""
    body = {"title": title, "status": status, "detail": detail, "instance": request.path}
    response = jsonify(body)
    response.mimetype = "application/problem+json"
    return response, status


def create_app(store: UserDb) -> Flask:
    """Build the application over a store (one store per test keeps tests independent)."""
    app = Flask(__name__)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return _problem(error.code or 500, error.name, error.description or error.name)

    @app.get("/users")
    def list_users() -> Response:
        return jsonify({"users": [user.to_json() for user in store.all()]})

    @app.get("/users/<int:user_id>")
    def get_user(user_id: int) -> Response | tuple[Response, int]:
        user = store.get(user_id)
        if user is None:
            return _problem(404, "Not Found", "User not found")
        return jsonify(user.to_json())

    @app.post("/users")
    def create_user() -> tuple[Response, int]:
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return _problem(400, "Bad Request", "A JSON body with a 'name' string is required")
        if not data["name"].strip():
            return _problem(400, "Bad Request", "The name must not be empty")
        user = store.create(data["name"].strip())
        return jsonify(user.to_json()), 201

    @app.delete("/users/<int:user_id>")
    def delete_user(user_id: int) -> tuple[str, int] | tuple[Response, int]:
        if not store.delete(user_id):
            return _problem(404, "Not Found", "User not found")
        return "", 204

    return app


db = UserDb()
app = create_app(db)
