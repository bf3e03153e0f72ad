"""Providers for the verifier tests: one users API as Starlette (ASGI), as Flask (WSGI) and
served over HTTP by uvicorn on 127.0.0.1; plus helpers to write pacts into tmp dirs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from flask import Flask, jsonify, request
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

USERS = {1: {"id": 1, "name": "Alice", "role": "admin"}, 2: {"id": 2, "name": "Bob",
                                                             "role": "user"}}


def make_starlette(db: dict[int, dict[str, Any]] | None = None) -> Starlette:
    db = USERS if db is None else db

    async def get_user(req: Request) -> Response:
        uid = int(req.path_params["id"])
        if uid not in db:
            return JSONResponse({"error": "not found"}, status_code=404)
        user = dict(db[uid])
        if req.query_params.get("fields") == "name":
            user = {"name": user["name"]}
        return JSONResponse(user, headers={"X-Request-Id": req.headers.get("x-request-id", "")})

    async def create_user(req: Request) -> Response:
        body = await req.json()
        return JSONResponse({"id": 99, **body}, status_code=201)

    async def whoami(req: Request) -> Response:
        auth = req.headers.get("authorization")
        if auth != "Bearer s3cret":
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        return JSONResponse({"user": "alice"})

    async def slow(req: Request) -> Response:
        await asyncio.sleep(2)
        return PlainTextResponse("late")

    return Starlette(routes=[
        Route("/users/{id:int}", get_user), Route("/users", create_user, methods=["POST"]),
        Route("/whoami", whoami), Route("/slow", slow),
    ])


def make_flask(db: dict[int, dict[str, Any]] | None = None) -> Flask:
    db = USERS if db is None else db
    app = Flask("users")

    @app.get("/users/<int:uid>")
    def get_user(uid: int) -> Any:
        if uid not in db:
            return jsonify({"error": "not found"}), 404
        user = dict(db[uid])
        if request.args.get("fields") == "name":
            user = {"name": user["name"]}
        return jsonify(user), 200, {"X-Request-Id": request.headers.get("X-Request-Id", "")}

    @app.post("/users")
    def create_user() -> Any:
        return jsonify({"id": 99, **(request.get_json() or {})}), 201

    @app.get("/whoami")
    def whoami() -> Any:
        if request.headers.get("Authorization") != "Bearer s3cret":
            return jsonify({"error": "unauthorised"}), 401
        return jsonify({"user": "alice"})

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread on 127.0.0.1; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                            lifespan="off", http="httptools")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def garbage_server() -> Iterator[str]:
    """A TCP server that answers every connection with bytes that are not HTTP."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.2)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn, contextlib.suppress(OSError):
                conn.recv(65536)
                conn.sendall(b"THIS IS NOT HTTP AT ALL\r\n\r\n")

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        sock.close()


def write_pact(directory: Path, pact: dict[str, Any], name: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / (name or f"{pact['consumer']['name']}-{pact['provider']['name']}.json")
    path.write_text(json.dumps(pact))
    return path


def v3_pact(interactions: list[dict[str, Any]], consumer: str = "web",
            provider: str = "users-api") -> dict[str, Any]:
    return {"consumer": {"name": consumer}, "provider": {"name": provider},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}


def v4_pact(interactions: list[dict[str, Any]], consumer: str = "web",
            provider: str = "users-api") -> dict[str, Any]:
    return {"consumer": {"name": consumer}, "provider": {"name": provider},
            "interactions": interactions, "metadata": {"pactSpecification": {"version": "4.0"}}}


def get_user(uid: int = 1, *, body: Any = None, state: str | None = None,
             description: str | None = None, status: int = 200) -> dict[str, Any]:
    item: dict[str, Any] = {
        "description": description or f"a request for user {uid}",
        "request": {"method": "GET", "path": f"/users/{uid}"},
        "response": {"status": status, "headers": {"Content-Type": "application/json"},
                     "body": body if body is not None else USERS.get(uid, {})},
    }
    if state:
        item["providerState"] = state
    return item


@pytest.fixture(scope="session")
def http_provider() -> Iterator[str]:
    with serve(make_starlette()) as url:
        yield url


@pytest.fixture(params=["asgi", "wsgi", "http"])
def provider(request: pytest.FixtureRequest) -> dict[str, Any]:
    """add_transport() keyword arguments for each way of reaching the provider."""
    if request.param == "asgi":
        return {"app": make_starlette()}
    if request.param == "wsgi":
        return {"app": make_flask()}
    return {"url": request.getfixturevalue("http_provider")}
