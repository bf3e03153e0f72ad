"""Message provider steps: message producers registered with the verifier, and message pacts."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers

from accord.model import AsynchronousMessage, MessageContents, ProviderState

from ..support.suite import body_from_cell, rules_from_cell, unescape
from ..support.world import World
from .http_provider import comments_table
from .message_consumer import metadata_table, metadata_value
from .verification import add_pact


def _body(cell: str) -> Any:
    return body_from_cell(unescape(cell))


def _producer(world: World, name: str, fixture: str, metadata: dict[str, Any]) -> None:
    contents = MessageContents(body=_body(fixture), metadata=metadata)
    world.extra.setdefault("producers", {})[name] = lambda: contents


@given(parsers.re(r'a provider is started that can generate the "(?P<name>[^"]+)" message with '
                  r'"(?P<fixture>.*)"$'))
def _(world: World, name: str, fixture: str) -> None:
    _producer(world, name, fixture, {})


@given(parsers.re(r'a provider is started that can generate the "(?P<name>[^"]+)" message with '
                  r'"(?P<fixture>.*)" and the following metadata:'))
def _(world: World, name: str, fixture: str, datatable: list[list[str]]) -> None:
    _producer(world, name, fixture, metadata_table(datatable))


def _message(name: str, fixture: str, **changes: Any) -> AsynchronousMessage:
    metadata = changes.pop("metadata", {})
    rules = changes.pop("rules", None)
    contents = MessageContents(body=_body(fixture), metadata=metadata)
    if rules is not None:
        contents = MessageContents(body=contents.body, metadata=metadata, matching_rules=rules)
    return AsynchronousMessage(description=name, contents=contents, **changes)


_PACT = r'a Pact file for "(?P<name>[^"]+)":"(?P<fixture>.*)" is to be verified'


@given(parsers.re(_PACT + "$"))
def _(world: World, name: str, fixture: str) -> None:
    add_pact(world, _message(name, fixture))


@given(parsers.re(_PACT + r' with provider state "(?P<state>[^"]*)"$'))
def _(world: World, name: str, fixture: str, state: str) -> None:
    add_pact(world, _message(name, fixture, provider_states=(ProviderState(state),)))


@given(parsers.re(_PACT + " with the following metadata:"))
def _(world: World, name: str, fixture: str, datatable: list[list[str]]) -> None:
    add_pact(world, _message(name, fixture, metadata=metadata_table(datatable)))


@given(parsers.re(_PACT + ", but is marked pending"))
def _(world: World, name: str, fixture: str) -> None:
    add_pact(world, _message(name, fixture, pending=True))


@given(parsers.re(_PACT + " with the following comments:"))
def _(world: World, name: str, fixture: str, datatable: list[list[str]]) -> None:
    add_pact(world, _message(name, fixture, comments=comments_table(datatable)))


@given(parsers.re(r'a Pact file for "(?P<name>[^"]+)" is to be verified with the following:'))
def _(world: World, name: str, datatable: list[list[str]]) -> None:
    table = {row[0].strip(): row[1] for row in datatable}  # a vertical table
    metadata: dict[str, Any] = {}
    for item in filter(None, (p.strip() for p in table.get("metadata", "").split(";"))):
        key, _, value = item.partition("=")
        metadata[key.strip()] = metadata_value(value)
    rules = rules_from_cell(table["matching rules"], world.spec) if table.get(
        "matching rules") else None
    add_pact(world, _message(name, table["body"], metadata=metadata, rules=rules))
