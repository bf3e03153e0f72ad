"""Regex rules never hang matching, take Java syntax, and an invalid one fails only its field.

Wall-clock checks here are hang detectors with wide margins (a hang runs for hours), never
measurements of speed.
"""

from __future__ import annotations

import time

import pytest
from accord_matching_helpers import response

from accord.matching import match_response
from accord.model import load_response
from accord.model.regex import (
    BACKTRACKING_TIME_LIMIT,
    RegexError,
    RegexTimeout,
    compile_pattern,
    regex_problem,
)
from accord.model.spec import SpecVersion

HANG_GUARD = 20.0  # seconds: far above any honest run, far below a hang


def regex_rule(pattern: str, path: str = "$.x") -> dict:
    return {"body": {path: {"matchers": [{"match": "regex", "regex": pattern}]}}}


def test_a_catastrophic_pattern_against_34_characters_answers_at_once() -> None:
    # ^(a+)+$ takes Python's re hours on this value; RE2 is linear in the value.
    expected = response({"x": "aaa"}, rules=regex_rule("^(a+)+$"))
    start = time.monotonic()
    result = match_response(expected, response({"x": "a" * 34 + "b"}))
    assert time.monotonic() - start < HANG_GUARD
    assert [m.message for m in result.mismatches] == [
        f"Expected '{'a' * 34}b' to match '^(a+)+$'"]
    assert compile_pattern("^(a+)+$").linear
    assert match_response(expected, response({"x": "a" * 100_000})).ok


@pytest.mark.parametrize(("pattern", "value", "matches"), [
    (r"(ab)\1", "abab", True),  # back-reference
    (r"(ab)\1", "abba", False),
    (r"(?=\d{3})\w+", "123abc", True),  # look-ahead
    (r"(?!x)\w+", "xyz", False),
    (r"\w+(?<=z)", "xyz", True),  # look-behind
    (r"a++b", "aab", True),  # possessive
    (r"a++a", "aaa", False),  # possessive quantifiers do not give back: as in Java
    (r"(?>a+)b", "aab", True),  # atomic group
    (r"\d{1,5000}", "12345", True),  # counts over RE2's 1000
    (r"(?x) \d+ - \d+  # free-spacing", "12-34", True),
])
def test_java_constructs_re2_lacks_still_match(pattern: str, value: str, matches: bool) -> None:
    compiled = compile_pattern(pattern)
    assert not compiled.linear
    assert compiled.fullmatch(value) is matches


@pytest.mark.parametrize(("pattern", "value", "matches"), [
    (r"\Qa.b*\E", "a.b*", True),
    (r"\Qa.b*\E", "axbb", False),
    (r"(?<year>\d{4})-\d\d", "2024-01", True),
    (r"[\p{Alpha}_]+", "ab_C", True),  # a POSIX class inside a class
    (r"\p{Alpha}+", "é", False),  # Java's \p{Alpha} is ASCII
    (r"\p{L}+", "é", True),
    (r"\P{Digit}+", "ab", True),
    (r"\h+", " \t", True),
    (r"\u0041\x{42}", "AB", True),
    (r"abc\Z", "abc", True),
    (r"\d+", "٣", False),  # \d is ASCII, as in Java (Python's re says yes)
    (r"(?i)abc", "ABC", True),
    (r"b", "abc", False),  # a rule matches the whole value
    (r"[^]a]+", "bc", True),
])
def test_java_syntax_is_translated(pattern: str, value: str, matches: bool) -> None:
    compiled = compile_pattern(pattern)
    assert compiled.linear, compiled.translated
    assert compiled.fullmatch(value) is matches


def test_a_backtracking_pattern_that_runs_away_is_stopped_and_then_abandoned() -> None:
    pattern = r"(a|aa)+(?=b)c"  # needs the backtracking engine, and explodes on a's
    items = ["a" * 40] * 50
    rules = regex_rule(pattern, "$.x[*]")
    rules["body"]["$.x"] = {"matchers": [{"match": "type", "min": 1}]}
    expected = response({"x": ["ac"]}, rules=rules)
    start = time.monotonic()
    result = match_response(expected, response({"x": items}))
    elapsed = time.monotonic() - start
    # one time limit for the first item; the other 49 fail at once
    assert elapsed < HANG_GUARD
    assert len(result.mismatches) == 50
    first = result.mismatches[0].message
    assert first.startswith(f"regex '{pattern}' in matching rule gave up: matching a 40-character"
                            f" value took longer than {BACKTRACKING_TIME_LIMIT:g} s")
    assert "catastrophic backtracking" in first
    with pytest.raises(RegexTimeout):
        compile_pattern(pattern).fullmatch("ac")  # abandoned for good: fails fast


def test_an_invalid_regex_fails_only_its_field() -> None:
    expected = load_response({
        "status": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"x": "abc", "y": "ok", "z": "1"},
        "matchingRules": {"body": {
            "$.x": {"matchers": [{"match": "regex", "regex": "[a-"}]},
            "$.z": {"matchers": [{"match": "regex", "regex": r"\d+"}]},
        }},
    }, SpecVersion.V3)
    actual = response({"x": "abc", "y": "ok", "z": "42"})
    result = match_response(expected, actual)
    assert [(m.path, m.message) for m in result.mismatches] == [
        ("$.x", "invalid regex '[a-' in matching rule: unterminated character set at position 3")]
    assert result.mismatches[0].describe().startswith("$.x -> invalid regex '[a-'")


def test_an_invalid_regex_on_a_header_names_the_header() -> None:
    expected = response(headers={"X-Id": "1"}, rules={
        "header": {"X-Id": {"matchers": [{"match": "regex", "regex": "(1"}]}}})
    result = match_response(expected, response(headers={"X-Id": "1"}))
    assert [m.message for m in result.mismatches] == [
        "Mismatch with header 'X-Id': invalid regex '(1' in matching rule: "
        "missing ) at position 2"]


@pytest.mark.parametrize(("pattern", "reason"), [
    ("[a-", "unterminated character set"),
    ("(a", "missing )"),
    ("\\", "trailing backslash"),
    ("*a", "nothing to repeat"),
    (r"\x{zz}", "bad \\x{...} escape"),
    ("((a{100}){100}){101}", "nested repetition counts multiply to 1,010,000"),
])
def test_invalid_patterns_say_why(pattern: str, reason: str) -> None:
    with pytest.raises(RegexError) as info:
        compile_pattern(pattern)
    assert reason in info.value.reason
    assert reason in (regex_problem(pattern) or "")


def test_huge_nested_counts_are_refused_before_compiling() -> None:
    # The backtracking engine expands counted repetition while compiling: minutes for this.
    start = time.monotonic()
    assert regex_problem("(?:(?:a{1000}){1000}){1000}(?=a)") is not None
    assert time.monotonic() - start < HANG_GUARD


def test_a_mismatch_quotes_a_bounded_excerpt_of_a_huge_value() -> None:
    value = "z" * 1_000_000
    expected = response({"x": "a"}, rules=regex_rule("a+"))
    [mismatch] = match_response(expected, response({"x": value})).mismatches
    assert mismatch.message == f"Expected '{'z' * 200}… (1,000,000 chars)' to match 'a+'"


def test_lone_surrogates_in_values_and_patterns_do_not_break_matching() -> None:
    # JSON may carry "\ud800"; RE2 reads UTF-8, which cannot hold one.
    assert compile_pattern("a.c").fullmatch("a\ud800c")
    found = compile_pattern("a(.)c").search("xa\ud800c")
    assert found is not None and (found.start(), found.end()) == (1, 4)
    odd = compile_pattern("\ud800?x")  # not UTF-8: the other engine takes it
    assert not odd.linear and odd.fullmatch("x")
