"""The DSL end to end: a real mock server, real HTTP clients, pact files only on success."""

from __future__ import annotations

import json

import aiohttp
import httpx
import pytest
import requests

from accord import generate, match
from accord.errors import MismatchError


def user_interaction(pact, user_id=123, name="Alice", *, params=True):
    return (
        pact.upon_receiving(f"a request for user {user_id}")
        .given("the user exists", **({"id": user_id} if params else {}))
        .with_request("GET", f"/users/{user_id}")
        .with_header("Accept", "application/json")
        .will_respond_with(200)
        .with_body(
            {
                "id": match.integer(user_id),
                "name": match.string(name),
                "roles": match.each_like("admin", min=2),
            }
        )
    )


def read(pact_dir, name="web-users-api.json"):
    return json.loads((pact_dir / name).read_text())


def test_httpx_round_trip_writes_the_pact(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact)
    with pact.serve() as server:
        response = httpx.get(f"{server.url}/users/123", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"id": 123, "name": "Alice", "roles": ["admin", "admin"]}
    doc = read(pact_dir)
    (interaction,) = doc["interactions"]
    assert interaction["description"] == "a request for user 123"
    assert interaction["providerStates"] == [{"name": "the user exists", "params": {"id": 123}}]
    assert doc["metadata"]["accord"]["version"]
    assert doc["metadata"]["pactSpecification"] == {"version": "4.0"}


def test_requests_client_and_post_body_with_matchers(make_pact, pact_dir):
    pact = make_pact()
    (
        pact.upon_receiving("a new user")
        .with_request("POST", "/users")
        .with_body({"name": match.string("Bob"), "age": match.integer(30, min=0, max=150)})
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/7", r"/users/\d+"))
        .with_body({"id": generate.random_int(1, 100)})
    )
    with pact.serve() as server:
        response = requests.post(server / "users", json={"name": "Carol", "age": 41}, timeout=10)
    assert response.status_code == 201
    assert response.headers["Location"] == "/users/7"
    assert 1 <= response.json()["id"] <= 100
    assert read(pact_dir)["interactions"][0]["request"]["body"]["content"] == {
        "name": "Bob",
        "age": 30,
    }


async def test_async_with_and_aiohttp(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact, 5, "Eve")
    async with (
        pact.serve() as server,
        aiohttp.ClientSession() as session,
        session.get(f"{server.url}/users/5", headers={"Accept": "application/json"}) as response,
    ):
        assert response.status == 200
        assert (await response.json())["name"] == "Eve"
    assert read(pact_dir)["interactions"][0]["description"] == "a request for user 5"


def test_mismatched_request_raises_with_report_and_writes_nothing(make_pact, pact_dir):
    pact = make_pact()
    (
        pact.upon_receiving("a search")
        .with_request("GET", "/search")
        .with_query_parameter("q", match.regex("abc", "[a-z]+"))
        .will_respond_with(200)
    )
    with pytest.raises(MismatchError) as info, pact.serve() as server:
        response = httpx.get(f"{server.url}/search", params={"q": "ABC1"})
        assert response.status_code == 500
    report = str(info.value)
    assert "a search" in report
    assert "q" in report
    assert not (pact_dir / "web-users-api.json").exists()


def test_range_rule_is_enforced_by_the_mock_server(make_pact, pact_dir):
    pact = make_pact()
    (
        pact.upon_receiving("a bounded number")
        .with_request("POST", "/n")
        .with_body({"n": match.integer(5, min=1, max=10)})
        .will_respond_with(204)
    )
    with pytest.raises(MismatchError), pact.serve() as server:
        assert httpx.post(f"{server.url}/n", json={"n": 11}).status_code == 500
    pact = make_pact()
    (
        pact.upon_receiving("a bounded number")
        .with_request("POST", "/n")
        .with_body({"n": match.integer(5, min=1, max=10)})
        .will_respond_with(204)
    )
    with pact.serve() as server:
        assert httpx.post(f"{server.url}/n", json={"n": 10}).status_code == 204


def test_unrequested_interaction_fails(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact, 1)
    user_interaction(pact, 2)
    with pytest.raises(MismatchError, match=r"user 2"), pact.serve() as server:
        httpx.get(f"{server.url}/users/1", headers={"Accept": "application/json"})
    assert not (pact_dir / "web-users-api.json").exists()


def test_unexpected_request_fails(make_pact):
    pact = make_pact()
    with pytest.raises(MismatchError, match=r"/nothing"), pact.serve() as server:
        assert httpx.get(f"{server.url}/nothing").status_code == 500


def test_error_in_block_propagates_with_report_note(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact)
    with pytest.raises(KeyError) as info, pact.serve():
        raise KeyError("client bug")
    assert any(
        "never requested" in n or "missing" in n.lower() or "user 123" in n
        for n in getattr(info.value, "__notes__", [])
    )
    assert not (pact_dir / "web-users-api.json").exists()


def test_raises_false_keeps_going(make_pact):
    pact = make_pact()
    user_interaction(pact)
    with pact.serve(raises=False) as server:
        pass
    assert not server.matched
    (missing,) = server.mismatches
    assert missing["type"] == "missing-request"
    assert missing["interaction"] == "a request for user 123"
    # typed as pact-python types it, and still the official JSON
    from accord.error import MissingRequest
    assert isinstance(missing, MissingRequest) and missing.type == "MissingRequest"
    assert json.loads(json.dumps(missing)) == dict(missing)
    assert "MissingRequest(method=" in repr(missing)


def test_a_pact_gains_interactions_after_being_served_and_merges(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact, 1)
    with pact.serve() as server:
        httpx.get(f"{server.url}/users/1", headers={"Accept": "application/json"})
    user_interaction(pact, 2)
    with pact.serve() as server:  # serves only the new interaction
        httpx.get(f"{server.url}/users/2", headers={"Accept": "application/json"})
    descriptions = [i["description"] for i in read(pact_dir)["interactions"]]
    assert descriptions == ["a request for user 1", "a request for user 2"]
    # another Pact object (another test) merges into the same file
    other = make_pact()
    user_interaction(other, 3)
    with other.serve() as server:
        httpx.get(f"{server.url}/users/3", headers={"Accept": "application/json"})
    assert len(read(pact_dir)["interactions"]) == 3


def test_conflicting_duplicate_from_another_pact_replaces_with_a_warning(make_pact, pact_dir,
                                                                          caplog):
    """A parametrized test reusing a description: the last one wins, as the official tools
    merge pact files (pact-python 4.2 writes it without a word; accord logs a warning)."""
    first = make_pact()
    user_interaction(first, 9, "Ann")
    with first.serve() as server:
        httpx.get(f"{server.url}/users/9", headers={"Accept": "application/json"})
    second = make_pact()
    user_interaction(second, 9, "Different")
    with second.serve() as server:
        httpx.get(f"{server.url}/users/9", headers={"Accept": "application/json"})
    assert "'a request for user 9'" in caplog.text and "replaces" in caplog.text
    (interaction,) = read(pact_dir)["interactions"]
    assert "Different" in json.dumps(interaction["response"]["body"])


def test_identical_duplicate_is_fine(make_pact, pact_dir):
    for _ in range(2):
        pact = make_pact()
        user_interaction(pact, 4)
        with pact.serve() as server:
            httpx.get(f"{server.url}/users/4", headers={"Accept": "application/json"})
    assert len(read(pact_dir)["interactions"]) == 1


def test_write_file_explicitly_and_overwrite(make_pact, tmp_path):
    pact = make_pact(auto_write=False)
    user_interaction(pact, 1)
    with pact.serve() as server:
        httpx.get(f"{server.url}/users/1", headers={"Accept": "application/json"})
    target = tmp_path / "elsewhere"
    path = pact.write_file(target)
    assert path == target / "web-users-api.json"
    (target / "web-users-api.json").write_text(
        json.dumps(
            {
                "consumer": {"name": "web"},
                "provider": {"name": "users-api"},
                "interactions": [
                    {
                        "description": "old",
                        "request": {"method": "GET", "path": "/old"},
                        "response": {"status": 200},
                    }
                ],
                "metadata": {"pactSpecification": {"version": "3.0.0"}},
            }
        )
    )
    pact.write_file(target)
    assert len(read(target)["interactions"]) == 2
    pact.write_file(target, overwrite=True)
    assert [i["description"] for i in read(target)["interactions"]] == ["a request for user 1"]


def test_v3_and_v2_files(make_pact, pact_dir):
    for version, key in (("V3", "3.0.0"), ("V2", "2.0.0")):
        pact = make_pact("web-" + version, "users-api").with_specification(version)
        (
            pact.upon_receiving("a request for user 1")
            .given("the user exists")
            .with_request("GET", "/users/1")
            .will_respond_with(200)
            .with_body({"id": match.like(1), "roles": match.each_like("admin", min=2)})
        )
        with pact.serve() as server:
            assert httpx.get(f"{server.url}/users/1").json() == {
                "id": 1,
                "roles": ["admin", "admin"],
            }
        doc = read(pact_dir, f"web-{version}-users-api.json")
        assert doc["metadata"]["pactSpecification"]["version"] == key
        assert doc["interactions"][0]["response"]["body"]["roles"] == ["admin", "admin"]
        assert doc["interactions"][0]["providerState" if version == "V2" else "providerStates"]
    assert doc["interactions"][0]["response"]["matchingRules"]["$.body.roles"] == {
        "match": "type",
        "min": 2,
    }


def test_mock_server_url_generator_and_tls(make_pact):
    pact = make_pact()
    (
        pact.upon_receiving("a link")
        .with_request("GET", "/orders")
        .will_respond_with(200)
        .with_body({"next": match.url("/orders?page=2")})
    )
    with pact.serve(tls=True) as server:
        assert server.url.startswith("https://")
        response = httpx.get(f"{server.url}/orders", verify=server.client_ssl_context())
    assert response.json() == {"next": f"{server.url}/orders?page=2"}


def test_form_multipart_binary_and_xml_over_the_wire(make_pact, tmp_path):
    from accord.consumer import xml

    pact = make_pact()
    (
        pact.upon_receiving("a form post")
        .with_request("POST", "/form")
        .with_form({"name": match.regex("al", "[a-z]+")})
        .will_respond_with(204)
    )
    upload = tmp_path / "a.txt"
    upload.write_text("hello")
    (
        pact.upon_receiving("an upload")
        .with_request("POST", "/upload")
        .with_multipart_file("file", upload, "text/plain")
        .will_respond_with(201)
    )
    (
        pact.upon_receiving("some bytes")
        .with_request("GET", "/bytes")
        .will_respond_with(200)
        .with_binary_body(b"\x00\x01\x02", "application/octet-stream")
    )
    (
        pact.upon_receiving("some xml")
        .with_request("GET", "/xml")
        .will_respond_with(200)
        .with_body(xml.element("user", attrs={"id": match.integer(1)}), "application/xml")
    )
    with pact.serve() as server:
        assert httpx.post(f"{server.url}/form", data={"name": "bob"}).status_code == 204
        files = {"file": ("b.txt", b"other text", "text/plain")}
        assert httpx.post(f"{server.url}/upload", files=files).status_code == 201
        assert httpx.get(f"{server.url}/bytes").content == b"\x00\x01\x02"
        assert b'<user id="1"/>' in httpx.get(f"{server.url}/xml").content


def test_server_helpers(make_pact):
    pact = make_pact()
    user_interaction(pact)
    server = pact.serve()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with server:
        assert server.port > 0 and server.host == "127.0.0.1"
        assert (server / "/users/123").endswith(f":{server.port}/users/123")
        httpx.get(server / "users/123", headers={"Accept": "application/json"})
        assert server.matched
    assert "stopped" in repr(server)


async def test_async_with_mismatch_raises(make_pact, pact_dir):
    pact = make_pact()
    user_interaction(pact, 8)
    with pytest.raises(MismatchError, match="never requested"):
        async with pact.serve():
            pass
    assert not (pact_dir / "web-users-api.json").exists()


def test_multi_valued_headers_and_query_flags(make_pact, pact_dir):
    pact = make_pact()
    (
        pact.upon_receiving("a request with repeated parts")
        .with_request("GET", "/multi")
        .with_header("X-Tag", ["a", "b"])
        .with_query_parameter("id", ["1", "2"])
        .will_respond_with(200)
        .with_header("Set-Cookie", ["a=1", "b=2"])
    )
    with pact.serve() as server:
        response = httpx.get(
            f"{server.url}/multi?id=1&id=2", headers=[("X-Tag", "a"), ("X-Tag", "b")]
        )
    assert response.status_code == 200
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    request = read(pact_dir)["interactions"][0]["request"]
    assert request["headers"] == {"X-Tag": ["a", "b"]}
    assert request["query"] == {"id": ["1", "2"]}


def test_binary_body_matched_by_content_type(make_pact, pact_dir):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(32))
    pact = make_pact()
    (
        pact.upon_receiving("an avatar upload")
        .with_request("PUT", "/avatar")
        .with_binary_body(match.content_type("image/png", png))
        .will_respond_with(204)
    )
    other_png = b"\x89PNG\r\n\x1a\n" + bytes(range(64, 128))
    with pact.serve() as server:
        response = httpx.put(
            f"{server.url}/avatar", content=other_png, headers={"Content-Type": "image/png"}
        )
        assert response.status_code == 204
    request = read(pact_dir)["interactions"][0]["request"]
    assert request["body"]["contentType"] == "image/png"
    assert request["matchingRules"]["body"] == {
        "$": {"matchers": [{"match": "contentType", "value": "image/png"}]}
    }
