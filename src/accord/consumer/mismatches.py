"""The mismatches a consumer test's mock server saw, typed as pact-python 4.x types them
(``pact.error.MissingRequest``, ``RequestMismatch``, ...).

Each one *is* the official mismatch JSON object (a ``dict``, which is what accord returned
before, so ``m["type"] == "missing-request"`` keeps working) and has pact-python's attributes
on top (``m.type == "MissingRequest"``, ``m.method``, ``m.mismatches`` ...). ``None`` stands for
a field the JSON does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from accord.model.jsontypes import JsonMapping, JsonValue

__all__ = [
    "BodyMismatch",
    "BodyTypeMismatch",
    "GenericMismatch",
    "HeaderMismatch",
    "MetadataMismatch",
    "MethodMismatch",
    "Mismatch",
    "MissingRequest",
    "PathMismatch",
    "QueryMismatch",
    "RequestMismatch",
    "RequestNotFound",
    "StatusMismatch",
    "typed_mismatches",
]


def _field(key: str, *aliases: str) -> Any:
    """A read-only attribute for the JSON field ``key`` (or the first alias present)."""

    def read(self: Mismatch) -> Any:
        for name in (key, *aliases):
            if name in self:
                return self[name]
        return None

    return property(read, doc=f"The mismatch's ``{key}`` field.")


class Mismatch(dict[str, Any]):
    """A mismatch: the official JSON object, with pact-python's attribute names."""

    #: the ``type`` values of the JSON this class stands for (the mock server's spelling first)
    json_types: ClassVar[tuple[str, ...]] = ()
    #: the fields shown by ``repr``/``str``, in pact-python's order
    shown: ClassVar[tuple[str, ...]] = ()

    def __init__(self, data: JsonMapping | None = None, /, **fields: JsonValue) -> None:
        super().__init__({**(data or {}), **fields})
        if self.json_types:
            self.setdefault("type", self.json_types[0])

    @property
    def type(self) -> str:
        """pact-python's type name (``MissingRequest``, ``BodyMismatch`` ...)."""
        return type(self).__name__

    @classmethod
    def from_dict(cls, data: JsonMapping) -> Mismatch:
        """The typed mismatch for one official mismatch JSON object."""
        if isinstance(data, Mismatch):
            return data
        kind = data.get("type")
        for candidate in _TYPED:
            if kind in candidate.json_types:
                return candidate(data)
        return GenericMismatch(data)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.shown)
        return f"{self.type}({shown})"

    def __str__(self) -> str:
        mismatch = self.get("mismatch")
        return f"{self.type}: {mismatch}" if mismatch else repr(self)


class GenericMismatch(Mismatch):
    """A mismatch of a type not covered below."""

    @property
    def type(self) -> str:
        return str(self.get("type", "UnknownMismatchType"))

    def __repr__(self) -> str:
        return "GenericMismatch({})".format(", ".join(f"{k}={v!r}" for k, v in self.items()))


class _RequestLine(Mismatch):
    """A mismatch about a whole request: its method, path and the request itself."""

    shown: ClassVar[tuple[str, ...]] = ("method", "path", "request")
    method = _field("method")
    path = _field("path")
    request = _field("request")


class MissingRequest(_RequestLine):
    """An expected request that never arrived."""

    json_types = ("missing-request", "MissingRequest")


class RequestNotFound(_RequestLine):
    """A request that matched no interaction."""

    json_types = ("request-not-found", "RequestNotFound")


class RequestMismatch(Mismatch):
    """A request that resembled an interaction but differed from it; ``mismatches`` says how."""

    json_types = ("request-mismatch", "RequestMismatch")
    shown = ("method", "path", "mismatches")
    method = _field("method")
    path = _field("path")

    def __init__(self, data: JsonMapping | None = None, /, **fields: JsonValue) -> None:
        super().__init__(data, **fields)
        self["mismatches"] = [Mismatch.from_dict(m) for m in self.get("mismatches") or []]

    @property
    def mismatches(self) -> list[Mismatch]:
        """How the request differed: typed mismatches."""
        return list(self["mismatches"])

    def __str__(self) -> str:
        lines = [f"RequestMismatch: {self.method} {self.path}"]
        lines.extend(f"    {m}" for m in self.mismatches)
        return "\n".join(lines)


class MethodMismatch(Mismatch):
    """The method differed."""

    json_types = ("MethodMismatch", "method-mismatch")
    shown = ("expected", "actual")
    expected = _field("expected")
    actual = _field("actual")


class _Compared(Mismatch):
    """A mismatch of one compared value: ``expected``, ``actual`` and why (``mismatch``)."""

    shown: ClassVar[tuple[str, ...]] = ("expected", "actual", "mismatch")
    expected = _field("expected")
    actual = _field("actual")
    mismatch = _field("mismatch")


class PathMismatch(_Compared):
    """The path differed."""

    json_types = ("PathMismatch", "path-mismatch")


class StatusMismatch(_Compared):
    """The status code differed."""

    json_types = ("StatusMismatch", "status-mismatch")


class QueryMismatch(_Compared):
    """A query parameter differed."""

    json_types = ("QueryMismatch", "query-mismatch")
    shown = ("parameter", "expected", "actual", "mismatch")
    parameter = _field("parameter")


class HeaderMismatch(_Compared):
    """A header differed."""

    json_types = ("HeaderMismatch", "header-mismatch")
    shown = ("key", "expected", "actual", "mismatch")
    key = _field("key")


class BodyTypeMismatch(_Compared):
    """The body's content type differed."""

    json_types = ("BodyTypeMismatch", "body-type-mismatch")
    expected_body = _field("expectedBody", "expected_body")
    actual_body = _field("actualBody", "actual_body")


class BodyMismatch(_Compared):
    """The body differed at ``path``."""

    json_types = ("BodyMismatch", "body-mismatch")
    shown = ("path", "expected", "actual", "mismatch")
    path = _field("path")


class MetadataMismatch(_Compared):
    """A message metadata value differed."""

    json_types = ("MetadataMismatch", "metadata-mismatch")
    shown = ("key", "expected", "actual", "mismatch")
    key = _field("key")


_TYPED: tuple[type[Mismatch], ...] = (
    MissingRequest, RequestNotFound, RequestMismatch, MethodMismatch, PathMismatch,
    StatusMismatch, QueryMismatch, HeaderMismatch, BodyTypeMismatch, BodyMismatch,
    MetadataMismatch,
)


def typed_mismatches(mismatches: Sequence[JsonMapping]) -> list[Mismatch]:
    """The mock server's mismatch JSON objects, typed."""
    return [Mismatch.from_dict(m) for m in mismatches]
