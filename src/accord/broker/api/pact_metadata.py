"""The ``metadata`` segment of pact URLs: selector facts (consumer version, tag, WIP, pending)
as a Rack-style query in base64url, opaque to verifiers and read back when they publish results."""

from __future__ import annotations

import base64
from urllib.parse import quote

from accord.broker.api.rack_query import parse_nested_query
from accord.model.jsontypes import JsonMapping, JsonObject

__all__ = ["decode_metadata", "encode_metadata"]


def _quoted(value: object) -> str:
    text = str(value)
    # ASCII letters and digits are what most values are (ids, "true", branch names), and
    # quote() leaves them as they are: skip its work for them
    return text if text.isascii() and text.isalnum() else quote(text, safe="")


def encode_metadata(params: JsonMapping) -> str:
    """Rack-style query, base64url without padding (opaque to verifiers)."""
    parts: list[str] = []
    for key, value in params.items():
        if isinstance(value, list):
            for item in value:
                for k, v in item.items():
                    parts.append(f"{key}[][{k}]={_quoted(v)}")
        elif value is not None:
            parts.append(f"{key}={_quoted(value)}")
    return base64.urlsafe_b64encode("&".join(parts).encode()).decode().rstrip("=")


def decode_metadata(value: str | None) -> JsonObject:
    if not value:
        return {}
    try:
        padded = value + "=" * (-len(value) % 4)
        return parse_nested_query(base64.urlsafe_b64decode(padded).decode())
    except (ValueError, UnicodeDecodeError):
        return {}
