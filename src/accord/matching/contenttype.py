"""Content-type detection from the bytes themselves (magic numbers), for the contentType rule.

Binary formats are recognised by their signatures; text is told apart as JSON, XML, HTML or
plain text by looking at it.
"""

from __future__ import annotations

import json

from accord.model.body import base_content_type

__all__ = ["content_type_matches", "detect", "is_binary_type"]

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"BZh", "application/x-bzip2"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"\xfd7zXZ\x00", "application/x-xz"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/x-icon"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"wOFF", "font/woff"),
    (0, b"wOF2", "font/woff2"),
    (0, b"\x00asm", "application/wasm"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
    (0, b"{\\rtf", "application/rtf"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
)

_TEXT_FAMILY = {
    "application/json",
    "application/xml",
    "text/xml",
    "text/html",
    "text/plain",
    "text/csv",
    "application/javascript",
    "text/javascript",
    "text/css",
}


def detect(data: bytes) -> str:
    """The content type the bytes look like (``application/octet-stream`` when unknown)."""
    for offset, magic, ctype in _SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            return ctype
    if data[:4] == b"RIFF" and len(data) >= 12:
        kind = data[8:12]
        return {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}.get(
            kind, "application/octet-stream"
        )
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"qt  ",):
            return "video/quicktime"
        if brand.startswith(b"M4A"):
            return "audio/mp4"
        return "video/mp4"
    if data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return _detect_text(data)


def _detect_text(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    if "\x00" in text:
        return "application/octet-stream"
    stripped = text.lstrip("\ufeff \t\r\n")
    lower = stripped[:64].lower()
    if lower.startswith(("<!doctype html", "<html")):
        return "text/html"
    if stripped.startswith("<?xml") or (
        stripped.startswith("<") and stripped.rstrip().endswith(">")
    ):
        return "application/xml"
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
            return "application/json"
        except ValueError:
            pass
    return "text/plain"


def is_binary_type(content_type: str | None) -> bool:
    """Types whose bodies are compared as bytes rather than parsed."""
    base = base_content_type(content_type)
    if not base:
        return False
    major = base.split("/", 1)[0]
    if major in ("audio", "font", "image", "video"):
        return True
    return base in (
        "application/octet-stream",
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/x-tar",
        "application/wasm",
        "application/x-protobuf",
        "application/protobuf",
        "application/grpc",
        "application/vnd.google.protobuf",
        "application/x-7z-compressed",
        "application/msword",
        "application/vnd.rar",
    )


def content_type_matches(data: bytes, expected: str) -> tuple[bool, str]:
    """Is ``data`` of content type ``expected``? Returns the verdict and what was detected."""
    want = base_content_type(expected)
    found = detect(data)
    if want == found:
        return True, found
    if found == "application/zip" and want.endswith(
        (
            "+zip",
            "officedocument.wordprocessingml.document",
            "officedocument.spreadsheetml.sheet",
            "java-archive",
        )
    ):
        return True, found
    if want in ("image/jpg", "image/pjpeg") and found == "image/jpeg":
        return True, found
    if found in _TEXT_FAMILY or found == "text/plain":
        if want == "text/plain" or (want.startswith("text/") and found == "text/plain"):
            return True, found
        if (want.endswith("+json") or want == "text/json") and found == "application/json":
            return True, found
        if (want.endswith("+xml") or want == "text/xml") and found == "application/xml":
            return True, found
        if want == "application/json" and found == "text/plain":
            try:
                json.loads(data)
                return True, "application/json"
            except ValueError:
                pass
    return False, found
