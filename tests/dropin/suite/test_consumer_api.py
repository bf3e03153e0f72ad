"""More of pact-python 4.x's consumer API: XML bodies, request matchers, headers and query
parameters in bulk, V4 annotations, pact metadata and the pact file that results."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import requests
from pact import Pact, generate, match, xml


def _written(pact: Pact, directory: Path) -> dict:
    pact.write_file(directory)
    return json.loads((directory / f"{pact.consumer}-{pact.provider}.json").read_text())


def test_an_xml_body(tmp_path: Path) -> None:
    pact = Pact("dropin-xml", "dropin-users")
    body = xml.body(
        xml.element(
            "user",
            xml.element("id", match.int(123)),
            xml.element("name", match.str("Alice")),
            attrs={"type": "admin"},
        )
    )
    # a dict describing the root element, for code that looks into it
    assert isinstance(body, dict) and body["root"]["name"] == "user"
    assert body["root"]["attributes"] == {"type": "admin"}
    assert [child["name"] for child in body["root"]["children"]] == ["id", "name"]
    assert body["root"]["children"][0]["children"][0]["content"] == 123
    (
        pact.upon_receiving("A request for a user as XML")
        .with_request("GET", "/users/123.xml")
        .will_respond_with(200)
        .with_body(body, content_type="application/xml")
    )
    with pact.serve() as srv:
        response = requests.get(f"{srv.url}/users/123.xml", timeout=5)
    root = ET.fromstring(response.text)
    assert root.tag == "user" and root.get("type") == "admin"
    assert root.findtext("id") == "123" and root.findtext("name") == "Alice"
    _written(pact, tmp_path)


def test_request_matchers_accept_other_values(tmp_path: Path) -> None:
    pact = Pact("dropin-request", "dropin-users")
    (
        pact.upon_receiving("A request to rename a user")
        .given("the user exists", {"id": 5})
        .given("renaming is allowed")
        .with_request("PUT", match.regex("/users/5", regex=r"/users/\d+"))
        .with_header("Content-Type", "application/json")
        .with_body({"name": match.str("Alice"), "age": match.int(30)}, "application/json")
        .will_respond_with(200)
        .with_body({"ok": match.bool(True)})
    )
    with pact.serve() as srv:
        response = requests.put(f"{srv.url}/users/77", json={"name": "Zed", "age": 41},
                                timeout=5)
    assert response.json() == {"ok": True}
    document = _written(pact, tmp_path)
    (interaction,) = document["interactions"]
    assert [s["name"] for s in interaction["providerStates"]] == [
        "the user exists", "renaming is allowed"]


def test_headers_and_query_parameters_in_bulk(tmp_path: Path) -> None:
    pact = Pact("dropin-bulk", "dropin-users")
    (
        pact.upon_receiving("A filtered listing")
        .with_request("GET", "/users")
        .with_query_parameters({"page": "2", "size": "10"})
        .with_headers({"Accept": "application/json", "X-Tenant": "acme"})
        .will_respond_with(200)
        .set_headers({"X-Total": "42"})
        .with_body({"users": []})
    )
    with pact.serve() as srv:
        response = requests.get(f"{srv.url}/users", params={"page": "2", "size": "10"},
                                headers={"Accept": "application/json", "X-Tenant": "acme"},
                                timeout=5)
    assert response.headers["X-Total"] == "42"
    assert response.json() == {"users": []}
    _written(pact, tmp_path)


def test_v4_annotations_and_pact_metadata(tmp_path: Path) -> None:
    pact = Pact("dropin-notes", "dropin-users").with_metadata("dropin", {"suite": "yes"})
    (
        pact.upon_receiving("An annotated request")
        .add_text_comment("see the users API guide")
        .test_name("test_v4_annotations_and_pact_metadata")
        .with_request("GET", "/annotated")
        .will_respond_with(200)
    )
    with pact.serve() as srv:
        requests.get(f"{srv.url}/annotated", timeout=5)
    document = _written(pact, tmp_path)
    assert document["metadata"]["dropin"] == {"suite": "yes"}
    (interaction,) = document["interactions"]
    assert interaction["comments"]["text"] == ["see the users API guide"]
    assert interaction["comments"]["testname"] == "test_v4_annotations_and_pact_metadata"
    assert interaction["type"] == "Synchronous/HTTP"


def test_the_pact_knows_its_parties_and_interactions() -> None:
    pact = Pact("dropin-parties", "dropin-users")
    pact.upon_receiving("first").with_request("GET", "/1").will_respond_with(200)
    pact.upon_receiving("second").with_request("GET", "/2").will_respond_with(200)
    assert (pact.consumer, pact.provider) == ("dropin-parties", "dropin-users")
    assert str(pact) == "dropin-parties -> dropin-users"
    assert sorted(i.description for i in pact.interactions("HTTP")) == ["first", "second"]


def test_arrays_with_bounds(tmp_path: Path) -> None:
    pact = Pact("dropin-arrays", "dropin-users")
    (
        pact.upon_receiving("A request for bounded lists")
        .with_request("GET", "/lists")
        .will_respond_with(200)
        .with_body({
            "two": match.each_like(match.int(1), min=2),
            "few": match.each_like({"n": match.int(1)}, max=3),
            "like_list": match.like([1, 2], min=1),
        })
    )
    with pact.serve() as srv:
        lists = requests.get(f"{srv.url}/lists", timeout=5).json()
    assert lists["two"] and set(lists["two"]) == {1}  # pact-python sends [1], accord [1, 1]
    assert lists["few"] == [{"n": 1}]
    assert lists["like_list"] == [1, 2]
    document = _written(pact, tmp_path)
    rules = document["interactions"][0]["response"]["matchingRules"]["body"]
    assert rules["$.two"]["matchers"][0]["min"] == 2


def test_generators_inside_matchers(tmp_path: Path) -> None:
    pact = Pact("dropin-generators", "dropin-users")
    (
        pact.upon_receiving("A request for generated fields")
        .with_request("GET", "/gen")
        .will_respond_with(200)
        .with_body({
            "hex": match.like("abcd", generator=generate.hex(digits=4)),
            "uuid": match.like("00000000000000000000000000000000",
                               generator=generate.uuid(format="simple")),
            "flag": match.like(True, generator=generate.bool()),
            "when": match.like("2024-01-01", generator=generate.date("%Y-%m-%d")),
            "clock": match.like("10:00", generator=generate.time("%H:%M")),
        })
    )
    with pact.serve() as srv:
        fields = requests.get(f"{srv.url}/gen", timeout=5).json()
    assert set(fields) == {"hex", "uuid", "flag", "when", "clock"}
    assert isinstance(fields["flag"], bool)
    document = _written(pact, tmp_path)
    generators = document["interactions"][0]["response"]["generators"]["body"]
    assert generators["$.when"]["type"] == "Date"
    assert generators["$.flag"]["type"] == "RandomBoolean"
