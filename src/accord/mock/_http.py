"""A small HTTP/1.1 server protocol for the mock server: httptools parses, an ASGI app answers.

The mock server used uvicorn's httptools protocol, but importing uvicorn (its command line,
process supervisors, logging configuration) was half of a consumer test run's cold start.
This is the part of it the mock server needs: keep-alive (HTTP/1.0 ``keep-alive`` too),
pipelined requests answered in order, request bodies streamed to the app with flow control,
``Expect: 100-continue``, TCP_NODELAY, and each response written in one ``write`` (head and
body together: one ``send``, no Nagle/delayed-ACK stall). Upgrades are not served (the mock
has no websockets); a request httptools cannot parse is answered 400 and the connection
closed, as uvicorn did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import socket
from collections import deque
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote

import httptools

__all__ = ["HttpProtocol", "ServerState"]

_HIGH_WATER = 64 * 1024  # request body bytes buffered before reading pauses
_BAD_NAME = re.compile(rb"[\x00-\x1F\x7F()<>@,;:\[\]={} \t\\\"]")
_BAD_VALUE = re.compile(rb"[\x00-\x08\x0A-\x1F\x7F]")
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
_log = logging.getLogger("accord.mock")


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
    """The live connections and request tasks of one server (so stopping can drain them)."""

    def __init__(self) -> None:
        self.connections: set[HttpProtocol] = set()
        self.tasks: set[asyncio.Task[None]] = set()


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
        status = self._status
        lines = [_status_line(status)]
        length_given = False
        for name, value in self._headers:
            if _BAD_NAME.search(name):
                raise RuntimeError("Invalid HTTP header name.")
            if _BAD_VALUE.search(value):
                raise RuntimeError("Invalid HTTP header value.")
            lower = name.lower()
            if lower == b"content-length":
                length_given = True
            elif lower == b"transfer-encoding" and value.lower() == b"chunked":
                length_given = self._chunked = True
            elif lower == b"connection" and value.lower() == b"close":
                self.keep_alive = False
            lines.append(b"%s: %s\r\n" % (lower, value))
        if not self.keep_alive and not any(n.lower() == b"connection" for n, _ in self._headers):
            lines.append(b"connection: close\r\n")
        if not length_given and status not in (204, 304) and status >= 200:
            if more and not self._head_only:
                self._chunked = True
                lines.append(b"transfer-encoding: chunked\r\n")
            else:
                lines.append(b"content-length: %d\r\n" % first_length)
        lines.append(b"\r\n")
        return b"".join(lines)


class HttpProtocol(asyncio.Protocol):
    """One client connection: parses requests and runs the app for each, in order."""

    def __init__(self, app: Any, state: ServerState, *, scheme: str = "http",
                 keep_alive_timeout: float = 60.0) -> None:
        self.app = app
        self.state = state
        self.scheme = scheme
        self.keep_alive_timeout = keep_alive_timeout
        self.loop = asyncio.get_running_loop()
        self.transport: Any = None
        self.parser = httptools.HttpRequestParser(self)
        self.cycle: _Cycle | None = None  # the request being answered
        self.queue: deque[_Cycle] = deque()  # pipelined requests waiting their turn
        self._incoming: _Cycle | None = None  # the request being parsed
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._expect_continue = False
        self._paused = False
        self._idle: asyncio.TimerHandle | None = None
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
        self._cancel_idle()
        for cycle in (self.cycle, self._incoming, *self.queue):
            if cycle is not None:
                cycle.disconnected = True
                cycle.event.set()
        self.queue.clear()

    def eof_received(self) -> None:
        pass

    def data_received(self, data: bytes) -> None:
        self._cancel_idle()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(b"Upgrades are not supported by the mock server.")
        except httptools.HttpParserError:
            self._fail(b"Invalid HTTP request received.")

    def _fail(self, text: bytes) -> None:
        if self.cycle is None or self.cycle.complete:
            self.transport.write(_plain(400, text))
        self.transport.close()

    def shutdown(self) -> None:
        """Close once the request in hand (if any) is answered."""
        if self.cycle is None or self.cycle.complete:
            self.transport.close()
        else:
            self.cycle.keep_alive = False
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
        self._expect_continue = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self._expect_continue = True
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        parsed = httptools.parse_url(self._url)
        raw_path = parsed.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = unquote(path)
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": self.parser.get_http_version(),
            "method": self.parser.get_method().decode("ascii"), "scheme": self.scheme,
            "path": path, "raw_path": raw_path, "query_string": parsed.query or b"",
            "root_path": "", "headers": self._headers, "server": self._server,
            "client": self._client, "state": {},
        }
        cycle = _Cycle(self, scope, self.parser.should_keep_alive(), self._expect_continue)
        self._incoming = cycle
        if self.cycle is None or self.cycle.complete:
            self._start(cycle)
        else:  # pipelined: answered after the one in hand; stop reading until then
            self.queue.append(cycle)
            self.pause_reading()

    def on_body(self, body: bytes) -> None:
        cycle = self._incoming
        if cycle is None or cycle.complete or cycle.disconnected:
            return
        cycle.body += body
        if len(cycle.body) > _HIGH_WATER:
            self.pause_reading()
        cycle.event.set()

    def on_message_complete(self) -> None:
        cycle = self._incoming
        self._incoming = None
        if cycle is not None:
            cycle.more_body = False
            cycle.event.set()

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
        self._idle = self.loop.call_later(self.keep_alive_timeout, self._close_idle)

    def _close_idle(self) -> None:
        if self.cycle is None or self.cycle.complete:
            self.transport.close()

    def _cancel_idle(self) -> None:
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None


def _address(value: Any) -> tuple[str, int] | None:
    if isinstance(value, tuple) and len(value) >= 2:
        return str(value[0]), int(value[1])
    return None
