"""The consumer side: declare a contract, exercise it against a mock server, write the pact.

::

    from accord import Pact, match

    pact = Pact("web", "users-api")
    (pact.upon_receiving("a request for user 123")
         .given("user 123 exists", id=123)
         .with_request("GET", "/users/123")
         .will_respond_with(200)
         .with_body({"id": match.integer(123), "name": match.string("Alice")}))
    with pact.serve() as server:
        assert UsersClient(server.url).get(123).name == "Alice"

Modules: ``pact`` (Pact), ``interactions`` (what every interaction has; HTTP), ``messages``
(async and sync messages), ``run`` (what a test run writes at its end),
``match`` and ``generate`` (matchers and generators), ``xml`` (XML bodies), ``serve`` (the
mock server glue).
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from accord.consumer import generate, match
from accord.consumer.interactions import HttpInteraction, InteractionBuilder
from accord.consumer.matchers import Matcher
from accord.consumer.messages import (
    AsyncMessageInteraction,
    Reply,
    SyncChannel,
    SyncMessageInteraction,
)
from accord.consumer.pact import Pact
from accord.consumer.run import PactRun, default_pact_dir, default_run

__all__ = [
    "AsyncMessageInteraction",
    "HttpInteraction",
    "InteractionBuilder",
    "Matcher",
    "Pact",
    "PactRun",
    "Reply",
    "SyncChannel",
    "SyncMessageInteraction",
    "default_pact_dir",
    "default_run",
    "generate",
    "match",
    "xml",
]

if TYPE_CHECKING:
    from accord.consumer import xml


def __getattr__(name: str) -> ModuleType:
    # XML bodies pull in xml.sax and urllib.request: imported when first used, not by every
    # consumer test run
    if name == "xml":
        return import_module("accord.consumer.xml")
    raise AttributeError(f"module 'accord.consumer' has no attribute {name!r}")
