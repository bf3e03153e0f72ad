"""The user service: a FastAPI application over an in-memory store.

The provider knows nothing about Pact. It stores more about a user than the consumer reads
(email, admin flag, hobbies); the contract only pins down what the consumer uses.

    uvicorn requests_fastapi_example.provider:app
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException, Response
from pydantic import BaseModel, Field, field_serializer

__all__ = ["NewUser", "NotFound", "User", "UserDb", "UserPatch", "app", "create_app", "db"]


class User(BaseModel):
    id: int = Field(gt=0)
    name: str = Field(min_length=1)
    created_on: datetime
    email: str | None = None
    admin: bool = False
    hobbies: list[str] = Field(default_factory=list)

    @field_serializer("created_on")
    def _iso_seconds(self, value: datetime) -> str:
        """``2024-05-01T09:30:00+00:00``: seconds precision and an explicit offset."""
        return value.isoformat(timespec="seconds")


class NewUser(BaseModel):
    name: str = Field(min_length=1)
    email: str | None = None


class UserPatch(BaseModel):
    name: str = Field(min_length=1)


class NotFound(BaseModel):
    detail: str


# Documented, so that the OpenAPI document (app.openapi()) describes the 404 answers too.
NOT_FOUND = {404: {"model": NotFound, "description": "No user with this id"}}


class UserList(BaseModel):
    users: list[User]


class UserDb:
    """A thread-safe in-memory user table (uvicorn may serve from another thread)."""

    def __init__(self) -> None:
        self._users: dict[int, User] = {}
        self._lock = threading.Lock()

    def get(self, user_id: int) -> User | None:
        with self._lock:
            return self._users.get(user_id)

    def all(self) -> list[User]:
        with self._lock:
            return [self._users[key] for key in sorted(self._users)]

    def create(self, name: str, **fields: object) -> User:
        with self._lock:
            user_id = max(self._users, default=0) + 1
            user = User(id=user_id, name=name, created_on=datetime.now(UTC), **fields)
            self._users[user_id] = user
            return user

    def update(self, user: User) -> User:
        with self._lock:
            self._users[user.id] = user
            return user

    def delete(self, user_id: int) -> bool:
        with self._lock:
            return self._users.pop(user_id, None) is not None

    def clear(self) -> None:
        with self._lock:
            self._users.clear()


def create_app(store: UserDb) -> FastAPI:
    """Build the application over a store (one store per test keeps tests independent)."""
    app = FastAPI(title="users-api")

    def existing(user_id: int) -> User:
        user = store.get(user_id)
        if user is None:
            raise HTTPException(status_code=404, detail="User not found")
        return user

    @app.get("/users")
    def list_users() -> UserList:
        return UserList(users=store.all())

    @app.get("/users/{user_id}", responses=NOT_FOUND)
    def get_user(user_id: int) -> User:
        return existing(user_id)

    @app.post("/users", status_code=201)
    def create_user(new: NewUser) -> User:
        return store.create(new.name, email=new.email)

    @app.patch("/users/{user_id}", responses=NOT_FOUND)
    def rename_user(user_id: int, patch: UserPatch) -> User:
        return store.update(existing(user_id).model_copy(update={"name": patch.name}))

    @app.delete("/users/{user_id}", status_code=204, responses=NOT_FOUND)
    def delete_user(user_id: int) -> Response:
        if not store.delete(user_id):
            raise HTTPException(status_code=404, detail="User not found")
        return Response(status_code=204)

    return app


db = UserDb()
app = create_app(db)
