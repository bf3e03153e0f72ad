"""A client for the user service, written with requests.

The client knows nothing about Pact: the contract tests exercise it exactly as the application
does, and it reads only the fields it needs (``id``, ``name``, ``created_on``).

    with UserClient("http://localhost:8000") as client:
        user = client.get_user(123)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any

import requests

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
    """The service refused the user's data (400 or 422)."""


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
    """The user service's HTTP API: list, get, create, rename and delete users."""

    def __init__(self, base_url: str, *, timeout: float = 5.0) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"

    def __enter__(self) -> UserClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.close()

    def list_users(self) -> list[User]:
        data = self._call("GET", "/users")
        return [User.from_json(item) for item in data["users"]]

    def get_user(self, user_id: int) -> User:
        return User.from_json(self._call("GET", f"/users/{user_id}"))

    def create_user(self, *, name: str) -> User:
        return User.from_json(self._call("POST", "/users", json={"name": name}))

    def rename_user(self, user_id: int, name: str) -> User:
        return User.from_json(self._call("PATCH", f"/users/{user_id}", json={"name": name}))

    def delete_user(self, user: int | User) -> None:
        user_id = user.id if isinstance(user, User) else user
        self._call("DELETE", f"/users/{user_id}")

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(
            method, f"{self.base_url}{path}", timeout=self.timeout, **kwargs
        )
        if response.status_code >= 400:
            raise self._error(response)
        return response.json() if response.content else None

    @staticmethod
    def _error(response: requests.Response) -> UserServiceError:
        """Turn an error status into the client's exception, keeping the service's detail."""
        try:
            detail = response.json().get("detail", response.reason)
        except (ValueError, AttributeError):
            detail = response.reason
        if not isinstance(detail, str):  # FastAPI's validation errors are a list
            detail = str(detail)
        error = {404: UserNotFound, 400: InvalidUser, 422: InvalidUser}.get(
            response.status_code, UserServiceError
        )
        return error(response.status_code, detail)
