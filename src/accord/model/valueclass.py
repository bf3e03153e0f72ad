"""``dataclass``: the standard library's decorator, made cheaper to apply.

On Python 3.11 ``dataclasses.dataclass`` compiles Python source for every method it adds
(``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and, frozen, ``__setattr__`` and
``__delattr__``): 0.3-0.6 ms a class, and a consumer test's process defines some thirty
before its first request -- about 10 ms of its cold start. Here the standard library still
reads the fields (and makes the slots class); only ``__init__`` is compiled (one function,
the same code the standard library writes, so making an instance costs the same), and the
other methods are shared functions reading the fields with ``operator.attrgetter``.

What the classes do is what ``dataclasses.dataclass`` gives them: the same ``__init__``
signature, ``repr``, equality, hashing, frozen-ness (``FrozenInstanceError``), copying and
pickling, and ``dataclasses.fields``/``replace``/``asdict`` work on them. Type checkers see
the standard decorator itself. Options this does not handle (``order``, ``unsafe_hash``,
``__post_init__``, ``InitVar``) go to the standard library unchanged.

One difference shows: ``__dataclass_params__`` records the methods as not generated and the
class as not frozen, so a class made by ``dataclasses.dataclass(frozen=True)`` cannot inherit
from a frozen one made here (the standard library refuses to mix them).
"""

from __future__ import annotations

import dataclasses
import inspect
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

__all__ = ["dataclass"]


def _dataclass(cls: type | None = None, /, *, init: bool = True, repr: bool = True,
               eq: bool = True, frozen: bool = False, kw_only: bool = False,
               slots: bool = False, **others: Any) -> Any:
    def wrap(cls: type) -> type:
        if others or not init or _needs_standard(cls):
            return dataclasses.dataclass(cls, init=init, repr=repr, eq=eq, frozen=frozen,
                                         kw_only=kw_only, slots=slots, **others)
        return _build(cls, repr=repr, eq=eq, frozen=frozen, kw_only=kw_only, slots=slots)

    return wrap if cls is None else wrap(cls)


if TYPE_CHECKING:
    from dataclasses import dataclass as dataclass
else:
    dataclass = _dataclass


def _needs_standard(cls: type) -> bool:
    """Features left to the standard library: ``__post_init__`` and ``InitVar`` fields."""
    if hasattr(cls, "__post_init__"):
        return True
    return any(isinstance(a, dataclasses.InitVar) or (isinstance(a, str) and "InitVar" in a)
               for a in inspect.get_annotations(cls).values())


def _build(cls: type, *, repr: bool, eq: bool, frozen: bool, kw_only: bool,
           slots: bool) -> type:
    # the standard library reads the fields (and inheritance, KW_ONLY, ClassVar) and makes
    # the slots class; it compiles nothing when asked for no methods
    undocumented = not cls.__doc__
    if undocumented:  # or it would work out a signature (inspect) before there is one
        cls.__doc__ = "-"
    made: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False, frozen=False,
                                      kw_only=kw_only, slots=slots)
    cls = made
    fields = dataclasses.fields(cls)
    own = cls.__dict__
    if "__init__" not in own:
        made.__init__ = _init(cls, fields, frozen, slots)
    if repr and "__repr__" not in own:
        made.__repr__ = _repr([f.name for f in fields if f.repr])
    if eq and "__eq__" not in own:
        made.__eq__ = _eq([f.name for f in fields if f.compare])
    class_hash = own.get("__hash__", dataclasses.MISSING)
    explicit_hash = not (class_hash is dataclasses.MISSING
                         or (class_hash is None and "__eq__" in own))
    if eq and not explicit_hash:
        if frozen:
            names = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
            made.__hash__ = _hash(names)
        else:
            made.__hash__ = None
    if frozen:
        made.__setattr__, made.__delattr__ = _frozen(cls, frozenset(f.name for f in fields))
        if slots:
            made.__getstate__ = _getstate
            made.__setstate__ = _setstate
    if undocumented:  # what the standard library writes: the name and the signature
        made.__doc__ = cls.__name__ + str(inspect.signature(cls)).replace(" -> None", "")
    return cls


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...], frozen: bool,
          slots: bool) -> Callable[..., None]:
    """``__init__`` as the standard library writes it (compiled: making instances is hot)."""
    namespace: dict[str, Any] = {"__set": object.__setattr__,
                                 "__factory": _HAS_DEFAULT_FACTORY}
    positional: list[str] = []
    keywords: list[str] = []
    body: list[str] = []
    for f in fields:
        default = f"__default_{f.name}"
        if f.default_factory is not dataclasses.MISSING:
            namespace[default] = f.default_factory
            if f.init:
                value = f"{default}() if {f.name} is __factory else {f.name}"
            else:
                value = f"{default}()"
        elif f.init:
            value = f.name
            if f.default is not dataclasses.MISSING:
                namespace[default] = f.default
        elif slots and f.default is not dataclasses.MISSING:
            namespace[default] = f.default
            value = default
        else:
            continue  # read from the class attribute holding the default
        if f.init:
            if f.default_factory is not dataclasses.MISSING:
                parameter = f"{f.name}=__factory"
            elif f.default is not dataclasses.MISSING:
                parameter = f"{f.name}={default}"
            else:
                parameter = f.name
            (keywords if f.kw_only else positional).append(parameter)
        if frozen:
            body.append(f"    __set(self, {f.name!r}, {value})")
        else:
            body.append(f"    self.{f.name} = {value}")
    parameters = ["self", *positional, *(["*", *keywords] if keywords else [])]
    source = (f"def __init__({', '.join(parameters)}):\n" + ("\n".join(body) or "    pass"))
    exec(source, namespace)  # our own source, made of the field names
    function = namespace["__init__"]
    function.__qualname__ = f"{cls.__qualname__}.__init__"
    function.__annotations__ = {f.name: f.type for f in fields if f.init}
    function.__annotations__["return"] = None
    return function  # type: ignore[no-any-return]


class _FactoryMarker:
    def __repr__(self) -> str:
        return "<factory>"


_HAS_DEFAULT_FACTORY = _FactoryMarker()


def _repr(names: list[str]) -> Callable[[Any], str]:
    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _key(names: list[str]) -> Callable[[Any], Any]:
    if not names:
        return lambda _: ()
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (get(obj),)
    return get


def _eq(names: list[str]) -> Callable[[Any, Any], Any]:
    key = _key(names)

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    return __eq__


def _hash(names: list[str]) -> Callable[[Any], int]:
    key = _key(names)

    def __hash__(self: Any) -> int:
        return hash(key(self))

    return __hash__


def _frozen(owner: type, names: frozenset[str]
            ) -> tuple[Callable[[Any, str, Any], None], Callable[[Any, str], None]]:
    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)  # type: ignore[arg-type]

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is owner or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)  # type: ignore[arg-type]

    return __setattr__, __delattr__


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=False):
        object.__setattr__(self, f.name, value)
