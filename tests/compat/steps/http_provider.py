"""HTTP provider steps: a canned provider replaying Background responses; pacts to verify."""

from __future__ import annotations

import json
from dataclasses import replace

from pytest_bdd import given, parsers

from accord.model import ProviderState, SynchronousHttp

from ..support.http import apply_response_changes, rows
from ..support.servers import CannedProvider
from ..support.world import World
from .verification import add_pact


def _numbers(text: str) -> list[int]:
    return [int(n) for n in text.replace('"', "").split(",") if n.strip()]


def start_provider(world: World, interactions: list[SynchronousHttp]) -> None:
    world.provider = CannedProvider(interactions).__enter__()
    world.cleanup.append(lambda: world.provider.__exit__(None, None, None))


@given(parsers.re(r"a provider is started that returns the responses? from interactions? "
                  r"\"?(?P<numbers>[\d, ]+)\"?$"))
def _(world: World, numbers: str) -> None:
    start_provider(world, [world.interactions[n] for n in _numbers(numbers)])


@given(parsers.re(r"a provider is started that returns the response from interaction "
                  r"(?P<number>\d+), with the following changes:"))
def _(world: World, number: str, datatable: list[list[str]]) -> None:
    base = world.interactions[int(number)]
    response = apply_response_changes(base.response, rows(datatable)[0], world.spec)
    start_provider(world, [replace(base, response=response)])


@given(parsers.re(r"a Pact file for interaction (?P<number>\d+) is to be verified$"))
def _(world: World, number: str) -> None:
    add_pact(world, world.interactions[int(number)])


@given(parsers.re(r"a Pact file for interaction (?P<number>\d+) is to be verified from a Pact "
                  r"broker"))
def _(world: World, number: str) -> None:
    world.from_broker = True
    add_pact(world, world.interactions[int(number)])


@given(parsers.re(r'a Pact file for interaction (?P<number>\d+) is to be verified with a '
                  r'provider state "(?P<state>[^"]*)" defined'))
def _(world: World, number: str, state: str) -> None:
    add_pact(world, world.interactions[int(number)].replace(
        provider_states=(ProviderState(state),)))


@given(parsers.re(r"a Pact file for interaction (?P<number>\d+) is to be verified with the "
                  r"following provider states defined:"))
def _(world: World, number: str, datatable: list[list[str]]) -> None:
    states = tuple(ProviderState(row["State Name"], json.loads(row.get("Parameters") or "{}"))
                   for row in rows(datatable))
    add_pact(world, world.interactions[int(number)].replace(provider_states=states))


@given(parsers.re(r"a Pact file for interaction (?P<number>\d+) is to be verified, but is "
                  r"marked pending"))
def _(world: World, number: str) -> None:
    add_pact(world, world.interactions[int(number)].replace(pending=True))


def comments_table(datatable: list[list[str]]) -> dict:
    comments: dict = {}
    for row in rows(datatable):
        if row["type"] == "text":
            comments.setdefault("text", []).append(row["comment"])
        else:
            comments[row["type"]] = row["comment"]
    return comments


@given(parsers.re(r"a Pact file for interaction (?P<number>\d+) is to be verified with the "
                  r"following comments:"))
def _(world: World, number: str, datatable: list[list[str]]) -> None:
    add_pact(world, world.interactions[int(number)].replace(
        comments=comments_table(datatable)))
