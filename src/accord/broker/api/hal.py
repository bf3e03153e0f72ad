"""HAL rendering helpers: links, timestamps, JSON responses with the broker's headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

__all__ = ["HAL_JSON", "hal_response", "header_value", "iso", "json_response", "link", "now", "seg"]

HAL_JSON = "application/hal+json;charset=utf-8"
BROKER_VERSION = "2.120.0-accord"


def now() -> datetime:
    return datetime.now(UTC)


def iso(value: datetime | None) -> str | None:
    """ISO-8601 in UTC with an explicit offset, as the official broker renders times."""
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def seg(value: Any) -> str:
    """Percent-encode one path segment the way the Ruby clients do (space → %20, / → %2F)."""
    return quote(str(value), safe="")


def header_value(text: str) -> str:
    """``text`` as an HTTP header value: printable ASCII as it is, anything else (a version
    number in another script) percent-encoded as UTF-8, since headers are Latin-1 on the wire."""
    if text.isascii() and text.isprintable():
        return text
    return quote(text, safe=" !\"#$&'()*+,-./:;<=>?@[]^_`{|}~")


def link(href: str, title: str | None = None, name: str | None = None, **extra: Any) -> dict:
    out: dict[str, Any] = {"href": href}
    if title is not None:
        out["title"] = title
    if name is not None:
        out["name"] = name
    out.update(extra)
    return out


def json_response(
    body: Any, status: int = 200, content_type: str = HAL_JSON, headers: dict | None = None
) -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(data, status_code=status, media_type=content_type, headers=headers)


def hal_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return json_response(body, status, HAL_JSON, headers)
