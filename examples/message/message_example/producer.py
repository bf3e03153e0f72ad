"""The user service's side of the messages: the events it publishes and the lookups it answers.

Each function returns ``(body, metadata)`` the way the service hands them to its queue; the
provider tests verify exactly these functions, so the contract covers the real code.

    queue.put(*user_created(user))
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Event = tuple[dict[str, Any], dict[str, str]]

__all__ = ["User", "UserStore", "answer_lookup", "user_created", "user_deleted"]


@dataclass(frozen=True)
class User:
    id: int
    name: str
    email: str | None = None


class UserStore:
    """The service's users (in memory for the example)."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}

    def add(self, user: User) -> User:
        self.users[user.id] = user
        return user


def _metadata(event_type: str) -> dict[str, str]:
    return {"contentType": "application/json", "topic": "users", "eventType": event_type}


def user_created(user: User, *, now: datetime | None = None) -> Event:
    occurred = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    body = {
        "type": "user.created",
        "user": {"id": user.id, "name": user.name, "email": user.email},
        "occurred_at": occurred,
    }
    return body, _metadata("user.created")


def user_deleted(user_id: int, *, now: datetime | None = None) -> Event:
    occurred = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    body = {"type": "user.deleted", "user": {"id": user_id}, "occurred_at": occurred}
    return body, _metadata("user.deleted")


def answer_lookup(store: UserStore, request: bytes | Mapping[str, Any]) -> Event:
    """Answer a ``user.lookup`` request from the request/reply channel."""
    message = json.loads(request) if isinstance(request, bytes | str) else request
    user = store.users.get(int(message["id"]))
    if user is None:
        return {"id": int(message["id"]), "error": "not found"}, {"contentType": "application/json"}
    reply = {"id": user.id, "name": user.name, "email": user.email}
    return reply, {"contentType": "application/json"}
