"""HTTP exchanges bounded by one overall deadline, not by a timeout per socket operation.

httpx's timeouts apply to each connect, write and read: a provider that trickles a byte every
4 s never trips a 5 s read timeout and can hold an interaction for as long as it likes. Here
every socket operation of an exchange gets only the time left before the exchange's
deadline (``send_within``), so connecting, sending, redirects and reading the whole answer
together take at most the timeout. The deadline lives in a context variable that
``send_within`` sets around one exchange; the network streams below read it on every
operation. Built on httpcore's public network-backend API; env proxies are not used
(providers are reached directly, as before through ``base_url``).
"""

from __future__ import annotations

import contextvars
import socket
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

import httpcore
import httpx

from accord.tlscontext import client_ssl_context

__all__ = ["DeadlineExceeded", "KeepAlivePoster", "deadline_client", "send_within"]

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "accord_http_deadline", default=None)
_WRITE_CHUNK = 64 * 1024  # a large body is written in slices, each within the time left


class DeadlineExceeded(httpx.TimeoutException):
    """The whole exchange took longer than its timeout."""


def _left(timeout: float | None, what: type[httpcore.TimeoutException]) -> float | None:
    """The timeout for one socket operation: its own, capped by the exchange's deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise what("the deadline of the exchange has passed")
    return left if timeout is None else min(timeout, left)


_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        sock = inner.get_extra_info("socket")
        self._sock = sock if _QUICKACK is not None and isinstance(sock, socket.socket) else None

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._sock is not None and _QUICKACK is not None:
            # A server that writes an answer's head and body in two sends without TCP_NODELAY
            # (Python's http.server, many small frameworks) holds the body back until its
            # head is acknowledged (Nagle); a delayed ACK makes that ~40 ms on every kept-alive
            # exchange. Acknowledging at once (the flag does not stick, so set it per read)
            # takes the wait away.
            try:
                self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            except OSError:
                self._sock = None
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        for start in range(0, len(view), _WRITE_CHUNK):
            self._inner.write(bytes(view[start:start + _WRITE_CHUNK]),
                              _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        if isinstance(ssl_context, _LazyTlsContext):
            ssl_context = ssl_context.resolve()
        inner = self._inner.start_tls(ssl_context, server_hostname,
                                      _left(timeout, httpcore.ConnectTimeout))
        return _Stream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(host, port, _left(timeout, httpcore.ConnectTimeout),
                                         local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None
                            ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options)
        return _Stream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _as_httpx(exc: Exception) -> Exception:
    """httpcore's exception as httpx's class of the same name (httpx names them alike)."""
    kind = getattr(httpx, type(exc).__name__, None)
    if isinstance(kind, type) and issubclass(kind, httpx.TransportError):
        return kind(str(exc))
    return httpx.TransportError(str(exc) or type(exc).__name__)


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except Exception as exc:
            if type(exc).__module__.startswith("httpcore"):
                raise _as_httpx(exc) from exc
            raise

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class _LazyTlsContext:
    """Stands in for the shared TLS context until a connection needs it, so that a run over
    plain HTTP never loads the CA bundle (tens of milliseconds of every verifier start)."""

    def __init__(self, verify_tls: bool) -> None:
        self._verify_tls = verify_tls

    def resolve(self) -> ssl.SSLContext:
        return client_ssl_context(self._verify_tls)

    def __getattr__(self, name: str) -> Any:  # set_alpn_protocols, wrap_socket, ...
        return getattr(self.resolve(), name)


class _DeadlineTransport(httpx.BaseTransport):
    """httpx's transport interface over an httpcore pool whose sockets obey the deadline."""

    def __init__(self, *, verify_tls: bool, max_keepalive: int) -> None:
        lazy: Any = _LazyTlsContext(verify_tls)  # resolved by _Stream.start_tls
        self._pool = httpcore.ConnectionPool(
            ssl_context=lazy,
            max_keepalive_connections=max_keepalive,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                             port=request.url.port, target=request.url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            reply = self._pool.handle_request(core_request)
        except Exception as exc:
            if type(exc).__module__.startswith("httpcore"):
                raise _as_httpx(exc) from exc
            raise
        assert isinstance(reply.stream, Iterable)
        return httpx.Response(status_code=reply.status, headers=reply.headers,
                              stream=_ResponseStream(reply.stream), extensions=reply.extensions)

    def close(self) -> None:
        self._pool.close()


def deadline_client(*, verify_tls: bool = True, follow_redirects: bool = True,
                    max_keepalive: int = 4) -> httpx.Client:
    """An httpx client whose exchanges ``send_within`` can bound as a whole."""
    return httpx.Client(transport=_DeadlineTransport(verify_tls=verify_tls,
                                                     max_keepalive=max_keepalive),
                        follow_redirects=follow_redirects)


def send_within(client: httpx.Client, request: httpx.Request, timeout: float) -> httpx.Response:
    """Send ``request`` and read the whole answer (redirects included) within ``timeout``
    seconds in all; raises ``DeadlineExceeded`` when that time runs out."""
    request.extensions["timeout"] = httpx.Timeout(timeout).as_dict()
    token = _DEADLINE.set(time.monotonic() + timeout)
    try:
        return client.send(request)
    except httpx.TimeoutException as exc:
        raise DeadlineExceeded(f"no complete answer within {timeout:g} s") from exc
    finally:
        _DEADLINE.reset(token)


class KeepAlivePoster:
    """POSTs bounded as a whole by a timeout, over kept-alive connections (state-change calls
    and message relays: two per interaction, so a connection each would cost a handshake
    each). The client is made on first use and again after ``close``."""

    def __init__(self) -> None:
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def post(self, url: str, *, timeout: float, **kwargs: Any) -> httpx.Response:
        with self._lock:
            if self._client is None:
                self._client = deadline_client()
            client = self._client
        request = client.build_request("POST", url, **kwargs)
        return send_within(client, request, timeout)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()
