"""The CSV plugin on its own: configuring, matching and generating CSV bodies."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from accord.generation import GeneratorContext
from accord.matching import DEFAULT_CATALOGUE
from accord.matching import match_response as match_any
from accord.model import Body, HttpResponse, MatchingRules
from accord.model.generators import Generator
from accord.model.rules import Rule, RuleList
from accord.plugins import PluginError, generate_contents
from accord.plugins.csv import CsvPlugin

WITH_CSV = DEFAULT_CATALOGUE.with_plugin(CsvPlugin)  # the plugin, for these tests only


def match_response(expected: HttpResponse, actual: HttpResponse, **options: object):
    return match_any(expected, actual, catalogue=WITH_CSV, **options)


CSV = CsvPlugin()
NO_HEADERS = {
    "csvHeaders": False,
    "column:1": "matching(type,'Name')",
    "column:2": "matching(number,100)",
    "column:3": "matching(datetime, 'yyyy-MM-dd','2000-01-01')",
}


def test_columns_by_number_without_headers_as_the_official_plugin_writes_them():
    contents = CSV.configure_contents("text/csv", NO_HEADERS)

    assert contents.body.text == "Name,100,2000-01-01\n"
    assert contents.body.content_type == "text/csv"
    assert {k: [r.to_json() for r in v.rules] for k, v in contents.matching_rules.items()} == {
        "column:1": [{"match": "type"}],
        "column:2": [{"match": "number"}],
        "column:3": [{"match": "timestamp", "format": "yyyy-MM-dd"}],
    }
    assert {k: g.to_json() for k, g in contents.generators.items()} == {
        "column:3": {"type": "DateTime", "format": "yyyy-MM-dd"}
    }
    assert contents.plugin_config == {"csvHeaders": False}
    assert contents.interaction_markup == "# Data\n\n|Name|100|2000-01-01|\n"


def test_with_headers_columns_may_be_named_and_numbered():
    contents = CSV.configure_contents("text/csv", {
        "column:1": "matching(type,'Alice')",
        "column:Age": "matching(integer, 30)",
    })
    assert contents.body.text == "1,Age\nAlice,30\n"
    assert set(contents.matching_rules) == {"column:1", "column:Age"}
    assert contents.plugin_config == {"csvHeaders": True}
    assert contents.interaction_markup.startswith("# Data\n\n|1|Age|\n|---|---|\n")


def test_gaps_between_numbered_columns_are_empty_cells():
    contents = CSV.configure_contents("text/csv", {"csvHeaders": False, "column:3": "x"})
    assert contents.body.text == ",,x\n"
    assert contents.matching_rules == {}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"colum:1": "x"}, "'colum:1' is not a column"),
        ({"column:0": "x"}, "numbered from 1"),
        ({"csvHeaders": False, "column:Name": "x"}, "csvHeaders is false"),
        ({"column:1": "matching(type"}, "'column:1': matching definition"),
        ({"column:1": ["a"]}, "expected a matching definition"),
        ({"csvHeaders": True}, "no columns configured"),
    ],
)
def test_bad_configurations_are_refused_with_the_column_named(config, message):
    with pytest.raises(PluginError, match=message.replace("(", r"\(")):
        CSV.configure_contents("text/csv", config)


def expected_response(config=NO_HEADERS) -> HttpResponse:
    contents = CSV.configure_contents("text/csv", config)
    return HttpResponse(
        status=200,
        body=contents.body,
        matching_rules=MatchingRules({"body": dict(contents.matching_rules)}),
    )


def actual(text: str) -> HttpResponse:
    return HttpResponse(status=200, body=Body.of_text(text, "text/csv"))


def test_every_row_is_matched_against_the_example_row():
    result = match_response(expected_response(), actual(
        "Alice,12,2021-03-04\nBob,7.5,1999-12-31\n"))
    assert result.ok, result.describe()


def test_a_column_that_breaks_its_rule_is_reported_with_row_and_column():
    result = match_response(expected_response(), actual(
        "Alice,12,2021-03-04\nBob,many,31/12/1999\n"))
    assert [(m.path, m.expected, m.actual) for m in result.mismatches] == [
        ("row:2, column:2", "100", "many"),
        ("row:2, column:3", "2000-01-01", "31/12/1999"),
    ]
    assert result.mismatches[0].message == "Expected 'many' to match a number"
    assert "yyyy-MM-dd" in result.mismatches[1].message


def test_rows_with_too_few_columns_fail_and_extra_columns_are_allowed_in_responses():
    result = match_response(expected_response(), actual("Alice,12\n"))
    assert [m.message for m in result.mismatches] == ["Expected 3 columns, but row 1 has 2"]
    assert match_response(expected_response(), actual("Alice,12,2021-03-04,extra\n")).ok


def test_columns_without_rules_are_compared_by_equality():
    expected = expected_response({"csvHeaders": False, "column:1": "fixed",
                                  "column:2": "matching(number,1)"})
    assert match_response(expected, actual("fixed,2\n")).ok
    result = match_response(expected, actual("other,2\n"))
    assert [m.message for m in result.mismatches] == [
        "Expected column 1 value to equal 'fixed', but got 'other'"]


def test_with_headers_columns_are_found_by_name_in_any_order():
    expected = expected_response({"column:Name": "matching(type,'Alice')",
                                  "column:Age": "matching(integer, 30)"})
    assert match_response(expected, actual("Age,Name\n41,Bob\n")).ok
    result = match_response(expected, actual("Name,Years\nBob,41\n"))
    assert [m.path for m in result.mismatches] == ["column:Age"]
    assert "Expected a column 'Age', but was missing" in result.mismatches[0].message
    result = match_response(expected, actual("Name,Age\nBob,forty\n"))
    assert [m.path for m in result.mismatches] == ["row:2, column:2 (Age)"]


def test_no_data_rows_is_a_mismatch():
    result = match_response(expected_response(), HttpResponse(
        status=200, body=Body.of_text("\n", "text/csv")))
    assert [m.message for m in result.mismatches] == [
        "Expected at least one row of CSV data, got none"]


def test_an_undecodable_body_is_reported_not_raised():
    result = match_response(expected_response(), HttpResponse(
        status=200, body=Body.of_bytes(b"\xff\xfe\x00bad", "text/csv")))
    assert "UTF-8" in result.describe()


def test_rules_combined_with_or():
    rules = MatchingRules({"body": {"column:1": RuleList(
        (Rule("integer"), Rule("regex", {"regex": "n/a"})), "OR")}})
    expected = HttpResponse(status=200, body=Body.of_text("1\n", "text/csv"),
                            matching_rules=rules)
    assert match_response(expected, actual("n/a\n")).ok
    assert match_response(expected, actual("7\n")).ok
    assert not match_response(expected, actual("x\n")).ok


def ctx(mode="consumer") -> GeneratorContext:
    return GeneratorContext(mode, now=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
                            random=random.Random(3), catalogue=WITH_CSV)


def test_generators_replace_the_column_in_every_row():
    body = Body.of_text("Name,100,2000-01-01\nBob,7,2000-01-02\n", "text/csv;charset=UTF-8")
    gens = {"column:3": Generator("DateTime", {"format": "yyyy-MM-dd"})}
    generated = generate_contents(body, gens, ctx())
    assert generated.text == "Name,100,2000-01-01\nBob,7,2024-05-06\n"  # two rows: a header
    one_row = Body.of_text("Name,100,2000-01-01\n", "text/csv")
    assert generate_contents(one_row, gens, ctx()).text == "Name,100,2024-05-06\n"


def test_generators_by_header_name_and_provider_state():
    body = Body.of_text("Name,Id\nAlice,1\n", "text/csv")
    gens = {"column:Id": Generator("ProviderState", {"expression": "${id}",
                                                     "dataType": "INTEGER"})}
    assert generate_contents(body, gens, ctx()).text == body.text  # consumer: kept
    provider = GeneratorContext("provider", now=datetime(2024, 1, 1, tzinfo=UTC),
                                random=random.Random(1), provider_state={"id": 42},
                                catalogue=WITH_CSV)
    assert generate_contents(body, gens, provider).text == "Name,Id\nAlice,42\n"


def test_bodies_of_other_content_types_are_not_touched_by_plugin_generation():
    body = Body.of_json({"a": 1})
    assert generate_contents(body, {"$.a": Generator("RandomInt", {})}, ctx()) is body


def test_a_hand_written_table_is_compared_row_by_row():
    """A CSV body declared with with_body (several rows, no plugin) keeps exact semantics."""
    expected = HttpResponse(status=200, body=Body.of_text("id,name\n1,a\n2,b\n", "text/csv"))
    assert match_response(expected, actual("id,name\n1,a\n2,b\n")).ok
    result = match_response(expected, actual("id,name\n1,a\n2,c\n"))
    assert [(m.path, m.message) for m in result.mismatches] == [
        ("row:3, column:2 (name)", "Expected column 2 value to equal 'b', but got 'c'")]
    result = match_response(expected, actual("id,name\n1,a\n"))
    assert [m.message for m in result.mismatches] == [
        "Expected 2 rows of CSV data, but got 1"]
