"""Pact files from the wild that the official tools load, accord loads too (and means the same).

The fixtures are under tests/data/real-world (see SOURCES.md there).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.errors import PactDowngradeWarning
from accord.matching import match_request, match_response
from accord.model import (
    AsynchronousMessage,
    Body,
    HttpRequest,
    HttpResponse,
    SpecVersion,
    SynchronousHttp,
    dump_pact,
    load_pact,
)
from accord.pactfile import read_pact

DATA = Path(__file__).resolve().parents[1] / "data" / "real-world"


def fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def http(pact, index: int = 0) -> SynchronousHttp:
    interaction = pact.interactions[index]
    assert isinstance(interaction, SynchronousHttp)
    return interaction


def rule_kinds(rule_list) -> list[tuple[str, dict]]:
    return [(r.kind, dict(r.params)) for r in rule_list.rules]


# ---------------------------------------------------------------- 1. rule paths without '$'


def test_body_rule_and_generator_paths_without_root_are_read_from_the_root():
    pact = read_pact(DATA / "rootless-rule-paths.json")
    response = http(pact).response
    body_rules = response.matching_rules.category("body")
    assert set(body_rules) == {"data", "data[*].id", "meta.*"}
    assert pact.load_warnings == ()
    # they mean what $.data, $.data[*].id and $.meta.* mean
    good = HttpResponse(status=200, headers={"Content-Type": ("application/json",)},
                        body=Body.of_json({"data": [{"id": 5, "name": "b"}, {"id": 6, "name": "c"}],
                                           "meta": {"page": 3, "size": 20}}))
    assert match_response(response, good).ok
    bad = HttpResponse(status=200, headers={"Content-Type": ("application/json",)},
                       body=Body.of_json({"data": [{"id": "x", "name": "b"}],
                                          "meta": {"page": "3", "size": 20}}))
    paths = {m.path for m in match_response(response, bad).mismatches}
    assert paths == {"$.data[0].id", "$.meta.page"}
    assert set(response.generators.category("body")) == {"data[*].id"}


# ---------------------------------------------------------------- 2 and 4. states, descriptions


def test_message_without_description_and_odd_provider_states_load_as_the_core_reads_them():
    pact = read_pact(DATA / "odd-provider-states-and-messages.json")
    assert pact.unreadable == ()
    first, second = pact.interactions
    assert isinstance(first, AsynchronousMessage) and isinstance(second, AsynchronousMessage)
    # the official core names a message without description "Message <index>"
    assert first.description == "Message 0"
    # a string where an array belongs is the one state it names
    assert [s.name for s in first.provider_states] == ["an order was placed"]
    assert [(s.name, dict(s.params)) for s in second.provider_states] == [
        ("42", {}), ("cancellation enabled", {})]
    warnings = pact.load_warnings
    assert any("/messages/0/providerStates: 'providerStates' should be an array" in w
               for w in warnings)
    assert any("/messages/1/providerStates/0/name: a provider state's name is not a string"
               in w for w in warnings)
    assert any("/messages/1/providerStates/1/params: params must be a JSON object" in w
               for w in warnings)
    assert all(str(DATA / "odd-provider-states-and-messages.json") in w for w in warnings)


@pytest.mark.parametrize(("states", "names"), [
    ({"providerState": None}, []),
    ({"providerState": ""}, []),
    ({"providerState": "s"}, ["s"]),
    ({"provider_state": "s"}, ["s"]),
    ({"providerState": 3}, ["3"]),
    ({"providerStates": None}, []),
    ({"providerStates": {"name": "one"}}, ["one"]),
    ({"providerStates": ["a", {"name": "b"}]}, ["a", "b"]),
    ({"providerStates": True}, []),
])
def test_provider_state_spellings(states, names):
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "interactions": [{"description": "d", "request": {}, "response": {}, **states}]}
    pact = load_pact(doc)
    assert [s.name for s in http(pact).provider_states] == names


def test_http_interaction_without_description_is_named_by_position():
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [
        {"description": "first", "request": {}, "response": {}},
        {"request": {"path": "/b"}, "response": {}},
        {"description": 12, "request": {}, "response": {}}]}
    pact = load_pact(doc)
    assert [i.description for i in pact.interactions] == ["first", "Interaction 1", "12"]
    assert pact.interactions[2].load_warnings == (
        "at /interactions/2/description: the description is not a string; read as '12'",)


# ---------------------------------------------------------------- 3. Ruby Pact::Term


def test_ruby_terms_become_examples_and_rules():
    pact = read_pact(DATA / "ruby-v1-pact-term.json")
    assert pact.unreadable == () and pact.load_warnings == ()
    interaction = http(pact)
    request, response = interaction.request, interaction.response
    assert request.headers["Authorization"] == ("Bearer abc123",)
    assert rule_kinds(request.matching_rules.category("header")["Authorization"]) == [
        ("regex", {"regex": "^Bearer [a-z0-9]+$"})]
    # Ruby's IGNORECASE option bit becomes an inline flag; Ruby searches (=~), so an
    # unanchored pattern is widened to the whole value
    assert rule_kinds(response.matching_rules.category("header")["Content-Type"]) == [
        ("regex", {"regex": "(?i)[\\s\\S]*?(?:application/json)[\\s\\S]*"})]
    assert response.body.json == {
        "test": "NO", "validDate": "2018-11-29T15:45:45+00:00", "count": 5,
        "items": [{"id": 1, "kind": "book"}, {"id": 1, "kind": "book"}]}
    body = {k: rule_kinds(v) for k, v in response.matching_rules.category("body").items()}
    assert body == {
        "$.validDate": [("regex", {"regex": "[\\s\\S]*?(?:\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:"
                                            "\\d{2}(\\+|\\-)\\d{2}:\\d{2})[\\s\\S]*"})],
        "$.count": [("type", {})],
        "$.items": [("type", {"min": 2})],
        "$.items[*].id": [("type", {})],
        "$.items[*].kind": [("regex", {"regex": "^(book|film)$"})],
    }


def test_ruby_terms_match_as_the_ruby_tools_match_them():
    interaction = http(read_pact(DATA / "ruby-v1-pact-term.json"))

    def answer(body: dict, content_type: str = "Application/JSON;charset=utf-8") -> HttpResponse:
        return HttpResponse(status=200, headers={"Content-Type": (content_type,)},
                            body=Body.of_json(body))

    good = {"test": "NO", "validDate": "2024-02-03T01:02:03-05:00", "count": 99,
            "items": [{"id": 7, "kind": "film"}, {"id": 8, "kind": "book"}]}
    assert match_response(interaction.response, answer(good), spec=SpecVersion.V1).ok
    bad = {**good, "validDate": "yesterday", "count": "many",
           "items": [{"id": 7, "kind": "song"}, {"id": 8, "kind": "book"}]}
    found = match_response(interaction.response, answer(bad, "text/plain"), spec=SpecVersion.V1)
    assert {m.path for m in found.mismatches} >= {
        "$.validDate", "$.count", "$.items[0].kind", "Content-Type"}
    assert "$.items" in {m.path for m in match_response(
        interaction.response, answer({**good, "items": [good["items"][0]]})).mismatches}
    request = HttpRequest(method="GET", path="/provider/validDate",
                          query={"date": ("2018-11-29",)},
                          headers={"Authorization": ("Bearer zzz9",)})
    assert match_request(interaction.request, request, spec=SpecVersion.V1).ok


def test_ruby_terms_in_path_query_and_header_lists():
    term = {"json_class": "Pact::Term", "data": {"generate": "/orders/1", "matcher": {
        "json_class": "Regexp", "o": 0, "s": "^/orders/\\d+$"}}}  # anchored: kept as is
    q = {"json_class": "Pact::Term", "data": {"generate": "2", "matcher": "^\\d+$"}}
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{
        "description": "d", "request": {"method": "GET", "path": term,
                                        "query": {"page": [q], "size": q},
                                        "headers": {"Accept": [q]}},
        "response": {"status": 200}}], "metadata": {"pactSpecification": {"version": "2.0.0"}}}
    request = http(load_pact(doc)).request
    assert request.path == "/orders/1"
    assert request.query == {"page": ("2",), "size": ("2",)}
    assert request.headers == {"Accept": ("2",)}
    rules = request.matching_rules
    assert rule_kinds(rules.category("path")[""]) == [("regex", {"regex": "^/orders/\\d+$"})]
    assert set(rules.category("query")) == {"page", "size"}
    assert set(rules.category("header")) == {"Accept"}


def test_a_broken_ruby_term_fails_only_its_interaction():
    broken = {"json_class": "Pact::Term", "data": {"matcher": {"json_class": "Regexp", "s": "x"}}}
    doc = fixture("ruby-v1-pact-term.json")
    doc["interactions"][0]["response"]["body"]["validDate"] = broken
    pact = load_pact(doc, file="ruby.json")
    assert [i.description for i in pact.interactions] == ["a request without a date"]
    (unreadable,) = pact.unreadable
    assert unreadable.description == "a request for a valid date"
    assert unreadable.reason == ("ruby.json at /interactions/0/response: a Pact::Term needs a "
                                 "'generate' example string")


def test_json_class_objects_that_are_not_ruby_matchers_are_data():
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{
        "description": "d", "request": {},
        "response": {"body": {"json_class": "Company", "data": {"id": 1}}}}]}
    assert http(load_pact(doc)).response.body.json == {"json_class": "Company", "data": {"id": 1}}


# ---------------------------------------------------------------- 5. V2 bracket header rules


def test_v2_header_rules_in_bracket_form_are_header_rules():
    interaction = http(read_pact(DATA / "pact-js-v2-bracket-headers.json"))
    request_rules = interaction.request.matching_rules
    assert set(request_rules.category("header")) == {"se-api-token", "X-Foo"}
    assert rule_kinds(request_rules.category("header")["se-api-token"]) == [
        ("regex", {"regex": "^[a-z]+-[0-9]+$"})]
    assert set(interaction.response.matching_rules.category("header")) == {"Content-Type"}
    request = HttpRequest(method="GET", path="/things",
                          headers={"se-api-token": ("xyz-987",), "X-Foo": ("other",)})
    assert match_request(interaction.request, request).ok
    wrong = HttpRequest(method="GET", path="/things",
                        headers={"se-api-token": ("nope",), "X-Foo": ("other",)})
    assert [m.path for m in match_request(interaction.request, wrong).mismatches] == [
        "se-api-token"]
    # written back as V2 in the usual spelling, and read again the same
    again = load_pact(dump_pact(read_pact(DATA / "pact-js-v2-bracket-headers.json")))
    assert http(again).request.matching_rules == request_rules


def test_v2_bracket_header_rule_with_an_index_matches_that_header():
    # pact-jvm's v2-pact-encoded-query-headers.json: "$.header['se-token'][0]" was kept as the
    # name "['se-token'][0]", and the mock answered every request with a 500
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"},
           "metadata": {"pactSpecification": {"version": "2.0.0"}},
           "interactions": [{"description": "d", "request": {
               "method": "GET", "path": "/count", "headers": {"se-token": "ABC123"},
               "matchingRules": {"$.header['se-token'][0]": {"match": "regex",
                                                             "regex": "[A-Z]+[0-9]+"}}},
               "response": {"status": 200}}]}
    expected = http(load_pact(doc, strict=True)).request
    assert match_request(expected, HttpRequest(method="GET", path="/count",
                                               headers={"se-token": ("XYZ9",)})).ok
    wrong = match_request(expected, HttpRequest(method="GET", path="/count",
                                                headers={"se-token": ("abc",)}))
    assert [m.path for m in wrong.mismatches] == ["se-token"]


@pytest.mark.parametrize(("key", "category", "name"), [
    ("$.headers.X-Foo", "header", "X-Foo"),
    ("$.header.X-Foo", "header", "X-Foo"),
    ("$.header['X-Foo']", "header", "X-Foo"),
    ('$.headers["X-Foo"]', "header", "X-Foo"),
    ("$.query.q", "query", "q"),
    ("$.query['ids[]']", "query", "ids[]"),
    ("$.header['se-token'][0]", "header", "se-token[0]"),  # pact-jvm's test pact
    ('$.headers["X-Foo"][*]', "header", "X-Foo[*]"),
    ("$.path", "path", ""),
    ("$.status", "status", ""),
])
def test_v2_rule_key_spellings(key, category, name):
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "interactions": [{
        "description": "d", "request": {"matchingRules": {key: {"match": "type"}}},
        "response": {}}], "metadata": {"pactSpecification": {"version": "2.0.0"}}}
    rules = http(load_pact(doc, strict=True)).request.matching_rules
    assert list(rules.category(category)) == [name]


# ---------------------------------------------------------------- 6. V2 with generators


def test_v2_pact_with_generators_reads_and_writes_back_without_them_with_a_warning():
    pact = read_pact(DATA / "v2-with-generators.json")
    assert set(http(pact).response.generators.category("body")) == {"$.id"}
    with pytest.warns(PactDowngradeWarning, match=r"interaction 'an order': a V2 pact file "
                                                  r"cannot hold generators; written without "
                                                  r"those on body \$\.id"):
        written = dump_pact(pact)
    response = written["interactions"][0]["response"]
    assert "generators" not in response
    assert response["matchingRules"] == {"$.body.id": {"match": "type"}}
    assert response["body"] == {"id": 1, "ref": "abc"}
    # V3 keeps them
    v3 = dump_pact(pact, "3.0.0")["interactions"][0]["response"]
    assert v3["generators"] == {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 10}}}


def test_ruby_terms_in_message_contents():
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "messages": [{
        "description": "m", "contents": {"id": {"json_class": "Pact::SomethingLike",
                                                "contents": 3}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    (message,) = load_pact(doc).interactions
    assert isinstance(message, AsynchronousMessage)
    assert message.contents.body.json == {"id": 3}
    assert rule_kinds(message.contents.matching_rules.category("body")["$.id"]) == [("type", {})]
