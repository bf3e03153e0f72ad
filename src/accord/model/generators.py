"""Generator definitions: what a generator *is* (applying one lives in ``accord.generation``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import field
from typing import Any

from accord.errors import GeneratorError
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.valueclass import dataclass

__all__ = ["GENERATOR_KINDS", "Generator", "Generators"]

GENERATOR_KINDS = frozenset(
    {
        "RandomInt", "RandomDecimal", "RandomHexadecimal", "RandomString", "RandomBoolean",
        "Regex", "Uuid", "Date", "Time", "DateTime", "ProviderState", "MockServerURL",
    }
)  # fmt: skip

_ALIASES = {"Timestamp": "DateTime", "Datetime": "DateTime", "UUID": "Uuid"}


@dataclass(frozen=True, slots=True)
class Generator:
    """One generator: ``kind`` (e.g. ``RandomInt``) plus its JSON parameters."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_json(data: JsonValue, *, where: str = "", file: str | None = None) -> Generator:
        if not isinstance(data, Mapping) or not isinstance(data.get("type"), str):
            raise GeneratorError(
                f"a generator must be an object with a 'type', got {data!r}",
                file=file,
                pointer=where,
            )
        kind = _ALIASES.get(data["type"], data["type"])
        if kind not in GENERATOR_KINDS:
            raise GeneratorError(
                f"unknown generator {data['type']!r} (known: {', '.join(sorted(GENERATOR_KINDS))})",
                file=file,
                pointer=where,
            )
        return Generator(kind, {k: v for k, v in data.items() if k != "type"})

    def to_json(self) -> JsonObject:
        return {"type": self.kind, **self.params}

    def get(self, key: str, default: JsonValue = None) -> JsonValue:
        return self.params.get(key, default)


@dataclass(frozen=True, slots=True)
class Generators:
    """Generators by category (``body``, ``header``, ``query``, ``path``, ``status``,
    ``metadata``) and key; ``path`` and ``status`` use the single key ``""``."""

    categories: Mapping[str, Mapping[str, Generator]] = field(default_factory=dict)

    def category(self, name: str) -> Mapping[str, Generator]:
        return self.categories.get(name, {})

    def __bool__(self) -> bool:
        return any(self.categories.values())

    def __iter__(self) -> Iterator[tuple[str, str, Generator]]:
        for cat, entries in self.categories.items():
            for key, gen in entries.items():
                yield cat, key, gen

    def with_generator(self, category: str, key: str, generator: Generator) -> Generators:
        cats = {c: dict(e) for c, e in self.categories.items()}
        cats.setdefault(category, {})[key] = generator
        return Generators(cats)

    def rename(self, old: str, new: str) -> Generators:
        if old not in self.categories:
            return self
        return Generators({(new if c == old else c): e for c, e in self.categories.items()})
