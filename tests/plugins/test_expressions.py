"""Matching rule definitions (the plugin configuration language) parse as the official ones."""

from __future__ import annotations

import pytest

from accord.errors import MatchingRuleError
from accord.model.generators import Generator
from accord.model.rules import Rule
from accord.plugins import is_definition, parse_definition


@pytest.mark.parametrize(
    ("text", "value", "rules", "generator"),
    [
        ("matching(type,'Name')", "Name", [Rule("type")], None),
        ("matching(equalTo, 'x')", "x", [Rule("equality")], None),
        ("matching(number,100)", 100, [Rule("number")], None),
        ("matching(integer, -7)", -7, [Rule("integer")], None),
        ("matching(decimal, 1.5)", 1.5, [Rule("decimal")], None),
        ("matching(boolean, false)", False, [Rule("boolean")], None),
        (
            "matching(datetime, 'yyyy-MM-dd','2000-01-01')",
            "2000-01-01",
            [Rule("timestamp", {"format": "yyyy-MM-dd"})],
            Generator("DateTime", {"format": "yyyy-MM-dd"}),
        ),
        (
            "matching(date, 'yyyy-MM-dd', '2000-01-01')",
            "2000-01-01",
            [Rule("date", {"format": "yyyy-MM-dd"})],
            Generator("Date", {"format": "yyyy-MM-dd"}),
        ),
        ("matching(regex, '\\\\w+', 'x')", "x", [Rule("regex", {"regex": "\\w+"})], None),
        ("matching(regex, '\\d+', '12')", "12", [Rule("regex", {"regex": "\\d+"})], None),
        ("matching(include, 'ell')", "ell", [Rule("include", {"value": "ell"})], None),
        ("matching(semver, '1.2.3')", "1.2.3", [Rule("semver")], None),
        ("notEmpty('x')", "x", [Rule("notEmpty")], None),
        ("atLeast(2)", None, [Rule("type", {"min": 2})], None),
        (
            "matching(regex, '\\d+', '12'), notEmpty('12')",
            "12",
            [Rule("regex", {"regex": "\\d+"}), Rule("notEmpty")],
            None,
        ),
        (
            "matching(integer, fromProviderState('${id}', 3))",
            3,
            [Rule("integer")],
            Generator("ProviderState", {"expression": "${id}", "dataType": "INTEGER"}),
        ),
        ("matching(type, 'it\\'s')", "it's", [Rule("type")], None),
    ],
)
def test_definitions_parse_into_value_rules_and_generator(text, value, rules, generator):
    d = parse_definition(text)
    assert d.value == value
    assert list(d.rules) == rules
    assert d.generator == generator


def test_the_example_as_text_is_what_a_csv_cell_holds():
    assert parse_definition("matching(boolean, true)").text == "true"
    assert parse_definition("matching(number, 100)").text == "100"
    assert parse_definition("atLeast(1)").text == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("matching(foo, 1)", "unknown matcher 'foo'"),
        ("matching(type", "expected ',', but the definition ended"),
        ("matching(type, 1) x", "unexpected 'x'"),
        ("matching(type, x)", "expected a value, got 'x'"),
        ("matching(integer, 1.5)", "integer needs a whole number"),
        ("matching(regex, '[', 'x')", "invalid regular expression '['"),
        ("matching(datetime, 'yyyy-bb', 'x')", "invalid timestamp format"),
        ("frobnicate(1)", "unknown function 'frobnicate'"),
        ("", "non-empty string"),
    ],
)
def test_bad_definitions_say_what_and_where(text, message):
    with pytest.raises(MatchingRuleError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse_definition(text)


def test_is_definition_tells_definitions_from_plain_values():
    assert is_definition("matching(type,'x')")
    assert is_definition("  notEmpty('x')")
    assert not is_definition("Name")
    assert not is_definition(100)
