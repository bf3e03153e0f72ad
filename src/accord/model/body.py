"""Bodies: present content with a content type, or explicitly missing, null or empty.

The specification keeps these apart (an expected ``null`` body is not the same as no
expectation at all), so ``Body`` has a ``state`` as well as bytes.
"""

from __future__ import annotations

import json
from enum import Enum
from functools import cached_property

from accord.model.jsontypes import JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "Body",
    "BodyState",
    "base_content_type",
    "detect_content_type",
    "is_json_type",
    "is_text_type",
    "is_xml_type",
]


class BodyState(Enum):
    MISSING = "missing"  # no body key at all: nothing is expected
    NULL = "null"  # an explicit JSON null
    EMPTY = "empty"  # an empty string / zero bytes
    PRESENT = "present"


@dataclass(frozen=True)
class Body:
    """A request, response or message body as bytes plus what they are."""

    state: BodyState = BodyState.MISSING
    content: bytes = b""
    content_type: str | None = None
    content_type_hint: str | None = None  # V4 'contentTypeHint': TEXT / BINARY / DEFAULT

    @staticmethod
    def missing() -> Body:
        return _MISSING

    @staticmethod
    def null() -> Body:
        return Body(BodyState.NULL)

    @staticmethod
    def empty(content_type: str | None = None) -> Body:
        return Body(BodyState.EMPTY, b"", content_type)

    @staticmethod
    def of_json(value: JsonValue, content_type: str = "application/json") -> Body:
        body = Body(
            BodyState.PRESENT,
            json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
            content_type,
        )
        body.__dict__["json"] = value  # already parsed: keep the exact value
        return body

    @staticmethod
    def of_text(text: str, content_type: str | None = None) -> Body:
        if text == "":
            return Body(BodyState.EMPTY, b"", content_type)
        return Body(
            BodyState.PRESENT, text.encode(), content_type or detect_content_type(text.encode())
        )

    @staticmethod
    def of_bytes(data: bytes, content_type: str | None = None) -> Body:
        if not data:
            return Body(BodyState.EMPTY, b"", content_type)
        return Body(BodyState.PRESENT, bytes(data), content_type or detect_content_type(data))

    @property
    def is_present(self) -> bool:
        return self.state is BodyState.PRESENT

    @cached_property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @cached_property
    def json(self) -> JsonValue:
        """The content parsed as JSON (raises ``ValueError`` when it is not JSON)."""
        return json.loads(self.content)

    @property
    def decoded(self) -> JsonValue | str | bytes | None:
        """The body as a message handler or producer receives it, on either side: ``None``
        when absent, parsed JSON for a JSON type (the bytes when they do not parse), ``str``
        for a ``text/*`` type, the bytes otherwise."""
        if not self.is_present:
            return None
        if self.is_json:
            try:
                return self.json
            except ValueError:
                return self.content
        if self.base_type and self.base_type.startswith("text/"):
            return self.text
        return self.content

    @cached_property
    def is_json(self) -> bool:
        return is_json_type(self.content_type)

    @cached_property
    def is_xml(self) -> bool:
        return is_xml_type(self.content_type)

    @property
    def base_type(self) -> str | None:
        """The content type without parameters, lower-cased (``application/json``)."""
        return base_content_type(self.content_type) or None

    def with_content_type(self, content_type: str | None) -> Body:
        return Body(self.state, self.content, content_type, self.content_type_hint)

    def __repr__(self) -> str:
        if self.state is not BodyState.PRESENT:
            return f"Body.{self.state.value}()"
        preview = self.content[:60]
        return f"Body({preview!r}{'…' if len(self.content) > 60 else ''}, {self.content_type!r})"


_MISSING = Body()


def base_content_type(content_type: str | None) -> str:
    """The type without parameters, lower-cased (``application/json``); "" for none.

    Content types are compared this way everywhere: ``Application/JSON; charset=UTF-8``
    is JSON.
    """
    return (content_type or "").split(";", 1)[0].strip().lower()


def is_json_type(content_type: str | None) -> bool:
    base = base_content_type(content_type)
    return (
        base in ("application/json", "text/json")
        or base.endswith("+json")
        or (base.startswith("application/") and base.endswith("-json"))
    )


def is_xml_type(content_type: str | None) -> bool:
    base = base_content_type(content_type)
    return base in ("application/xml", "text/xml") or base.endswith("+xml")


_TEXT_APPLICATION_TYPES = (
    "application/x-www-form-urlencoded", "application/javascript", "application/ecmascript",
    "application/x-javascript", "application/yaml", "application/x-yaml", "application/graphql",
    "application/csv", "application/sql",
)  # fmt: skip


def is_text_type(content_type: str | None) -> bool:
    """Is this content type text (written as is) rather than binary (written as base64)?

    A body with no content type counts as text. ``multipart/*`` is binary, as the official
    tools treat it, since parts may hold files.
    """
    base = base_content_type(content_type)
    return (
        not base
        or base.startswith("text/")
        or is_json_type(base)
        or is_xml_type(base)
        or base in _TEXT_APPLICATION_TYPES
    )


def detect_content_type(data: bytes) -> str:
    """Guess a content type from the bytes (as the official tools do when none is given)."""
    head = data.lstrip()[:64]
    if head[:1] in (b"{", b"[", b'"'):  # a JSON string too: the official core says JSON
        try:
            json.loads(data)
            return "application/json"
        except ValueError:
            pass
    if head.startswith(b"<?xml") or (
        head.startswith(b"<")
        and not head.lower().startswith(b"<!doctype html")
        and not head.lower().startswith(b"<html")
    ):
        return "application/xml"
    if head.lower().startswith((b"<!doctype html", b"<html")):
        return "text/html"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if data.strip() in (b"true", b"false", b"null") or _is_number(data):
        return "application/json"
    return "text/plain"


def _is_number(data: bytes) -> bool:
    try:
        float(data)
    except ValueError:
        return False
    return True
