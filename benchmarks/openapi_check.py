"""OpenAPI check benchmark: 1,000 interactions against a large OpenAPI document.

    .venv/bin/python benchmarks/openapi_check.py                 # 1,000 interactions
    .venv/bin/python benchmarks/openapi_check.py --interactions 5000 --repeat 5

The document (OpenAPI 3.0, generated here) has 400 resources, each with a collection and an
item path (800 paths, 2,000 operations), a schema per resource built with
``allOf`` on a shared base, nested ``$ref`` objects, enums, formats, nullable fields and a
recursive ``children`` array; about 860 KB of JSON. The pact has one interaction per
operation chosen round-robin over the resources: path and query parameters, headers, request
bodies for POST/PUT, and response bodies of a list of 5 records with type, regex, integer and
date matchers. Measured (best of ``--repeat``):

* reading the document: parsing and validating it against the official OpenAPI schema
  (done once per document: in a CI job, or once when a provider publishes it);
* checking every interaction of the pact against it — the number the goal is about
  (under a second for 1,000 interactions).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from accord.model import load_pact  # noqa: E402
from accord.openapi import check_pact, parse_document  # noqa: E402

RESOURCES = 400


def _schema(i: int) -> dict[str, Any]:
    return {"allOf": [
        {"$ref": "#/components/schemas/Base"},
        {"type": "object", "required": ["name", "price"], "properties": {
            "name": {"type": "string", "minLength": 1},
            "price": {"type": "number", "minimum": 0},
            "status": {"type": "string", "enum": ["new", "active", "retired"]},
            "created": {"type": "string", "format": "date-time"},
            "note": {"type": "string", "nullable": True},
            "owner": {"$ref": "#/components/schemas/Owner"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "children": {"type": "array",
                         "items": {"$ref": f"#/components/schemas/Resource{i}"}},
            f"extra{i}": {"type": "integer"},
        }},
    ]}


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        "Base": {"type": "object", "required": ["id"],
                 "properties": {"id": {"type": "integer", "format": "int64"}}},
        "Owner": {"type": "object", "properties": {
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string"}}},
        "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
    }
    for i in range(RESOURCES):
        ref = {"$ref": f"#/components/schemas/Resource{i}"}
        schemas[f"Resource{i}"] = _schema(i)
        one = {"200": {"description": "one", "content": {"application/json": {"schema": ref}}},
               "default": {"description": "error", "content": {"application/json": {
                   "schema": {"$ref": "#/components/schemas/Error"}}}}}
        body = {"required": True, "content": {"application/json": {"schema": ref}}}
        paths[f"/r{i}/things"] = {
            "get": {"parameters": [
                {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "many", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "items": {"type": "array", "items": ref},
                        "total": {"type": "integer"}}}}}}}},
            "post": {"requestBody": body, "responses": {"201": one["200"]}},
        }
        paths[f"/r{i}/things/{{id}}"] = {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "get": {"responses": one},
            "put": {"requestBody": body, "responses": one},
            "delete": {"responses": {"204": {"description": "gone"}}},
        }
    return {"openapi": "3.0.3", "info": {"title": "big", "version": "1"},
            "servers": [{"url": "/api"}], "paths": paths, "components": {"schemas": schemas}}


def _record(i: int, j: int) -> dict[str, Any]:
    return {"id": j, "name": f"thing {j}", "price": 1.5 * j, "status": "active",
            "created": "2024-05-01T09:30:00Z", "note": None, "tags": ["a", "b"],
            "owner": {"email": "o@example.com", "name": "Owner"},
            "children": [{"id": 100 + j, "name": "child", "price": 1}], f"extra{i}": j}


def pact(count: int) -> dict[str, Any]:
    interactions = []
    for n in range(count):
        i = n % RESOURCES
        kind = (n // RESOURCES) % 4
        if kind == 0:
            request = {"method": "GET", "path": f"/api/r{i}/things", "query": {"limit": ["10"]},
                       "headers": {"X-Trace": "t"}}
            response = {"status": 200, "headers": {"Content-Type": "application/json"},
                        "body": {"items": [_record(i, j) for j in range(5)], "total": 5},
                        "matchingRules": {"body": {
                            "$.items": {"matchers": [{"match": "type", "min": 1}]},
                            "$.items[*].name": {"matchers": [{"match": "regex",
                                                              "regex": "thing \\d+"}]},
                            "$.items[*].id": {"matchers": [{"match": "integer"}]},
                            "$.items[*].created": {"matchers": [
                                {"match": "timestamp", "timestamp": "yyyy-MM-dd'T'HH:mm:ssX"}]},
                        }}}
        elif kind == 1:
            request = {"method": "GET", "path": f"/r{i}/things/{n}"}
            response = {"status": 200, "headers": {"Content-Type": "application/json"},
                        "body": _record(i, n)}
        elif kind == 2:
            request = {"method": "PUT", "path": f"/r{i}/things/{n}",
                       "headers": {"Content-Type": "application/json"}, "body": _record(i, n)}
            response = {"status": 200, "headers": {"Content-Type": "application/json"},
                        "body": _record(i, n)}
        else:
            request = {"method": "POST", "path": f"/r{i}/things",
                       "headers": {"Content-Type": "application/json"}, "body": _record(i, n)}
            response = {"status": 201, "headers": {"Content-Type": "application/json"},
                        "body": {"id": n, "name": "new", "price": 2}}
        interactions.append({"description": f"interaction {n}", "request": request,
                             "response": response})
    return {"consumer": {"name": "web"}, "provider": {"name": "big"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    raw_doc = document()
    size = len(json.dumps(raw_doc))
    model = load_pact(pact(args.interactions))
    load_times, check_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        doc = parse_document(raw_doc)
        load_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = check_pact(model, doc)
        check_times.append(time.perf_counter() - start)
        bad = [i for i in result.interactions if not i.ok]
        if bad:  # the benchmark's pact is meant to be compatible: a failure is a bug here
            raise SystemExit(f"unexpected findings: {bad[0].findings}")
    operations = sum(len(t.operations) for t in doc.templates)
    print(f"document: {len(doc.templates)} paths, {operations} operations, "
          f"{len(raw_doc['components']['schemas'])} schemas, {size / 1000:.0f} KB of JSON")
    print(f"read and validate the document: {min(load_times):.2f} s (best of {args.repeat})")
    print(f"check {args.interactions} interactions: {min(check_times):.3f} s "
          f"(best of {args.repeat}; "
          f"{min(check_times) / args.interactions * 1e6:.0f} µs per interaction)")


if __name__ == "__main__":
    main()
