"""MockSession without a socket: which interaction a request is, what is answered, the report."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

from mock_helpers import create_user, get_user, make_pact

from accord.generation import GeneratorContext
from accord.mock import MockSession, request_from_wire
from accord.model import HttpRequest


def wire(method: str, path: str, body: bytes = b"", query: str = "",
         headers: list[tuple[bytes, bytes]] | None = None) -> HttpRequest:
    hdrs = headers if headers is not None else (
        [(b"content-type", b"application/json")] if body else [])
    return request_from_wire(method, path, query.encode(), hdrs, body)


def session_for(*interactions: dict) -> MockSession:
    pact = make_pact(*interactions)
    return MockSession(pact.interactions, pact.spec_version)


def test_request_from_wire_groups_headers_and_parses_query() -> None:
    req = request_from_wire("get", "/a", b"x=1&y=2&x=3",
                            [(b"Accept", b"a"), (b"accept", b"b")], b"")
    assert req.method == "GET"
    assert req.query == {"x": ("1", "3"), "y": ("2",)}
    assert req.header("ACCEPT") == ("a", "b")
    assert not req.body.is_present
    assert req == HttpRequest(method="GET", path="/a", query={"x": ("1", "3"), "y": ("2",)},
                              headers={"accept": ("a", "b")})
    posted = request_from_wire("POST", "/b", b"", [(b"content-type", b"text/plain")], b"hi")
    assert posted.body.text == "hi"
    assert posted.body.content_type == "text/plain"


def test_matched_request_gets_the_interaction_response() -> None:
    session = session_for(get_user(1), create_user())
    reply = session.handle(wire("GET", "/users/1"))
    assert reply.status == 200
    assert json.loads(reply.body) == {"id": 1, "name": "Alice"}
    assert ("Content-Type", "application/json") in reply.headers
    assert ("Content-Length", str(len(reply.body))) in reply.headers
    assert reply.result.kind == "matched"
    assert reply.result.interaction.description == "a request for user 1"


def test_a_matched_interaction_stays_matched_when_requested_again() -> None:
    session = session_for(get_user(1), create_user())
    for _ in range(3):
        assert session.handle(wire("GET", "/users/1")).status == 200
    report = session.report()
    assert len(report.matched) == 3
    assert [i.description for i in report.missing] == ["a request to create a user"]
    assert dict((i.description, n) for i, n in report.served) == {"a request for user 1": 3}
    assert not report.ok


def test_identical_requests_walk_through_identical_interactions_before_reusing() -> None:
    first = get_user(1)
    second = get_user(1, description="user 1 again")
    second["response"] = {"status": 404}
    session = session_for(first, second)
    statuses = [session.handle(wire("GET", "/users/1")).status for _ in range(3)]
    assert statuses == [200, 404, 200]
    assert session.report().ok


def test_mismatched_request_names_the_closest_interaction_and_field() -> None:
    other = create_user()
    other["description"] = "a request to create an admin"
    other["request"]["body"]["content"] = {"name": "Root", "age": 1, "admin": True}
    other["request"]["headers"] = {"Content-Type": ["application/json"], "X-Admin": ["yes"]}
    session = session_for(other, create_user())
    reply = session.handle(wire("POST", "/users", b'{"name": "Bob", "age": "thirty"}'))
    assert reply.status == 500
    result = reply.result
    assert result.kind == "mismatched"
    assert result.interaction.description == "a request to create a user"
    assert [m.path for m in result.mismatches] == ["$.age"]
    body = json.loads(reply.body)
    assert body["interaction"] == "a request to create a user"
    assert body["mismatches"][0]["path"] == "$.age"
    assert "did not match" in body["error"]
    text = session.report().render()
    assert "a request to create a user" in text
    assert "$.age" in text
    assert '"thirty"' in text


def test_unexpected_request_when_no_interaction_has_method_and_path() -> None:
    session = session_for(get_user(1))
    reply = session.handle(wire("GET", "/user/1"))
    assert reply.status == 500
    assert reply.result.kind == "unexpected"
    body = json.loads(reply.body)
    assert body["mismatches"] == []
    assert "no interaction expects GET /user/1" in body["error"]
    assert body["did_you_mean"] == ["GET /users/1 (a request for user 1)"]
    delete = session.handle(wire("DELETE", "/users/1"))
    assert delete.result.kind == "unexpected"
    assert [h.description for h in delete.result.hints] == ["a request for user 1"]
    report = session.report()
    assert len(report.unexpected) == 2
    assert "did you mean GET /users/1" in report.render()


def test_path_with_a_regex_rule_is_found_by_the_scan() -> None:
    inter = get_user(1)
    inter["request"]["matchingRules"] = {
        "path": {"combine": "AND", "matchers": [{"match": "regex", "regex": r"/users/\d+"}]}}
    inter["request"]["headers"] = {"Accept": ["application/json"]}
    session = session_for(inter)
    accept = [(b"accept", b"application/json")]
    assert session.handle(wire("GET", "/users/42", headers=accept)).status == 200
    assert session.handle(wire("GET", "/users/abc", headers=accept)).result.kind == "unexpected"
    assert session.handle(wire("POST", "/users/42", headers=accept)).result.kind == "unexpected"
    wrong = session.handle(wire("GET", "/users/7", headers=[(b"accept", b"text/html")]))
    assert wrong.result.kind == "mismatched"  # the path matches the rule: only the header not
    assert [m.kind for m in wrong.result.mismatches] == ["HeaderMismatch"]


def test_query_mismatch_is_reported_against_the_same_path() -> None:
    inter = get_user(1)
    inter["request"]["query"] = {"fields": ["name"]}
    session = session_for(inter)
    ok = session.handle(wire("GET", "/users/1", query="fields=name"))
    bad = session.handle(wire("GET", "/users/1", query="fields=all"))
    assert ok.result.kind == "matched"
    assert bad.result.kind == "mismatched"
    assert bad.result.mismatches[0].kind == "QueryMismatch"


def test_report_json_uses_official_item_types() -> None:
    session = session_for(get_user(1), create_user())
    session.handle(wire("GET", "/users/1"))
    session.handle(wire("GET", "/nothing"))
    data = session.report().to_json()
    assert data["ok"] is False
    assert data["matched"] == [{"interaction": "a request for user 1", "method": "GET",
                                "path": "/users/1", "requests": 1}]
    assert [m["type"] for m in data["mismatches"]] == ["request-not-found", "missing-request"]
    json.dumps(data)  # serialisable as is


def test_all_requested_report_is_ok_and_says_so() -> None:
    session = session_for(get_user(1))
    session.handle(wire("GET", "/users/1"))
    report = session.report()
    assert report.ok
    assert report.render() == "mock server: all interactions requested; 1 request matched"


def test_response_generators_apply_with_the_context() -> None:
    inter = get_user(1)
    inter["response"]["generators"] = {"body": {
        "$.id": {"type": "RandomInt", "min": 100, "max": 200},
        "$.link": {"type": "MockServerURL", "example": "http://localhost:1234/users/1",
                   "regex": r".*(/users/\d+)$"}}}
    inter["response"]["body"]["content"]["link"] = "http://localhost:1234/users/1"
    session = session_for(inter)
    ctx = GeneratorContext("consumer", now=datetime(2020, 1, 1, tzinfo=UTC),
                           random=random.Random(3), mock_server_url="http://127.0.0.1:9")
    body = json.loads(session.handle(wire("GET", "/users/1"), ctx).body)
    assert 100 <= body["id"] <= 200
    assert body["link"] == "http://127.0.0.1:9/users/1"
    # without a context the example values are served
    assert json.loads(session.handle(wire("GET", "/users/1")).body)["id"] == 1


def test_a_failing_generator_answers_500_and_fails_the_report() -> None:
    inter = get_user(1)
    inter["response"]["generators"] = {"body": {"$.id": {"type": "RandomInt", "min": 5,
                                                         "max": 1}}}
    session = session_for(inter)
    ctx = GeneratorContext.default("consumer")
    reply = session.handle(wire("GET", "/users/1"), ctx)
    assert reply.status == 500
    assert "could not generate" in json.loads(reply.body)["error"]
    report = session.report()
    assert not report.ok
    assert len(report.errors) == 1
    assert "Requests that could not be answered" in report.render()


def test_only_candidates_with_the_same_method_and_path_are_fully_matched() -> None:
    calls: list[str] = []
    from accord.matching import match_request

    def counting(expected, actual, **options):
        calls.append(expected.path)
        return match_request(expected, actual, **options)

    pact = make_pact(*[get_user(i) for i in range(300)])
    session = MockSession(pact.interactions, pact.spec_version, matcher=counting)
    assert session.handle(wire("GET", "/users/299")).status == 200
    assert calls == ["/users/299"]


def test_non_http_interactions_are_ignored() -> None:
    pact = make_pact(get_user(1), {"type": "Asynchronous/Messages", "description": "an event",
                                   "contents": {"content": {"a": 1},
                                                "contentType": "application/json",
                                                "encoded": False}})
    session = MockSession(pact.interactions, pact.spec_version)
    assert [i.description for i in session.interactions] == ["a request for user 1"]


def test_matched_requests_kept_are_bounded_but_counted() -> None:
    session = session_for(get_user(1))
    session.max_recorded = 5
    for _ in range(8):
        session.handle(wire("GET", "/users/1"))
    session.handle(wire("GET", "/other"))
    report = session.report()
    assert len(report.matched) == 5
    assert report.served[0][1] == 8
    assert len(report.unexpected) == 1


def test_repeated_wire_requests_are_remembered_and_still_recorded() -> None:
    calls: list[str] = []
    from accord.matching import match_request

    def counting(expected, actual, **options):
        calls.append(expected.path)
        return match_request(expected, actual, **options)

    first = get_user(1)
    second = get_user(1, description="user 1 again")
    second["response"] = {"status": 404}
    pact = make_pact(first, second)
    session = MockSession(pact.interactions, pact.spec_version, matcher=counting)
    headers = [(b"host", b"127.0.0.1:1"), (b"accept", b"*/*")]
    statuses = [session.handle_wire("GET", "/users/1", b"", headers, b"")[0].status
                for _ in range(5)]
    assert statuses == [200, 404, 200, 200, 200]  # unrequested interactions are still preferred
    # both candidates matched for the first and second sighting, then remembered
    assert calls == ["/users/1"] * 4
    other = session.handle_wire("GET", "/users/1", b"", [*headers, (b"x-id", b"2")], b"")
    assert other[1].kind == "matched"
    assert len(calls) == 6  # a different request is matched afresh
    report = session.report()
    assert report.ok
    assert sum(n for _, n in report.served) == 6
    assert all(r.request.path == "/users/1" for r in report.results)


def test_the_core_loads_no_io_machinery() -> None:
    import subprocess
    import sys

    code = ("import sys, accord.mock.core; "
            "print([m for m in ('asyncio', 'socket', 'threading', 'uvicorn', 'ssl') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"
