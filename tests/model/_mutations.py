"""Random damage to pact documents, for the fuzz tests of pact loading."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st


def locations(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a decoded JSON document, as the keys and indices leading to it."""
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += locations(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += locations(v, (*prefix, i))
    return out


def mutated(data: st.DataObject, seeds: list[Any], junk: st.SearchStrategy[Any],
            max_steps: int) -> Any:
    """A copy of one of ``seeds`` with 1 to ``max_steps`` places deleted or replaced by
    ``junk``."""
    document = copy.deepcopy(data.draw(st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, max_steps))):
        places = locations(document)[1:]
        if not places:
            break
        location = data.draw(st.sampled_from(places))
        parent = document
        for key in location[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[location[-1]]
        else:
            # a copy: a later mutation must not change the value hypothesis drew (replays)
            parent[location[-1]] = copy.deepcopy(data.draw(junk))
    return document
