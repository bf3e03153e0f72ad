"""uvicorn's httptools protocol, made to write each response in one go.

uvicorn writes a response's head and its body with two ``transport.write`` calls: two
``send`` syscalls and, on a link without TCP_NODELAY, the Nagle/delayed-ACK stall. Here the
head is held back and leaves together with the body. Requests that never write a body
(``HEAD``) are left alone, and a held head is flushed before the connection closes.
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["OneWriteHttpToolsProtocol"]


class _HeadWithBody:
    """A transport proxy for one request/response cycle that joins head and body."""

    __slots__ = ("_head", "_transport")

    def __init__(self, transport: Any):
        self._transport = transport
        self._head: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._head is not None:
            data, self._head = self._head + data, None
            self._transport.write(data)
        elif data.startswith(b"HTTP/1.1 ") and not data.startswith(b"HTTP/1.1 1"):
            self._head = data
        else:
            self._transport.write(data)

    def close(self) -> None:
        if self._head is not None:
            data, self._head = self._head, None
            self._transport.write(data)
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class OneWriteHttpToolsProtocol(HttpToolsProtocol):
    """``HttpToolsProtocol`` with TCP_NODELAY and one write per response."""

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):  # not TCP, or closed: nothing to tune
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)

    def on_headers_complete(self) -> None:
        before = self.cycle
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle is not before and self.scope.get("method") != "HEAD":
            cycle.transport = _HeadWithBody(cycle.transport)  # type: ignore[assignment]
