"""A broker served by uvicorn on 127.0.0.1 in a background thread (for real-socket tests)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from accord.broker import BrokerConfig, create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveBroker:
    def __init__(self, database_url: str, **config: Any) -> None:
        self.app = create_app(BrokerConfig(database_url=database_url, **config))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveBroker:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.close()
