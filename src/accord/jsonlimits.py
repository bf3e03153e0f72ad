"""JSON from untrusted clients: bounded nesting, finite numbers, clear errors.

Python's parser recurses once per nesting level, so ``[[[[…]]]]`` ten thousand deep ends in
``RecursionError`` (a server error) and ``NaN``/``Infinity``/``1e999`` are accepted although
they are not JSON and cannot be written back as JSON. ``loads`` measures the nesting first
(in C-speed passes over the text, strings removed) and refuses such input with
``JsonLimitError``, a ``ValueError`` whose message says what is wrong.
"""

from __future__ import annotations

import json
import math
from itertools import accumulate
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.model.jsontypes import JsonValue

__all__ = ["DEFAULT_MAX_DEPTH", "JsonLimitError", "json_depth", "loads"]

DEFAULT_MAX_DEPTH = 200

_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
_STEP = [0] * 256
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1


class JsonLimitError(ValueError):
    """Input that is too deeply nested or holds a number JSON cannot represent."""


def json_depth(data: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text (0 for a scalar).

    Works on any text (invalid JSON gives some number; the parser reports the real error).
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if b"[" not in raw and b"{" not in raw:
        return 0
    if b"\\" in raw:  # drop escaped backslashes, then escaped quotes
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    # every '"' left opens or closes a string; removing two adjacent ones keeps the parity of
    # all the others, so the parts outside strings are still every other piece
    skeleton = raw.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    brackets = b"".join(skeleton.split(b'"')[::2])
    if not brackets:
        return 0
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets))))


def _constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a JSON number (only finite numbers are allowed)")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonLimitError(f"the number {text[:40]} is too large to be represented")
    return value


def loads(data: bytes | str, *, max_depth: int = DEFAULT_MAX_DEPTH) -> JsonValue:
    """``json.loads`` that refuses nesting deeper than ``max_depth`` and non-finite numbers."""
    depth = json_depth(data)
    if depth > max_depth:
        raise JsonLimitError(
            f"the JSON is nested {depth} levels deep; at most {max_depth} levels are accepted"
        )
    try:
        return json.loads(data, parse_constant=_constant, parse_float=_float)
    except RecursionError:  # cannot happen below the depth limit; be safe all the same
        raise JsonLimitError("the JSON is nested too deeply") from None
