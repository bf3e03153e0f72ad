"""HAL rendering helpers: links, path segments, JSON responses with the broker's headers
(times are formatted by ``accord.broker.clock``)."""

from __future__ import annotations

import functools
import json
from typing import Any
from urllib.parse import quote

from starlette.responses import Response

from accord.model.jsontypes import JsonObject, JsonValue

__all__ = [
    "HAL_JSON",
    "encode_json",
    "hal_response",
    "hal_text_response",
    "header_value",
    "json_response",
    "link",
    "seg",
]

HAL_JSON = "application/hal+json;charset=utf-8"
BROKER_VERSION = "2.120.0-accord"


def seg(value: object) -> str:
    """Percent-encode one path segment the way the Ruby clients do (space → %20, / → %2F)."""
    return _quoted(str(value))


@functools.lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """Names repeat in every link of a listing: each is quoted once."""
    return quote(text, safe="")


def header_value(text: str) -> str:
    """``text`` as an HTTP header value: printable ASCII as it is, anything else (a version
    number in another script) percent-encoded as UTF-8, since headers are Latin-1 on the wire."""
    if text.isascii() and text.isprintable():
        return text
    return quote(text, safe=" !\"#$&'()*+,-./:;<=>?@[]^_`{|}~")


def link(
    href: str, title: str | None = None, name: str | None = None, **extra: JsonValue
) -> JsonObject:
    out: dict[str, Any] = {"href": href}
    if title is not None:
        out["title"] = title
    if name is not None:
        out["name"] = name
    out.update(extra)
    return out


#: JSON text as every response has it (compact, not ASCII-escaped): for a renderer that
#: writes a large body from pieces encoded once (``hal_text_response``)
encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def json_response(
    body: JsonValue,
    status: int = 200,
    content_type: str = HAL_JSON,
    headers: dict[str, str] | None = None,
) -> Response:
    data = encode_json(body).encode()
    return Response(data, status_code=status, media_type=content_type, headers=headers)


def hal_text_response(text: str, status: int = 200) -> Response:
    """A HAL response whose body is JSON text already encoded with ``encode_json``."""
    return Response(text.encode(), status_code=status, media_type=HAL_JSON)


def hal_response(
    body: JsonValue, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return json_response(body, status, HAL_JSON, headers)
