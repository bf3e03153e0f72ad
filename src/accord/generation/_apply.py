"""Applying a part's generators: requests, responses and message contents.

Body generators are keyed by DocPath and apply to every location the path names (wildcards
included), shallowest paths first. JSON, XML (``$.root.child['#text']`` for text,
``$.root.child['@id']`` for attributes, as the official tools key them) and form-urlencoded
bodies are supported; other bodies are left as they are, as the official tools do.
Header, query and metadata generators are keyed by name; ``path``, ``method`` and ``status``
have one generator each.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlencode

from accord.errors import GeneratorError, MissingGeneratorInput
from accord.generation._values import GeneratorContext, applies_in, generate_value
from accord.model.body import Body, BodyState
from accord.model.body_json import json_to_text
from accord.model.docpath import STAR, DocPath
from accord.model.generators import Generator, Generators
from accord.model.interactions import HttpRequest, HttpResponse, MessageContents

__all__ = [
    "apply_body_generators",
    "generate_message",
    "generate_request",
    "generate_response",
]

#: a catalogue's body generator: ``ctx.catalogue.with_body_generator(content_type, fn)``
BodyGenerator = Callable[[Body, Mapping[str, Generator], GeneratorContext], Body]


def _active(generators: Generators, category: str, ctx: GeneratorContext
            ) -> list[tuple[str, Generator]]:
    return [(k, g) for k, g in generators.category(category).items() if applies_in(g, ctx.mode)]


def _try(generator: Generator, ctx: GeneratorContext, current: Any) -> Any:
    """Generate, keeping the example when the context lacks what the generator needs
    (no provider-state value, no mock server URL) — as the official tools do."""
    try:
        return generate_value(generator, ctx, current)
    except MissingGeneratorInput:
        return current


def _headers_and_body(part: HttpRequest | HttpResponse, changes: dict[str, Any],
                      ctx: GeneratorContext) -> None:
    """Add what the header and body generators of a request or response change."""
    headers = _headers(part.headers, _active(part.generators, "header", ctx), ctx)
    if headers is not None:
        changes["headers"] = headers
    body = apply_body_generators(part.body, part.generators.category("body"), ctx)
    if body is not part.body:
        changes["body"] = body


def generate_request(request: HttpRequest, ctx: GeneratorContext) -> HttpRequest:
    """``request`` with its generators applied for ``ctx.mode``."""
    gens = request.generators
    if not gens:
        return request
    changes: dict[str, Any] = {}
    for _, g in _active(gens, "method", ctx)[:1]:
        changes["method"] = json_to_text(_try(g, ctx, request.method)).upper()
    for _, g in _active(gens, "path", ctx)[:1]:
        changes["path"] = json_to_text(_try(g, ctx, request.path))
    query_gens = _active(gens, "query", ctx)
    if query_gens:
        query = dict(request.query or {})
        for name, g in query_gens:
            if query.get(name):
                query[name] = tuple(json_to_text(_try(g, ctx, v)) for v in query[name])
            elif (value := _try(g, ctx, None)) is not None:  # absent: added when generated
                query[name] = (json_to_text(value),)
        changes["query"] = query
        changes["raw_query"] = None
    _headers_and_body(request, changes, ctx)
    return replace(request, **changes) if changes else request


def generate_response(response: HttpResponse, ctx: GeneratorContext) -> HttpResponse:
    """``response`` with its generators applied for ``ctx.mode``."""
    gens = response.generators
    if not gens:
        return response
    changes: dict[str, Any] = {}
    for _, g in _active(gens, "status", ctx)[:1]:
        value = _try(g, ctx, response.status if response.status is not None else 200)
        try:
            changes["status"] = int(value)
        except (TypeError, ValueError):
            raise GeneratorError(f"{g.kind} generator for the status produced {value!r}, "
                                 "not a status code") from None
    _headers_and_body(response, changes, ctx)
    return replace(response, **changes) if changes else response


def generate_message(contents: MessageContents, ctx: GeneratorContext) -> MessageContents:
    """Message ``contents`` with body (``content``) and metadata generators applied."""
    gens = contents.generators
    if not gens:
        return contents
    changes: dict[str, Any] = {}
    meta_gens = _active(gens, "metadata", ctx)
    if meta_gens:
        metadata = dict(contents.metadata)
        for key, g in meta_gens:
            name = key[2:] if key.startswith("$.") else key
            metadata[name] = _try(g, ctx, metadata.get(name))
        changes["metadata"] = metadata
    body_gens = {**gens.category("content"), **gens.category("body")}
    body = apply_body_generators(contents.body, body_gens, ctx)
    if body is not contents.body:
        changes["body"] = body
    return replace(contents, **changes) if changes else contents


def _headers(headers: Mapping[str, tuple[str, ...]], gens: list[tuple[str, Generator]],
             ctx: GeneratorContext) -> dict[str, tuple[str, ...]] | None:
    if not gens:
        return None
    out = dict(headers)
    for name, g in gens:
        existing = next((k for k in out if k.lower() == name.lower()), None)
        if existing is not None and out[existing]:
            out[existing] = tuple(json_to_text(_try(g, ctx, v)) for v in out[existing])
        elif (value := _try(g, ctx, None)) is not None:  # absent: added when generated
            out[existing or name] = (json_to_text(value),)
    return out


# --------------------------------------------------------------------------- bodies


def apply_body_generators(body: Body, generators: Mapping[str, Generator],
                          ctx: GeneratorContext) -> Body:
    """``body`` with DocPath-keyed ``generators`` applied (the same object when unchanged)."""
    active = [(DocPath.parse(k), g) for k, g in generators.items() if applies_in(g, ctx.mode)]
    if not active or body.state is BodyState.MISSING:
        return body
    active.sort(key=lambda item: len(item[0]))  # shallowest first: parents before children
    if body.state is BodyState.PRESENT and (custom := _custom_generator(body, ctx)) is not None:
        return custom(body, {k: g for k, g in generators.items() if applies_in(g, ctx.mode)}, ctx)
    if body.state is BodyState.PRESENT and _is_form(body):
        return _form_body(body, active, ctx)
    if body.state is BodyState.PRESENT and body.is_xml:
        return _xml_body(body, active, ctx)
    if body.state is BodyState.PRESENT:
        try:
            document = body.json
        except ValueError:
            return body
    elif body.state is BodyState.NULL:
        document = None
    else:
        return body
    root: list[Any] = [copy.deepcopy(document)]
    changed = False
    for path, g in active:
        locations = list(_resolve(root[0], path.tokens))
        for loc in locations:
            current = _get(root[0], loc)
            _set(root, loc, _try(g, ctx, current))
            changed = True
    if not changed:
        return body
    new = Body.of_json(root[0], body.content_type or "application/json")
    if body.content_type_hint:
        new = Body(new.state, new.content, new.content_type, body.content_type_hint)
    return new


def _custom_generator(body: Body, ctx: GeneratorContext) -> BodyGenerator | None:
    """The catalogue's way to generate ``body``: its plugin's, else its body generator."""
    catalogue = ctx.catalogue
    plugin = catalogue.plugin_for(body.content_type)
    if plugin is not None:
        return plugin.generate_contents
    return catalogue.body_generator_for(body.base_type or "")


def _resolve(node: Any, tokens: tuple[Any, ...], prefix: tuple[Any, ...] = ()
             ) -> Iterator[tuple[Any, ...]]:
    """Every concrete location under ``node`` that ``tokens`` names."""
    if not tokens:
        yield prefix
        return
    head, rest = tokens[0], tokens[1:]
    if head is STAR:
        if isinstance(node, dict):
            for key in list(node):
                yield from _resolve(node[key], rest, (*prefix, key))
        elif isinstance(node, list):
            for i in range(len(node)):
                yield from _resolve(node[i], rest, (*prefix, i))
    elif isinstance(node, dict) and isinstance(head, (str, int)) and str(head) in node:
        yield from _resolve(node[str(head)], rest, (*prefix, str(head)))
    elif isinstance(node, list):
        index = head if isinstance(head, int) else (int(head) if str(head).isdigit() else None)
        if index is not None and -len(node) <= index < len(node):
            yield from _resolve(node[index], rest, (*prefix, index))


def _get(node: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        node = node[part]
    return node


def _set(root: list[Any], loc: tuple[Any, ...], value: Any) -> None:
    if not loc:
        root[0] = value
        return
    parent = _get(root[0], loc[:-1])
    parent[loc[-1]] = value


def _is_form(body: Body) -> bool:
    return body.base_type == "application/x-www-form-urlencoded"


def _form_body(body: Body, active: list[tuple[DocPath, Generator]],
               ctx: GeneratorContext) -> Body:
    pairs = parse_qsl(body.text, keep_blank_values=True)
    changed = False
    for path, g in active:
        if len(path.tokens) != 1:
            continue
        token = path.tokens[0]
        for i, (k, v) in enumerate(pairs):
            if token is STAR or k == token:
                pairs[i] = (k, json_to_text(_try(g, ctx, v)))
                changed = True
    if not changed:
        return body
    return Body(BodyState.PRESENT, urlencode(pairs).encode(), body.content_type,
                body.content_type_hint)


def _xml_body(body: Body, active: list[tuple[DocPath, Generator]],
              ctx: GeneratorContext) -> Body:
    from xml.parsers.expat import ExpatError

    from defusedxml.minidom import parseString  # safe against entity expansion

    try:
        document = parseString(body.content)
    except (ExpatError, ValueError):  # not XML after all, or a DTD/entity trick: left alone
        return body
    changed = False
    for path, g in active:
        tokens = path.tokens
        if len(tokens) < 2:
            continue
        last = tokens[-1]
        if not (isinstance(last, str) and last.startswith(("@", "#text"))):
            continue
        for element in _xml_elements(document.documentElement, tokens[:-1]):
            if last == "#text":
                texts = [n for n in element.childNodes if n.nodeType == n.TEXT_NODE]
                current = "".join(n.data for n in texts)
                value = json_to_text(_try(g, ctx, current))
                for n in texts:
                    element.removeChild(n)
                element.appendChild(document.createTextNode(value))
                changed = True
            elif element.hasAttribute(last[1:]):
                value = json_to_text(_try(g, ctx, element.getAttribute(last[1:])))
                element.setAttribute(last[1:], value)
                changed = True
    if not changed:
        return body
    return Body(BodyState.PRESENT, document.toxml(encoding="utf-8"), body.content_type,
                body.content_type_hint)


def _xml_elements(root: Any, tokens: tuple[Any, ...]) -> Iterator[Any]:
    """Elements named by ``tokens`` (element names from the root; ``*`` for any)."""
    def named(element: Any, token: Any) -> bool:
        return token is STAR or token in (element.tagName, element.localName)

    if not tokens or not named(root, tokens[0]):
        return
    level = [root]
    for token in tokens[1:]:
        if isinstance(token, int):  # an index among the previous level's matches
            level = level[token:token + 1]
            continue
        level = [child for element in level for child in element.childNodes
                 if child.nodeType == child.ELEMENT_NODE and named(child, token)]
    yield from level
