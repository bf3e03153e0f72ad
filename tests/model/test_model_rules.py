"""Matching rule and generator definitions: legacy spellings, validation, located errors."""

from __future__ import annotations

import pytest

from accord.errors import DocPathError, GeneratorError, MatchingRuleError
from accord.model import Generator, MatchingRules, Rule, RuleList, load_pact


@pytest.mark.parametrize(("data", "kind", "params"), [
    ({"match": "real"}, "decimal", {}),
    ({"match": "datetime", "datetime": "yyyy"}, "timestamp", {"format": "yyyy"}),
    ({"match": "timestamp", "timestamp": "HH"}, "timestamp", {"format": "HH"}),
    ({"match": "date", "date": "yyyy-MM-dd"}, "date", {"format": "yyyy-MM-dd"}),
    ({"match": "time", "time": "HH:mm"}, "time", {"format": "HH:mm"}),
    ({"match": "min-type", "min": 1}, "type", {"min": 1}),
    ({"match": "max-type", "max": 3}, "type", {"max": 3}),
    ({"match": "min", "min": 0}, "type", {"min": 0}),
    ({"min": 1}, "type", {"min": 1}),
    ({"max": 1}, "type", {"max": 1}),
    ({"regex": "a+"}, "regex", {"regex": "a+"}),
    ({"match": "content-type", "value": "image/png"}, "contentType", {"value": "image/png"}),
    ({"match": "contentType", "value": "image/png"}, "contentType", {"value": "image/png"}),
    ({"match": "statusCode", "status": "success"}, "statusCode", {"status": "success"}),
    ({"match": "statusCode", "status": [200, 201]}, "statusCode", {"status": [200, 201]}),
    ({"match": "include", "value": "x"}, "include", {"value": "x"}),
    ({"match": "semver"}, "semver", {}),
    ({"match": "notEmpty"}, "notEmpty", {}),
    ({"match": "values"}, "values", {}),
    ({"match": "null"}, "null", {}),
    ({"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}]}, "eachKey",
     {"rules": [{"match": "regex", "regex": "[a-z]+"}]}),
    ({"match": "arrayContains", "variants": []}, "arrayContains", {"variants": []}),
])
def test_spellings(data, kind, params):
    rule = Rule.from_json(data)
    assert rule.kind == kind and dict(rule.params) == params
    assert Rule.from_json(rule.to_json()) == rule  # written canonically, read back the same


@pytest.mark.parametrize(("data", "message"), [
    ({"match": "type", "min": 2, "max": 1}, "min 2 is greater than max 1"),
    ({"match": "type", "min": "a"}, "min must be an integer"),
    ({"match": "include"}, "needs a 'value'"),
    ({"match": "arrayContains"}, "needs a 'variants' list"),
    ({"match": "regex"}, "needs a 'regex' string"),
    ({"match": "contentType"}, "needs a 'value' content type"),
    ({"match": "statusCode"}, "needs a 'status'"),
    ({"match": "time", "format": 5}, "format must be a string"),
    ({"match": "date", "format": "yyyy-MM-dd'T"},
     "invalid date format \"yyyy-MM-dd'T\": unterminated quote at column 10"),
    ({"match": "time", "time": "HH:mm bb"}, "invalid time format 'HH:mm bb': unknown pattern"),
    ({"match": "timestamp", "format": "yyyy]"}, "unbalanced '\\]' at column 4"),
    ({"match": "datetime", "datetime": "[HH"}, "unbalanced '\\[' at column 0"),
    ({}, "has no 'match' kind"),
    ({"match": 3}, "kind must be a string"),
    ("x", "must be an object"),
    ({"match": "bogus"}, "unknown matching rule 'bogus'"),
])
def test_invalid_rules(data, message):
    with pytest.raises(MatchingRuleError, match=message):
        Rule.from_json(data, where="/here", file="f.json")


def test_rule_lists():
    assert RuleList.from_json({"matchers": [{"match": "type"}], "combine": "or"}).combine == "OR"
    assert RuleList.from_json({"match": "type"}).rules == (Rule("type"),)
    assert RuleList((Rule("type"),)).to_json() == {"matchers": [{"match": "type"}]}
    assert RuleList((Rule("type"),), "OR").to_json()["combine"] == "OR"
    with pytest.raises(MatchingRuleError, match="'matchers' must be a list"):
        RuleList.from_json({"matchers": "x"})
    with pytest.raises(MatchingRuleError, match="combine must be AND or OR"):
        RuleList.from_json({"matchers": [], "combine": "XOR"})


def test_matching_rules_helpers():
    rules = MatchingRules().with_rules("body", "$.a", RuleList((Rule("type"),)))
    assert bool(rules) and not bool(MatchingRules())
    assert list(rules) == [("body", "$.a", RuleList((Rule("type"),)))]
    assert rules.rename("body", "content").category("content") == rules.category("body")
    assert rules.rename("nope", "x") is rules


def test_generator_definitions():
    assert Generator.from_json({"type": "Timestamp", "format": "x"}).kind == "DateTime"
    assert Generator.from_json({"type": "UUID"}).kind == "Uuid"
    g = Generator.from_json({"type": "RandomInt", "min": 1})
    assert g.to_json() == {"type": "RandomInt", "min": 1} and g.get("min") == 1
    with pytest.raises(GeneratorError, match="unknown generator 'Nope'"):
        Generator.from_json({"type": "Nope"})
    with pytest.raises(GeneratorError, match="must be an object with a 'type'"):
        Generator.from_json({"min": 1})


def _pact_with(response: dict) -> dict:
    return {"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": [{"description": "d", "request": {"method": "GET", "path": "/"},
                              "response": {"status": 200, **response}}],
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}


def test_a_regex_that_does_not_compile_still_loads():
    # As in the official tools: the pact loads, and only that rule fails, at match time
    # (tests/matching/test_regex_safety.py); a regex rule without a pattern is still refused.
    doc = _pact_with({"matchingRules": {"body": {"$.a": {"matchers": [
        {"match": "regex", "regex": "(unclosed"}]}}}})
    pact = load_pact(doc, file="web-api.json")
    rules = pact.interactions[0].response.matching_rules.category("body")["$.a"]
    assert rules.rules[0].kind == "regex" and rules.rules[0].get("regex") == "(unclosed"
    doc = _pact_with({"matchingRules": {"body": {"$.a": {"matchers": [{"match": "regex"}]}}}})
    with pytest.raises(MatchingRuleError) as info:
        load_pact(doc, file="web-api.json", strict=True)
    assert info.value.file == "web-api.json"
    assert info.value.pointer == "/interactions/0/response/matchingRules/body/$.a/matchers/0"
    assert "needs a 'regex' string" in str(info.value)


def test_unknown_rule_in_a_pact_names_the_pointer():
    doc = _pact_with({"matchingRules": {"header": {"X": {"matchers": [{"match": "fuzzy"}]}}}})
    with pytest.raises(MatchingRuleError, match=r"at /interactions/0/response/matchingRules/"
                                                r"header/X/matchers/0: unknown matching rule"):
        load_pact(doc, file="f.json", strict=True)


def test_v2_bad_rule_names_the_flat_key():
    doc = _pact_with({"matchingRules": {"$.body.a": {"match": "regex", "regex": 5}}})
    doc["metadata"]["pactSpecification"]["version"] = "2.0.0"
    with pytest.raises(MatchingRuleError, match=r"matchingRules/\$\.body\.a"):
        load_pact(doc, file="f.json", strict=True)


def test_bad_docpath_keys_fail_on_read():
    doc = _pact_with({"matchingRules": {"body": {"$.a[": {"matchers": [{"match": "type"}]}}}})
    with pytest.raises(DocPathError, match=r"f\.json at /interactions/0/response/matchingRules/"
                                           r"body/\$\.a\[: path expression"):
        load_pact(doc, file="f.json", strict=True)
    doc = _pact_with({"generators": {"body": {"$..x": {"type": "RandomInt"}}}})
    with pytest.raises(DocPathError, match="generators/body"):
        load_pact(doc, file="f.json", strict=True)


def test_unknown_generator_in_a_pact_names_the_pointer():
    doc = _pact_with({"generators": {"body": {"$.a": {"type": "Fancy"}}}})
    with pytest.raises(GeneratorError, match=r"at /interactions/0/response/generators/body/\$\.a"):
        load_pact(doc, file="f.json", strict=True)
