"""The provider of the drop-in suite: a small users API (Flask) served on 127.0.0.1 in a
thread. Pact-agnostic, as the provider of a real project is."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, abort, jsonify, request
from werkzeug.serving import make_server

USERS: dict[int, dict[str, Any]] = {}
STATE_CALLS: list[dict[str, Any]] = []  # what the state-change endpoint was asked
BROKEN = {"enabled": False}  # a deliberately broken provider for the failing-verification tests


def new_user(uid: int, name: str) -> dict[str, Any]:
    created = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    return {"id": uid, "name": name, "created_on": created.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "admin": False, "tags": ["a", "b"]}


def create_app() -> Flask:
    app = Flask("users")

    @app.get("/users/<int:uid>")
    def get_user(uid: int) -> Any:
        if uid not in USERS:
            return jsonify({"detail": "User not found"}), 404
        user = dict(USERS[uid])
        if BROKEN["enabled"]:
            user["id"] = str(uid)  # an id that is no longer an integer
        return jsonify(user)

    @app.post("/users")
    def create_user() -> Any:
        body = request.get_json(silent=True) or abort(400)
        uid = max(USERS, default=999) + 1
        USERS[uid] = new_user(uid, body["name"])
        return jsonify(USERS[uid]), 201

    @app.delete("/users/<int:uid>")
    def delete_user(uid: int) -> Any:
        if USERS.pop(uid, None) is None:
            return jsonify({"detail": "User not found"}), 404
        return Response(status=204)

    @app.post("/_pact/state")
    def change_state() -> Any:
        """The official state-change protocol: {"state", "params", "action"}."""
        change = request.get_json(silent=True) or {}
        STATE_CALLS.append(change)
        params = change.get("params") or {}
        if change.get("state") == "the user exists" and change.get("action", "setup") == "setup":
            uid = int(params.get("id", 1))
            USERS[uid] = new_user(uid, str(params.get("name", "Someone")))
        return jsonify({})

    @app.post("/_pact/message")
    def produce_message() -> Any:
        """The official HTTP message relay: the verifier asks for a message by description."""
        asked = request.get_json(silent=True) or {}
        if asked.get("description") != "a user created event":
            return jsonify({"error": "unknown message"}), 404
        metadata = base64.b64encode(json.dumps({"topic": "users"}).encode()).decode()
        body = json.dumps({"type": "user.created", "id": 7})
        return Response(body, content_type="application/json",
                        headers={"Pact-Message-Metadata": metadata})

    @app.get("/search")
    def search() -> Any:
        name = request.args.get("name", "")
        found = [u for u in USERS.values() if name.lower() in u["name"].lower()]
        return jsonify({"results": found, "total": len(found)})

    return app


@contextmanager
def running() -> Iterator[int]:
    """Serve the app on 127.0.0.1 (a free port) for the duration; yields the port."""
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.port
    finally:
        server.shutdown()
        thread.join(timeout=10)
