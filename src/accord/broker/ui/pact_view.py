"""A pact document turned into plain data for the pact page (any specification version).

The pact is read through ``accord.model`` so V2 path-style matching rules, V3 categories and
V4 interaction types all render the same way. A pact the model cannot read is shown as raw
JSON with the reason, never as a server error.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from typing import Any
from urllib.parse import quote

from accord.errors import AccordError
from accord.model import (
    AsynchronousMessage,
    Body,
    BodyState,
    Generators,
    MatchingRules,
    MessageContents,
    SynchronousHttp,
    SynchronousMessages,
    load_pact,
)
from accord.model.jsontypes import JsonMapping
from accord.model.valueclass import dataclass

__all__ = ["MAX_SHOWN_BODY", "InteractionView", "PactView", "Part", "view_pact"]


@dataclass
class Part:
    """One side of an interaction: a request, a response or message contents."""

    title: str
    first_line: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str | None = None
    body_note: str = ""
    rules: list[tuple[str, str, str]] = field(default_factory=list)
    generators: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class InteractionView:
    kind: str
    description: str
    anchor: str
    states: list[tuple[str, str]]
    pending: bool
    comments: list[str]
    parts: list[Part]


@dataclass
class PactView:
    spec: str
    interactions: list[InteractionView]
    metadata: str
    error: str | None
    raw: str
    #: interactions in the whole pact; ``interactions`` holds only the requested page
    total: int = 0
    page: int = 1
    pages: int = 1
    first: int = 1

    @property
    def paged(self) -> bool:
        return self.pages > 1


#: a body longer than this is cut in the page (the API serves it whole)
MAX_SHOWN_BODY = 64 * 1024


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def _body(body: Body) -> tuple[str | None, str]:
    text, note = _full_body(body)
    if text is not None and len(text) > MAX_SHOWN_BODY:
        cut = f"first {MAX_SHOWN_BODY} of {len(text)} characters shown"
        return text[:MAX_SHOWN_BODY] + "\n…", f"{note}; {cut}" if note else cut
    return text, note


def _full_body(body: Body) -> tuple[str | None, str]:
    if body.state is BodyState.MISSING:
        return None, ""
    if body.state is BodyState.NULL:
        return "null", ""
    if body.state is BodyState.EMPTY:
        return "", "empty body"
    note = body.content_type or ""
    if body.is_json:
        try:
            return _pretty(body.json), note
        except ValueError:
            pass
    text = body.text
    if "\ufffd" in text:
        return None, f"{len(body.content)} bytes of binary content ({note or 'no content type'})"
    return text, note


def _rules(rules: MatchingRules) -> list[tuple[str, str, str]]:
    out = []
    for category, key, rule_list in rules:
        texts = []
        for rule in rule_list.rules:
            params = ", ".join(
                f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in rule.params.items()
            )
            texts.append(f"{rule.kind}" + (f" ({params})" if params else ""))
        joiner = " or " if rule_list.combine == "OR" else " and "
        out.append((category, key or "", joiner.join(texts)))
    return out


def _generators(generators: Generators) -> list[tuple[str, str, str]]:
    out = []
    for category, key, gen in generators:
        params = ", ".join(
            f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in gen.params.items()
        )
        out.append((category, key or "", gen.kind + (f" ({params})" if params else "")))
    return out


def _headers(headers: Any) -> list[tuple[str, str]]:
    return [(name, ", ".join(values)) for name, values in headers.items()]


def _query(query: Mapping[str, tuple[str | None, ...]] | None, raw: str | None) -> str:
    if raw:
        return "?" + raw
    if not query:
        return ""
    pairs = [
        quote(name, safe="") + ("" if value is None else "=" + quote(value, safe=""))
        for name, values in query.items()
        for value in values
    ]
    return "?" + "&".join(pairs)


def _message(title: str, contents: MessageContents) -> Part:
    body, note = _body(contents.body)
    return Part(
        title,
        headers=[
            (k, v if isinstance(v, str) else json.dumps(v)) for k, v in contents.metadata.items()
        ],
        body=body,
        body_note=note,
        rules=_rules(contents.matching_rules),
        generators=_generators(contents.generators),
    )


def _parts(interaction: Any) -> tuple[str, list[Part]]:
    if isinstance(interaction, SynchronousHttp):
        req, res = interaction.request, interaction.response
        req_body, req_note = _body(req.body)
        res_body, res_note = _body(res.body)
        return "HTTP", [
            Part(
                "Request",
                f"{req.method} {req.path}{_query(req.query, req.raw_query)}",
                _headers(req.headers),
                req_body,
                req_note,
                _rules(req.matching_rules),
                _generators(req.generators),
            ),
            Part(
                "Response",
                f"{res.status}" if res.status is not None else "any status",
                _headers(res.headers),
                res_body,
                res_note,
                _rules(res.matching_rules),
                _generators(res.generators),
            ),
        ]
    if isinstance(interaction, AsynchronousMessage):
        return "Message", [_message("Message", interaction.contents)]
    if isinstance(interaction, SynchronousMessages):
        parts = [_message("Request message", interaction.request)]
        parts += [
            _message(f"Response message {i + 1}", r) for i, r in enumerate(interaction.responses)
        ]
        return "Synchronous message", parts
    return type(interaction).__name__, []


def _interaction_lists(document: JsonMapping) -> list[str]:
    return [k for k in ("interactions", "messages") if isinstance(document.get(k), list)]


def view_pact(
    document: JsonMapping, page: int = 1, per_page: int | None = None, raw: bool = True
) -> PactView:
    """Read the stored pact (``_links``/``createdAt`` already removed) for rendering.

    With ``per_page`` only that page of interactions is read through the model, so a pact of
    a hundred thousand interactions costs no more than one of ``per_page``. ``raw=False``
    leaves out the pretty-printed JSON (too large to be worth showing).
    """
    shown = _pretty(document) if raw else ""
    keys = _interaction_lists(document)
    total = sum(len(document[k]) for k in keys)
    pages, first = 1, 1
    if per_page is not None and total > per_page:
        pages = (total + per_page - 1) // per_page
        page = min(max(page, 1), pages)
        start, stop = (page - 1) * per_page, page * per_page
        sliced = dict(document)
        offset = 0
        for key in keys:  # the page may span a V3 pact's "messages" after "interactions"
            items = document[key]
            sliced[key] = items[max(start - offset, 0) : max(stop - offset, 0)]
            offset += len(items)
        document, first = sliced, start + 1
    else:
        page = 1
    try:
        pact = load_pact(document)
    except (AccordError, ValueError, TypeError, KeyError) as exc:
        return PactView(
            "?", [], "", f"This pact could not be read as a Pact document: {exc}", shown, total
        )
    items = []
    for index, interaction in enumerate(pact.interactions, start=first):
        kind, parts = _parts(interaction)
        items.append(
            InteractionView(
                kind=kind,
                description=interaction.description,
                anchor=f"interaction-{index}",
                states=[
                    (s.name, _pretty(dict(s.params)) if s.params else "")
                    for s in interaction.provider_states
                ],
                pending=interaction.pending,
                comments=[
                    str(c)
                    for key, value in interaction.comments.items()
                    for c in (value if isinstance(value, list) else [f"{key}: {value}"])
                ],
                parts=parts,
            )
        )
    metadata = _pretty(dict(pact.metadata)) if pact.metadata else ""
    return PactView(
        pact.spec_version.value, items, metadata, None, shown, total or len(items), page, pages,
        first,
    )
