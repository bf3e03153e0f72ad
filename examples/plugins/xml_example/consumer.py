"""A client for a user service that speaks XML, written with httpx and defusedxml.

    with UserClient("http://localhost:8000") as client:
        user = client.get_user(123)        # User(id=123, name="Alice", hobbies=("chess",))
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

import httpx
from defusedxml import ElementTree

__all__ = ["User", "UserClient", "UserNotFound"]


class UserNotFound(LookupError):
    """The service answered 404."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    hobbies: tuple[str, ...]

    @classmethod
    def from_xml(cls, text: bytes) -> User:
        root = ElementTree.fromstring(text)
        if root.tag != "user":
            raise ValueError(f"expected a <user> document, got <{root.tag}>")
        name = root.findtext("name")
        if not name:
            raise ValueError("<user> has no <name>")
        hobbies = tuple(h.text or "" for h in root.iterfind("hobbies/hobby"))
        return cls(id=int(root.attrib["id"]), name=name, hobbies=hobbies)


class UserClient:
    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        self._http = httpx.Client(
            base_url=base_url, timeout=timeout, headers={"Accept": "application/xml"}
        )

    def __enter__(self) -> UserClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._http.close()

    def get_user(self, user_id: int) -> User:
        response = self._http.get(f"/users/{user_id}")
        if response.status_code == 404:
            raise UserNotFound(f"user {user_id} not found")
        response.raise_for_status()
        return User.from_xml(response.content)
