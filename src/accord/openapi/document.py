"""An OpenAPI document, read once: its version, its operations and its ``$ref`` targets.

The document is validated against the official OpenAPI schemas (``openapi-spec-validator``)
when it is read, so that a broken document is reported as broken instead of being compared
loosely. Local ``$ref`` pointers are resolved here, keeping the JSON pointer of every target
so that findings can name the place in the document. Swagger 2.0 documents are read into the
same shape (parameters with a ``schema``, request bodies and response content by media type).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from accord.errors import AccordError
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "METHODS",
    "OpenApiDocument",
    "OpenApiError",
    "Operation",
    "PathTemplate",
    "escape_pointer",
    "load_document",
    "parse_document",
]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OpenApiError(AccordError):
    """An OpenAPI document that cannot be read, is not valid, or cannot be resolved."""


def escape_pointer(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _pointer(*parts: str | int) -> str:
    return "".join("/" + escape_pointer(p) for p in parts)


@dataclass(frozen=True)
class Operation:
    """One method of one path template, with its parameters merged from the path item."""

    method: str
    template: str
    pointer: str  # of the operation object, e.g. /paths/~1users~1{id}/get
    spec: Mapping[str, Any]
    parameters: tuple[tuple[Mapping[str, Any], str], ...]  # (parameter, its pointer)
    request_body: tuple[Mapping[str, Any], str] | None
    security: tuple[Mapping[str, Any], ...]

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.template}"


@dataclass(frozen=True)
class PathTemplate:
    template: str
    pattern: re.Pattern[str]
    names: tuple[str, ...]
    literal_score: tuple[int, int]  # more literal segments first, then longer literal text
    operations: Mapping[str, Operation]

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.fullmatch(path)
        if found is None:
            return None
        return {name: unquote(found.group(i + 1)) for i, name in enumerate(self.names)}


@dataclass
class OpenApiDocument:
    """A parsed, validated OpenAPI document (3.0, 3.1, or Swagger 2.0 read as 3.0)."""

    data: Mapping[str, Any]
    version: str  # "2.0", "3.0" or "3.1"
    source: str | None = None
    base_paths: tuple[str, ...] = ("",)
    templates: tuple[PathTemplate, ...] = ()
    by_first_segment: dict[str, list[PathTemplate]] = field(default_factory=dict)
    _refs: dict[str, tuple[Any, str]] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)  # what checks work out once per schema

    @property
    def dialect(self) -> str:
        """How schemas are written: "3.0" (nullable, one type) or "3.1" (JSON Schema)."""
        return "3.1" if self.version == "3.1" else "3.0"

    def resolve(self, node: JsonValue, pointer: str) -> tuple[JsonValue, str]:
        """Follow ``$ref`` (chains too) from ``node`` at ``pointer``: the target and its pointer.

        Raises ``OpenApiError`` for a reference outside the document or to nowhere, and for a
        chain of references that only leads back to itself.
        """
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise OpenApiError(f"$ref {ref!r} at {pointer} only refers to itself")
            seen.add(ref)
            node, pointer = self.target(ref, pointer)
        return node, pointer

    def target(self, ref: str, where: str) -> tuple[JsonValue, str]:
        hit = self._refs.get(ref)
        if hit is not None:
            return hit
        if not ref.startswith("#"):
            raise OpenApiError(
                f"$ref {ref!r} at {where} points outside the document; bundle it into one "
                "file first (e.g. `redocly bundle` or `swagger-cli bundle`)"
            )
        node: Any = self.data
        parts = [] if ref in ("#", "#/") else ref[2:].split("/")
        for raw in parts:
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise OpenApiError(f"$ref {ref!r} at {where} points to nothing in the document")
        found = (node, ref[1:] or "")
        self._refs[ref] = found
        return found

    def find(self, path: str) -> list[tuple[PathTemplate, dict[str, str], str]]:
        """The templates ``path`` fits (with the base path it was found under), best first."""
        matches: list[tuple[PathTemplate, dict[str, str], str]] = []
        for base in self.base_paths:
            if base and not (path == base or path.startswith(base + "/")):
                continue
            rest = path[len(base):] or "/"
            first = rest.split("/", 2)[1] if rest.count("/") else ""
            candidates = self.by_first_segment.get(first, []) + self.by_first_segment.get("", [])
            for template in candidates:
                values = template.match(rest)
                if values is not None:
                    matches.append((template, values, base))
        matches.sort(key=lambda m: m[0].literal_score, reverse=True)
        return matches


def load_document(path: str | Path, *, validate: bool = True) -> OpenApiDocument:
    """Read an OpenAPI document (JSON or YAML) from a file."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise OpenApiError(f"{file}: cannot read the OpenAPI document: {exc.strerror or exc}"
                           ) from None
    except UnicodeDecodeError:
        raise OpenApiError(f"{file}: the OpenAPI document is not UTF-8 text") from None
    return parse_document(text, source=file, validate=validate)


def parse_document(
    content: str | JsonMapping, *, source: str | None = None, validate: bool = True
) -> OpenApiDocument:
    """Read an OpenAPI document from text (JSON or YAML) or from already-parsed data."""
    where = f"{source}: " if source else ""
    data = _parse_text(content, where) if isinstance(content, str) else content
    if not isinstance(data, Mapping):
        raise OpenApiError(f"{where}an OpenAPI document is an object, got {type(data).__name__}")
    if not isinstance(data, dict):  # the checks walk plain JSON data (dict, list, ...)
        data = json.loads(json.dumps(data, default=dict))
    version = _version(data, where)
    if validate:
        _validate(data, version, where)
    if version == "2.0":
        # imported here: only Swagger documents need the conversion
        from accord.openapi.swagger2 import convert

        data = convert(data)
    doc = OpenApiDocument(data=data, version=version, source=source)
    doc.base_paths = _base_paths(data)
    doc.templates = _templates(doc, where)
    for template in doc.templates:
        first = template.template.split("/", 2)[1] if template.template.count("/") else ""
        key = "" if "{" in first else first
        doc.by_first_segment.setdefault(key, []).append(template)
    return doc


def _parse_text(text: str, where: str) -> Any:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise OpenApiError(
                f"{where}malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            ) from None
    try:
        import yaml
    except ImportError:  # pragma: no cover - part of the openapi extra
        raise OpenApiError("reading YAML needs PyYAML: pip install 'accord[openapi]'") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise OpenApiError(f"{where}malformed YAML: {problem}{at}") from None


def _version(data: Mapping[str, Any], where: str) -> str:
    if "openapi" in data:
        text = str(data["openapi"])
        for known in ("3.0", "3.1"):
            if text == known or text.startswith(known + "."):
                return known
        raise OpenApiError(
            f"{where}OpenAPI version {text!r} is not supported (supported: 3.0.x, 3.1.x and "
            "Swagger 2.0)"
        )
    if "swagger" in data:
        if str(data["swagger"]) == "2.0":
            return "2.0"
        raise OpenApiError(
            f"{where}Swagger version {data['swagger']!r} is not supported (supported: 2.0)"
        )
    raise OpenApiError(
        f"{where}this is not an OpenAPI document: it has neither an 'openapi' nor a 'swagger' "
        "version field"
    )


def _validate(data: Mapping[str, Any], version: str, where: str) -> None:
    try:
        from jsonschema.exceptions import best_match
        from openapi_spec_validator import (
            OpenAPIV2SpecValidator,
            OpenAPIV30SpecValidator,
            OpenAPIV31SpecValidator,
        )
    except ImportError:
        raise OpenApiError(
            "checking against OpenAPI needs the openapi extra: pip install 'accord[openapi]'"
        ) from None
    validator_class = {
        "2.0": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
    }[version]
    from referencing.exceptions import PointerToNowhere, Unresolvable

    label = "Swagger 2.0" if version == "2.0" else f"OpenAPI {version}"
    outside = _external_ref(data, "")
    if outside is not None:
        ref, at = outside
        raise OpenApiError(
            f"{where}$ref {ref!r} at {at or '/'} points outside the document; bundle the "
            "document into one file first (e.g. `redocly bundle` or `swagger-cli bundle`)")
    try:
        errors = list(validator_class(dict(data)).iter_errors())
    except RecursionError:
        raise OpenApiError(
            f"{where}not a valid {label} document: a cycle of $ref with no schema in it "
            "(such as A: {$ref: A})") from None
    except PointerToNowhere as exc:
        raise OpenApiError(
            f"{where}not a valid {label} document: $ref {'#' + str(exc.ref)!r} points to "
            "nothing in the document") from None
    except Unresolvable as exc:
        raise OpenApiError(
            f"{where}not a valid {label} document: $ref {str(exc.ref)!r} cannot be resolved"
        ) from None
    except Exception as exc:  # the validator itself gave up on this document
        raise OpenApiError(
            f"{where}not a valid {label} document: the OpenAPI validator could not read it "
            f"({type(exc).__name__}: {exc})") from None
    if not errors:
        return
    try:
        error = best_match(errors) or errors[0]
    except Exception:  # best_match looks deeper than some validator errors allow
        error = errors[0]
    at = _pointer(*error.absolute_path) or "/"
    message = getattr(error, "message", str(error)).split("\n", 1)[0]
    if len(message) > 300:
        message = message[:300] + "…"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    raise OpenApiError(f"{where}not a valid {label} document: at {at}: {message}{more}")


def _external_ref(node: Any, at: str) -> tuple[str, str] | None:
    """The first ``$ref`` that does not point into the document itself (and where it is)."""
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return ref, at
        for key, child in node.items():
            if isinstance(child, (Mapping, list)):
                found = _external_ref(child, f"{at}/{escape_pointer(str(key))}")
                if found is not None:
                    return found
    elif isinstance(node, list):
        for i, child in enumerate(node):
            if isinstance(child, (Mapping, list)):
                found = _external_ref(child, f"{at}/{i}")
                if found is not None:
                    return found
    return None


def _base_paths(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The path prefixes of the servers (``/v1`` of ``https://api.example.com/v1``)."""
    bases: list[str] = []
    servers = data.get("servers")
    if isinstance(servers, list):
        for server in servers:
            url = server.get("url") if isinstance(server, Mapping) else None
            if not isinstance(url, str):
                continue
            variables = server.get("variables") or {}
            for name, var in variables.items() if isinstance(variables, Mapping) else ():
                default = var.get("default", "") if isinstance(var, Mapping) else ""
                url = url.replace("{" + str(name) + "}", str(default))
            path = urlsplit(url).path if "://" in url else url
            path = path.rstrip("/")
            if path not in bases:
                bases.append(path)
    if "" not in bases:
        bases.append("")  # pacts are often written without the servers' prefix
    return tuple(bases)


_PARAM = re.compile(r"\{([^{}/]+)\}")


def _templates(doc: OpenApiDocument, where: str) -> tuple[PathTemplate, ...]:
    paths = doc.data.get("paths") or {}
    if not isinstance(paths, Mapping):
        raise OpenApiError(f"{where}'paths' must be an object")
    out = []
    for template, raw_item in paths.items():
        item_pointer = _pointer("paths", template)
        try:
            item, item_pointer = doc.resolve(raw_item, item_pointer)
        except OpenApiError as exc:
            raise OpenApiError(f"{where}{exc}") from None
        if not isinstance(item, Mapping):
            continue
        shared = _parameters(doc, item.get("parameters"), item_pointer + "/parameters", where)
        operations = {}
        for method in METHODS:
            spec = item.get(method)
            if not isinstance(spec, Mapping):
                continue
            op_pointer = item_pointer + "/" + method
            own = _parameters(doc, spec.get("parameters"), op_pointer + "/parameters", where)
            merged = {(p.get("in"), _name_key(p)): (p, ptr) for p, ptr in shared}
            merged.update({(p.get("in"), _name_key(p)): (p, ptr) for p, ptr in own})
            body = None
            if "requestBody" in spec:
                try:
                    body = doc.resolve(spec["requestBody"], op_pointer + "/requestBody")
                except OpenApiError as exc:
                    raise OpenApiError(f"{where}{exc}") from None
            security = spec.get("security", doc.data.get("security")) or ()
            operations[method] = Operation(
                method=method,
                template=str(template),
                pointer=op_pointer,
                spec=spec,
                parameters=tuple(merged.values()),
                request_body=body,
                security=tuple(s for s in security if isinstance(s, Mapping)),
            )
        names = tuple(_PARAM.findall(str(template)))
        regex = "".join(
            "([^/]+)" if i % 2 else re.escape(piece)
            for i, piece in enumerate(_PARAM.split(str(template)))
        )
        segments = str(template).strip("/").split("/")
        literal = sum(1 for s in segments if "{" not in s)
        out.append(
            PathTemplate(
                template=str(template),
                pattern=re.compile(regex.rstrip("/") + "/?" if regex != "/" else "/"),
                names=names,
                literal_score=(literal, len(_PARAM.sub("", str(template)))),
                operations=operations,
            )
        )
    return tuple(out)


def _name_key(parameter: Mapping[str, Any]) -> str:
    name = str(parameter.get("name", ""))
    return name.lower() if parameter.get("in") == "header" else name


def _parameters(
    doc: OpenApiDocument, raw: Any, pointer: str, where: str
) -> list[tuple[Mapping[str, Any], str]]:
    out = []
    for i, entry in enumerate(raw if isinstance(raw, list) else ()):
        try:
            parameter, at = doc.resolve(entry, f"{pointer}/{i}")
        except OpenApiError as exc:
            raise OpenApiError(f"{where}{exc}") from None
        if isinstance(parameter, Mapping):
            out.append((parameter, at))
    return out
