"""A shop API described in OpenAPI 3.0, and helpers to build pacts against it."""

from __future__ import annotations

import copy
from typing import Any

from accord.model import Pact, load_pact
from accord.openapi import OpenApiDocument, parse_document

ITEM = {
    "type": "object",
    "required": ["id", "name", "price"],
    "properties": {
        "id": {"type": "integer", "format": "int64"},
        "name": {"type": "string", "minLength": 1},
        "price": {"type": "number", "minimum": 0},
        "description": {"type": "string", "nullable": True},
        "status": {"type": "string", "enum": ["available", "sold"]},
        "created": {"type": "string", "format": "date-time"},
        "contact": {"type": "string", "format": "email"},
    },
}

SHOP: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "shop", "version": "1.0.0"},
    "servers": [{"url": "https://shop.example.com/api"}],
    "paths": {
        "/items": {
            "get": {
                "parameters": [
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "tag", "in": "query",
                     "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "X-Request-Id", "in": "header",
                     "schema": {"type": "string", "format": "uuid"}},
                ],
                "responses": {
                    "200": {"description": "the items", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/ItemList"}}}},
                    "default": {"$ref": "#/components/responses/Error"},
                },
            },
            "post": {
                "security": [{"bearer": []}],
                "parameters": [{"name": "X-Tenant", "in": "header", "required": True,
                                "schema": {"type": "string"}}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/NewItem"}}}},
                "responses": {
                    "201": {
                        "description": "created",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Item"}}},
                    },
                    "400": {"$ref": "#/components/responses/Error"},
                },
            },
        },
        "/items/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "get": {"responses": {
                "200": {"description": "one item", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Item"}}}},
                "404": {"$ref": "#/components/responses/Error"},
            }},
            "delete": {"responses": {"2XX": {"description": "gone"}}},
        },
        "/search": {"get": {
            "parameters": [{"name": "q", "in": "query", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "hits", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ItemList"}}}}},
        }},
        "/pets/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "string"}}],
            "responses": {"200": {"description": "a pet", "content": {"application/json": {
                "schema": {"oneOf": [{"$ref": "#/components/schemas/Cat"},
                                     {"$ref": "#/components/schemas/Dog"}]}}}}},
        }},
        "/people/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "a person", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Person"}}}}},
        }},
        "/accounts/{id}": {
            "get": {
                "security": [{"apiKey": []}],
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "an account", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Account"}}}}},
            },
            "put": {
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Account"}}}},
                "responses": {"204": {"description": "saved"}},
            },
        },
        "/tokens": {"post": {
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {
                "schema": {"type": "object", "required": ["grant_type"], "properties": {
                    "grant_type": {"type": "string", "enum": ["client_credentials"]},
                    "ttl": {"type": "integer", "maximum": 3600},
                }}}}},
            "responses": {"200": {"description": "a token", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"token": {"type": "string"}}}}}}},
        }},
        "/shapes/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "a shape", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Shape"}}}}},
        }},
        "/nodes/{id}": {"get": {
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "responses": {"200": {"description": "a tree", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Node"}}}}},
        }},
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                            "apiKey": {"type": "apiKey", "in": "query", "name": "key"}},
        "responses": {"Error": {"description": "an error", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}}},
        "schemas": {
            "Item": ITEM,
            "ItemList": {"type": "object", "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                "total": {"type": "integer"},
            }},
            "NewItem": {
                "type": "object",
                "required": ["name", "price"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "price": {"type": "number", "minimum": 0},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
            },
            "Cat": {"type": "object", "required": ["kind", "meows"],
                    "additionalProperties": False,
                    "properties": {"kind": {"type": "string", "enum": ["cat"]},
                                   "meows": {"type": "boolean"}}},
            "Dog": {"type": "object", "required": ["kind", "barks"],
                    "additionalProperties": False,
                    "properties": {"kind": {"type": "string", "enum": ["dog"]},
                                   "barks": {"type": "boolean"}}},
            "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Person": {"allOf": [
                {"$ref": "#/components/schemas/Named"},
                {"type": "object", "properties": {"age": {"type": "integer"}}},
            ]},
            "Account": {"type": "object", "properties": {
                "id": {"type": "integer", "readOnly": True},
                "password": {"type": "string", "writeOnly": True},
                "limits": {"type": "object", "maxProperties": 2,
                           "additionalProperties": {"type": "integer", "multipleOf": 10}},
                "labels": {"type": "object", "properties": {"team": {"type": "string"}},
                           "additionalProperties": False},
                "history": {"type": "array", "maxItems": 2, "items": {"type": "integer"}},
            }},
            "Shape": {
                "oneOf": [{"$ref": "#/components/schemas/Circle"},
                          {"$ref": "#/components/schemas/Square"}],
                "discriminator": {"propertyName": "kind", "mapping": {
                    "circle": "#/components/schemas/Circle",
                    "square": "#/components/schemas/Square"}},
            },
            "Circle": {"type": "object", "properties": {"kind": {"type": "string"},
                                                         "radius": {"type": "number"}}},
            "Square": {"type": "object", "properties": {"kind": {"type": "string"},
                                                         "side": {"type": "number"}}},
            "Node": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            }},
        },
    },
}


def shop(**changes: Any) -> dict[str, Any]:
    """A deep copy of the shop document (with top-level keys replaced)."""
    doc = copy.deepcopy(SHOP)
    doc.update(changes)
    return doc


def document(data: dict[str, Any] | None = None) -> OpenApiDocument:
    return parse_document(copy.deepcopy(data if data is not None else SHOP), source="shop.yaml")


def interaction(
    method: str = "GET",
    path: str = "/items/1",
    *,
    query: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    status: int = 200,
    response_headers: dict[str, str] | None = None,
    response_body: Any = None,
    rules: dict[str, Any] | None = None,
    description: str = "an interaction",
) -> dict[str, Any]:
    """A V3 pact interaction (JSON)."""
    request: dict[str, Any] = {"method": method, "path": path}
    if query is not None:
        request["query"] = query
    if headers:
        request["headers"] = headers
    if body is not None:
        request["body"] = body
        request.setdefault("headers", {}).setdefault("Content-Type", "application/json")
        if request["headers"]["Content-Type"] == "application/x-www-form-urlencoded":
            request["body"] = body  # a V3 pact writes a form body as its text
    response: dict[str, Any] = {"status": status}
    if response_headers:
        response["headers"] = response_headers
    if response_body is not None:
        response["body"] = response_body
        response.setdefault("headers", {}).setdefault("Content-Type", "application/json")
    if rules:
        response["matchingRules"] = {"body": rules}
    return {"description": description, "request": request, "response": response}


def pact(*interactions: dict[str, Any], spec: str = "3.0.0") -> Pact:
    return load_pact({
        "consumer": {"name": "shop-web"},
        "provider": {"name": "shop-api"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": spec}},
    })
