"""The mock server's own HTTP/1.1 layer (``accord.mock._http``) on the wire: keep-alive,
pipelining, HTTP/1.0, ``Expect: 100-continue``, chunked request bodies, HEAD, a malformed
request, and one ``send`` per response."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from accord.mock import MockServer
from accord.model import load_pact

PACT = load_pact({
    "consumer": {"name": "c"}, "provider": {"name": "p"},
    "interactions": [
        {"type": "Synchronous/HTTP", "description": f"get {i}",
         "request": {"method": "GET", "path": f"/items/{i}"},
         "response": {"status": 200, "body": {"content": {"id": i},
                                              "contentType": "application/json",
                                              "encoded": False}}}
        for i in range(3)
    ] + [
        {"type": "Synchronous/HTTP", "description": "post",
         "request": {"method": "POST", "path": "/items", "body": {
             "content": {"name": "x"}, "contentType": "application/json", "encoded": False}},
         "response": {"status": 201}},
    ],
    "metadata": {"pactSpecification": {"version": "4.0"}}})


@pytest.fixture()
def server() -> Iterator[MockServer]:
    with MockServer(PACT, raise_on_exit=False) as running:
        yield running


def _connect(server: MockServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    return sock


def _read_responses(sock: socket.socket, count: int) -> list[tuple[bytes, bytes]]:
    """``count`` responses (status line and body), read by Content-Length."""
    buf = b""
    out = []
    while len(out) < count:
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            assert chunk, f"the connection closed after {len(out)} responses"
            buf += chunk
        head, _, buf = buf.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        while len(buf) < length:
            buf += sock.recv(65536)
        out.append((lines[0], buf[:length]))
        buf = buf[length:]
    return out


def test_pipelined_requests_are_answered_in_order(server: MockServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"".join(b"GET /items/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i
                              for i in (2, 0, 1)))
        replies = _read_responses(sock, 3)
    assert [body for _, body in replies] == [b'{"id":2}', b'{"id":0}', b'{"id":1}']
    assert all(status == b"HTTP/1.1 200 OK" for status, _ in replies)


def test_keep_alive_serves_several_requests_on_one_connection(server: MockServer) -> None:
    with _connect(server) as sock:
        for i in range(3):
            sock.sendall(b"GET /items/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            assert _read_responses(sock, 1)[0][1] == b'{"id":%d}' % i


def test_http_1_0_closes_unless_asked_to_keep_alive(server: MockServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"GET /items/0 HTTP/1.0\r\n\r\n")
        assert _read_responses(sock, 1)[0][1] == b'{"id":0}'
        assert sock.recv(10) == b""  # closed
    with _connect(server) as sock:
        sock.sendall(b"GET /items/0 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        _read_responses(sock, 1)
        sock.sendall(b"GET /items/1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        assert _read_responses(sock, 1)[0][1] == b'{"id":1}'


def test_expect_continue_and_a_chunked_request_body(server: MockServer) -> None:
    body = b'{"name": "x"}'
    with _connect(server) as sock:
        sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nExpect: 100-continue\r\n\r\n" % len(body))
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
        sock.sendall(body)
        assert _read_responses(sock, 1)[0][0] == b"HTTP/1.1 201 Created"
        sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n"
                     b"5\r\n{\"nam\r\n8\r\ne\": \"x\"}\r\n0\r\n\r\n")
        assert _read_responses(sock, 1)[0][0] == b"HTTP/1.1 201 Created"
    assert [r.kind for r in server.report.results] == ["matched", "matched"]


def test_head_gets_the_length_but_no_body(server: MockServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"HEAD /items/0 HTTP/1.1\r\nHost: x\r\n\r\n"
                     b"GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        data = b""
        while data.count(b"\r\n\r\n") < 2 or not data.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    assert b"\r\ncontent-length: 143" in head  # the length of the (unexpected-request) answer
    assert rest.startswith(b"HTTP/1.1 ")  # no body between the two answers
    assert rest.endswith(b'{"id":1}')


def test_a_malformed_request_is_answered_400_and_closed(server: MockServer) -> None:
    with _connect(server) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400 ")
    assert b"Invalid HTTP request" in data


def test_each_response_leaves_in_one_send(server: MockServer) -> None:
    # head and body together: the client's first recv after a request holds the whole answer
    with _connect(server) as sock:
        for i in range(3):
            sock.sendall(b"GET /items/%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            first = sock.recv(65536)
            assert first.endswith(b'{"id":%d}' % i), first


def _chunked(body: bytes, size: int = 8192) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
             for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def test_a_large_chunked_body_then_a_pipelined_request_are_answered_in_order(
        server: MockServer) -> None:
    # the POST outgrows what is read whole before answering (64 KB) and is streamed to the
    # app; the GET behind it in the same send waits its turn
    large = b'{"name": "' + b"x" * 200_000 + b'"}'
    with _connect(server) as sock:
        sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(large)
                     + b"GET /items/1 HTTP/1.1\r\nHost: x\r\n\r\n")
        replies = _read_responses(sock, 2)
    assert replies[0][0] == b"HTTP/1.1 500 Internal Server Error"  # the body differs
    assert replies[1] == (b"HTTP/1.1 200 OK", b'{"id":1}')
    kinds = [r.kind for r in server.report.results]
    assert kinds == ["mismatched", "matched"]


def test_a_small_body_is_answered_whole_and_matched(server: MockServer) -> None:
    body = b'{"name": "x"}'
    with _connect(server) as sock:
        for _ in range(2):
            sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Transfer-Encoding: chunked\r\n\r\n" + _chunked(body, 5))
            assert _read_responses(sock, 1)[0][0] == b"HTTP/1.1 201 Created"
    assert [r.kind for r in server.report.results] == ["matched", "matched"]


def test_a_fixed_answer_is_the_same_bytes_each_time_and_closes_for_http_1_0(
        server: MockServer) -> None:
    answers = []
    with _connect(server) as sock:
        for _ in range(3):
            sock.sendall(b"GET /items/2 HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while not data.endswith(b'{"id":2}'):
                chunk = sock.recv(65536)
                assert chunk
                data += chunk
            answers.append(data)
    assert answers[0] == answers[1] == answers[2]
    assert b"\r\nconnection:" not in answers[0].lower()
    with _connect(server) as sock:
        sock.sendall(b"GET /items/2 HTTP/1.0\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"\r\nconnection: close" in head and body == b'{"id":2}'


def test_stopping_lets_a_request_being_read_finish() -> None:
    import threading
    import time

    server = MockServer(PACT).start()
    body = b'{"name": "x"}'
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST /items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n%s" % (len(body), body[:5]))
            time.sleep(0.2)  # the server has the head and part of the body
            stopper = threading.Thread(target=server.stop)
            stopper.start()
            time.sleep(0.2)
            sock.sendall(body[5:])
            data = b""
            while chunk := sock.recv(65536):  # answered, then closed
                data += chunk
            stopper.join(10)
    finally:
        server.stop()
    assert data.startswith(b"HTTP/1.1 201 Created\r\n")
    assert b"\r\nconnection: close" in data.partition(b"\r\n\r\n")[0]
    assert not stopper.is_alive()
