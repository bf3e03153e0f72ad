"""An async client for the user service, written with aiohttp.

The client knows nothing about Pact: the contract tests exercise it exactly as the application
does. It reads only the fields it needs (``id``, ``name``, ``created_on``), which is the point of
consumer-driven contracts: the provider may return more, and may change what nobody reads.

    async with UserClient("http://localhost:8000") as client:
        user = await client.get_user(123)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import aiohttp

__all__ = ["InvalidUser", "User", "UserClient", "UserNotFound", "UserServiceError"]


class UserServiceError(Exception):
    """The user service answered with an error the client does not handle specially."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"user service answered {status}: {detail}")
        self.status = status
        self.detail = detail


class UserNotFound(UserServiceError):
    """The user does not exist (404)."""


class InvalidUser(UserServiceError):
    """The service refused the user's data (400)."""


@dataclass(frozen=True)
class User:
    """A user as this consumer sees it: fewer fields than the provider stores."""

    id: int
    name: str
    created_on: datetime

    def __post_init__(self) -> None:
        if self.id <= 0:
            raise ValueError(f"user id must be positive, got {self.id}")
        if not self.name:
            raise ValueError("user name must not be empty")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> User:
        return cls(
            id=int(data["id"]),
            name=str(data["name"]),
            created_on=datetime.fromisoformat(data["created_on"]),
        )


class UserClient:
    """The user service's HTTP API: list, get, create and delete users."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> UserClient:
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("use the client as `async with UserClient(url) as client:`")
        return self._session

    async def list_users(self) -> list[User]:
        async with self.session.get(f"{self.base_url}/users") as response:
            data = await self._json(response)
        return [User.from_json(item) for item in data["users"]]

    async def get_user(self, user_id: int) -> User:
        async with self.session.get(f"{self.base_url}/users/{user_id}") as response:
            return User.from_json(await self._json(response))

    async def create_user(self, *, name: str) -> User:
        async with self.session.post(f"{self.base_url}/users", json={"name": name}) as response:
            return User.from_json(await self._json(response))

    async def delete_user(self, user: int | User) -> None:
        user_id = user.id if isinstance(user, User) else user
        async with self.session.delete(f"{self.base_url}/users/{user_id}") as response:
            await self._check(response)

    async def _json(self, response: aiohttp.ClientResponse) -> Any:
        await self._check(response)
        return await response.json()

    @staticmethod
    async def _check(response: aiohttp.ClientResponse) -> None:
        """Turn error statuses into the client's exceptions, keeping the service's detail."""
        if response.status < 400:
            return
        try:
            detail = str((await response.json()).get("detail", response.reason))
        except (aiohttp.ContentTypeError, ValueError, AttributeError):
            detail = response.reason or ""
        error = {404: UserNotFound, 400: InvalidUser}.get(response.status, UserServiceError)
        raise error(response.status, detail)
