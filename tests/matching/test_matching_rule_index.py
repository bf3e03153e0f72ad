"""The rule index answers by a location's shape: it must choose exactly as a scan of every path.

The reference here is the rule the specification states: the path with the highest
``weight * (tokens + 1)`` among those that are a prefix of the location wins, the first one
on a tie; inherited (shorter) paths are *cascaded*.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

from accord_matching_helpers import body_rules, request, response
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.matching import match_request, match_response
from accord.matching.rules import RuleIndex
from accord.model import DocPath, RuleList
from accord.model.rules import Rule

# Path tokens and location parts drawn from small alphabets, so that they meet often: keys,
# digit keys (which ``[*]`` matches), and indexes (which a literal "1" also names).
TOKENS = [".a", ".b", ".A", "['1']", "['12']", "[0]", "[1]", "[*]", ".*"]
PARTS: list[str | int] = ["a", "b", "A", "c", "1", "12", "7", 0, 1, 2, 9]

paths = st.lists(st.sampled_from(TOKENS), max_size=4).map(lambda ts: "$" + "".join(ts))
SHORT = [(), *((p,) for p in PARTS), *((p, q) for p in PARTS for q in PARTS)]
# Every location of up to two parts, in any order (the first of a shape fills the memo),
# and some longer ones.
locations = st.tuples(
    st.permutations(SHORT), st.lists(st.lists(st.sampled_from(PARTS), max_size=5).map(tuple))
).map(lambda both: [*both[0], *both[1]])


def scan(entries: list[tuple[DocPath, RuleList]], location: tuple[Any, ...]) -> Any:
    best, top = None, 0
    for path, rules in entries:
        weight = path.prefix_weight(location)
        if weight and weight * (len(path.tokens) + 1) > top:
            top = weight * (len(path.tokens) + 1)
            best = (rules, len(path.tokens) != len(location))
    return best


def warm_up(index: RuleIndex) -> None:
    """The first questions to a fresh index are answered by a scan; later ones by shapes."""
    for i in range(100):
        index.best(("warm-up", i))
        index.within(("warm-up", i))


def answer(index: RuleIndex, location: tuple[Any, ...]) -> Any:
    found = index.best(location)
    return None if found is None else (found.rules, found.cascaded)


def distinct_rules(expressions: list[str]) -> dict[str, RuleList]:
    # Each path gets its own rule list, so that the one chosen can be told apart.
    return {e: RuleList((Rule("regex", {"regex": f"r{i}"}),)) for i, e in enumerate(expressions)}


@settings(max_examples=200, deadline=None)
@given(st.lists(paths, min_size=1, max_size=8, unique=True), locations)
def test_the_index_chooses_as_a_scan_of_every_path_does(
    expressions: list[str], asked: list[tuple[Any, ...]]
) -> None:
    rules = distinct_rules(expressions)
    entries = [(DocPath.parse(e), r) for e, r in rules.items()]
    index = RuleIndex(rules)
    warm_up(index)
    for location in [*asked, *asked]:
        assert answer(index, location) == scan(entries, location), location


@settings(max_examples=100, deadline=None)
@given(st.lists(paths, min_size=1, max_size=6, unique=True), locations)
def test_within_is_true_exactly_where_some_rule_reaches(
    expressions: list[str], asked: list[tuple[Any, ...]]
) -> None:
    index = RuleIndex(distinct_rules(expressions))
    warm_up(index)
    parsed = [DocPath.parse(e) for e in expressions]
    for location in asked:
        # Some rule applies here or below: at this place itself or at a place under it.
        reaches = any(
            DocPath(p.tokens[: len(location)], "", frozenset(
                i for i in p.index_stars if i < len(location)
            )).prefix_weight(location)
            for p in parsed
        )
        assert index.within(location) is reaches, location


def test_header_names_are_shaped_case_insensitively() -> None:
    index = RuleIndex(distinct_rules(["$['x-id']", "$.*"]), lower=True)
    warm_up(index)
    chosen = index.best(("X-Id",))
    assert chosen is not None and chosen.rules.rules[0].params["regex"] == "r0"
    chosen = index.best(("X-Other",))
    assert chosen is not None and chosen.rules.rules[0].params["regex"] == "r1"


def test_a_digit_key_is_an_index_to_star_but_other_keys_are_not() -> None:
    index = RuleIndex(distinct_rules(["$.m[*]"]))
    warm_up(index)
    for i in range(100):
        assert index.best(("m", str(i))) is not None
    assert index.best(("m", "x")) is None
    assert index.best(("m", 5)) is not None


# --------------------------------------------------------------------------- whole bodies


def records(n: int) -> list[dict[str, Any]]:
    return [{"id": i, "name": f"n{i}", "tags": ["a", "b"], "extra": {"k": i}} for i in range(n)]


def test_every_element_of_a_long_array_is_checked_by_its_rule() -> None:
    rules = body_rules(**{
        "$.items": [{"match": "type", "min": 1}],
        "$.items[*].id": [{"match": "integer"}],
        "$.items[3].id": [{"match": "regex", "regex": "t.*"}],
    })
    expected = response({"items": records(1)}, rules=rules)
    items = records(300)
    items[3]["id"] = "three"  # allowed: the rule at [3] wins over the one at [*]
    items[257]["id"] = "x"
    result = match_response(expected, response({"items": items}))
    assert [(m.path, m.message) for m in result.mismatches] == [
        ("$.items[257].id", "Expected 'x' (String) to be an integer")
    ]


def test_a_subtree_without_rules_is_compared_value_by_value() -> None:
    rules = body_rules(**{"$.id": [{"match": "integer"}]})
    plain = {"rows": [[i, str(i), {"v": i}] for i in range(50)]}
    changed = {"rows": [[i, str(i), {"v": i}] for i in range(50)]}
    changed["rows"][31][2]["v"] = 99
    changed["rows"][40].append("more")
    expected = response({"id": 1, **plain}, rules=rules)
    result = match_response(expected, response({"id": 2, **changed}))
    assert [(m.path, m.message) for m in result.mismatches] == [
        ("$.rows[31][2].v", "Expected 99 (Integer) to be equal to 31 (Integer)"),
        ("$.rows[40]", "Expected a List with 3 elements but received 4 elements"),
    ]


leaves = st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(["a", "b", "1"])
documents = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=10)
        | st.dictionaries(st.sampled_from(["a", "b", "c", "1", "12"]), inner, max_size=10)
    ),
    max_leaves=40,
)
rule_kinds = st.sampled_from([{"match": "type"}, {"match": "integer"}, {"match": "type", "min": 2}])


@settings(max_examples=150, deadline=None)
@given(documents, documents, st.dictionaries(paths, rule_kinds, max_size=4), st.booleans())
def test_skipping_subtrees_without_rules_changes_no_result(
    expected: Any, actual: Any, raw_rules: dict[str, Any], is_request: bool
) -> None:
    rules = body_rules(**{path: [rule] for path, rule in raw_rules.items()})

    def run() -> list[dict[str, Any]]:
        if is_request:
            return match_request(request(expected, rules=rules), request(actual)).to_json()
        return match_response(response(expected, rules=rules), response(actual)).to_json()

    fast = run()
    with mock.patch.object(RuleIndex, "within", lambda self, location: bool(self)):
        walked = run()
    assert fast == walked


def test_a_header_rule_name_that_is_no_path_is_taken_as_written() -> None:
    # a name ending in an index is that header's value at the index, unless it cannot be
    # written as a path: then it is a (never matching) literal name, not a crash
    index = RuleIndex({"it's[0]": RuleList((Rule("regex", {"regex": "x"}),)),
                       "X-Foo[0]": RuleList((Rule("regex", {"regex": "y"}),))}, names=True)
    assert index.best(("it's[0]",)) is not None
    assert index.best(("X-Foo", 0)) is not None
    assert index.best(("it's", 0)) is None
