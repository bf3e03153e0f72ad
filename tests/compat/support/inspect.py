"""Find mismatches, requests and interactions inside result objects, whatever their nesting.

Reports and results from the mock server and the verifier nest their data (results per
interaction, mismatches per request); the steps only care whether a matching item is there.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["KINDS", "error_matches", "find_mismatch", "iter_items", "iter_mismatches"]

KINDS = {
    "query": "QueryMismatch",
    "header": "HeaderMismatch",
    "headers": "HeaderMismatch",
    "body": "BodyMismatch",
    "body-content-type": "BodyTypeMismatch",
    "path": "PathMismatch",
    "method": "MethodMismatch",
    "status": "StatusMismatch",
    "metadata": "MetadataMismatch",
}


def iter_items(obj: Any, depth: int = 0) -> Iterator[Any]:
    """Every object reachable through lists, dicts and dataclass fields (bounded depth)."""
    if depth > 8 or obj is None or isinstance(obj, (str, bytes, int, float, bool)):
        return
    yield obj
    if isinstance(obj, Mapping):
        children: Any = list(obj.values())
    elif isinstance(obj, (list, tuple, set, frozenset)):
        children = list(obj)
    elif dataclasses.is_dataclass(obj):
        children = [getattr(obj, f.name, None) for f in dataclasses.fields(obj)]
    else:
        children = [getattr(obj, name, None) for name in
                    ("mismatches", "results", "interactions", "errors", "unexpected")
                    if not callable(getattr(obj, name, None))]
    for child in children:
        yield from iter_items(child, depth + 1)


def iter_mismatches(obj: Any) -> Iterator[Any]:
    seen: set[int] = set()
    for item in iter_items(obj):
        if hasattr(item, "kind") and hasattr(item, "message") and id(item) not in seen:
            seen.add(id(item))
            yield item


def error_matches(expected: str, actual: str) -> bool:
    """Exact, contained, or (the suite sometimes writes ``\\s*``) as a regular expression."""
    if expected == actual or expected in actual:
        return True
    try:
        return re.search(expected, actual) is not None
    except re.error:
        return False


def find_mismatch(obj: Any, *, kind: str | None = None, path: str | None = None,
                  error: str | None = None) -> Any:
    for m in iter_mismatches(obj):
        if kind is not None and getattr(m, "kind", None) != KINDS.get(kind, kind):
            continue
        if path is not None and str(getattr(m, "path", "")) != path:
            continue
        if error is not None and not error_matches(error, str(m.message)):
            continue
        return m
    return None


def describe(obj: Any) -> str:
    """All mismatches, one a line, for assertion messages."""
    lines = [f"{getattr(m, 'kind', '?')} {getattr(m, 'path', '')!s}: {m.message}"
             for m in iter_mismatches(obj)]
    return "\n".join(lines) or "(no mismatches)"
