"""accord.jsontext gives the text json.dumps gives with the pact files' options, exactly."""

from __future__ import annotations

import enum
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.jsontext import indented_json

DATA = Path(__file__).resolve().parents[1] / "data"


def reference(value: Any, margin: str = "") -> str:
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return "\n".join(margin + line for line in text.split("\n"))


scalars = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.text(alphabet=st.characters(), max_size=12))
documents = st.recursive(
    scalars,
    lambda inner: (st.lists(inner, max_size=4) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(documents, st.sampled_from(["", "    ", "\t"]))
def test_any_json_document_gives_the_text_json_dumps_gives(value: Any, margin: str) -> None:
    assert indented_json(value, margin) == reference(value, margin)


def test_every_json_file_of_the_test_data_gives_the_same_text() -> None:
    files = sorted(DATA.rglob("*.json"))
    assert len(files) > 500
    compared = 0
    for file in files:
        try:
            value = json.loads(file.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue  # the corpus holds broken files on purpose
        assert indented_json(value) == reference(value), file
        compared += 1
    assert compared > 500


class Colour(enum.IntEnum):
    RED = 1


class Name(str):
    pass


@pytest.mark.parametrize("value", [
    {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "tiny": 5e-324, "big": 10**30},
    {"empty": {}, "none": [], "nested": [[], {}, [[]], {"a": {}}]},
    {"control": "\x00\x1f\n\t\"\\", "unicode": "é ✓ 𝄞 \u2028", "é": "key"},
    {"enum": Colour.RED, "sub": Name("x"), "flag": True},  # left to json.dumps
    {10: "int keys", 2: "sorted as numbers"},
    {2.5: "float key"},
    {None: "null key"},
    {True: "bool key"},
    {Name("b"): 1, "a": 2},
    [1, "two", 3.0, None, False],
    (),
    {},
    "just a string",
    42,
])
def test_unusual_values_give_the_same_text(value: Any) -> None:
    assert indented_json(value) == reference(value)
    assert indented_json(value, "  ") == reference(value, "  ")


def test_errors_are_the_ones_json_dumps_raises() -> None:
    circular: list[Any] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json({"a": circular})
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented_json({"a": object()})
    with pytest.raises(TypeError):
        indented_json({"a": 1, 2: "b"})  # keys that cannot be sorted together
