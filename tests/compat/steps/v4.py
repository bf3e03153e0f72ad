"""V4 interaction attributes: type, key, pending and comments, checked in the written pact."""

from __future__ import annotations

import json

from pytest_bdd import given, parsers, then

from accord.model import AsynchronousMessage, SynchronousHttp

from ..support.world import World

_KIND = r"(?P<kind>HTTP|message|synchronous message)"


@given("an HTTP interaction is being defined for a consumer test")
def _(world: World) -> None:
    world.defined.append(SynchronousHttp(description="an HTTP interaction"))


@given("a message interaction is being defined for a consumer test")
def _(world: World) -> None:
    world.defined.append(AsynchronousMessage(description="a message interaction"))


@given(parsers.re(rf'a key of "(?P<key>[^"]*)" is specified for the {_KIND} interaction'))
def _(world: World, key: str, kind: str) -> None:
    world.defined[-1] = world.defined[-1].replace(key=key)


@given(parsers.re(rf"the {_KIND} interaction is marked as pending"))
def _(world: World, kind: str) -> None:
    world.defined[-1] = world.defined[-1].replace(pending=True)


@given(parsers.re(rf'a comment "(?P<text>[^"]*)" is added to the {_KIND} interaction'))
def _(world: World, text: str, kind: str) -> None:
    last = world.defined[-1]
    comments = dict(last.comments)
    comments["text"] = [*comments.get("text", []), text]
    world.defined[-1] = last.replace(comments=comments)


def _interactions(world: World) -> list[dict]:
    return world.extra["pact_json"]["interactions"]


@then(parsers.parse('the first interaction in the Pact file will have a type of "{kind}"'))
def _(world: World, kind: str) -> None:
    assert _interactions(world)[0]["type"] == kind


@then(parsers.parse("the first interaction in the Pact file will have \"{field}\" = '{value}'"))
def _(world: World, field: str, value: str) -> None:
    assert _interactions(world)[0][field] == json.loads(value)


@then(parsers.parse('there will be an interaction in the Pact file with a type of "{kind}"'))
def _(world: World, kind: str) -> None:
    assert kind in [i["type"] for i in _interactions(world)]
