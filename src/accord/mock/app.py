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

from accord.jsonlimits import DEFAULT_MAX_DEPTH, json_depth
from accord.mock.core import MockSession, RequestResult

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from accord.generation import GeneratorContext

__all__ = ["ADMIN_PREFIX", "DEFAULT_MAX_BODY_BYTES", "MockApp", "wire_path"]

ADMIN_PREFIX = "/__accord/"
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024

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
                 on_result: Callable[[RequestResult], None] | None = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 max_json_depth: int = DEFAULT_MAX_DEPTH):
        self.session = session
        self.context = context
        self.cors = cors
        self.admin = admin
        self.on_result = on_result
        self.max_body_bytes = max_body_bytes
        self.max_json_depth = max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off; websockets are not mocked
            return
        method: str = scope["method"]
        path = wire_path(scope)
        declared = (_get(scope, b"content-length") or b"").strip()
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._refuse(scope, send, 413, self._too_large(int(declared)))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # stop reading: the rest is never buffered
                await self._refuse(scope, send, 413, self._too_large(None))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if self.cors and method == "OPTIONS" and _has(scope, b"access-control-request-method"):
            await _send(send, 200, _preflight_headers(scope), b"")
            return
        if self.admin and path.startswith(ADMIN_PREFIX):
            await self._admin(path, send)
            return
        if body and _looks_like_json(scope, body):
            depth = json_depth(body)
            if depth > self.max_json_depth:
                await self._refuse(scope, send, 400, (
                    f"the JSON body is nested {depth} levels deep; the mock server reads at most "
                    f"{self.max_json_depth} (--max-json-depth)"))
                return
        reply, result = self.session.handle_wire(method, path, scope["query_string"],
                                                 scope["headers"], body, self.context)
        self._report(result)
        headers: Any = reply.raw_headers
        if self.cors:
            headers = _with_cors(reply.raw_headers, scope)
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        await send({"type": "http.response.body", "body": reply.body})

    def _report(self, result: RequestResult) -> None:
        if self.on_result is not None:
            try:
                self.on_result(result)
            except Exception:  # a logging callback must not cost the consumer its response
                _log.exception("accord mock server: the on_result callback failed")

    def _too_large(self, declared: int | None) -> str:
        size = f" ({declared} bytes)" if declared is not None else ""
        return (f"the request body{size} is larger than the mock server accepts "
                f"({self.max_body_bytes} bytes; --max-body-size)")

    async def _refuse(self, scope: Scope, send: Any, status: int, reason: str) -> None:
        """Answer a request that will not be matched, and record it so the test fails."""
        result = self.session.refuse(scope["method"], scope["path"], scope["query_string"],
                                     scope["headers"], reason)
        self._report(result)
        payload = {"error": result.summary(), "status": status}
        headers = [(b"content-type", b"application/json"), (b"connection", b"close"),
                   (b"x-accord-mismatch", b"refused")]
        if self.cors:
            headers = _with_cors(tuple(headers), scope)
        await _send(send, status, headers, json.dumps(payload, ensure_ascii=False).encode())

    async def _admin(self, path: str, send: Any) -> None:
        if path == ADMIN_PREFIX + "report":
            body = self._report_body()
        elif path == ADMIN_PREFIX + "health":
            body = _encode({"status": "ok", "interactions": len(self.session.interactions)})
        else:
            await _send(send, 404, [(b"content-type", b"application/json")],
                        b'{"error": "unknown accord admin endpoint"}')
            return
        await _send(send, 200, [(b"content-type", b"application/json")], body)

    def _report_body(self) -> bytes:
        """The report; if some part of it cannot be rendered, the verdict and the reason (the
        report endpoint answers whatever the clients sent before)."""
        report = self.session.report()
        try:
            return _encode(report.to_json())
        except Exception as exc:
            _log.exception("accord mock server: the report could not be rendered in full")
            return _encode({
                "ok": report.ok, "error": f"the full report could not be rendered: {exc!r}",
                "failures": [r.summary() for r in report.results if not r.ok]})


def _encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=str).encode()


def _looks_like_json(scope: Scope, body: bytes) -> bool:
    """Would matching parse this body as JSON? (A JSON content type, or none and JSON-ish.)"""
    content_type = (_get(scope, b"content-type") or b"").lower()
    if content_type:
        return b"json" in content_type
    return body.lstrip()[:1] in (b"{", b"[")


def _has(scope: Scope, name: bytes) -> bool:
    return any(k == name for k, _ in scope["headers"])


def _get(scope: Scope, name: bytes) -> bytes | None:
    for k, v in scope["headers"]:
        if k == name:
            return bytes(v)
    return None


def _preflight_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
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


def _with_cors(headers: tuple[tuple[bytes, bytes], ...], scope: Scope
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


def wire_path(scope: Scope) -> str:
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
