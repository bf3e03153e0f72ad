"""The provider side as pact-python 4.x spells it: producers returning its ``Message`` dict,
``Verifier(name, host=...)``, ``add_transport`` forms, and the broker selector builder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord import Verifier
from accord.errors import VerificationFailed

from .conftest import write_pact

EVENTS = {
    "consumer": {"name": "billing"}, "provider": {"name": "orders"},
    "messages": [
        {"description": "an order created event",
         "contents": {"orderId": 55, "total": 9.5},
         "metadata": {"contentType": "application/json", "queue": "orders"},
         "matchingRules": {"body": {"$.total": {"matchers": [{"match": "decimal"}]}}}},
        {"description": "a plain notice", "contents": "hello",
         "metadata": {"contentType": "text/plain"}},
    ],
    "metadata": {"pactSpecification": {"version": "3.0.0"}},
}


def _produce(body: dict[str, Any], content_type: str | None) -> dict[str, Any]:
    return {"contents": json.dumps(body).encode(), "metadata": {"queue": "orders"},
            "content_type": content_type}


@pytest.mark.parametrize("content_type", ["application/json", None])
def test_producers_may_return_pact_pythons_message_dict(tmp_path: Path,
                                                        content_type: str | None) -> None:
    def handler(name: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
        if name == "a plain notice":
            return {"contents": b"hello", "metadata": None, "content_type": "text/plain"}
        return _produce({"orderId": 55, "total": 12.25}, content_type)

    result = (Verifier("orders").add_source(write_pact(tmp_path, EVENTS))
              .message_handler(handler).verify())
    assert len(result.passed) == 2


def test_a_wrong_message_dict_fails(tmp_path: Path) -> None:
    verifier = Verifier("orders").add_source(write_pact(tmp_path, EVENTS)).message_handler({
        "an order created event": _produce({"orderId": "55", "total": 12.25}, None),
        "a plain notice": b"hello"})
    with pytest.raises(VerificationFailed, match=r"an order created event"):
        verifier.verify()


def test_transports_by_host_port_and_path_or_url_object(tmp_path: Path) -> None:
    import yarl

    from .conftest import get_user, make_starlette, serve, v3_pact

    write_pact(tmp_path, v3_pact([get_user(1)]))
    with serve(make_starlette()) as url:
        port = int(url.rsplit(":", 1)[1])
        by_parts = (Verifier("users-api", host="127.0.0.1").add_source(tmp_path)
                    .add_transport(protocol="http", port=port, path="/").verify())
        by_url = (Verifier("users-api", "127.0.0.1").add_source(tmp_path)
                  .add_transport(url=yarl.URL(f"http://127.0.0.1:{port}")).verify())
    assert len(by_parts.passed) == len(by_url.passed) == 1
    with pytest.raises(Exception, match="not the Verifier's host"):
        Verifier("users-api", host="127.0.0.1").add_transport(url="http://example.com:1")
    with pytest.raises(Exception, match="cannot be combined"):
        Verifier("users-api").add_transport(url="http://127.0.0.1:1", port=2)


def test_broker_selector_builder_takes_pact_pythons_json_selectors() -> None:
    builder = Verifier("users-api").broker_source("http://127.0.0.1:1", selector=True)
    verifier = (builder.consumer_versions('{"mainBranch": true}', '{"deployed": true}')
                .consumer_tags("prod").include_pending().build())
    (source,) = verifier._sources
    assert source.selectors == [{"mainBranch": True}, {"deployed": True},
                                {"tag": "prod", "latest": True}]
