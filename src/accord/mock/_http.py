"""A small HTTP/1.1 server protocol for the mock server: httptools parses, an ASGI app answers.

The mock server used uvicorn's httptools protocol, but importing uvicorn (its command line,
process supervisors, logging configuration) was half of a consumer test run's cold start.
This is the part of it the mock server needs: keep-alive (HTTP/1.0 ``keep-alive`` too),
pipelined requests answered in order, request bodies streamed to the app with flow control,
``Expect: 100-continue``, TCP_NODELAY, and each response written in one ``write`` (head and
body together: one ``send``, no Nagle/delayed-ACK stall). Upgrades are not served (the mock
has no websockets); a request httptools cannot parse is answered 400 and the connection
closed, as uvicorn did.

An app with a ``respond`` method (``MockApp``) is answered without ASGI when a request has
arrived whole (no ``Expect: 100-continue``, a body under 64 KB): ``respond`` runs right in the
parser callback and its answer is written at once -- no task, event or scope per request, and
a response the app marks as fixed is rendered to bytes once per server. Anything else (a
large body, a request pipelined behind one still running) goes through ASGI.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Any, TypeAlias
from urllib.parse import unquote

import httptools

__all__ = ["HttpProtocol", "ServerState"]

_HIGH_WATER = 64 * 1024  # request body bytes buffered before reading pauses
_BAD_NAME = re.compile(rb"[\x00-\x1F\x7F()<>@,;:\[\]={} \t\\\"]")
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0A-\x1F\x7F]")
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_log = logging.getLogger("accord.mock")

#: ``respond(method, raw_path, query_string, headers, body)`` -> (status, headers, body,
#: fixed): ``fixed`` is an object standing for a response that is always the same (its
#: rendered bytes are kept while it lives), or None
Responder: TypeAlias = Callable[
    [str, bytes, bytes, list[tuple[bytes, bytes]], bytes],
    tuple[int, Sequence[tuple[bytes, bytes]], bytes, object | None]]


_STATUS_LINES: dict[int, bytes] = {}


def _reason(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def _status_line(status: int) -> bytes:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = _STATUS_LINES[status] = b"HTTP/1.1 %d %s\r\n" % (status, _reason(status))
    return line


def _plain(status: int, text: bytes) -> bytes:
    return (b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, _reason(status), len(text), text))


class ServerState:
    """The live connections and request tasks of one server (so stopping can drain them),
    and its responses rendered once."""

    def __init__(self) -> None:
        self.connections: set[HttpProtocol] = set()
        self.tasks: set[asyncio.Task[None]] = set()
        # fixed responses rendered to bytes, by id: (the response, its bytes, keep-alive)
        self.rendered: dict[int, tuple[object, bytes, bool]] = {}


class _Cycle:
    """One request and its response: the ASGI ``receive``/``send`` pair."""

    def __init__(self, protocol: HttpProtocol, scope: dict[str, Any], keep_alive: bool,
                 expect_continue: bool) -> None:
        self.protocol = protocol
        self.scope = scope
        self.keep_alive = keep_alive
        self.expect_continue = expect_continue
        self.body = bytearray()
        self.more_body = True
        self.event = asyncio.Event()
        self.disconnected = False
        self.started = False
        self.complete = False
        self._status = 200
        self._headers: list[tuple[bytes, bytes]] = []
        self._head_only = scope["method"] == "HEAD"
        self._chunked = False

    # ------------------------------------------------------------------ the app's side

    async def receive(self) -> dict[str, Any]:
        protocol = self.protocol
        if self.expect_continue and self.more_body and not self.body and not self.disconnected:
            self.expect_continue = False
            protocol.transport.write(_CONTINUE)
        if not self.disconnected and not self.complete:
            protocol.resume_reading()
            while self.more_body and not self.body and not self.disconnected:
                self.event.clear()
                await self.event.wait()
        if self.disconnected or self.complete:
            return {"type": "http.disconnect"}
        body, self.body = bytes(self.body), bytearray()
        return {"type": "http.request", "body": body, "more_body": self.more_body}

    async def send(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if self.disconnected or self.complete:
            return
        if kind == "http.response.start":
            if self.started:
                raise RuntimeError("the response was already started")
            self.started = True
            self._status = int(message["status"])
            self._headers = list(message.get("headers") or ())
            return
        if kind != "http.response.body":
            raise RuntimeError(f"unexpected ASGI message {kind!r}")
        if not self.started:
            raise RuntimeError("a response body was sent before the response started")
        body = bytes(message.get("body", b""))
        more = bool(message.get("more_body", False))
        out = bytearray()
        if self._headers is not None:
            out += self._head(len(body), more)
            self._headers = None  # type: ignore[assignment]
        if not self._head_only:
            if self._chunked:
                if body:
                    out += b"%x\r\n%s\r\n" % (len(body), body)
                if not more:
                    out += b"0\r\n\r\n"
            else:
                out += body
        if out:
            self.protocol.transport.write(bytes(out))
        if not more:
            self.complete = True
            self.event.set()
            self.protocol.response_complete(self)

    def _head(self, first_length: int, more: bool) -> bytes:
        head, self.keep_alive, self._chunked = render_head(
            self._status, self._headers, first_length, more=more, keep_alive=self.keep_alive,
            head_only=self._head_only)
        return head


def render_head(status: int, headers: Iterable[tuple[bytes, bytes]], first_length: int, *,
                more: bool, keep_alive: bool, head_only: bool) -> tuple[bytes, bool, bool]:
    """A response's head: (bytes, keep the connection alive?, chunked?). ``first_length`` is
    the length of the first body part; ``more``: more parts follow (then chunked, unless the
    app gave a length)."""
    lines = [_status_line(status)]
    length_given = chunked = has_connection = False
    for name, value in headers:
        if _BAD_NAME.search(name):
            raise RuntimeError("Invalid HTTP header name.")
        if _BAD_VALUE.search(value):
            raise RuntimeError("Invalid HTTP header value.")
        lower = name.lower()
        if lower == b"content-length":
            length_given = True
        elif lower == b"transfer-encoding" and value.lower() == b"chunked":
            length_given = chunked = True
        elif lower == b"connection":
            has_connection = True
            if value.lower() == b"close":
                keep_alive = False
        lines.append(b"%s: %s\r\n" % (lower, value))
    if not keep_alive and not has_connection:
        lines.append(b"connection: close\r\n")
    if not length_given and status not in (204, 304) and status >= 200:
        if more and not head_only:
            chunked = True
            lines.append(b"transfer-encoding: chunked\r\n")
        else:
            lines.append(b"content-length: %d\r\n" % first_length)
    lines.append(b"\r\n")
    return b"".join(lines), keep_alive, chunked


class HttpProtocol(asyncio.Protocol):
    """One client connection: parses requests and answers each, in order."""

    def __init__(self, app: Any, state: ServerState, *, scheme: str = "http",
                 keep_alive_timeout: float = 60.0) -> None:
        self.app = app
        self.state = state
        self.scheme = scheme
        self.keep_alive_timeout = keep_alive_timeout
        self.loop = asyncio.get_running_loop()
        self.transport: Any = None
        self.parser = httptools.HttpRequestParser(self)
        self.cycle: _Cycle | None = None  # the request being answered through ASGI
        self.queue: deque[_Cycle] = deque()  # pipelined requests waiting their turn
        self._respond: Responder | None = getattr(app, "respond", None)
        self._incoming: _Cycle | None = None  # the request being parsed (ASGI)
        self._whole: _Whole | None = None  # the request being parsed (answered at once)
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._expect_continue = False
        self._large = False  # the request announces a body over _HIGH_WATER
        self._paused = False
        self._idle: asyncio.TimerHandle | None = None
        self._idle_since: float | None = None  # when the last answer left; None: busy
        self._server: tuple[str, int] | None = None
        self._client: tuple[str, int] | None = None

    # ------------------------------------------------------------------ connection

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.state.connections.add(self)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # not TCP, or closed: nothing to tune
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._server = _address(transport.get_extra_info("sockname"))
        self._client = _address(transport.get_extra_info("peername"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.state.connections.discard(self)
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        self._whole = None
        for cycle in (self.cycle, self._incoming, *self.queue):
            if cycle is not None:
                cycle.disconnected = True
                cycle.event.set()
        self.queue.clear()

    def eof_received(self) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        self._idle_since = None
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(b"Upgrades are not supported by the mock server.")
        except httptools.HttpParserError:
            self._fail(b"Invalid HTTP request received.")

    def _fail(self, text: bytes) -> None:
        if self._idle_now():
            self.transport.write(_plain(400, text))
        self.transport.close()

    def _idle_now(self) -> bool:
        """No request is being answered (the next answer may be written)."""
        return self.cycle is None or self.cycle.complete

    def shutdown(self) -> None:
        """Close once the request in hand (if any) is answered."""
        whole = self._whole
        if whole is not None:  # being read: it is answered, then the connection closes
            whole.keep_alive = False
        if self._idle_now():
            if whole is None:
                self.transport.close()
        else:
            self.cycle.keep_alive = False  # type: ignore[union-attr]
            self.queue.clear()

    def pause_reading(self) -> None:
        if not self._paused:
            self._paused = True
            with contextlib.suppress(RuntimeError, AttributeError):
                self.transport.pause_reading()

    def resume_reading(self) -> None:
        if self._paused:
            self._paused = False
            with contextlib.suppress(RuntimeError, AttributeError):
                self.transport.resume_reading()

    # ------------------------------------------------------------------ parser callbacks

    def on_message_begin(self) -> None:
        self._url = b""
        self._headers = []
        self._expect_continue = self._large = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self._expect_continue = True
        elif name == b"content-length" and len(value) > 4:
            digits = value.strip()
            if digits.isdigit() and int(digits) > _HIGH_WATER:
                self._large = True  # streamed through ASGI (and may be refused unread)
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        url = self._url
        if url[:1] == b"/" and b"#" not in url:  # the usual origin form: no need to parse
            raw_path, _, query = url.partition(b"?")
        else:
            parsed = httptools.parse_url(url)
            raw_path, query = parsed.path, parsed.query or b""
        parser = self.parser
        method = parser.get_method().decode("ascii")
        if self._respond is not None and not (self._expect_continue or self._large):
            self._whole = _Whole(method, raw_path, query, self._headers,
                                 parser.should_keep_alive())
            return
        self._begin(self._scope(method, raw_path, query), parser.should_keep_alive(),
                    self._expect_continue)

    def _scope(self, method: str, raw_path: bytes, query: bytes) -> dict[str, Any]:
        path = raw_path.decode("ascii")
        if "%" in path:
            path = unquote(path)
        return {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": self.parser.get_http_version(),
            "method": method, "scheme": self.scheme,
            "path": path, "raw_path": raw_path, "query_string": query,
            "root_path": "", "headers": self._headers, "server": self._server,
            "client": self._client, "state": {},
        }

    def _begin(self, scope: dict[str, Any], keep_alive: bool, expect_continue: bool,
               body: bytes = b"") -> _Cycle:
        cycle = _Cycle(self, scope, keep_alive, expect_continue)
        cycle.body += body
        self._incoming = cycle
        if self._idle_now() and not self.queue:
            self._start(cycle)
        else:  # pipelined: answered after the one in hand; stop reading until then
            self.queue.append(cycle)
            self.pause_reading()
        return cycle

    def _to_asgi(self, whole: _Whole) -> _Cycle:
        """A request that cannot be answered at once after all: hand it to the app via ASGI."""
        self._whole = None
        scope = self._scope(whole.method, whole.raw_path, whole.query)
        scope["headers"] = whole.headers
        return self._begin(scope, whole.keep_alive, False, b"".join(whole.body))

    def on_body(self, body: bytes) -> None:
        whole = self._whole
        if whole is not None:
            whole.body.append(body)
            whole.size += len(body)
            if whole.size <= _HIGH_WATER:
                return
            streamed = self._to_asgi(whole)  # large after all: stream it
            if len(streamed.body) > _HIGH_WATER:
                self.pause_reading()
            return
        cycle = self._incoming
        if cycle is None or cycle.complete or cycle.disconnected:
            return
        cycle.body += body
        if len(cycle.body) > _HIGH_WATER:
            self.pause_reading()
        cycle.event.set()

    def on_message_complete(self) -> None:
        whole = self._whole
        if whole is not None:
            self._whole = None
            if self.transport.is_closing():
                return  # closed after an earlier answer: nobody to answer
            if self._idle_now() and not self.queue:
                self._answer(whole)
                return
            self._to_asgi(whole)  # pipelined behind a request still running: wait in line
        cycle = self._incoming
        self._incoming = None
        if cycle is not None:
            cycle.more_body = False
            cycle.event.set()

    # ------------------------------------------------------------------ answering at once

    def _answer(self, whole: _Whole) -> None:
        """Answer a request that arrived whole, from the parser callback."""
        transport = self.transport
        try:
            status, headers, body, fixed = self._respond(  # type: ignore[misc]
                whole.method, whole.raw_path, whole.query, whole.headers,
                b"".join(whole.body) if whole.body else b"")
        except Exception:
            _log.exception("accord mock server: the request handler failed")
            transport.write(_plain(500, b"Internal Server Error"))
            transport.close()
            return
        head_only = whole.method == "HEAD"
        keep_alive = whole.keep_alive
        if fixed is not None and keep_alive and not head_only:
            rendered = self.state.rendered.get(id(fixed))
            if rendered is None or rendered[0] is not fixed:
                head, keep_alive, _ = render_head(status, headers, len(body), more=False,
                                                  keep_alive=True, head_only=False)
                rendered = (fixed, head + body, keep_alive)
                self.state.rendered[id(fixed)] = rendered
            transport.write(rendered[1])
            keep_alive = rendered[2]
        else:
            try:
                head, keep_alive, _ = render_head(status, headers, len(body), more=False,
                                                  keep_alive=keep_alive, head_only=head_only)
            except RuntimeError:
                _log.exception("accord mock server: the response could not be written")
                transport.write(_plain(500, b"Internal Server Error"))
                transport.close()
                return
            transport.write(head if head_only else head + body)
        if not keep_alive:
            transport.close()
        else:
            self._arm_idle()

    # ------------------------------------------------------------------ running the app

    def _start(self, cycle: _Cycle) -> None:
        self.cycle = cycle
        task = self.loop.create_task(self._run(cycle))
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    async def _run(self, cycle: _Cycle) -> None:
        try:
            await self.app(cycle.scope, cycle.receive, cycle.send)
        except Exception:
            _log.exception("accord mock server: the request handler failed")
            if not cycle.started and not cycle.disconnected:
                self.transport.write(_plain(500, b"Internal Server Error"))
            if not cycle.complete:
                self.transport.close()
            return
        if not cycle.complete and not cycle.disconnected:
            if not cycle.started:
                self.transport.write(_plain(500, b"Internal Server Error"))
            self.transport.close()

    def response_complete(self, cycle: _Cycle) -> None:
        if not cycle.keep_alive or self.transport.is_closing():
            self.transport.close()
            return
        if self.queue:
            self._start(self.queue.popleft())
            if not self.queue:
                self.resume_reading()
            return
        self.resume_reading()
        self._arm_idle()

    # ------------------------------------------------------------------ idle connections

    def _arm_idle(self) -> None:
        """Close the connection if no request comes within the keep-alive timeout (one timer
        per connection, re-armed only when it fires: not one per request)."""
        self._idle_since = self.loop.time()
        if self._idle is None:
            self._idle = self.loop.call_later(self.keep_alive_timeout, self._check_idle)

    def _check_idle(self) -> None:
        self._idle = None
        since = self._idle_since
        if since is None:
            return  # a request is in hand: re-armed when it is answered
        left = since + self.keep_alive_timeout - self.loop.time()
        if left > 0:
            self._idle = self.loop.call_later(left, self._check_idle)
        elif self._idle_now() and self._whole is None:
            self.transport.close()


class _Whole:
    """A request read whole before it is answered (the fast path: no ASGI)."""

    __slots__ = ("body", "headers", "keep_alive", "method", "query", "raw_path", "size")

    def __init__(self, method: str, raw_path: bytes, query: bytes,
                 headers: list[tuple[bytes, bytes]], keep_alive: bool) -> None:
        self.method = method
        self.raw_path = raw_path
        self.query = query
        self.headers = headers
        self.keep_alive = keep_alive
        self.body: list[bytes] = []
        self.size = 0


def _address(value: Any) -> tuple[str, int] | None:
    if isinstance(value, tuple) and len(value) >= 2:
        return str(value[0]), int(value[1])
    return None
