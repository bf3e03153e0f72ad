"""Pure pieces: the Rack query parser and the content SHA."""

from __future__ import annotations

from accord.broker.api.rack_query import parse_nested_query
from accord.broker.services.content import canonical_sha, merge_pacts, with_interaction_ids


def test_rack_nested_query_starts_new_element_on_repeated_key():
    q = parse_nested_query(
        "q%5B%5D%5Bpacticipant%5D=Bar&q%5B%5D%5Bversion%5D=4.5.6&q%5B%5D%5Bpacticipant%5D=Foo"
        "&q%5B%5D%5Btag%5D=prod&latestby=cvpv&ignore%5B%5D%5Bpacticipant%5D=Foo"
    )
    assert q == {
        "q": [{"pacticipant": "Bar", "version": "4.5.6"}, {"pacticipant": "Foo", "tag": "prod"}],
        "latestby": "cvpv",
        "ignore": [{"pacticipant": "Foo"}],
    }


def test_rack_flat_encoding_and_lists():
    assert parse_nested_query("q[]pacticipant=Foo&q[]version=1&success[]=true&ignore[]=Baz") == {
        "q": [{"pacticipant": "Foo", "version": "1"}],
        "success": ["true"],
        "ignore": ["Baz"],
    }


def test_plus_and_percent_decoding():
    assert parse_nested_query("q[][pacticipant]=Foo+Thing&q[][version]=1%2e2")["q"] == [
        {"pacticipant": "Foo Thing", "version": "1.2"}
    ]


def _pact(interactions, **extra):
    return {
        "consumer": {"name": "C"},
        "provider": {"name": "P"},
        "interactions": interactions,
        **extra,
    }


def test_sha_ignores_order_whitespace_metadata_and_ids():
    a = {
        "description": "a",
        "request": {"method": "GET", "path": "/a"},
        "response": {"status": 200},
    }
    b = {
        "description": "b",
        "response": {"status": 201},
        "request": {"path": "/b", "method": "GET"},
    }
    one = _pact([a, b], metadata={"x": 1})
    two = _pact([b, a], metadata={"y": 2})
    assert canonical_sha(one) == canonical_sha(two)
    assert canonical_sha(with_interaction_ids(one)) == canonical_sha(one)
    assert canonical_sha(_pact([a])) != canonical_sha(one)


def test_interaction_ids_come_first_and_are_stable():
    doc = with_interaction_ids(_pact([{"description": "a", "response": {"status": 200}}]))
    first = doc["interactions"][0]
    assert next(iter(first)) == "_id"
    assert with_interaction_ids(doc)["interactions"][0]["_id"] == first["_id"]


def test_merge_detects_conflicts():
    a = {"description": "a", "response": {"status": 200}}
    merged, conflicts = merge_pacts(
        _pact([a]), _pact([{"description": "b", "response": {"status": 200}}])
    )
    assert [i["description"] for i in merged["interactions"]] == ["a", "b"] and not conflicts
    _, conflicts = merge_pacts(
        _pact([a]), _pact([{"description": "a", "response": {"status": 500}}])
    )
    assert conflicts == ["a"]


def test_display_names_follow_the_official_rule():
    from accord.broker.services.names import display_name

    cases = {
        "production": "Production",
        "pre-prod": "Pre Prod",
        "my_env": "My Env",
        "myApp": "My App",
        "HTTPServer": "HTTP Server",
        "foo.bar": "Foo Bar",
        "prod2": "Prod2",
        "  spaced   name ": "Spaced Name",
    }
    assert {name: display_name(name) for name in cases} == cases
