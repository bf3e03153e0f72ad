"""IdentityCache: a derived value is found again by its object, never by a reused id."""

from __future__ import annotations

from accord.model.memo import IdentityCache


def test_same_object_is_built_once_and_variants_are_separate():
    cache: IdentityCache[int] = IdentityCache(8)
    obj = {"a": 1}
    calls: list[str] = []

    def build(tag: str) -> int:
        calls.append(tag)
        return len(calls)

    assert cache.get(obj, lambda: build("x"), True) == 1
    assert cache.get(obj, lambda: build("y"), True) == 1
    assert cache.get(obj, lambda: build("z"), False) == 2
    assert calls == ["x", "z"]


def test_an_equal_but_different_object_gets_its_own_value():
    cache: IdentityCache[str] = IdentityCache(8)
    first, second = {"a": 1}, {"a": 1}
    assert cache.get(first, lambda: "first") == "first"
    assert cache.get(second, lambda: "second") == "second"


def test_entries_keep_their_objects_and_the_oldest_go_first():
    cache: IdentityCache[int] = IdentityCache(2)
    objs = [[i] for i in range(3)]
    for i, obj in enumerate(objs):
        cache.get(obj, lambda i=i: i)
    assert len(cache) == 2
    assert cache.get(objs[0], lambda: 99) == 99  # evicted, rebuilt
    assert cache.get(objs[2], lambda: 99) == 2
