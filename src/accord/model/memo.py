"""``IdentityCache``: values derived from model objects, found again by the object itself.

Model values are frozen but hold dicts, so they can be neither hashed nor weakly referenced;
a derived value (a rule index, a parsed sub-rule, an interaction's JSON text) is therefore
filed under the object's identity. An ``id()`` is only unique while its object lives, so each
entry keeps its object and a lookup checks that it is the same object: a stale id can never
answer for a new object. The oldest entries go first once ``size`` is reached::

    _INDEXES: IdentityCache[RuleIndex] = IdentityCache(4096)
    index = _INDEXES.get(rules, lambda: RuleIndex(rules), names, lower)
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["IdentityCache"]

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """A bounded cache from an object (by identity, plus optional variant keys) to a value."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: dict[tuple[Hashable, ...], tuple[object, V]] = {}

    def get(self, obj: object, build: Callable[[], V], *variant: Hashable) -> V:
        """The value for ``obj`` (and ``variant``), built by ``build`` the first time."""
        key = (id(obj), *variant)
        hit = self._entries.get(key)
        if hit is not None and hit[0] is obj:
            return hit[1]
        value = build()
        if len(self._entries) >= self._size:
            del self._entries[next(iter(self._entries))]
        self._entries[key] = (obj, value)  # holding obj keeps its id from being reused
        return value

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
