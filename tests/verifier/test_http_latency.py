"""The verifier's HTTP exchanges do not wait on TCP: state-change calls reuse one kept-alive
connection, and a provider that writes an answer's head and body in two sends without
TCP_NODELAY (Python's ``http.server``) is not held up by Nagle's algorithm meeting a delayed
ACK (~40 ms per exchange before; the whole of issue 13's state-change row)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accord import Verifier

N = 20


class _Provider(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1; head and body written separately, as http.server does."""

    protocol_version = "HTTP/1.1"
    connections: set[tuple[str, int]] = set()
    states: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()  # one send for the head ...
        self.wfile.write(body)  # ... and one for the body

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        type(self).states.append(json.loads(self.rfile.read(length)))
        type(self).connections.add(self.client_address)
        self._answer(b"{}")

    def do_GET(self) -> None:
        self._answer(json.dumps({"id": int(self.path.rsplit("/", 1)[1])}).encode())


@pytest.fixture()
def provider() -> Iterator[str]:
    _Provider.connections = set()
    _Provider.states = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _pact(tmp_path: Path) -> Path:
    interactions = [{
        "description": f"item {i}", "providerStates": [{"name": "item exists",
                                                        "params": {"id": i}}],
        "request": {"method": "GET", "path": f"/items/{i}"},
        "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                     "body": {"id": i}},
    } for i in range(N)]
    path = tmp_path / "c-p.json"
    path.write_text(json.dumps({"consumer": {"name": "c"}, "provider": {"name": "p"},
                                "interactions": interactions,
                                "metadata": {"pactSpecification": {"version": "3.0.0"}}}))
    return path


def test_state_changes_reuse_one_connection_and_do_not_wait_for_delayed_acks(
        provider: str, tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    times = []
    for _ in range(3):  # a machine busy with other work can stall one run; a stall on every
        # exchange (the bug) stalls all three
        _Provider.connections = set()
        _Provider.states = []
        verifier = (Verifier("p").add_source(pact).add_transport(url=provider)
                    .state_change_url(provider + "/_state", teardown=True))
        started = time.perf_counter()
        result = verifier.verify()
        times.append(time.perf_counter() - started)
        assert result.ok, result.summary()
        assert len(_Provider.states) == 2 * N  # a set-up and a teardown per interaction
        assert [s["action"] for s in _Provider.states[:2]] == ["setup", "teardown"]
        assert len(_Provider.connections) == 1  # every call on the same kept-alive connection
        # 3 exchanges per interaction: with a delayed ACK each they take >= 2.4 s; without,
        # a few ms each
        if times[-1] < 3 * N * 0.040 / 2:
            return
    pytest.fail(f"{', '.join(f'{t:.2f}' for t in times)} s for {3 * N} exchanges: every run "
                "waited on delayed ACKs")
