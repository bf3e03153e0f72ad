"""``accord.model.valueclass.dataclass`` makes the same classes as ``dataclasses.dataclass``:
each shape below is declared with both and the two classes are compared behaviour by
behaviour."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
from collections.abc import Callable
from dataclasses import KW_ONLY, field
from typing import Any, ClassVar

import pytest

from accord.model.valueclass import dataclass as fast_dataclass

Decorator = Callable[..., Any]


def shapes(decorate: Decorator) -> dict[str, tuple[type, dict[str, Any]]]:
    """Class shapes as the model uses them, each with keyword arguments for an instance."""

    @decorate(frozen=True, slots=True)
    class Point:
        """A point."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    @decorate(frozen=True, kw_only=True)
    class Request:
        """A request."""

        method: str
        path: str = "/"
        headers: dict[str, str] = field(default_factory=dict)
        raw: Any = field(default=None, compare=False, repr=False)
        hidden: int = field(default=3, repr=False)
        kind: ClassVar[str] = "http"

    @decorate(frozen=True)
    class Base:
        """A base."""

        name: str
        weight: float = 1.0

    @decorate(frozen=True)
    class Child(Base):
        """A child."""

        extra: list[int] = field(default_factory=list)
        _: KW_ONLY
        flag: bool = False

    @decorate
    class Mutable:
        """A mutable one."""

        count: int = 0
        items: list[int] = field(default_factory=list)
        cache: dict[str, int] = field(default_factory=dict, init=False, repr=False,
                                      compare=False)

    @decorate(slots=True)
    class MutableSlots:
        count: int
        label: str = "x"
        level: int = field(default=2, init=False)

    @decorate(frozen=True, eq=False)
    class Identity:
        """Equal only to itself."""

        value: int

    @decorate(frozen=True)
    class OwnEq:
        """Its own equality, and so the fields' hash."""

        a: int
        b: int = 0

        def __eq__(self, other: object) -> bool:
            return isinstance(other, OwnEq) and self.a == other.a

    @decorate(frozen=True, slots=True)
    class Hashless:
        """Some fields out of the hash."""

        a: int
        b: list[int] = field(default_factory=list, hash=False, compare=False)

    return {
        "Point": (Point, {"x": 1, "y": 2, "tags": ("a",)}),
        "Request": (Request, {"method": "GET", "headers": {"a": "b"}, "raw": "raw bytes"}),
        "Base": (Base, {"name": "n"}),
        "Child": (Child, {"name": "n", "weight": 2.0, "extra": [1], "flag": True}),
        "Mutable": (Mutable, {"count": 2, "items": [1, 2]}),
        "MutableSlots": (MutableSlots, {"count": 1}),
        "Identity": (Identity, {"value": 1}),
        "OwnEq": (OwnEq, {"a": 1, "b": 2}),
        "Hashless": (Hashless, {"a": 1, "b": [3]}),
    }


STANDARD = shapes(dataclasses.dataclass)
FAST = shapes(fast_dataclass)
NAMES = sorted(STANDARD)


def outcome(action: Callable[[], Any]) -> Any:
    """What an action gives, or the type and text of what it raises."""
    try:
        return ("ok", action())
    except Exception as exc:  # the two must fail alike, too
        return ("raised", type(exc).__name__, str(exc))


def behaviour(cls: type, kwargs: dict[str, Any]) -> dict[str, Any]:
    a, b = cls(**kwargs), cls(**kwargs)
    default = outcome(lambda: repr(cls(**{k: kwargs[k] for k in list(kwargs)[:1]})))
    frozen_field = dataclasses.fields(cls)[0].name
    seen: dict[str, Any] = {
        "signature": str(inspect.signature(cls)),
        "doc": cls.__doc__,
        "fields": [(f.name, f.init, f.repr, f.compare, f.kw_only) for f in dataclasses.fields(cls)],
        "match_args": getattr(cls, "__match_args__", None),
        "slots": hasattr(cls, "__slots__"),
        "has_dict": hasattr(a, "__dict__"),
        "repr": repr(a),
        "repr_with_defaults": default,
        "eq": a == b,
        "eq_other_type": a == object(),
        "ne": a != b,
        "hash": outcome(lambda: hash(a) == hash(b)),
        "hashable": cls.__hash__ is not None,
        "assign": outcome(lambda: setattr(a, frozen_field, 5)),
        "delete": outcome(lambda: delattr(b, frozen_field)),
        # a frozen slots class of the standard library raises TypeError here (its
        # __setattr__ names the class as it was before slots were added); ours raises
        # FrozenInstanceError: both refuse
        "assign_other": outcome(lambda: setattr(cls(**kwargs), "other", 5))[0],
        "asdict": outcome(lambda: dataclasses.asdict(cls(**kwargs))),
        "replace": outcome(lambda: repr(dataclasses.replace(cls(**kwargs)))),
        "copy": outcome(lambda: copy.copy(cls(**kwargs)) == cls(**kwargs)),
        "deepcopy": outcome(lambda: repr(copy.deepcopy(cls(**kwargs)))),
        "missing_argument": outcome(lambda: repr(cls())),
        "positional": outcome(lambda: repr(cls(*list(kwargs.values())[:1]))),
    }
    return seen


@pytest.mark.parametrize("name", NAMES)
def test_the_class_behaves_as_the_standard_librarys(name: str) -> None:
    (standard, kwargs), (fast, _) = STANDARD[name], FAST[name]
    assert behaviour(fast, kwargs) == behaviour(standard, kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_instances_pickle_alike(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (standard, kwargs), (fast, _) = STANDARD[name], FAST[name]
    results = []
    for prefix, cls in (("Standard", standard), ("Fast", fast)):
        # pickle finds a class by its module and qualified name
        monkeypatch.setattr(sys.modules[__name__], f"{prefix}{name}", cls, raising=False)
        qualname, cls.__qualname__ = cls.__qualname__, f"{prefix}{name}"
        try:
            copied = pickle.loads(pickle.dumps(cls(**kwargs)))
        finally:
            cls.__qualname__ = qualname
        results.append(repr(copied) == repr(cls(**kwargs))
                       and dataclasses.asdict(copied) == dataclasses.asdict(cls(**kwargs)))
    assert results == [True, True]


@pytest.mark.parametrize("name", NAMES)
def test_default_factories_give_each_instance_its_own_value(name: str) -> None:
    cls, kwargs = FAST[name]
    factory_fields = [f.name for f in dataclasses.fields(cls)
                      if f.default_factory is not dataclasses.MISSING and f.name not in kwargs]
    first, second = cls(**kwargs), cls(**kwargs)
    for name_ in factory_fields:
        assert getattr(first, name_) is not getattr(second, name_)


def test_post_init_and_initvar_go_to_the_standard_library() -> None:
    @fast_dataclass(frozen=True)
    class WithPostInit:
        a: int
        doubled: int = field(init=False, default=0)

        def __post_init__(self) -> None:
            object.__setattr__(self, "doubled", self.a * 2)

    assert WithPostInit(3).doubled == 6
    assert WithPostInit.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_the_init_is_compiled_code_with_the_fields_signature() -> None:
    point, _ = FAST["Point"]
    assert point.__init__.__qualname__.endswith("Point.__init__")
    assert list(inspect.signature(point).parameters) == ["x", "y", "tags"]
    with pytest.raises(TypeError, match="positional"):
        FAST["Request"][0]("GET")  # keyword-only
