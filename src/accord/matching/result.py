"""What a comparison produces: typed mismatches and an overall result with a score.

Mismatches serialise with the field names the official tools use (``type``, ``path``,
``expected``, ``actual``, ``mismatch``) so reports and mock-server answers look familiar.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass

__all__ = ["MISMATCH_KINDS", "MatchResult", "Mismatch"]

MISMATCH_KINDS = (
    "MethodMismatch",
    "PathMismatch",
    "QueryMismatch",
    "HeaderMismatch",
    "StatusMismatch",
    "BodyTypeMismatch",
    "BodyMismatch",
    "MetadataMismatch",
)

# Weight of each part of a message when scoring how close an actual request came.
_PART_PENALTY = {
    "MethodMismatch": 50.0,
    "PathMismatch": 50.0,
    "StatusMismatch": 20.0,
    "BodyTypeMismatch": 8.0,
    "QueryMismatch": 2.0,
    "HeaderMismatch": 1.0,
    "BodyMismatch": 1.0,
    "MetadataMismatch": 1.0,
}


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between what was expected and what came.

    ``path`` is a body path (``$.user.id``), a header or query parameter name, or "" for the
    method, path and status. ``message`` is a sentence a person can act on.
    """

    kind: str
    path: str
    expected: Any
    actual: Any
    message: str

    def to_json(self) -> JsonObject:
        out: dict[str, Any] = {"type": self.kind}
        if self.kind == "QueryMismatch":
            out["parameter"] = self.path
        elif self.kind in ("HeaderMismatch", "MetadataMismatch"):
            out["key"] = self.path
        elif self.kind == "BodyMismatch":
            out["path"] = self.path
        out["expected"] = _plain(self.expected)
        out["actual"] = _plain(self.actual)
        out["mismatch"] = self.message
        return out

    def describe(self) -> str:
        """One line for reports: where, then what."""
        if self.kind == "BodyMismatch":
            return f"{self.path} -> {self.message}"
        return self.message

    def __str__(self) -> str:
        return self.describe()


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return value


@dataclass(slots=True)
class MatchResult:
    """The outcome of comparing an expected part with an actual one."""

    mismatches: list[Mismatch] = field(default_factory=list)
    # How many parts (method, path, each header, query key, body ...) were compared.
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def __bool__(self) -> bool:
        return self.ok

    @property
    def score(self) -> float:
        """Higher is closer. Method and path dominate; then every further mismatch costs."""
        penalty = 0.0
        for m in self.mismatches:
            penalty += _PART_PENALTY.get(m.kind, 1.0)
        return 200.0 + self.compared - penalty

    def by_kind(self, kind: str) -> list[Mismatch]:
        return [m for m in self.mismatches if m.kind == kind]

    def to_json(self) -> list[JsonObject]:
        return [m.to_json() for m in self.mismatches]

    def describe(self) -> str:
        return "\n".join(m.describe() for m in self.mismatches)
