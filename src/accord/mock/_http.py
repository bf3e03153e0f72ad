"""One mock server connection: HTTP/1.1 over a non-blocking socket, answered by ``MockApp``.

httptools parses; each request is read whole (up to the app's body limit) and answered from
the parser's callback by ``app.respond`` -- no task, event or ASGI message per request -- and
its answer leaves in one ``send`` (head and body together: no Nagle/delayed-ACK stall).
Keep-alive (HTTP/1.0 ``keep-alive`` too), pipelined requests (answered in order as they are
read), ``Expect: 100-continue``, bodies over the limit refused with 413 before they are read,
TLS, an idle timeout. Upgrades are not served (the mock has no websockets); a request
httptools cannot parse is answered 400 and the connection closed. The socket events come
from ``accord.mock._reactor``, which owns the thread.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeAlias

import httptools

if TYPE_CHECKING:
    from accord.mock._reactor import Reactor, TimerHandle

__all__ = ["Connection", "ServerState", "render_head"]

_OUT_HIGH_WATER = 256 * 1024  # unsent answer bytes before reading pauses (a client not reading)
_RECV_SIZE = 256 * 1024
# bytes a header name / value must not hold (checked with bytes.translate: no regex to compile)
_BAD_NAME = bytes(range(0x20)) + b"\x7f()<>@,;:[]={} \t\\\""
_BAD_VALUE = bytes([*range(0x09), *range(0x0A, 0x20), 0x7F])
_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# what a non-blocking socket (plain or TLS) raises when it cannot read or write just now
_NOT_NOW = (BlockingIOError, InterruptedError, ssl.SSLWantReadError, ssl.SSLWantWriteError)
_log = logging.getLogger("accord.mock")

#: what ``MockApp.respond`` answers: (status, headers, body, fixed), ``fixed`` an object
#: standing for a response that is always the same (its bytes are kept while it lives)
Answer: TypeAlias = tuple[int, Sequence[tuple[bytes, bytes]], bytes, object | None]

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


def render_head(status: int, headers: Iterable[tuple[bytes, bytes]], length: int, *,
                keep_alive: bool, head_only: bool) -> tuple[bytes, bool]:
    """A response's head and whether the connection stays open (a ``connection: close``
    header closes it). ``length`` is the body's, announced unless the headers give one."""
    lines = [_status_line(status)]
    length_given = has_connection = False
    for name, value in headers:
        if len(name.translate(None, _BAD_NAME)) != len(name):
            raise RuntimeError("Invalid HTTP header name.")
        if len(value.translate(None, _BAD_VALUE)) != len(value):
            raise RuntimeError("Invalid HTTP header value.")
        lower = name.lower()
        if lower == b"content-length" or (lower == b"transfer-encoding"
                                          and value.lower() == b"chunked"):
            length_given = True
        elif lower == b"connection":
            has_connection = True
            if value.lower() == b"close":
                keep_alive = False
        lines.append(b"%s: %s\r\n" % (lower, value))
    if not keep_alive and not has_connection:
        lines.append(b"connection: close\r\n")
    if not length_given and status not in (204, 304) and status >= 200:
        lines.append(b"content-length: %d\r\n" % length)
    lines.append(b"\r\n")
    return b"".join(lines), keep_alive


class ServerState:
    """One mock server on the reactor: its app, open connections and rendered answers."""

    def __init__(self, app: Any, ssl_context: ssl.SSLContext | None,
                 keep_alive_timeout: float) -> None:
        self.app = app
        self.respond: Callable[..., Answer] = app.respond
        self.max_body_bytes: int = app.max_body_bytes
        self.ssl_context = ssl_context
        self.keep_alive_timeout = keep_alive_timeout
        self.connections: set[Connection] = set()
        self.stopping = False
        self.on_drained: Callable[[], None] | None = None
        # fixed answers rendered to bytes, by id: (the answer's object, its bytes, keep-alive)
        self.rendered: dict[int, tuple[object, bytes, bool]] = {}

    def forget(self, connection: Connection) -> None:
        self.connections.discard(connection)
        if self.stopping and not self.connections and self.on_drained is not None:
            done, self.on_drained = self.on_drained, None
            done()


class Connection:
    """One client connection: reads, parses and answers its requests in order."""

    def __init__(self, reactor: Reactor, state: ServerState, sock: socket.socket) -> None:
        self.reactor = reactor
        self.state = state
        self.sock = sock
        self.parser = httptools.HttpRequestParser(self)
        self.out = bytearray()  # answer bytes the socket has not taken yet
        self.handshaking = state.ssl_context is not None
        self.closing = False  # no more requests: close once ``out`` is sent
        self.closed = False
        self.reading = True
        self.writing = False
        self.busy = False  # a request is being read
        self.idle_since: float | None = None
        self.idle_timer: TimerHandle | None = None
        # the request being read
        self._url = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._size = 0
        self._method = ""
        self._raw_path = b""
        self._query = b""
        self._expect_continue = False
        self._refused = False

    # ------------------------------------------------------------------ socket events

    def on_readable(self) -> None:
        if self.handshaking:
            self._handshake()
            return
        sock = self.sock
        try:
            data = sock.recv(_RECV_SIZE)
            if self.state.ssl_context is not None:
                while sock.pending():  # type: ignore[attr-defined]
                    data += sock.recv(_RECV_SIZE)
        except _NOT_NOW:
            return
        except OSError:
            self.abort()
            return
        if not data:  # the client is done sending: what was answered goes, then close
            self._close_soon()
            return
        self.idle_since = None
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(b"Upgrades are not supported by the mock server.")
        except httptools.HttpParserError:
            self._fail(b"Invalid HTTP request received.")
        if self.closed:
            return
        if self.closing:
            self._close_soon()
        elif len(self.out) > _OUT_HIGH_WATER:
            self._set_reading(False)  # resumed once the client has taken the answers

    def on_writable(self) -> None:
        if self.handshaking:
            self._handshake()
            return
        self._flush()

    def _handshake(self) -> None:
        try:
            self.sock.do_handshake()  # type: ignore[attr-defined]
        except ssl.SSLWantReadError:
            self._want(read=True, write=False)
            return
        except ssl.SSLWantWriteError:
            self._want(read=False, write=True)
            return
        except (OSError, ValueError):
            self.abort()
            return
        self.handshaking = False
        self._want(read=True, write=False)
        self.on_readable()  # the first request may have come with the handshake's end

    def _want(self, *, read: bool, write: bool) -> None:
        if (read, write) != (self.reading, self.writing):
            self.reading, self.writing = read, write
            self.reactor.watch(self, read=read, write=write)

    def _set_reading(self, on: bool) -> None:
        self._want(read=on, write=self.writing)

    # ------------------------------------------------------------------ writing

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        if self.out:
            self.out += data
            return
        try:
            sent = self.sock.send(data)
        except _NOT_NOW:
            sent = 0
        except OSError:
            self.abort()
            return
        if sent < len(data):
            self.out += data[sent:]
            self._want(read=self.reading, write=True)

    def _flush(self) -> None:
        out = self.out
        while out:
            try:
                sent = self.sock.send(out)
            except _NOT_NOW:
                return
            except OSError:
                self.abort()
                return
            del out[:sent]
        if self.closing:
            self.abort()
        else:
            self._want(read=True, write=False)

    def close_when_done(self) -> None:
        """Close once the request in hand (if any) is answered (the server is stopping)."""
        if not self.busy:
            self._close_soon()

    def _close_soon(self) -> None:
        """No more requests: close now, or once the answers not yet sent are."""
        self.closing = True
        if self.out:
            self._set_reading(False)
        else:
            self.abort()

    def abort(self) -> None:
        """Close now, whatever is unsent."""
        if self.closed:
            return
        self.closed = True
        if self.idle_timer is not None:
            self.idle_timer.cancel()
            self.idle_timer = None
        self.reactor.unwatch(self)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.state.forget(self)

    def _fail(self, text: bytes) -> None:
        self.write(_plain(400, text))
        self.closing = True

    # ------------------------------------------------------------------ parser callbacks

    def on_message_begin(self) -> None:
        self.busy = True
        self._url = b""
        self._headers = []
        self._body = []
        self._size = 0
        self._expect_continue = self._refused = False

    def on_url(self, url: bytes) -> None:
        self._url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        name = name.lower()
        if name == b"expect" and value.lower() == b"100-continue":
            self._expect_continue = True
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        if self.closing:
            return
        url = self._url
        if url[:1] == b"/" and b"#" not in url:  # the usual origin form: no need to parse
            self._raw_path, _, self._query = url.partition(b"?")
        else:
            parsed = httptools.parse_url(url)
            self._raw_path, self._query = parsed.path, parsed.query or b""
        self._method = self.parser.get_method().decode("ascii")
        declared = _declared_length(self._headers)
        if declared is not None and declared > self.state.max_body_bytes:
            self._refuse()  # before reading it: the connection closes after the answer
        elif self._expect_continue:
            self.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        if self.closing or self._refused:
            return
        self._body.append(body)
        self._size += len(body)
        if self._size > self.state.max_body_bytes:  # stop reading: the rest is never kept
            self._refuse()

    def on_message_complete(self) -> None:
        if self.closing or self._refused:
            return
        self.busy = False
        keep_alive = self.parser.should_keep_alive() and not self.state.stopping
        self._answer(self._method, self._raw_path, self._query, self._headers,
                     b"".join(self._body), keep_alive)

    def _refuse(self) -> None:
        self._refused = True
        self.busy = False
        self._answer(self._method, self._raw_path, self._query, self._headers, None, False)

    # ------------------------------------------------------------------ answering

    def _answer(self, method: str, raw_path: bytes, query: bytes,
                headers: list[tuple[bytes, bytes]], body: bytes | None,
                keep_alive: bool) -> None:
        """Answer a request read whole (``body`` None: refused as too large, unread)."""
        state = self.state
        try:
            if body is None:
                status, out_headers, out_body, fixed = state.app.refuse_oversized(
                    method, raw_path, query, headers)
            else:
                status, out_headers, out_body, fixed = state.respond(
                    method, raw_path, query, headers, body)
        except Exception:
            _log.exception("accord mock server: the request handler failed")
            self._close_with(_plain(500, b"Internal Server Error"))
            return
        head_only = method == "HEAD"
        if fixed is not None and keep_alive and not head_only:
            rendered = state.rendered.get(id(fixed))
            if rendered is None or rendered[0] is not fixed:
                head, still = render_head(status, out_headers, len(out_body), keep_alive=True,
                                          head_only=False)
                rendered = state.rendered[id(fixed)] = (fixed, head + out_body, still)
            self.write(rendered[1])
            keep_alive = rendered[2]
        else:
            try:
                head, keep_alive = render_head(status, out_headers, len(out_body),
                                               keep_alive=keep_alive, head_only=head_only)
            except RuntimeError:
                _log.exception("accord mock server: the response could not be written")
                self._close_with(_plain(500, b"Internal Server Error"))
                return
            self.write(head if head_only else head + out_body)
        if not keep_alive:
            self.closing = True
        else:
            self._arm_idle()

    def _close_with(self, data: bytes) -> None:
        self.write(data)
        self.closing = True

    # ------------------------------------------------------------------ idle connections

    def _arm_idle(self) -> None:
        """Close the connection if no request comes within the keep-alive timeout (one timer
        per connection, re-armed only when it fires: not one per request)."""
        self.idle_since = time.monotonic()
        if self.idle_timer is None:
            self.idle_timer = self.reactor.call_later(self.state.keep_alive_timeout,
                                                      self._check_idle)

    def _check_idle(self) -> None:
        self.idle_timer = None
        since = self.idle_since
        if since is None or self.closed:
            return  # a request is in hand: re-armed when it is answered
        left = since + self.state.keep_alive_timeout - time.monotonic()
        if left > 0:
            self.idle_timer = self.reactor.call_later(left, self._check_idle)
        elif not self.busy:
            self.close_when_done()


def _declared_length(headers: Sequence[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            digits = value.strip()
            return int(digits) if digits.isdigit() else None
    return None
