"""Turning what a test declares (values with matchers) into model bodies, rules and generators.

One helper per kind of place a matcher can sit: a body (JSON, text, bytes, XML, form,
multipart), a single value (a header, a query parameter, the path, the status, a metadata
entry). All return plain examples plus rules/generators keyed the way pact files key them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from accord.consumer.matchers import Matcher, reify
from accord.errors import ContractDefinitionError
from accord.model import Body, Generator, Rule, RuleList, is_json_type, is_xml_type
from accord.model.valueclass import dataclass

__all__ = ["BodySpec", "ScalarSpec", "body_spec", "form_spec", "multipart_spec", "scalar_spec"]


@dataclass
class BodySpec:
    """A declared body: the model body plus its rules and generators (category ``body``)."""

    body: Body
    rules: dict[str, RuleList] = field(default_factory=dict)
    generators: dict[str, Generator] = field(default_factory=dict)
    header_rules: dict[str, RuleList] = field(default_factory=dict)


@dataclass
class ScalarSpec:
    """One header / query / path / status / metadata value: examples plus rules at its key."""

    values: tuple[Any, ...]
    rules: RuleList | None = None
    generator: Generator | None = None


def body_spec(value: Any, content_type: str | None, where: str) -> BodySpec:
    """A body from a dict/list/matcher (JSON), str (text), bytes or an ``xml.element``."""
    xml = sys.modules.get("accord.consumer.xml")  # an element exists only once it is imported
    if xml is not None and isinstance(value, xml.XmlBody):  # pact-python's xml.body(root)
        value = value.element
    if xml is not None and isinstance(value, xml.XmlElement):
        xml_text, rules, gens = value.render(where)
        return BodySpec(Body.of_bytes(xml_text.encode("utf-8"), content_type or "application/xml"),
                        rules, gens)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return BodySpec(Body.of_bytes(bytes(value), content_type or "application/octet-stream"))
    if isinstance(value, Matcher) and isinstance(value.value, (bytes, bytearray, memoryview)):
        # a binary body with rules at $ (e.g. match.content_type("image/png", png_bytes)):
        # bytes are no JSON value, so reify a stand-in for the rules and keep the bytes
        ct = content_type or next((str(r.params["value"]) for r in value.rules
                                   if r.kind == "contentType"), "application/octet-stream")
        stand_in = Matcher("", value.rules, value.generator, check=value.check)
        reified = reify(stand_in, where=where)
        return BodySpec(Body.of_bytes(bytes(value.value), ct), reified.rules, reified.generators)
    if isinstance(value, str) and not (content_type and is_json_type(content_type)):
        if content_type and is_xml_type(content_type):
            return BodySpec(Body.of_bytes(value.encode("utf-8"), content_type))
        return BodySpec(Body.of_text(value, content_type or "text/plain"))
    if isinstance(value, str):
        # A JSON document given as text (pact-python accepts this), or a JSON string.
        with contextlib.suppress(ValueError):
            value = json.loads(value)
        return BodySpec(Body.of_json(value, content_type or "application/json"))
    reified = reify(value, where=where)
    ct = content_type or "application/json"
    if not is_json_type(ct) and isinstance(reified.example, (str, bytes)):
        data = reified.example if isinstance(reified.example, bytes) else reified.example.encode()
        return BodySpec(Body.of_bytes(data, ct), reified.rules, reified.generators)
    if not is_json_type(ct) and not isinstance(reified.example, (dict, list)):
        raise ContractDefinitionError(
            f"interaction {where!r}: a {ct} body must be text or bytes, got {reified.example!r}")
    if not is_json_type(ct):
        # a JSON document under a vendor type without a +json suffix
        return BodySpec(Body.of_json(reified.example).with_content_type(ct),
                        reified.rules, reified.generators)
    return BodySpec(Body.of_json(reified.example, ct), reified.rules, reified.generators)


def form_spec(fields: Mapping[str, Any] | Sequence[tuple[str, Any]], where: str) -> BodySpec:
    """An ``application/x-www-form-urlencoded`` body; matchers on fields give ``$.name`` rules."""
    pairs = list(fields.items()) if isinstance(fields, Mapping) else list(fields)
    grouped: dict[str, Any] = {}
    for name, value in pairs:
        if name in grouped:
            existing = grouped[name]
            grouped[name] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            grouped[name] = value
    reified = reify(grouped, where=where)
    encoded: list[tuple[str, str]] = []
    for name, value in reified.example.items():
        for item in value if isinstance(value, list) else [value]:
            encoded.append((name, _text(item, where, f"form field {name!r}")))
    body = Body.of_bytes(urlencode(encoded).encode("ascii"), "application/x-www-form-urlencoded")
    if not encoded:
        body = Body.empty("application/x-www-form-urlencoded")
    rules = {_flatten_index(p): rl for p, rl in reified.rules.items()}
    gens = {_flatten_index(p): g for p, g in reified.generators.items()}
    return BodySpec(body, rules, gens)


def _flatten_index(path: str) -> str:
    # form fields with several values: $.a[0] → $.a (rules apply to every value)
    return re.sub(r"\[\d+\]$", "", path)


_MULTIPART_CT = r"multipart/form-data;(\s*charset=[^;]*;)?\s*boundary=.*"


def multipart_spec(part_name: str, file: str | os.PathLike[str] | bytes, content_type: str | None,
                   boundary: str | None, filename: str | None, where: str) -> BodySpec:
    """A ``multipart/form-data`` body with one file part (``$.part`` gets a contentType rule)."""
    if isinstance(file, (bytes, bytearray)):
        data = bytes(file)
        name = filename or part_name
    else:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ContractDefinitionError(
                f"interaction {where!r}: cannot read multipart file {str(path)!r}: {exc}") from None
        name = filename or path.name
    if not content_type:
        import mimetypes  # reads the system's type maps: only for a file part without a type

        content_type = mimetypes.guess_type(name)[0]
    ct = content_type or "application/octet-stream"
    boundary = boundary or "accord-boundary-7MA4YWxkTrZu0gW"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{part_name}\"; "
            f"filename=\"{name}\"\r\nContent-Type: {ct}\r\n\r\n").encode()
    payload = head + data + f"\r\n--{boundary}--\r\n".encode()
    body_ct = f"multipart/form-data; boundary={boundary}"
    return BodySpec(
        Body.of_bytes(payload, body_ct),
        {f"$.{part_name}" if part_name.isidentifier() else f"$['{part_name}']":
         RuleList((Rule("contentType", {"value": ct}),))},
        {},
        {"Content-Type": RuleList((Rule("regex", {"regex": _MULTIPART_CT}),))},
    )


def scalar_spec(value: Any, where: str, what: str, *, as_text: bool = True,
                allow_none: bool = False) -> ScalarSpec:
    """A header/query/path/metadata value (or a list of values) with its rules."""
    items = list(value) if isinstance(value, (list, tuple)) else [value]
    rules: list[Rule] = []
    generator: Generator | None = None
    examples: list[Any] = []
    for item in items:
        reified = reify(item, where=where)
        for path, rl in reified.rules.items():
            if path not in ("$", "$[*]") and not path.startswith("$["):
                raise ContractDefinitionError(
                    f"interaction {where!r}: {what} takes a single value, not a structure with "
                    f"matchers inside (at {path})")
            for r in rl.rules:
                if r not in rules:
                    rules.append(r)
        for _path, g in reified.generators.items():
            generator = generator or g
        ex = reified.example
        sub = ex if isinstance(ex, list) and isinstance(item, Matcher) else [ex]
        for e in sub:
            if e is None and allow_none:
                examples.append(None)  # a query flag without a value (?debug)
            else:
                examples.append(_text(e, where, what) if as_text else e)
    return ScalarSpec(tuple(examples), RuleList(tuple(rules)) if rules else None, generator)


def _text(value: Any, where: str, what: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise ContractDefinitionError(
        f"interaction {where!r}: {what} must be text, got {value!r}")
