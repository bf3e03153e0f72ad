"""DocPath: parsing, canonical rendering, weights and errors."""

from __future__ import annotations

import pytest

from accord.errors import DocPathError
from accord.model import STAR, DocPath


@pytest.mark.parametrize(("expression", "tokens"), [
    ("$", ()),
    ("", ()),
    ("*", (STAR,)),
    ("$.a.b", ("a", "b")),
    ("$['x.y']", ("x.y",)),
    ('$["q"]', ("q",)),
    ("$.a[2]", ("a", 2)),
    ("$.a[ 3 ]", ("a", 3)),
    ("$.a[*]", ("a", STAR)),
    ("$.*", (STAR,)),
    ("$[0]", (0,)),
    ("$.a[*].b", ("a", STAR, "b")),
    ("$.a-b.c_d", ("a-b", "c_d")),
    ("$['with space'].x", ("with space", "x")),
    ("name", ("name",)),  # a bare key (header names, pact-jvm bodies)
    ("X-Request-Id", ("X-Request-Id",)),
])
def test_parse(expression, tokens):
    path = DocPath.parse(expression)
    assert path.tokens == tokens
    assert str(path) == expression and len(path) == len(tokens)


@pytest.mark.parametrize(("expression", "message"), [
    ("[0]", "must start with '\\$'"),
    ("$.a[", "missing '\\]'"),
    ("$.a[x]", "'x' is not an index"),
    ("$..a", "expected a name after '.' at column 2"),
    ("$a", "unexpected 'a' at column 1"),
    ("$['a]", "unterminated"),
    ("$.a b", "unexpected ' '"),
])
def test_parse_errors(expression, message):
    with pytest.raises(DocPathError, match=message):
        DocPath.parse(expression)


def test_canonical_rendering():
    assert str(DocPath.of(("a", 0, "b c"))) == "$.a[0]['b c']"
    assert str(DocPath.of(("x.y",))) == "$['x.y']"
    assert str(DocPath.of(())) == "$"
    for location in [("a", 1, "b"), ("it's",), (0, 1), ("$ref",)]:
        assert DocPath.parse(str(DocPath.of(location))).tokens == location


@pytest.mark.parametrize(("expression", "weight", "prefix_weight"), [
    ("$.a.b", 8, 8),
    ("$.a.*", 4, 4),
    ("$.*.b", 4, 4),
    ("$.*.*", 2, 2),
    ("$.a", 0, 4),
    ("$", 0, 2),
    ("$.c.b", 0, 0),
    ("$.a.b.c", 0, 0),
])
def test_weights(expression, weight, prefix_weight):
    path = DocPath.parse(expression)
    assert path.weight(("a", "b")) == weight
    assert path.prefix_weight(("a", "b")) == prefix_weight


def test_the_most_specific_path_weighs_most():
    location = ("items", 0, "id")
    candidates = ["$.items[*].id", "$.items[0].id", "$.*[*].id", "$.items.0.id"]
    weights = {c: DocPath.parse(c).weight(location) for c in candidates}
    assert weights["$.items[0].id"] > weights["$.items[*].id"] > weights["$.*[*].id"] > 0
    assert weights["$.items.0.id"] == weights["$.items[0].id"]  # a numeric key names an index


def test_parse_is_cached():
    assert DocPath.parse("$.a.b") is DocPath.parse("$.a.b")
