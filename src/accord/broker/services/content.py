"""Pact content: the de-duplication SHA and interaction ids, as the official broker does it.

The SHA covers only what affects verification (interactions/messages and the specification
version), with keys sorted and interactions ordered by their serialised JSON, so whitespace,
key order, interaction order and metadata do not create a new pact version.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue

__all__ = [
    "canonical_sha",
    "merge_pacts",
    "pacticipant_names",
    "spec_version",
    "with_interaction_ids",
]


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _strip_ids(items: list[Any]) -> list[Any]:
    return [{k: v for k, v in i.items() if k != "_id"} if isinstance(i, dict) else i for i in items]


def pacticipant_names(pact: JsonMapping) -> tuple[JsonValue, JsonValue]:
    """The consumer and provider names a pact document itself gives (None where it gives none),
    to check them against the names a publication request uses."""

    def name(role: str) -> Any:
        who = pact.get(role)
        return (who or {}).get("name") if isinstance(who, dict) else None

    return name("consumer"), name("provider")


def spec_version(pact: JsonMapping) -> str | None:
    meta = pact.get("metadata") or {}
    for key in ("pactSpecification", "pact-specification"):
        value = meta.get(key)
        if isinstance(value, dict) and value.get("version"):
            return str(value["version"])
    value = meta.get("pactSpecificationVersion")
    return str(value) if value else None


def canonical_sha(pact: JsonMapping) -> str:
    subject: dict[str, Any] = {}
    for key in ("interactions", "messages"):
        if isinstance(pact.get(key), list):
            subject[key] = sorted(_strip_ids(pact[key]), key=_dump)
    version = spec_version(pact)
    if version:
        subject["pact_specification_version"] = version
    return hashlib.sha1(_dump(subject).encode()).hexdigest()


def with_interaction_ids(pact: JsonMapping) -> JsonObject:
    """Copy of ``pact`` where each interaction/message starts with an ``_id`` (SHA-1 of it)."""
    out = dict(pact)
    for key in ("interactions", "messages"):
        items = pact.get(key)
        if not isinstance(items, list):
            continue
        new = []
        for item in items:
            if isinstance(item, dict):
                body = {k: v for k, v in item.items() if k != "_id"}
                new.append({"_id": hashlib.sha1(_dump(body).encode()).hexdigest(), **body})
            else:
                new.append(item)
        out[key] = new
    return out


def _interaction_key(item: Any) -> tuple[str, str]:
    if not isinstance(item, dict):
        return ("", _dump(item))
    states = item.get("providerStates") or item.get("providerState") or ""
    return (str(item.get("description", "")), _dump(states))


def merge_pacts(existing: JsonMapping, new: JsonMapping) -> tuple[JsonObject, list[str]]:
    """Merge ``new`` into ``existing``; returns the result and the conflicting descriptions.

    An interaction with the same description and provider state but different content is a
    conflict, as in the official broker's merge.
    """
    merged = dict(existing)
    conflicts: list[str] = []
    for key in ("interactions", "messages"):
        if key not in new and key not in existing:
            continue
        items = list(_strip_ids(existing.get(key) or []))
        index = {_interaction_key(i): n for n, i in enumerate(items)}
        for item in _strip_ids(new.get(key) or []):
            k = _interaction_key(item)
            if k in index:
                if _dump(items[index[k]]) != _dump(item):
                    conflicts.append(k[0])
            else:
                index[k] = len(items)
                items.append(item)
        merged[key] = items
    return merged, conflicts
