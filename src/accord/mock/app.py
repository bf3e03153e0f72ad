"""The mock server's ASGI application: a thin wire adapter around ``MockSession``.

No framework: the request becomes an ``HttpRequest``, the session decides, and the answer goes
out as one start message and one body message; a server with the whole request in hand
calls ``respond`` instead and gets the answer back (no ASGI messages). With ``cors=True``
browser pre-flights are answered (and not recorded) and every response allows the caller's
origin. With
``admin=True`` (the ``accord mock`` command) ``GET /__accord/report`` returns the report as
JSON and ``GET /__accord/health`` says the server is up; a library mock server leaves those
paths to the pact.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import unquote

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

#: (status, headers, body, fixed): what ``MockApp.respond`` answers
Answer: TypeAlias = tuple[int, Sequence[tuple[bytes, bytes]], bytes, object | None]


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
        headers: Sequence[tuple[bytes, bytes]] = scope["headers"]
        declared = _declared_length(headers)
        if declared is not None and declared > self.max_body_bytes:
            await _send_answer(send, self._refusal(
                method, scope["path"], scope["query_string"], headers, 413,
                self._too_large(declared)))
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
                await _send_answer(send, self._refusal(
                    method, scope["path"], scope["query_string"], headers, 413,
                    self._too_large(None)))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await _send_answer(send, self._dispatch(method, wire_path(scope), scope["query_string"],
                                                headers, b"".join(chunks)))

    def respond(self, method: str, raw_path: bytes, query_string: bytes,
                headers: Sequence[tuple[bytes, bytes]], body: bytes) -> Answer:
        """The answer to a request read whole: (status, headers, body, fixed), where
        ``fixed`` is the session's response object when the answer is always the same
        bytes (the server may keep them rendered), else None.

        The server calls this instead of the ASGI entry point when it has the whole request
        in hand: no task, no ``receive``/``send`` messages per request.
        """
        if len(body) > self.max_body_bytes:
            return self.refuse_oversized(method, raw_path, query_string, headers)
        return self._dispatch(method, _decode_raw_path(raw_path), query_string, headers, body)

    def refuse_oversized(self, method: str, raw_path: bytes, query_string: bytes,
                         headers: Sequence[tuple[bytes, bytes]]) -> Answer:
        """The 413 answer to a request whose body is over ``max_body_bytes``, recorded as a
        failure; a server calls it as soon as it knows, without reading the rest."""
        path = unquote(_decode_raw_path(raw_path))
        return self._refusal(method, path, query_string, headers, 413,
                             self._too_large(_declared_length(headers)))

    def _dispatch(self, method: str, path: str, query_string: bytes,
                  headers: Sequence[tuple[bytes, bytes]], body: bytes) -> Answer:
        """Answer a request whose body is read (and within the limit)."""
        if self.cors and method == "OPTIONS" and _has(headers, b"access-control-request-method"):
            return _answer(200, _preflight_headers(headers), b"")
        if self.admin and path.startswith(ADMIN_PREFIX):
            return self._admin(path)
        if body and _looks_like_json(headers, body):
            depth = json_depth(body)
            if depth > self.max_json_depth:
                return self._refusal(method, unquote(path), query_string, headers, 400, (
                    f"the JSON body is nested {depth} levels deep; the mock server reads at most "
                    f"{self.max_json_depth} (--max-json-depth)"))
        reply, result = self.session.handle_wire(method, path, query_string, headers, body,
                                                 self.context)
        if self.on_result is not None:
            self._report(result)
        if self.cors:
            return reply.status, _with_cors(reply.raw_headers, headers), reply.body, None
        return reply.status, reply.raw_headers, reply.body, reply if reply.fixed else None

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

    def _refusal(self, method: str, path: str, query_string: bytes,
                 headers: Sequence[tuple[bytes, bytes]], status: int, reason: str) -> Answer:
        """Answer a request that will not be matched, and record it so the test fails."""
        result = self.session.refuse(method, path, query_string, headers, reason)
        self._report(result)
        payload = {"error": result.summary(), "status": status}
        out: Sequence[tuple[bytes, bytes]] = [
            (b"content-type", b"application/json"), (b"connection", b"close"),
            (b"x-accord-mismatch", b"refused")]
        if self.cors:
            out = _with_cors(tuple(out), headers)
        return _answer(status, out, json.dumps(payload, ensure_ascii=False).encode())

    def _admin(self, path: str) -> Answer:
        if path == ADMIN_PREFIX + "report":
            body = self._report_body()
        elif path == ADMIN_PREFIX + "health":
            body = _encode({"status": "ok", "interactions": len(self.session.interactions)})
        else:
            return _answer(404, [(b"content-type", b"application/json")],
                           b'{"error": "unknown accord admin endpoint"}')
        return _answer(200, [(b"content-type", b"application/json")], body)

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


def _looks_like_json(headers: Sequence[tuple[bytes, bytes]], body: bytes) -> bool:
    """Would matching parse this body as JSON? (A JSON content type, or none and JSON-ish.)"""
    content_type = (_get(headers, b"content-type") or b"").lower()
    if content_type:
        return b"json" in content_type
    return body.lstrip()[:1] in (b"{", b"[")


def _has(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> bool:
    return any(k == name for k, _ in headers)


def _get(headers: Sequence[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for k, v in headers:
        if k == name:
            return bytes(v)
    return None


def _declared_length(headers: Sequence[tuple[bytes, bytes]]) -> int | None:
    declared = (_get(headers, b"content-length") or b"").strip()
    return int(declared) if declared.isdigit() else None


def _preflight_headers(request_headers: Sequence[tuple[bytes, bytes]]
                       ) -> list[tuple[bytes, bytes]]:
    origin = _get(request_headers, b"origin")
    requested = _get(request_headers, b"access-control-request-headers")
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


def _with_cors(headers: Sequence[tuple[bytes, bytes]],
               request_headers: Sequence[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    out = list(headers)
    if any(k == b"access-control-allow-origin" for k, _ in out):
        return out  # the interaction says what it allows
    origin = _get(request_headers, b"origin")
    out.append((b"access-control-allow-origin", origin or b"*"))
    if origin:
        out.append((b"access-control-allow-credentials", b"true"))
        out.append((b"access-control-expose-headers", b"*"))
    return out


def _answer(status: int, headers: Sequence[tuple[bytes, bytes]], body: bytes) -> Answer:
    """An answer the app made up (not the session's): with its length, never fixed."""
    return status, [*headers, (b"content-length", str(len(body)).encode())], body, None


async def _send_answer(send: Any, answer: Answer) -> None:
    status, headers, body, _ = answer
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
    return _decode_raw_path(bytes(raw).split(b"?", 1)[0])


def _decode_raw_path(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
