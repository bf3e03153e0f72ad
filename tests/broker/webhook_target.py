"""A webhook target on 127.0.0.1 that records what it receives and answers as told."""

from __future__ import annotations

import http.server
import threading
import time
from typing import Any


class Target:
    """``status``, ``body``, ``headers`` and ``delay`` may be changed while it runs."""

    def __init__(self, status: int = 200, body: bytes = b"", delay: float = 0.0) -> None:
        self.status = status
        self.body = body
        self.delay = delay
        self.headers: dict[str, str] = {}
        self.received: list[dict[str, Any]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length).decode(),
                    }
                )
                if outer.delay:
                    time.sleep(outer.delay)
                body = outer.body.replace(
                    b"{authorization}", (self.headers.get("Authorization") or "").encode()
                )
                try:
                    self.send_response(outer.status)
                    for name, value in outer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the broker gave up waiting

            do_POST = do_PUT = do_GET = handle_any

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.02)
        return len(self.received) >= count

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
