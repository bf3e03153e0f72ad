"""MockServer over real sockets: httpx and http.client against 127.0.0.1."""

from __future__ import annotations

import asyncio
import http.client
import random
import re
import socket
import threading
from datetime import UTC, datetime

import httpx
import pytest
from mock_helpers import create_user, get_user, make_pact, users_pact

from accord.errors import MismatchError
from accord.generation import GeneratorContext
from accord.mock import MockServer


def test_matched_request_is_answered_and_reported() -> None:
    with MockServer(users_pact()) as server, httpx.Client(base_url=server.url) as client:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        response = client.get("/users/1")
        created = client.post("/users", json={"name": "Carol", "age": 41})
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Alice"}
    assert response.headers["content-type"] == "application/json"
    assert created.status_code == 201
    assert created.headers["location"] == "/users/2"
    assert server.report.ok
    server.assert_ok()


def test_mismatched_request_gets_500_json_and_a_readable_report() -> None:
    with MockServer(users_pact()) as server, httpx.Client(base_url=server.url) as client:
        client.get("/users/1")
        response = client.post("/users", json={"name": 7, "age": 41})
    assert response.status_code == 500
    body = response.json()
    assert body["interaction"] == "a request to create a user"
    assert [m["path"] for m in body["mismatches"]] == ["$.name"]
    report = server.report
    assert not report.ok
    assert report.mismatches[0].interaction.description == "a request to create a user"
    with pytest.raises(MismatchError) as info:
        server.assert_ok()
    message = str(info.value)
    assert isinstance(info.value, AssertionError)
    assert "a request to create a user" in message
    assert "$.name" in message
    assert "never requested" in message


def test_unexpected_request_and_missing_interactions() -> None:
    with MockServer(users_pact()) as server, httpx.Client(base_url=server.url) as client:
        response = client.delete("/users/1", headers={"X-Trace": "1"})
    assert response.status_code == 500
    assert response.headers["x-accord-mismatch"] == "unexpected"
    assert "no interaction expects DELETE /users/1" in response.json()["error"]
    report = server.report
    assert [r.request.path for r in report.unexpected] == ["/users/1"]
    assert sorted(i.description for i in report.missing) == [
        "a request for user 1", "a request to create a user"]


def test_exiting_does_not_raise_unless_asked() -> None:
    with MockServer(users_pact()) as server:
        pass
    assert not server.report.ok
    with pytest.raises(MismatchError, match="2 interactions never requested"), MockServer(
            users_pact(), raise_on_exit=True):
        pass


def test_response_generators_use_the_server_url_and_produce_valid_values() -> None:
    inter = get_user(1)
    content = inter["response"]["body"]["content"]
    content.update(id=1, token="abc", link="http://example.com/users/1")
    inter["response"]["generators"] = {
        "body": {"$.id": {"type": "RandomInt", "min": 1000, "max": 9999},
                 "$.token": {"type": "RandomHexadecimal", "digits": 12},
                 "$.link": {"type": "MockServerURL", "example": "http://example.com/users/1",
                            "regex": r".*(/users/\d+)$"}},
        "header": {"X-Request-Id": {"type": "Uuid"}},
    }
    inter["response"]["headers"]["X-Request-Id"] = ["00000000-0000-0000-0000-000000000000"]
    with MockServer(make_pact(inter)) as server:
        bodies = [httpx.get(server.url + "/users/1") for _ in range(3)]
    for response in bodies:
        data = response.json()
        assert 1000 <= data["id"] <= 9999
        assert re.fullmatch(r"[0-9a-fA-F]{12}", data["token"])
        assert data["link"] == f"{server.url}/users/1"
        assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}",
                            response.headers["x-request-id"])
        assert response.headers["content-length"] == str(len(response.content))
    assert len({r.json()["token"] for r in bodies}) == 3  # fresh values per request


def test_a_fixed_generator_context_makes_responses_reproducible() -> None:
    inter = get_user(1)
    inter["response"]["generators"] = {"body": {"$.id": {"type": "RandomInt", "min": 1,
                                                         "max": 10**9}}}

    def serve_once() -> int:
        ctx = GeneratorContext("consumer", now=datetime(2024, 5, 1, tzinfo=UTC),
                               random=random.Random(42))
        with MockServer(make_pact(inter), generator_context=ctx) as server:
            return httpx.get(server.url + "/users/1").json()["id"]

    assert serve_once() == serve_once()


def test_concurrent_requests_from_threads() -> None:
    pact = make_pact(*[get_user(i) for i in range(20)])
    errors: list[BaseException] = []
    with MockServer(pact) as server:
        def worker(offset: int) -> None:
            try:
                with httpx.Client(base_url=server.url) as client:
                    for i in range(20):
                        uid = (i + offset) % 20
                        assert client.get(f"/users/{uid}").json()["id"] == uid
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    report = server.report
    assert report.ok
    assert sum(n for _, n in report.served) == 160


def test_two_servers_at_once_are_independent() -> None:
    with MockServer(make_pact(get_user(1))) as one, MockServer(make_pact(get_user(2))) as two:
        assert one.port != two.port
        assert httpx.get(one.url + "/users/1").status_code == 200
        assert httpx.get(two.url + "/users/1").status_code == 500
        assert httpx.get(two.url + "/users/2").status_code == 200
    assert one.report.ok
    assert len(two.report.unexpected) == 1


def test_keep_alive_serves_many_requests_on_one_connection() -> None:
    with MockServer(make_pact(get_user(1))) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.connect()
        sock = conn.sock
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        for _ in range(5):
            conn.request("GET", "/users/1")
            response = conn.getresponse()
            assert response.status == 200
            assert response.read() == b'{"id":1,"name":"Alice"}'
            assert response.getheader("connection") is None  # not closing
            assert conn.sock is sock  # the same socket every time
        conn.close()
    assert server.report.served[0][1] == 5


def test_head_request_gets_headers_without_body() -> None:
    inter = get_user(1)
    inter["request"]["method"] = "HEAD"
    with MockServer(make_pact(inter)) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        for _ in range(2):  # keep-alive still works after a bodiless response
            conn.request("HEAD", "/users/1")
            response = conn.getresponse()
            assert response.status == 200
            assert response.read() == b""
        conn.close()
    assert server.report.ok


def test_tls_with_a_self_signed_certificate() -> None:
    with MockServer(make_pact(get_user(1)), tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.certificate is not None and server.certificate.exists()
        with httpx.Client(verify=server.client_ssl_context()) as client:
            response = client.get(server.url + "/users/1")
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.url + "/users/1")  # untrusted by default
    assert response.status_code == 200
    assert response.json()["name"] == "Alice"


def test_cors_preflight_and_allow_origin() -> None:
    with MockServer(users_pact(), cors=True) as server, httpx.Client(base_url=server.url) as c:
        preflight = c.options("/users", headers={
            "Origin": "http://app.test", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        response = c.get("/users/1", headers={"Origin": "http://app.test"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://app.test"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert preflight.headers["access-control-allow-headers"] == "content-type"
    assert response.headers["access-control-allow-origin"] == "http://app.test"
    assert [r.request.method for r in server.report.results] == ["GET"]  # pre-flight unrecorded


def test_without_cors_a_preflight_is_unexpected() -> None:
    with MockServer(users_pact()) as server:
        response = httpx.options(server.url + "/users", headers={
            "Origin": "http://app.test", "Access-Control-Request-Method": "POST"})
    assert response.status_code == 500
    assert "access-control-allow-origin" not in response.headers


async def test_async_context_manager() -> None:
    async with MockServer(make_pact(get_user(1))) as server, httpx.AsyncClient() as client:
        responses = await asyncio.gather(*[client.get(server.url + "/users/1")
                                           for _ in range(10)])
    assert {r.status_code for r in responses} == {200}
    assert server.report.ok


def test_start_stop_lifecycle_and_port_errors() -> None:
    server = MockServer(make_pact(get_user(1)))
    with pytest.raises(RuntimeError, match="not started"):
        _ = server.url
    server.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            server.start()
        with pytest.raises(OSError, match="cannot listen"):
            MockServer(make_pact(get_user(1)), port=server.port).start()
        assert server.running
    finally:
        server.stop()
    server.stop()  # idempotent
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{server.port}/users/1")


def test_stop_waits_for_an_in_flight_request() -> None:
    big = get_user(1)
    big["response"]["body"]["content"] = {"items": ["x" * 100] * 20000}
    server = MockServer(make_pact(big)).start()
    results: list[int] = []
    started = threading.Event()

    def fetch() -> None:
        with httpx.Client() as client, client.stream("GET", server.url + "/users/1") as r:
            started.set()
            results.append(len(r.read()))

    t = threading.Thread(target=fetch)
    t.start()
    started.wait(5)
    server.stop()
    t.join(5)
    assert results and results[0] > 2_000_000


def test_v2_pact_with_a_query_string_is_served() -> None:
    inter = {"description": "search", "request": {"method": "GET", "path": "/search",
                                                  "query": "q=a+b&page=2"},
             "response": {"status": 200, "body": {"hits": []}}}
    with MockServer(make_pact(inter, version="2.0.0")) as server:
        ok = httpx.get(server.url + "/search", params={"q": "a b", "page": "2"})
        bad = httpx.get(server.url + "/search", params={"q": "a b", "page": "3"})
    assert ok.json() == {"hits": []}
    assert bad.status_code == 500
    assert bad.json()["mismatches"][0]["type"] == "QueryMismatch"


def test_create_user_wrong_content_type_is_a_mismatch() -> None:
    with MockServer(make_pact(create_user())) as server:
        response = httpx.post(server.url + "/users", content=b"name=Bob",
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 500
    assert server.report.mismatches


def test_no_content_response_keeps_the_connection_usable() -> None:
    deleted = {"description": "a delete", "request": {"method": "DELETE", "path": "/users/1"},
               "response": {"status": 204, "body": "ignored"}}
    with MockServer(make_pact(deleted, get_user(1))) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("DELETE", "/users/1")
        response = conn.getresponse()
        assert (response.status, response.read()) == (204, b"")
        conn.request("GET", "/users/1")
        response = conn.getresponse()
        assert response.status == 200
        assert response.read() == b'{"id":1,"name":"Alice"}'
        conn.close()
    assert server.report.ok


def test_every_generator_produces_values_its_matching_rule_accepts() -> None:
    from accord.matching import match_response
    from accord.model import Body, HttpResponse

    def rule(**r: object) -> dict:
        return {"combine": "AND", "matchers": [r]}

    body = {"int": 1, "dec": 1.5, "hex": "ab", "str": "x", "bool": True, "code": "AB-12",
            "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "day": "2024-01-02",
            "clock": "10:11:12", "stamp": "2024-01-02T10:11:12", "ref": 123,
            "link": "http://example.com/orders/7"}
    inter = get_user(1)
    inter["response"]["body"]["content"] = body
    inter["response"]["matchingRules"] = {"body": {
        "$.int": rule(match="integer"), "$.dec": rule(match="decimal"),
        "$.hex": rule(match="regex", regex="[0-9a-fA-F]+"), "$.str": rule(match="type"),
        "$.bool": rule(match="boolean"), "$.code": rule(match="regex", regex=r"[A-Z]{2}-\d{2}"),
        "$.uuid": rule(match="regex",
                       regex=r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
        "$.day": rule(match="date", format="yyyy-MM-dd"),
        "$.clock": rule(match="time", format="HH:mm:ss"),
        "$.stamp": rule(match="timestamp", format="yyyy-MM-dd'T'HH:mm:ss"),
        "$.ref": rule(match="integer"),
        "$.link": rule(match="regex", regex=r".*/orders/\d+$"),
    }}
    inter["response"]["generators"] = {"body": {
        "$.int": {"type": "RandomInt", "min": 5, "max": 9},
        "$.dec": {"type": "RandomDecimal", "digits": 4},
        "$.hex": {"type": "RandomHexadecimal", "digits": 8},
        "$.str": {"type": "RandomString", "size": 6},
        "$.bool": {"type": "RandomBoolean"},
        "$.code": {"type": "Regex", "regex": r"[A-Z]{2}-\d{2}"},
        "$.uuid": {"type": "Uuid"},
        "$.day": {"type": "Date", "format": "yyyy-MM-dd"},
        "$.clock": {"type": "Time", "format": "HH:mm:ss"},
        "$.stamp": {"type": "DateTime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
        "$.ref": {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"},
        "$.link": {"type": "MockServerURL", "example": "http://example.com/orders/7",
                   "regex": r".*(/orders/\d+)$"},
    }}
    pact = make_pact(inter)
    expected = pact.interactions[0].response
    with MockServer(pact) as server, httpx.Client(base_url=server.url) as client:
        replies = [client.get("/users/1") for _ in range(5)]
    for reply in replies:
        data = reply.json()
        actual = HttpResponse(status=reply.status_code,
                              headers={k: (v,) for k, v in reply.headers.items()},
                              body=Body.of_bytes(reply.content, reply.headers["content-type"]))
        result = match_response(expected, actual)
        assert result.ok, result.describe()
        assert 5 <= data["int"] <= 9
        assert len(data["str"]) == 6
        assert data["ref"] == 123  # ProviderState keeps its example on the consumer side
        assert data["link"] == f"{server.url}/orders/7"
    assert len({r.json()["uuid"] for r in replies}) == 5
