# ruff: noqa: E501  (mismatch texts are quoted verbatim)
"""The official broker client's contracts verified against our broker by **accord's verifier**.

Like the official broker's own provider test, a small ASGI wrapper maps the
``HAL-REL-PLACEHOLDER-*`` paths to real resources and undoes the query reordering of the V2
file; provider states are set up through our API; the database is emptied after every
interaction so each starts from its own state.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import pytest

from accord import Verifier
from accord.broker.storage.schema import metadata

from .test_client_contracts import FILES, real_path, setup_state

pytestmark = pytest.mark.slow  # seconds of real waiting: kept out of --quick


def _query_map() -> dict[tuple[tuple[str, str], ...], str]:
    """V2's reordered query (as sorted pairs) → the V1 query of the same interaction."""
    v1: dict[tuple[str, str], str] = {}
    v2: list[tuple[tuple[str, str], str]] = []
    for path in FILES:
        for interaction in json.loads(path.read_text())["interactions"]:
            query = interaction["request"].get("query")
            if not isinstance(query, str) or "q" not in query:
                continue
            states = interaction.get("providerStates") or [
                {"name": interaction.get("providerState") or ""}
            ]
            key = (interaction["description"], states[0]["name"])
            if "V2" in path.name:
                v2.append((key, query))
            else:
                v1[key] = query
    return {tuple(sorted(parse_qsl(q, keep_blank_values=True))): v1[k] for k, q in v2 if k in v1}


class ContractProxy:
    """ASGI wrapper: placeholder paths → real paths, V2 query order undone, reset after each."""

    def __init__(self, app: Any, client: Any) -> None:
        self.app = app
        self.client = client
        self.queries = _query_map()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = dict(scope)
            path = real_path(scope["path"], self.client)
            scope["path"] = path
            scope["raw_path"] = path.encode()
            query = scope.get("query_string", b"").decode()
            original = self.queries.get(tuple(sorted(parse_qsl(query, keep_blank_values=True))))
            if original:
                scope["query_string"] = original.encode()
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                with self.app.engine.begin() as conn:
                    for table in reversed(metadata.sorted_tables):
                        conn.execute(table.delete())


def test_official_client_contracts_with_the_accord_verifier(make_client: Any) -> None:
    client = make_client(base_url="http://example.org")
    app = client.app

    def state(state: str) -> None:
        setup_state(state, client, app)

    verifier = (
        Verifier("Pact Broker").add_transport(app=ContractProxy(app, client)).state_handler(state)
    )
    for path in FILES:
        verifier.add_source(path)
    result = verifier.verify(raises=False)
    failed = [
        f"{r.consumer}: {r.description} ({', '.join(r.provider_states)}): "
        f"{r.error or [str(m) for m in r.mismatches][:3]}"
        for r in result.failed
    ]
    total = len(result.results)
    print(
        f"\nofficial client contracts verified by accord: {total - len(failed)}/{total} interactions pass"
    )
    assert total == 131
    assert not failed, "\n".join(failed)
