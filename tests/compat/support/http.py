"""HTTP interactions from the suite's tables: the numbered Background table and "changes" rows.

A row is a ``dict`` of column → cell. Request columns: method, path, query, headers,
raw headers, body, content type, matching rules, generators. Response columns: response,
response headers, response content, response body, response matching rules, status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from accord.model import (
    Body,
    HttpRequest,
    HttpResponse,
    SpecVersion,
    SynchronousHttp,
    parse_query_string,
)

from .suite import (
    body_from_cell,
    generators_from_cell,
    merge_generators,
    merge_rules,
    parse_header_cell,
    rules_from_cell,
)

__all__ = [
    "apply_request_changes",
    "apply_response_changes",
    "interactions_from_table",
    "response_row",
    "rows",
    "with_header",
]


def rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    """A pytest-bdd datatable (first row = headings) as dicts."""
    head, *body = datatable
    return [dict(zip(head, row, strict=True)) for row in body]


def with_header(headers: Mapping[str, tuple[str, ...]], name: str, *values: str,
                replace_existing: bool = True) -> dict[str, tuple[str, ...]]:
    out = {k: v for k, v in headers.items()
           if not (replace_existing and k.lower() == name.lower())}
    existing = next((k for k in out if k.lower() == name.lower()), None)
    if existing is not None:
        out[existing] = out[existing] + tuple(values)
    else:
        out[name] = tuple(values)
    return out


def _headers_from(cell: str) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, value in parse_header_cell(cell):
        out = with_header(out, name, value, replace_existing=False)
    return out


def _replace_headers(headers: Mapping[str, tuple[str, ...]], cell: str,
                     ) -> dict[str, tuple[str, ...]]:
    """A headers change replaces the headers (the body's Content-Type stays)."""
    out = {k: v for k, v in headers.items() if k.lower() == "content-type"}
    for name, values in _headers_from(cell).items():
        out = with_header(out, name, *values)
    return out


def _set_body(headers: Mapping[str, tuple[str, ...]], body: Body,
              ) -> tuple[dict[str, tuple[str, ...]], Body]:
    """Give a body its Content-Type header, as the official step code does."""
    out = dict(headers)
    if body.content_type:
        out = with_header(out, "Content-Type", body.content_type)
    return out, body


def _current_type(headers: Mapping[str, tuple[str, ...]], body: Body) -> str | None:
    for k, v in headers.items():
        if k.lower() == "content-type" and v:
            return v[0]
    return body.content_type


def apply_request_changes(request: HttpRequest, row: Mapping[str, str],
                          spec: SpecVersion = SpecVersion.V4) -> HttpRequest:
    """The request with the row's non-empty cells applied."""
    changes: dict = {}
    headers = dict(request.headers)
    if row.get("method", "").strip():
        changes["method"] = row["method"].strip()
    if row.get("path", "").strip():
        changes["path"] = row["path"].strip()
    if "query" in row and row["query"].strip():
        changes["query"] = parse_query_string(row["query"].strip())
        changes["raw_query"] = row["query"].strip()
    for column in ("headers", "raw headers"):
        if row.get(column, "").strip():
            headers = _replace_headers(headers, row[column])
    explicit = row.get("content type", "").strip() or None
    if row.get("body", "").strip():
        body = body_from_cell(row["body"], _current_type(headers, request.body), explicit)
        headers, body = _set_body(headers, body)
        changes["body"] = body
    elif explicit:
        headers = with_header(headers, "Content-Type", explicit)
    changes["headers"] = headers
    if row.get("matching rules", "").strip():
        changes["matching_rules"] = merge_rules(request.matching_rules,
                                                rules_from_cell(row["matching rules"], spec))
    if row.get("generators", "").strip():
        changes["generators"] = merge_generators(request.generators,
                                                 generators_from_cell(row["generators"]))
    return replace(request, **changes)


def apply_response_changes(response: HttpResponse, row: Mapping[str, str],
                           spec: SpecVersion = SpecVersion.V4) -> HttpResponse:
    changes: dict = {}
    headers = dict(response.headers)
    status = (row.get("response") or row.get("status") or "").strip()
    if status:
        changes["status"] = int(status)
    if row.get("response headers", "").strip():
        headers = _replace_headers(headers, row["response headers"])
    explicit = row.get("response content", "").strip() or None
    if row.get("response body", "").strip():
        body = body_from_cell(row["response body"], _current_type(headers, response.body),
                              explicit)
        headers, body = _set_body(headers, body)
        changes["body"] = body
    elif explicit:
        headers = with_header(headers, "Content-Type", explicit)
    changes["headers"] = headers
    if row.get("response matching rules", "").strip():
        changes["matching_rules"] = merge_rules(
            response.matching_rules, rules_from_cell(row["response matching rules"], spec))
    if row.get("generators", "").strip():  # only in response-only tables
        changes["generators"] = merge_generators(response.generators,
                                                 generators_from_cell(row["generators"]))
    return replace(response, **changes)


def response_row(row: Mapping[str, str]) -> dict[str, str]:
    """A response-only table (``body``, ``matching rules``) in the response column names."""
    names = {"body": "response body", "matching rules": "response matching rules",
             "headers": "response headers"}
    return {names.get(k, k): v for k, v in row.items()}


def interactions_from_table(datatable: list[list[str]], spec: SpecVersion,
                            ) -> dict[int, SynchronousHttp]:
    """The Background's numbered interactions; the description names the number."""
    out = {}
    for row in rows(datatable):
        number = int(row["No"])
        request = apply_request_changes(HttpRequest(), row, spec)
        response = apply_response_changes(HttpResponse(status=200), row, spec)
        out[number] = SynchronousHttp(description=f"Interaction {number}", request=request,
                                      response=response)
    return out
