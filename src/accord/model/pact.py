"""The pact: a consumer, a provider, their interactions and metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from enum import Enum
from typing import Any

from accord.errors import PactFormatError
from accord.model.interactions import Interaction, UnreadableInteraction
from accord.model.valueclass import dataclass

__all__ = ["Pact", "SpecVersion"]


class SpecVersion(Enum):
    """Pact Specification versions, ordered; ``value`` is what pact files write."""

    V1 = "1.0.0"
    V1_1 = "1.1.0"
    V2 = "2.0.0"
    V3 = "3.0.0"
    V4 = "4.0"

    @staticmethod
    def parse(text: str | SpecVersion) -> SpecVersion:
        if isinstance(text, SpecVersion):
            return text
        t = str(text).strip().upper().lstrip("V")
        for v in SpecVersion:
            if t == v.value or t == v.name.lstrip("V").replace("_", "."):
                return v
        major = t.split(".")
        aliases = {
            ("1",): "V1",
            ("1", "0"): "V1",
            ("1", "1"): "V1_1",
            ("2",): "V2",
            ("2", "0"): "V2",
            ("3",): "V3",
            ("3", "0"): "V3",
            ("4",): "V4",
            ("4", "0", "0"): "V4",
        }
        name = (
            aliases.get(tuple(major[:3]))
            or aliases.get(tuple(major[:2]))
            or aliases.get(tuple(major[:1]))
        )
        if name is None:
            raise PactFormatError(f"unknown Pact Specification version {text!r}")
        return SpecVersion[name]

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def __lt__(self, other: SpecVersion) -> bool:
        return self.rank < other.rank

    def __le__(self, other: SpecVersion) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: SpecVersion) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: SpecVersion) -> bool:
        return self.rank >= other.rank


_RANKS = {version: rank for rank, version in enumerate(SpecVersion)}


@dataclass(frozen=True, kw_only=True)
class Pact:
    """A contract between one consumer and one provider: their interactions, the
    specification version and the file's metadata."""

    consumer: str
    provider: str
    interactions: tuple[Interaction, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    spec_version: SpecVersion = SpecVersion.V4  # the version the pact was read as / targets
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown top-level fields
    # Interactions of the file that could not be read: the rest of the pact stays usable.
    unreadable: tuple[UnreadableInteraction, ...] = ()

    @property
    def load_warnings(self) -> tuple[str, ...]:
        """What reading the pact could not honour as written, interaction by interaction."""
        return tuple(w for i in self.interactions for w in i.load_warnings)

    def replace(self, **changes: Any) -> Pact:
        return replace(self, **changes)
