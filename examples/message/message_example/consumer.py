"""The newsletter service: it consumes the user service's events from a queue.

Only the handler matters for the contract: it takes a message body (bytes, as a queue delivers
them) and its metadata, and updates the subscriber list. The queue itself is not part of the
contract, so the tests hand messages straight to the handler.

    newsletter = Newsletter()
    for body, metadata in queue:          # whatever your broker library gives you
        newsletter.handle(body, metadata)

It also asks the user service for a user's e-mail address over a request/reply channel (a
synchronous message): ``UserDirectory(send).email_of(42)``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["Newsletter", "Subscriber", "UnknownEvent", "UserDirectory", "UserLookupFailed"]


class UnknownEvent(ValueError):
    """A message this consumer does not understand (it goes to the dead-letter queue)."""


class UserLookupFailed(LookupError):
    """The user service could not answer a lookup."""


@dataclass(frozen=True)
class Subscriber:
    user_id: int
    email: str
    since: datetime


@dataclass
class Newsletter:
    """Keeps one subscriber per user with an e-mail address, from ``user.*`` events."""

    subscribers: dict[int, Subscriber] = field(default_factory=dict)

    def handle(self, body: bytes | str | Mapping[str, Any], metadata: Mapping[str, Any]) -> None:
        """Apply one event; ``body`` is the raw message (or already decoded JSON)."""
        if metadata.get("contentType", "application/json") != "application/json":
            raise UnknownEvent(f"cannot read a {metadata.get('contentType')} message")
        event = body if isinstance(body, Mapping) else json.loads(body)
        kind = metadata.get("eventType") or event.get("type")
        if kind == "user.created":
            self._user_created(event)
        elif kind == "user.deleted":
            self.subscribers.pop(int(event["user"]["id"]), None)
        else:
            raise UnknownEvent(f"unknown event type {kind!r}")

    def _user_created(self, event: Mapping[str, Any]) -> None:
        user = event["user"]
        if not user.get("email"):
            return  # nobody to write to
        since = datetime.fromisoformat(event["occurred_at"])
        self.subscribers[int(user["id"])] = Subscriber(int(user["id"]), str(user["email"]), since)


Send = Callable[[bytes, Mapping[str, Any]], tuple[bytes, Mapping[str, Any]]]


class UserDirectory:
    """Asks the user service for user details over a request/reply channel."""

    def __init__(self, send: Send) -> None:
        self._send = send

    def email_of(self, user_id: int) -> str | None:
        request = json.dumps({"type": "user.lookup", "id": user_id}).encode()
        body, _metadata = self._send(request, {"contentType": "application/json"})
        reply = json.loads(body)
        if reply.get("error"):
            raise UserLookupFailed(f"user {user_id}: {reply['error']}")
        if int(reply["id"]) != user_id:
            raise UserLookupFailed(f"asked for user {user_id}, got user {reply['id']}")
        return reply.get("email")
