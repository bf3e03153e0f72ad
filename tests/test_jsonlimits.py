"""accord.jsonlimits: the nesting measured without parsing, checked against a parser."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest

from accord.jsonlimits import JsonLimitError, json_depth, loads


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


TRICKY_STRINGS = ['a"[', "\\", 'x\\"]{', '""', "[]", "{", '\\\\"', "é[ü", "\u2028]"]


def _document(rng: random.Random, level: int = 0) -> Any:
    roll = rng.random()
    if level > 7 or roll < 0.3:
        return rng.choice([*TRICKY_STRINGS, 1, 2.5, None, True])
    if roll < 0.65:
        return [_document(rng, level + 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(TRICKY_STRINGS): _document(rng, level + 1) for _ in range(rng.randint(0, 3))}


def test_depth_matches_a_parser_on_random_documents_with_tricky_strings():
    rng = random.Random(20240501)
    for _ in range(3000):
        value = _document(rng)
        for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
            assert json_depth(text) == _depth(value), text
            assert json_depth(text.encode()) == _depth(value)


def test_depth_of_scalars_and_strings_full_of_brackets():
    assert json_depth("1") == json_depth('"[[[["') == json_depth("") == 0
    assert json_depth("[[1], {}]") == 2


def test_loads_refuses_deep_nesting_and_non_finite_numbers():
    with pytest.raises(JsonLimitError, match="nested 10000 levels deep; at most 200"):
        loads("[" * 10_000 + "]" * 10_000)
    assert loads("[" * 200 + "]" * 200, max_depth=200) is not None
    for text in ("NaN", "[Infinity]", '{"a": -Infinity}', "1e999", "-2e400"):
        with pytest.raises(JsonLimitError):
            loads(text)
    assert loads('{"a": 1.5e300}') == {"a": 1.5e300}
    with pytest.raises(ValueError):
        loads("{not json")


def test_measuring_a_large_document_is_cheap():
    text = json.dumps([{"description": f"r {i}", "body": {"s": "a[{" * 5}} for i in range(100_000)])
    started = time.process_time()
    assert json_depth(text) == 3
    assert time.process_time() - started < 0.5  # the scan runs in C: about 50 ms for 5 MB
