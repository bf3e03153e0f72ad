"""Names for decoded JSON, used in signatures instead of a bare ``Any``.

They say what a value is (a pact document, a HAL resource, a request body) where ``Any`` says
nothing. They are aliases of ``Any`` rather than a recursive union on purpose: code that reads
a document indexes into it freely and checks shapes where it matters (``accord.model.spec``
reports a wrong shape with its JSON pointer), instead of narrowing every step for mypy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

__all__ = ["JsonMapping", "JsonObject", "JsonValue"]

JsonValue: TypeAlias = Any
"""Any decoded JSON value: a dict, list, str, int, float, bool or None."""

JsonObject: TypeAlias = dict[str, Any]
"""A decoded JSON object that the holder may change (a document being built)."""

JsonMapping: TypeAlias = Mapping[str, Any]
"""A decoded JSON object only read (an argument)."""
