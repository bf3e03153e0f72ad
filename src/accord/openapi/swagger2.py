"""Swagger 2.0 read as OpenAPI 3.0: the few shapes that differ, converted once.

Parameters carry their type inline (made a ``schema``), the body is a parameter (made a
``requestBody`` per ``consumes`` media type), responses carry one ``schema`` (made
``content`` per ``produces`` media type), ``basePath`` becomes a server and
``securityDefinitions`` the security schemes. ``definitions`` stay where they are, so the
document's ``$ref`` pointers still resolve. Pointers in findings name the converted shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accord.model.jsontypes import JsonMapping, JsonObject

__all__ = ["convert"]

_SCHEMA_KEYS = ("type", "format", "items", "enum", "default", "minimum", "maximum",
                "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
                "minItems", "maxItems", "uniqueItems", "multipleOf")


def convert(data: JsonMapping) -> JsonObject:
    out: dict[str, Any] = {k: v for k, v in data.items() if k not in ("swagger", "paths")}
    out["openapi"] = "3.0.0"
    consumes = list(data.get("consumes") or ["application/json"])
    produces = list(data.get("produces") or ["application/json"])
    if data.get("basePath"):
        out["servers"] = [{"url": str(data["basePath"])}]
    schemes = {}
    for name, scheme in (data.get("securityDefinitions") or {}).items():
        scheme = dict(scheme)
        if scheme.get("type") == "basic":
            scheme = {"type": "http", "scheme": "basic"}
        schemes[name] = scheme
    out["components"] = {"securitySchemes": schemes}
    out["parameters"] = {k: _parameter(v) for k, v in (data.get("parameters") or {}).items()}
    paths: dict[str, Any] = {}
    for template, item in (data.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        new_item: dict[str, Any] = {}
        shared = [_resolve(data, p) for p in item.get("parameters") or ()]
        for method, op in item.items():
            if method == "parameters" or not isinstance(op, Mapping):
                continue
            op_consumes = list(op.get("consumes") or consumes)
            op_produces = list(op.get("produces") or produces)
            new_op = {k: v for k, v in op.items()
                      if k not in ("parameters", "responses", "consumes", "produces")}
            params = shared + [_resolve(data, p) for p in op.get("parameters") or ()]
            plain, body, form = [], None, []
            for p in params:
                if p.get("in") == "body":
                    body = p
                elif p.get("in") == "formData":
                    form.append(p)
                else:
                    plain.append(_parameter(p))
            new_op["parameters"] = plain
            if body is not None:
                new_op["requestBody"] = {
                    "required": bool(body.get("required")),
                    "content": {ct: {"schema": body.get("schema", {})} for ct in op_consumes},
                }
            elif form:
                schema = {
                    "type": "object",
                    "properties": {str(p.get("name")): _schema_of(p) for p in form},
                    "required": [str(p.get("name")) for p in form if p.get("required")],
                }
                new_op["requestBody"] = {"content": {ct: {"schema": schema}
                                                     for ct in op_consumes}}
            new_op["responses"] = {
                str(code): _response(_resolve(data, r), op_produces)
                for code, r in (op.get("responses") or {}).items()
            }
            new_item[method] = new_op
        paths[template] = new_item
    out["paths"] = paths
    return out


def _resolve(data: Mapping[str, Any], node: Any) -> Any:
    if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref.startswith("#/"):
            target: Any = data
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                target = target.get(part, {}) if isinstance(target, Mapping) else {}
            return target
    return node


def _schema_of(parameter: Mapping[str, Any]) -> dict[str, Any]:
    schema = {k: parameter[k] for k in _SCHEMA_KEYS if k in parameter}
    if parameter.get("type") == "file":
        schema = {"type": "string", "format": "binary"}
    return schema


def _parameter(parameter: Any) -> Any:
    if not isinstance(parameter, Mapping) or parameter.get("in") in ("body", "formData"):
        return parameter
    new = {k: v for k, v in parameter.items() if k not in _SCHEMA_KEYS}
    new["schema"] = _schema_of(parameter)
    if parameter.get("collectionFormat") in (None, "csv"):
        new["explode"] = False
    return new


def _response(response: Any, produces: list[str]) -> Any:
    if not isinstance(response, Mapping):
        return response
    new = {k: v for k, v in response.items() if k not in ("schema", "headers", "examples")}
    if "schema" in response:
        new["content"] = {ct: {"schema": response["schema"]} for ct in produces}
    headers = response.get("headers")
    if isinstance(headers, Mapping):
        new["headers"] = {name: {"schema": _schema_of(h)} for name, h in headers.items()
                          if isinstance(h, Mapping)}
    return new
