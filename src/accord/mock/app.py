"""The mock server's ASGI application: a thin wire adapter around ``MockSession``.

No framework: the scope becomes an ``HttpRequest``, the session decides, and the answer goes
out as one start message and one body message. With ``cors=True`` browser pre-flights are
answered (and not recorded) and every response allows the caller's origin. With
``admin=True`` (the ``accord mock`` command) ``GET /__accord/report`` returns the report as
JSON and ``GET /__accord/health`` says the server is up; a library mock server leaves those
paths to the pact.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from accord.mock.core import MockSession, RequestResult

if TYPE_CHECKING:
    from accord.generation import GeneratorContext

__all__ = ["ADMIN_PREFIX", "MockApp", "wire_path"]

ADMIN_PREFIX = "/__accord/"

_log = logging.getLogger("accord.mock")

_CORS_METHODS = b"GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"


class MockApp:
    """ASGI 3 application serving one ``MockSession``.

    ``context`` is a fixed generator context, or a zero-argument callable that makes one
    (called only for responses that have generators). ``on_result`` is called with each
    request's ``RequestResult`` (the CLI prints them).
    """

    def __init__(self, session: MockSession, *,
                 context: GeneratorContext | Callable[[], GeneratorContext] | None = None,
                 cors: bool = False, admin: bool = False,
                 on_result: Callable[[RequestResult], None] | None = None):
        self.session = session
        self.context = context
        self.cors = cors
        self.admin = admin
        self.on_result = on_result

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not mocked
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
        method: str = scope["method"]
        path = wire_path(scope)
        if self.cors and method == "OPTIONS" and _has(scope, b"access-control-request-method"):
            await _send(send, 200, _preflight_headers(scope), b"")
            return
        if self.admin and path.startswith(ADMIN_PREFIX):
            await self._admin(path, send)
            return
        reply, result = self.session.handle_wire(method, path, scope["query_string"],
                                                 scope["headers"], body, self.context)
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:  # a logging callback must not cost the consumer its response
                _log.exception("accord mock server: the on_result callback failed")
        headers: Any = reply.raw_headers
        if self.cors:
            headers = _with_cors(reply.raw_headers, scope)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    async def _admin(self, path: str, send: Any) -> None:
        if path == ADMIN_PREFIX + "report":
            data = self.session.report().to_json()
        elif path == ADMIN_PREFIX + "health":
            data = {"status": "ok", "interactions": len(self.session.interactions)}
        else:
            await _send(send, 404, [(b"content-type", b"application/json")],
                        b'{"error": "unknown accord admin endpoint"}')
            return
        await _send(send, 200, [(b"content-type", b"application/json")],
                    json.dumps(data, ensure_ascii=False, default=str).encode())


def _has(scope: dict[str, Any], name: bytes) -> bool:
    return any(k == name for k, _ in scope["headers"])


def _get(scope: dict[str, Any], name: bytes) -> bytes | None:
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return None


def _preflight_headers(scope: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    origin = _get(scope, b"origin")
    requested = _get(scope, b"access-control-request-headers")
    headers = [
        (b"access-control-allow-origin", origin or b"*"),
        (b"access-control-allow-methods", _CORS_METHODS),
        (b"access-control-allow-headers", requested or b"*"),
        (b"access-control-max-age", b"600"),
        (b"vary", b"Origin"),
    ]
    if origin:
        headers.append((b"access-control-allow-credentials", b"true"))
    return headers


def _with_cors(headers: tuple[tuple[bytes, bytes], ...], scope: dict[str, Any]
               ) -> list[tuple[bytes, bytes]]:
    out = list(headers)
    if any(k == b"access-control-allow-origin" for k, _ in out):
        return out  # the interaction says what it allows
    origin = _get(scope, b"origin")
    out.append((b"access-control-allow-origin", origin or b"*"))
    if origin:
        out.append((b"access-control-allow-credentials", b"true"))
        out.append((b"access-control-expose-headers", b"*"))
    return out


async def _send(send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers = [*headers, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def wire_path(scope: dict[str, Any]) -> str:
    """The request path as sent, still percent-encoded (``/pacts/Pricing%20Service``).

    The official mock server compares this raw path with the pact's path, so a pact path
    written encoded matches the request and one written with a bare space does not.
    """
    raw = scope.get("raw_path")
    if not raw:
        return str(scope["path"])
    raw = bytes(raw).split(b"?", 1)[0]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
