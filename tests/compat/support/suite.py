"""Where the compatibility suite lives, and how its fixtures and table cells become model parts.

Cells in the suite's tables use a few forms: ``file: basic.json`` (a fixture file),
``file: text-body.xml`` (a body descriptor: content type + contents), ``JSON: {...}``,
``XML: <...>``, ``EMPTY`` and plain text. Matcher and generator fragments are pact-file JSON.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from accord.model import Body, Generators, MatchingRules, SpecVersion, load_request
from accord.model.body import BodyState

__all__ = [
    "FEATURES",
    "FIXTURES",
    "SUITE",
    "body_from_cell",
    "fixture_body",
    "generators_from_cell",
    "json_cell",
    "merge_generators",
    "merge_rules",
    "parse_header_cell",
    "rules_from_cell",
    "unescape",
]


SUITE = Path(__file__).resolve().parents[2] / "data" / "pact-compat-suite"
FEATURES = SUITE / "features"
FIXTURES = SUITE / "fixtures"

_EXTENSION_TYPES = {
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".xml": "application/xml",
    ".txt": "text/plain",
}


def unescape(text: str) -> str:
    """Gherkin keeps ``\\"`` literally inside quoted step arguments; undo that."""
    return text.replace('\\"', '"')


def json_cell(text: str) -> Any:
    """A cell holding JSON, with or without the ``JSON:`` prefix."""
    text = text.strip()
    if text.startswith("JSON:"):
        text = text[len("JSON:"):]
    return json.loads(text)


def fixture_body(name: str) -> Body:
    """The body a fixture file describes: ``*-body.xml`` descriptors, JSON, or raw bytes."""
    path = FIXTURES / name.strip()
    if path.name.endswith("-body.xml"):
        return _descriptor_body(path)
    data = path.read_bytes()
    content_type = _EXTENSION_TYPES.get(path.suffix.lower(), "application/octet-stream")
    if content_type == "application/json":
        return Body.of_json(json.loads(data))
    return Body.of_bytes(data, content_type)


def _descriptor_body(path: Path) -> Body:
    root = ElementTree.fromstring(path.read_bytes())
    content_type = (root.findtext("contentType") or "").strip() or None
    contents = root.find("contents")
    text = "" if contents is None else (contents.text or "")
    if contents is not None and contents.get("encoding") == "base64":
        data = base64.b64decode("".join(text.split()))
        return Body.of_bytes(data, content_type or "application/octet-stream")
    text = text.strip()
    if contents is not None and contents.get("eol") == "CRLF":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
    if content_type and content_type.split(";")[0].strip().lower() in ("application/json",):
        return Body.of_json(json.loads(text), content_type)
    return Body.of_bytes(text.encode(), content_type or "text/plain")


def body_from_cell(cell: str, current_content_type: str | None = None,
                   explicit_content_type: str | None = None) -> Body:
    """A body from a table cell; plain text keeps the part's current content type."""
    cell = cell.strip()
    if cell == "":
        return Body.missing()
    if cell == "EMPTY":
        return Body.empty(explicit_content_type or current_content_type)
    if cell.startswith("JSON:"):
        body = Body.of_json(json_cell(cell), explicit_content_type or "application/json")
    elif cell.startswith("XML:"):
        body = Body.of_bytes(cell[len("XML:"):].strip().encode(),
                             explicit_content_type or "application/xml")
    elif cell.startswith("file:"):
        body = fixture_body(cell[len("file:"):])
        if explicit_content_type:
            body = body.with_content_type(explicit_content_type)
    else:
        content_type = explicit_content_type or current_content_type
        body = Body.of_bytes(cell.encode(), content_type)
    return body


def _fragment(cell: str) -> Any:
    cell = cell.strip()
    if cell.startswith("JSON:"):
        return json_cell(cell)
    return json.loads((FIXTURES / cell).read_text())


def rules_from_cell(cell: str, spec: SpecVersion = SpecVersion.V4) -> MatchingRules:
    """Matching rules from a fragment file (V2 flat ``$.body.x`` keys or V3+ categories)."""
    data = _fragment(cell)
    version = SpecVersion.V2 if any(k.startswith("$") for k in data) else max(spec, SpecVersion.V3)
    return load_request({"matchingRules": data}, version).matching_rules


def generators_from_cell(cell: str) -> Generators:
    return load_request({"generators": _fragment(cell)}, SpecVersion.V4).generators


def merge_rules(base: MatchingRules, extra: MatchingRules) -> MatchingRules:
    out = base
    for category, key, rules in extra:
        out = out.with_rules(category, key, rules)
    return out


def merge_generators(base: Generators, extra: Generators) -> Generators:
    out = base
    for category, key, generator in extra:
        out = out.with_generator(category, key, generator)
    return out


_HEADER = re.compile(r"'([^']*)'")


def parse_header_cell(cell: str) -> list[tuple[str, str]]:
    """``'X-A: 1', 'X-B: 2'`` → ``[("X-A", "1"), ("X-B", "2")]`` (order and repeats kept)."""
    out = []
    for item in _HEADER.findall(cell):
        name, _, value = item.partition(":")
        out.append((name.strip(), value.strip()))
    return out


def body_is_present(body: Body) -> bool:
    return body.state is BodyState.PRESENT
