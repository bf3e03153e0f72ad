"""Consumer tests of an HTTP client, written as pact-python 4.x's documentation and its
`examples/http` show them: a fresh `Pact` per test, `with pact.serve() as srv`, and the pact
written by the fixture with `write_file`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from pact import Pact, generate, match
from pact.error import (
    BodyMismatch,
    Mismatch,
    MismatchesError,
    MissingRequest,
    RequestMismatch,
    RequestNotFound,
)
from pact.types import URL


@pytest.fixture
def pact(pacts_path: Path) -> Iterator[Pact]:
    pact = Pact("dropin-web", "dropin-users").with_specification("V4")
    yield pact
    pact.write_file(pacts_path)


def get_user(base: str, uid: int) -> dict[str, Any]:
    response = requests.get(f"{base}/users/{uid}", timeout=5)
    response.raise_for_status()
    return response.json()


def test_get_an_existing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("A user request")
        .given("the user exists", id=123, name="Alice")
        .with_request("GET", "/users/123")
        .will_respond_with(200)
        .with_body({
            "id": match.int(123),
            "name": match.str("Alice"),
            "created_on": match.datetime(),
        })
    )
    with pact.serve() as srv:
        user = get_user(str(srv.url), 123)
    assert user["id"] == 123 and user["name"] == "Alice"


def test_an_unknown_user_is_a_404(pact: Pact) -> None:
    (
        pact.upon_receiving("A request for an unknown user")
        .given("the user doesn't exist", {"id": 123})
        .with_request("GET", "/users/123")
        .will_respond_with(404)
        .with_body({"detail": "User not found"})
    )
    with pact.serve() as srv, pytest.raises(requests.HTTPError):
        get_user(str(srv.url), 123)


def test_create_a_user(pact: Pact) -> None:
    created = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    (
        pact.upon_receiving("A request to create a new user")
        .with_request("POST", "/users")
        .with_header("Content-Type", "application/json")
        .with_body({"name": "Bob"}, content_type="application/json")
        .will_respond_with(201)
        .with_body({
            "id": match.int(1000),
            "name": "Bob",
            "created_on": match.datetime(created),
        })
    )
    with pact.serve() as srv:
        response = requests.post(f"{srv.url}/users", json={"name": "Bob"}, timeout=5)
    assert response.status_code == 201
    assert response.json()["id"] == 1000


def test_delete_a_user(pact: Pact) -> None:
    (
        pact.upon_receiving("A user deletion request")
        .given("the user exists", id=124, name="Bob")
        .with_request("DELETE", "/users/124")
        .will_respond_with(204)
    )
    with pact.serve() as srv:
        response = requests.delete(srv.url / "users/124", timeout=5)
    assert response.status_code == 204


def test_query_parameters_headers_and_regex(pact: Pact) -> None:
    (
        pact.upon_receiving("A search for users")
        .with_request("GET", "/search")
        .with_query_parameter("name", match.regex("ali", regex=r"[a-z]+"))
        .with_header("Accept", "application/json")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_body({
            "results": match.each_like({"id": match.int(1), "name": match.str("Alice")}),
            "total": match.int(1, min=0),
        })
    )
    with pact.serve() as srv:
        response = requests.get(f"{srv.url}/search", params={"name": "bob"},
                                headers={"Accept": "application/json"}, timeout=5)
    assert response.json()["results"][0]["name"] == "Alice"


def test_many_matchers_in_one_body(pact: Pact) -> None:
    body = {
        "uuid": match.uuid("fd00a0d8-4a9d-4b0b-9b48-4d6f3e0f8c5a"),
        "flag": match.bool(True),
        "ratio": match.float(1.5),
        "amount": match.decimal(9.99),
        "count": match.number(7),
        "nothing": match.none(),
        "greeting": match.includes("world"),
        "like": match.like({"nested": 1}),
        "typed": match.type("anything"),
        "day": match.date("2024-05-01"),
        "stamp": match.datetime("2024-05-01T09:30:00+01:00", format="%Y-%m-%dT%H:%M:%S%:z"),
        "clock": match.time("2:30 PM", format="%I:%M %p"),
        "items": match.each_like({"sku": match.str("A-1")}, min=1),
        "contains": match.array_containing([match.int(1)]),
        "keys": match.each_key_matches({"a1": 1}, rules=match.regex("a1", regex=r"[a-z]\d")),
        "values": match.each_value_matches({"a": 1}, rules=match.int(1)),
    }
    (
        pact.upon_receiving("A request for a rich document")
        .with_request("GET", "/document")
        .will_respond_with(200)
        .with_body(body)
    )
    with pact.serve() as srv:
        document = requests.get(f"{srv.url}/document", timeout=5).json()
    assert document["uuid"] == "fd00a0d8-4a9d-4b0b-9b48-4d6f3e0f8c5a"
    assert document["clock"] == "2:30 PM" and document["flag"] is True
    assert document["items"] == [{"sku": "A-1"}]


def test_generators_in_a_response(pact: Pact) -> None:
    (
        pact.upon_receiving("A request for generated values")
        .with_request("GET", "/generated")
        .will_respond_with(200)
        .with_body({
            "id": match.uuid(),
            "n": match.int(min=1, max=9),
            "word": match.str(size=5),
            "code": match.str("ABC", generator=generate.regex(regex=r"[A-Z]{3}")),
            "small": match.like(3, generator=generate.int(min=1, max=9)),
            "day": match.date(),
            "at": match.datetime(),
        })
    )
    with pact.serve() as srv:
        values = requests.get(f"{srv.url}/generated", timeout=5).json()
    assert 1 <= values["n"] <= 9 and isinstance(values["small"], int)
    assert len(values["code"]) == 3 and values["code"].isupper()
    assert len(values["id"]) == 36 and isinstance(values["word"], str)
    datetime.strptime(values["day"], "%Y-%m-%d")
    datetime.strptime(values["at"], "%Y-%m-%dT%H:%M:%S%z")


def test_the_server_url_is_a_string_with_parts(pact: Pact) -> None:
    pact.upon_receiving("A ping").with_request("GET", "/ping").will_respond_with(200)
    with pact.serve() as srv:
        assert isinstance(srv.url, str) and isinstance(srv.url, URL)
        assert srv.url.scheme == "http"
        assert srv.url.port == srv.port
        assert srv.url.host in ("localhost", "127.0.0.1")
        assert srv.url.path == "/"
        assert (srv.url / "ping").path == "/ping"
        assert requests.get(str(srv / "ping"), timeout=5).status_code == 200


def test_serve_takes_pact_pythons_keywords(pact: Pact) -> None:
    pact.upon_receiving("A keyword ping").with_request("GET", "/kw").will_respond_with(200)
    with pact.serve(addr="127.0.0.1", port=0, raises=True, verbose=False) as srv:
        assert requests.get(f"{srv.url}/kw", timeout=5).status_code == 200


def test_a_mismatch_raises_mismatches_error() -> None:
    pact = Pact("dropin-web", "dropin-mismatch")
    pact.upon_receiving("A request never made").with_request("GET", "/never").will_respond_with(200)
    with pytest.raises(MismatchesError), pact.serve():
        pass


def test_without_raising_the_mismatches_are_kept() -> None:
    pact = Pact("dropin-web", "dropin-mismatch")
    (pact.upon_receiving("A request made wrongly").with_request("GET", "/right")
         .will_respond_with(200))
    with pact.serve(raises=False) as srv:
        requests.get(f"{srv.url}/wrong", timeout=5)
    assert srv.mismatches


@pytest.mark.parametrize("uid", [1, 2])
def test_a_parametrized_test_reusing_its_description(pacts_path: Path, uid: int) -> None:
    pact = Pact("dropin-param", "dropin-users")
    (
        pact.upon_receiving("A parametrized user request")
        .given("the user exists")
        .with_request("GET", f"/users/{uid}")
        .will_respond_with(200)
        .with_body({"id": match.int(uid)})
    )
    with pact.serve() as srv:
        assert get_user(str(srv.url), uid) == {"id": uid}
    pact.write_file(pacts_path)


@pytest.mark.parametrize("spec", ["V2", "V3", "V4"])
def test_specification_versions(tmp_path: Path, spec: str) -> None:
    pact = Pact("dropin-spec", "dropin-users").with_specification(spec)
    # V2 pacts hold type and regex rules only (match.int would need V3)
    (pact.upon_receiving("A versioned request").with_request("GET", "/v")
         .will_respond_with(200).with_body({"n": match.like(1)}))
    with pact.serve() as srv:
        assert requests.get(f"{srv.url}/v", timeout=5).json() == {"n": 1}
    pact.write_file(tmp_path)
    document = json.loads((tmp_path / "dropin-spec-dropin-users.json").read_text())
    assert document["metadata"]["pactSpecification"]["version"].startswith(spec[1])


def test_raw_matching_rules_with_a_matcher(pact: Pact) -> None:
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 16
    (
        pact.upon_receiving("A request for a picture")
        .with_request("GET", "/picture")
        .will_respond_with(200)
        .with_binary_body(jpeg, "image/jpeg")
        .with_matching_rules({"body": {"$": match.content_type("image/jpeg")}})
    )
    with pact.serve() as srv:
        response = requests.get(f"{srv.url}/picture", timeout=5)
    assert response.content == jpeg


def test_the_pact_file_is_written_where_asked(tmp_path: Path) -> None:
    pact = Pact("dropin-file", "dropin-users")
    pact.upon_receiving("A file request").with_request("GET", "/f").will_respond_with(200)
    with pact.serve() as srv:
        requests.get(f"{srv.url}/f", timeout=5)
    pact.write_file(tmp_path / "out")
    written = json.loads((tmp_path / "out" / "dropin-file-dropin-users.json").read_text())
    assert [i["description"] for i in written["interactions"]] == ["A file request"]
    assert written["consumer"] == {"name": "dropin-file"}


@pytest.mark.parametrize("method", ["with_metadata", "set_metadata"])
def test_metadata_on_an_http_interaction_is_refused(method: str) -> None:
    # HTTP requests and responses have headers, not metadata: both tools raise a RuntimeError
    pact = Pact("dropin-web", "dropin-metadata").with_specification("V4")
    interaction = pact.upon_receiving("A request with metadata").with_request("GET", "/m")
    value = '"bar"' if method == "set_metadata" else "bar"
    with pytest.raises(RuntimeError):
        getattr(interaction, method)({"foo": value})


def test_the_mismatches_are_typed() -> None:
    pact = Pact("dropin-web", "dropin-typed-mismatches")
    pact.upon_receiving("A request never made").with_request("GET", "/never").will_respond_with(200)
    (pact.upon_receiving("A user to create").with_request("POST", "/users")
         .with_body({"name": "Ada"}, "application/json").will_respond_with(201))
    with pact.serve(raises=False) as srv:
        requests.get(f"{srv.url}/elsewhere", timeout=5)
        requests.post(f"{srv.url}/users", json={"name": "Bob"}, timeout=5)
    mismatches = srv.mismatches
    assert all(isinstance(m, Mismatch) for m in mismatches)
    by_type = {type(m): m for m in mismatches}
    (missing,) = [m for m in mismatches if isinstance(m, MissingRequest) and m.path == "/never"]
    assert (missing.type, missing.method) == ("MissingRequest", "GET")
    not_found = by_type[RequestNotFound]
    assert isinstance(not_found, RequestNotFound)
    assert (not_found.method, not_found.path) == ("GET", "/elsewhere")
    mismatched = by_type[RequestMismatch]
    assert isinstance(mismatched, RequestMismatch)
    assert (mismatched.method, mismatched.path) == ("POST", "/users")
    body = [m for m in mismatched.mismatches if isinstance(m, BodyMismatch)]
    assert body and body[0].path == "$.name" and body[0].type == "BodyMismatch"
    assert "Ada" in str(body[0].expected) and "Bob" in str(body[0].actual)


def test_the_mismatches_error_holds_typed_mismatches() -> None:
    pact = Pact("dropin-web", "dropin-typed-mismatches")
    pact.upon_receiving("A request never made").with_request("GET", "/never").will_respond_with(200)
    with pytest.raises(MismatchesError) as raised, pact.serve():
        pass
    (missing,) = raised.value.mismatches
    assert isinstance(missing, MissingRequest) and missing.path == "/never"
