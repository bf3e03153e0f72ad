"""Parse query strings the way Rack does, so ``q[][pacticipant]=A&q[][version]=1`` works.

Starlette's ``QueryParams`` flattens keys; the matrix, can-i-deploy and the deprecated
pacts-for-verification GET need Rack's nested semantics: in ``q[][k]`` a new array element
starts whenever key ``k`` already exists in the current last element.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

from accord.model.jsontypes import JsonObject

__all__ = ["parse_nested_query"]

_KEY = re.compile(r"^([^\[\]]+)(.*)$")


def _split(key: str) -> list[str]:
    match = _KEY.match(key)
    if not match:
        return [key]
    head, rest = match.groups()
    parts = [head]
    # "q[]pacticipant" is read as "q[][pacticipant]" (Rack's flat encoding).
    for token in re.findall(r"\[([^\]]*)\]|([^\[\]]+)", rest):
        parts.append(token[0] if token[1] == "" else token[1])
    return parts


def _assign(container: dict[str, Any], parts: list[str], value: str) -> None:
    name, rest = parts[0], parts[1:]
    if not rest:
        container[name] = value
        return
    if rest[0] == "":
        items = container.setdefault(name, [])
        if not isinstance(items, list):
            items = container[name] = []
        sub = rest[1:]
        if not sub:
            items.append(value)
            return
        last = items[-1] if items and isinstance(items[-1], dict) else None
        if last is None or _has(last, sub):
            last = {}
            items.append(last)
        _assign(last, sub, value)
        return
    child = container.setdefault(name, {})
    if not isinstance(child, dict):
        child = container[name] = {}
    _assign(child, rest, value)


def _has(obj: dict[str, Any], parts: list[str]) -> bool:
    head = parts[0]
    if head not in obj:
        return False
    if len(parts) == 1 or parts[1] == "":
        return True
    inner = obj[head]
    return isinstance(inner, dict) and _has(inner, parts[1:])


def parse_nested_query(query: str) -> JsonObject:
    result: dict[str, Any] = {}
    for pair in query.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key, value = unquote_plus(key), unquote_plus(value)
        if not key:
            continue
        _assign(result, _split(key), value)
    return result
