"""Turning the ``body`` of pact JSON into bytes exactly as the official core (pact_models) does.

The reading depends on the specification version:

* V1-V3 (``"body": "..."``): a string is JSON text when the content type is JSON and the text
  is a JSON object or a JSON string; any other string under a JSON type is itself a JSON
  string. A string under a binary content type (``image/gif``, ``application/pdf``…) is base64,
  as the official writers put bytes there; it is decoded when it is canonical base64.
* V4 (``"body": {"content": …, "contentType": …, "encoded": …}``): only ``encoded: "base64"``
  means base64; a string ``content`` under a JSON type is a JSON string (``"Fulfilling"`` is
  the body ``"Fulfilling"``, quotes included); ``encoded: "json"`` takes the content as it is.

The content-type classes here are the official core's (narrower than ``is_text_type``):
``text/json`` is text, not JSON; ``application/javascript`` is binary.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from accord.model.body import Body, BodyState, base_content_type, detect_content_type
from accord.model.jsontypes import JsonMapping, JsonValue

__all__ = [
    "V4_BODY_ATTRIBUTES",
    "decode_canonical_base64",
    "detect_official_content_type",
    "is_official_binary_type",
    "is_official_json_type",
    "is_official_text_type",
    "is_v4_body_object",
    "json_to_text",
    "read_v3_body",
    "read_v4_body",
]

V4_BODY_ATTRIBUTES = frozenset({"content", "contentType", "contentTypeHint", "encoded"})


def _split(content_type: str | None) -> tuple[str, str, str]:
    """(main type, sub type, structured-syntax suffix), lower-cased."""
    base = base_content_type(content_type)
    main, _, sub = base.partition("/")
    suffix = sub.rsplit("+", 1)[1] if "+" in sub else ""
    return main, sub, suffix


def is_official_json_type(content_type: str | None) -> bool:
    """``application/json*``, ``application/*+json`` and ``application/graphql``."""
    main, sub, suffix = _split(content_type)
    return main == "application" and (sub.startswith("json") or suffix == "json"
                                      or sub == "graphql")


def _is_official_xml_type(content_type: str | None) -> bool:
    main, sub, suffix = _split(content_type)
    return main in ("application", "text") and (sub == "xml" or suffix == "xml")


def is_official_text_type(content_type: str | None) -> bool:
    """``text/*``, XML, JSON and ``application/x-www-form-urlencoded``."""
    main, sub, _ = _split(content_type)
    return (main == "text" or _is_official_xml_type(content_type)
            or is_official_json_type(content_type)
            or (main, sub) == ("application", "x-www-form-urlencoded"))


def is_official_binary_type(content_type: str | None) -> bool:
    """Audio, fonts, images, video and every other type that is not text."""
    main, _, _ = _split(content_type)
    if main in ("audio", "font", "image", "video"):
        return True
    return main != "text" and not is_official_text_type(content_type)


# patterns, not compiled at import: ``re`` compiles (and caches) them on first use, which
# only a body without a content type needs
_XML = r"^\s*<\?xml\s*version.*"
_HTML = r"^\s*(<!DOCTYPE)|(<HTML>).*"
_XML2 = r'^\s*<\w+\s*(:\w+=["”][^"”]+["”])?.*'
_JSON = r'^\s*(true|false|null|[0-9]+|"\w*|\{\s*(}|"\w+)|\[\s*)'


def detect_official_content_type(text: str) -> str:
    """The official core's guess for a body string without a content type (always text)."""
    if re.search(_XML, text):
        return "application/xml"
    if re.search(_HTML, text.upper()):
        return "text/html"
    if re.search(_XML2, text):
        return "application/xml"
    if re.search(_JSON, text):
        return "application/json"
    return "text/plain"


def decode_canonical_base64(text: str) -> bytes | None:
    """The bytes ``text`` encodes in standard, padded base64, or None when it is not exactly
    that (no whitespace, no URL-safe letters, zero trailing bits), as the official core decodes."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _is_json_object_or_string(text: str) -> bool:
    try:
        value = json.loads(text)
    except ValueError:
        return False
    return isinstance(value, (dict, str))


def read_v3_body(raw: JsonValue, header_content_type: str | None) -> Body:
    """A V1-V3 ``body`` (or message ``contents``) value; the content type comes from headers."""
    if raw is None:
        return Body.null()
    if not isinstance(raw, str):
        return Body.of_json(raw, header_content_type or "application/json")
    if raw == "":
        return Body.empty(header_content_type)
    content_type = header_content_type or detect_official_content_type(raw)
    if is_official_json_type(content_type):
        if _is_json_object_or_string(raw):
            return Body(BodyState.PRESENT, raw.encode(), content_type)
        return Body.of_json(raw, content_type)
    if is_official_text_type(content_type):
        return Body(BodyState.PRESENT, raw.encode(), content_type)
    decoded = decode_canonical_base64(raw)
    if decoded:
        return Body(BodyState.PRESENT, decoded, content_type)
    return Body(BodyState.PRESENT, raw.encode(), content_type)


def json_to_text(value: JsonValue) -> str:
    """A string as it is, anything else as compact JSON (null as nothing): how a JSON value
    becomes text where text is wanted (a body, a path, a header or query value)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def is_v4_body_object(raw: JsonValue) -> bool:
    """Is this V4 ``body`` value the object of body attributes (else it is the body itself)?"""
    return isinstance(raw, dict) and ("content" in raw or set(raw) <= V4_BODY_ATTRIBUTES)


def read_v4_body(raw: JsonMapping, header_content_type: str | None) -> Body:
    """A V4 ``body`` (or message ``contents``) object of body attributes.

    ``contentType`` wins over the headers. ``encoded`` is ``"base64"`` (decoded when it is
    canonical base64, else kept as text), ``"json"`` or any other value (content kept as text);
    ``false`` or absent means plain content. Without ``content`` the body is missing.
    """
    if "content" not in raw:
        return Body.missing()
    content = raw["content"]
    hint = raw.get("contentTypeHint")
    hint = hint if isinstance(hint, str) else None
    if content is None:
        return Body(BodyState.NULL, content_type_hint=hint)
    content_type = raw.get("contentType", header_content_type)
    content_type = json_to_text(content_type) or None
    encoded = raw.get("encoded", False)
    if isinstance(encoded, bool):
        encoding = "" if encoded else None
    else:
        encoding = encoded.lower() if isinstance(encoded, str) else json_to_text(encoded)
    if encoding == "base64":
        text = json_to_text(content)
        data = decode_canonical_base64(text)
        return _present(text.encode() if data is None else data, content_type, hint)
    if encoding is None and is_official_json_type(content_type):
        if content == "":
            return Body.empty(content_type)
        body = Body.of_json(content, content_type or "application/json")
        return _present(body.content, content_type, hint, parsed=content)
    return _present(json_to_text(content).encode(), content_type, hint)


_NOT_PARSED: Any = object()


def _present(data: bytes, content_type: str | None, hint: str | None, *,
             parsed: Any = _NOT_PARSED) -> Body:
    if not data:
        return Body.empty(content_type)
    body = Body(BodyState.PRESENT, data, content_type or detect_content_type(data), hint)
    if parsed is not _NOT_PARSED:
        body.__dict__["json"] = parsed  # already parsed: keep the exact value
    return body
