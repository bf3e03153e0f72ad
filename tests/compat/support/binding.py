"""Bind every scenario of a feature file to a test function in a test module.

One test per scenario (so ``-k`` works), and a scenario that cannot pass gets a named reason
through ``xfail`` (strict, so it is noticed when it starts passing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any

import pytest
from pytest_bdd import scenario

from .suite import FEATURES

__all__ = ["bind", "scenario_names"]

_SCENARIO = re.compile(r"^\s*Scenario:\s*(.+?)\s*$", re.MULTILINE)


def scenario_names(feature: str) -> list[str]:
    return _SCENARIO.findall((FEATURES / feature).read_text(encoding="utf-8"))


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def bind(namespace: MutableMapping[str, Any], feature: str, *,
         xfail: Mapping[str, str] | None = None) -> None:
    """Create ``test_<scenario>`` functions for ``feature`` (relative to ``features/``)."""
    xfail = dict(xfail or {})
    path = FEATURES / feature
    names = scenario_names(feature)
    unknown = set(xfail) - set(names)
    if unknown:
        raise ValueError(f"{feature}: no scenarios named {sorted(unknown)}")
    for name in names:
        @scenario(str(path), name, features_base_dir=str(FEATURES))
        def _test() -> None:
            pass

        test: Any = _test
        if name in xfail:
            test = pytest.mark.xfail(reason=xfail[name], strict=True)(test)
        key = f"test_{_slug(name)}"
        while key in namespace:
            key += "_"
        namespace[key] = test
