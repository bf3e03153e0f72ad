"""Splitting a ``multipart/form-data`` body into named parts (with python-multipart)."""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import field

from accord.model.valueclass import dataclass

__all__ = ["Part", "parse_multipart"]


@dataclass(slots=True)
class Part:
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    filename: str | None = None

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def _params(header_value: str) -> dict[str, str]:
    out = {}
    for piece in header_value.split(";")[1:]:
        key, _, value = piece.strip().partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        out[key.strip().lower()] = value
    return out


def parse_multipart(data: bytes, content_type: str) -> list[Part]:
    """The parts of a multipart body (raises ``ValueError`` when it cannot be split)."""
    boundary = _params(content_type).get("boundary")
    if not boundary:
        # No boundary in the header: take it from the first line of the body.
        first = data.lstrip(b"\r\n").split(b"\r\n", 1)[0]
        if not first.startswith(b"--"):
            raise ValueError("no multipart boundary in the content type or the body")
        boundary = first[2:].decode("latin-1")
    from python_multipart.multipart import MultipartParser  # lazy: parser only when needed

    parts: list[Part] = []
    state: dict[str, bytes] = {"field": b"", "value": b""}
    headers: dict[str, str] = {}
    chunks: list[bytes] = []

    def on_part_begin() -> None:
        headers.clear()
        chunks.clear()

    def on_part_data(buf: bytes, start: int, end: int) -> None:
        chunks.append(buf[start:end])

    def on_header_field(buf: bytes, start: int, end: int) -> None:
        state["field"] += buf[start:end]

    def on_header_value(buf: bytes, start: int, end: int) -> None:
        state["value"] += buf[start:end]

    def on_header_end() -> None:
        headers[state["field"].decode("latin-1").strip().lower()] = (
            state["value"].decode("utf-8", errors="replace").strip()
        )
        state["field"] = state["value"] = b""

    def on_part_end() -> None:
        disposition = _params(headers.get("content-disposition", ""))
        content = b"".join(chunks)
        if headers.get("content-transfer-encoding", "").lower() == "base64":
            # When it is not valid base64 after all, the bytes are compared as they came.
            with contextlib.suppress(binascii.Error, ValueError):
                content = base64.b64decode(content)
        parts.append(
            Part(
                disposition.get("name", ""),
                dict(headers),
                content,
                disposition.get("filename"),
            )
        )

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
        },
    )
    try:
        parser.write(data)
        parser.finalize()
    except Exception as exc:  # the parser raises its own error types
        raise ValueError(str(exc)) from None
    return parts
