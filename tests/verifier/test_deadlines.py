"""The verifier's timeout bounds each exchange as a whole: a provider that trickles its answer
a byte at a time (each byte well within the timeout) fails that interaction when the timeout
is up, and the other interactions are verified as usual.

The provider is a raw-socket server on 127.0.0.1 that sends one byte every ``GAP`` seconds: a
per-read timeout never trips on it, and a full trickle of ``TRICKLE_BYTES`` would take about
``GAP * TRICKLE_BYTES`` = 24 s. The wall-clock checks are hang detectors well below that.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord import Verifier
from accord.verifier import Outcome

from .conftest import v3_pact, write_pact

pytestmark = pytest.mark.slow  # seconds of real waiting: kept out of --quick

GAP = 0.3  # seconds between two trickled bytes
TRICKLE_BYTES = 80
TIMEOUT = 1.0  # the verifier's timeout in these tests
HANG_GUARD = 12.0  # a verification that ignores the deadline needs 24 s per trickle

FAST_BODY = json.dumps({"ok": True}).encode()


def _answer(conn: socket.socket, stop: threading.Event, path: str) -> None:
    if path.startswith("/trickle-headers") or path.startswith("/state-trickle") \
            or path.startswith("/relay-trickle"):
        head, body = b"HTTP/1.1 200 OK\r\nX-Pad: " + b"x" * TRICKLE_BYTES + b"\r\n", b""
        payload = head
    elif path.startswith("/trickle-body"):
        body = b'{"ok": "' + b"y" * TRICKLE_BYTES + b'"}'
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        conn.sendall(head)
        payload = body
    else:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                     + str(len(FAST_BODY)).encode() + b"\r\nConnection: close\r\n\r\n"
                     + FAST_BODY)
        return
    for i in range(len(payload)):  # bounded: at most len(payload) * GAP seconds
        if stop.wait(GAP):
            return
        conn.sendall(payload[i:i + 1])


def _serve_one(conn: socket.socket, stop: threading.Event, seen: list[str]) -> None:
    with conn:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            seen.append(path)
            _answer(conn, stop, path)
        except OSError:  # the verifier gave up and closed the connection
            return


@pytest.fixture
def trickler() -> Iterator[tuple[str, list[str]]]:
    """The base URL of the trickling provider, and the paths it was asked for."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    stop = threading.Event()
    seen: list[str] = []
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            worker = threading.Thread(target=_serve_one, args=(conn, stop, seen), daemon=True)
            worker.start()
            workers.append(worker)

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", seen
    finally:
        stop.set()
        acceptor.join(5)
        for worker in workers:
            worker.join(5)
        server.close()


def _get(description: str, path: str) -> dict:
    return {"description": description, "request": {"method": "GET", "path": path},
            "response": {"status": 200}}


@pytest.mark.parametrize("path", ["/trickle-body", "/trickle-headers"])
def test_a_trickling_answer_fails_only_its_interaction(
        tmp_path: Path, trickler: tuple[str, list[str]], path: str) -> None:
    url, seen = trickler
    pact = v3_pact([_get("slow drip", path), _get("fast", "/fast")])
    start = time.monotonic()
    result = (Verifier("users-api", timeout=TIMEOUT).add_source(write_pact(tmp_path, pact))
              .add_transport(url=url).verify(raises=False))
    assert time.monotonic() - start < HANG_GUARD
    drip, fast = result.results
    assert drip.outcome is Outcome.ERROR and drip.unreachable
    assert drip.error is not None
    assert f"did not answer within {TIMEOUT:g} s" in drip.error
    assert "whole exchange" in drip.error
    assert drip.duration < HANG_GUARD / 2
    assert fast.outcome is Outcome.PASSED, fast.error
    assert seen == [path, "/fast"]


def test_a_trickling_state_change_url_fails_its_interactions_in_time(
        tmp_path: Path, trickler: tuple[str, list[str]]) -> None:
    url, seen = trickler
    pact = v3_pact([{**_get(f"needs state {i}", "/fast"), "providerState": f"state {i}"}
                    for i in (1, 2)])
    start = time.monotonic()
    result = (Verifier("users-api", timeout=TIMEOUT).add_source(write_pact(tmp_path, pact))
              .add_transport(url=url).state_change_url(url + "/state-trickle").verify(raises=False))
    assert time.monotonic() - start < HANG_GUARD
    for item in result.results:
        assert item.outcome is Outcome.ERROR
        assert item.error is not None and "state-change URL" in item.error
        assert f"no complete answer within {TIMEOUT:g} s" in item.error
        assert item.duration < 3 * TIMEOUT
    assert seen == ["/state-trickle", "/state-trickle"]  # the provider itself never asked


def test_a_trickling_message_relay_fails_its_message(
        tmp_path: Path, trickler: tuple[str, list[str]]) -> None:
    url, _ = trickler
    pact = {
        "consumer": {"name": "web"}, "provider": {"name": "users-api"},
        "messages": [{"description": "a user was created", "contents": {"id": 1},
                      "metadata": {"contentType": "application/json"}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    start = time.monotonic()
    result = (Verifier("users-api", timeout=TIMEOUT).add_source(write_pact(tmp_path, pact))
              .message_handler(url + "/relay-trickle").verify(raises=False))
    assert time.monotonic() - start < HANG_GUARD
    [message] = result.results
    assert message.outcome is Outcome.ERROR
    assert message.error is not None and "message relay" in message.error
    assert f"no complete answer within {TIMEOUT:g} s" in message.error


def test_https_providers_work_through_the_deadline_transport(tmp_path: Path) -> None:
    # The provider here is accord's mock server with a self-signed certificate.
    from accord.mock import MockServer
    from accord.model import load_pact

    pact = v3_pact([{"description": "over TLS", "request": {"method": "GET", "path": "/tls"},
                     "response": {"status": 200, "body": {"ok": True}}}])
    source = write_pact(tmp_path, pact)
    with MockServer(load_pact(pact), tls=True) as server:
        trusted = (Verifier("users-api", timeout=5).add_source(source)
                   .add_transport(url=server.url).disable_ssl_verification().verify(raises=False))
        untrusted = (Verifier("users-api", timeout=5).add_source(source)
                     .add_transport(url=server.url).verify(raises=False))
    assert trusted.ok, trusted.report()
    [refused] = untrusted.results
    assert refused.outcome is Outcome.ERROR and refused.error is not None
    assert "CERTIFICATE_VERIFY_FAILED" in refused.error
