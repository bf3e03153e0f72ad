"""Servers the provider scenarios start on 127.0.0.1 (free ports): a canned provider and a broker.

The provider answers each request with the response of the first interaction whose method and
path match (404 otherwise) and remembers the requests it got.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from accord.model import HttpResponse, SynchronousHttp

__all__ = ["CannedProvider", "UvicornThread", "free_port"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class CannedProvider:
    """A provider replaying fixed responses (context manager)."""

    def __init__(self, interactions: list[SynchronousHttp]) -> None:
        self.interactions = interactions
        self.requests: list[dict[str, Any]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?", 1)[0]
                provider.requests.append({"method": self.command, "path": path,
                                          "headers": dict(self.headers.items()), "body": body})
                response = provider.response_for(self.command, path)
                if response is None:
                    self._send(404, {}, b"")
                else:
                    self._send(response.status or 200, response.headers, response.body.content
                               if response.body.is_present else b"")

            def _send(self, status: int, headers: Mapping[str, tuple[str, ...]],
                      body: bytes) -> None:
                self.send_response(status)
                for name, values in headers.items():
                    for value in values:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _answer

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def response_for(self, method: str, path: str) -> HttpResponse | None:
        for interaction in self.interactions:
            if interaction.request.method.upper() == method and interaction.request.path == path:
                return interaction.response
        return None

    def __enter__(self) -> CannedProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class UvicornThread:
    """An ASGI app on uvicorn in a background thread (context manager)."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error",
                                lifespan="off", loop="asyncio")
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> UvicornThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self._thread.join(10)
