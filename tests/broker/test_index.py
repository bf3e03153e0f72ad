"""The index, heartbeat, OPTIONS, base URLs and raw-path routing."""

from __future__ import annotations

from accord.broker.api.index import RELATIONS

from .helpers import publish


def test_index_has_every_relation_with_official_templated_flags(client):
    links = client.get("/").json()["_links"]
    for rel, path, _title, templated in RELATIONS:
        assert links[rel]["href"] == "http://broker" + path
        if templated is not None:
            assert links[rel]["templated"] is templated
    assert links["pb:tagged-pact-versions"]["templated"] is False
    assert links["beta:provider-pacts-for-verification"]["name"] == "beta"
    assert "templated" not in links["pb:metrics"]
    assert {c["name"] for c in links["curies"]} == {"pb", "beta"}


def test_index_content_type_and_headers(client):
    response = client.get("/")
    assert response.headers["content-type"] == "application/hal+json;charset=utf-8"
    assert response.headers["vary"] == "Accept"
    assert "x-pact-broker-version" in response.headers


def test_heartbeat(client):
    assert client.get("/diagnostic/status/heartbeat").status_code == 200


def test_options_lists_methods(client):
    response = client.options("/pacticipants/Foo")
    assert response.status_code == 200
    assert "PATCH" in response.headers["access-control-allow-methods"]


def test_unknown_path_is_404_json(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert "error" in response.json()


def test_method_not_allowed(client):
    assert client.post("/pacts/latest", json={}).status_code == 405


def test_forwarded_headers_build_links(make_client):
    client = make_client(forwarded_allow_ips=("*",))
    links = client.get(
        "/",
        headers={
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "pacts.example.com",
            "X-Forwarded-Prefix": "/broker",
        },
    ).json()["_links"]
    assert links["self"]["href"] == "https://pacts.example.com/broker"


def test_configured_base_url_wins(make_client):
    client = make_client(base_url="https://public.example.org/pact")
    assert (
        client.get("/").json()["_links"]["pb:pacticipants"]["href"]
        == "https://public.example.org/pact/pacticipants"
    )


def test_encoded_slash_in_branch_name_routes_as_one_segment(client):
    publish(client, "Foo", "1", "Bar", branch="feat/x")
    response = client.get("/pacticipants/Foo/branches/feat%2Fx")
    assert response.status_code == 200
    assert response.json()["name"] == "feat/x"
    assert response.json()["_links"]["self"]["href"].endswith("/branches/feat%2Fx")
    assert client.delete("/pacticipants/Foo/branches/feat%2Fx").status_code == 204
    assert client.get("/pacticipants/Foo/branches/feat%2Fx").status_code == 404


def test_space_in_names(client):
    publish(client, "Foo Thing", "1", "Pricing Service")
    assert client.get("/pacticipants/Pricing%20Service").json()["name"] == "Pricing Service"
