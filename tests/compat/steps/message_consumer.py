"""Message consumer steps (V3 async messages, V4 synchronous messages).

"Processing" a message means what a consumer test does: reify the expected message with
accord.generation (consumer mode), hand it to the test's handler, and write the pact only
when the handler succeeded.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from pytest_bdd import given, parsers, then, when

from accord.model import (
    AsynchronousMessage,
    MessageContents,
    ProviderState,
    SynchronousMessages,
    load_pact,
)

from ..support.http import rows
from ..support.pacts import make_pact, read_json, write_pact_file
from ..support.suite import (
    body_from_cell,
    fixture_body,
    generators_from_cell,
    json_cell,
    merge_generators,
    unescape,
)
from ..support.world import World
from .generators import check_type, generator_context, value_at
from .http_consumer import state_params


def document(name: str) -> Any:
    """``"basic"`` (a JSON fixture by stem) or ``"file: xml-body.xml"`` → a Body."""
    name = name.strip()
    if name.startswith("file:"):
        return fixture_body(name[len("file:"):])
    return fixture_body(f"{name}.json")


def metadata_value(text: str) -> Any:
    text = unescape(text).strip()
    return json_cell(text) if text.startswith("JSON:") else text


def metadata_table(datatable: list[list[str]]) -> dict[str, Any]:
    return {row["key"]: metadata_value(row["value"]) for row in rows(datatable)}


def _message(world: World) -> Any:
    return world.defined[-1]


def _set(world: World, **changes: Any) -> None:
    world.defined[-1] = replace(world.defined[-1], **changes)


def configure(contents: MessageContents, row: dict[str, str]) -> MessageContents:
    changes: dict[str, Any] = {}
    if row.get("body", "").strip():
        changes["body"] = body_from_cell(row["body"])
    if row.get("generators", "").strip():
        changes["generators"] = merge_generators(contents.generators,
                                                 generators_from_cell(row["generators"]))
    if row.get("metadata", "").strip():
        changes["metadata"] = {**contents.metadata, **json_cell(row["metadata"])}
    return replace(contents, **changes)


# ------------------------------------------------------------------ defining the message


@given("a message integration is being defined for a consumer test")
def _(world: World) -> None:
    world.defined.append(AsynchronousMessage(description="a test message"))


@given(parsers.parse('the message payload contains the "{name}" JSON document'))
def _(world: World, name: str) -> None:
    _set(world, contents=replace(_message(world).contents, body=document(name)))


@given("the message contains the following metadata:")
def _(world: World, datatable: list[list[str]]) -> None:
    contents = _message(world).contents
    _set(world, contents=replace(contents, metadata={**contents.metadata,
                                                     **metadata_table(datatable)}))


@given(parsers.re(r'a provider state "(?P<name>[^"]+)" for the (synchronous )?message is '
                  r"specified$"))
def _(world: World, name: str) -> None:
    _set(world, provider_states=(*_message(world).provider_states, ProviderState(name)))


@given(parsers.re(r'a provider state "(?P<name>[^"]+)" for the (synchronous )?message is '
                  r"specified with the following data:"))
def _(world: World, name: str, datatable: list[list[str]]) -> None:
    state = ProviderState(name, state_params(datatable))
    _set(world, provider_states=(*_message(world).provider_states, state))


@given("a message is defined")
def _(world: World) -> None:
    assert isinstance(_message(world), AsynchronousMessage)


@given("the message is configured with the following:")
def _(world: World, datatable: list[list[str]]) -> None:
    _set(world, contents=configure(_message(world).contents, rows(datatable)[0]))


@given("a synchronous message interaction is being defined for a consumer test")
def _(world: World) -> None:
    world.defined.append(SynchronousMessages(description="a synchronous message"))


@given(parsers.parse('the message request payload contains the "{name}" JSON document'))
def _(world: World, name: str) -> None:
    _set(world, request=replace(_message(world).request, body=document(name)))


@given(parsers.parse('the message response payload contains the "{name}" document'))
def _(world: World, name: str) -> None:
    _set(world, responses=(*_message(world).responses, MessageContents(body=document(name))))


@given("the message request contains the following metadata:")
def _(world: World, datatable: list[list[str]]) -> None:
    request = _message(world).request
    _set(world, request=replace(request, metadata={**request.metadata,
                                                   **metadata_table(datatable)}))


@given("the message request is configured with the following:")
def _(world: World, datatable: list[list[str]]) -> None:
    _set(world, request=configure(_message(world).request, rows(datatable)[0]))


@given("the message response is configured with the following:")
def _(world: World, datatable: list[list[str]]) -> None:
    responses = _message(world).responses or (MessageContents(),)
    _set(world, responses=(configure(responses[0], rows(datatable)[0]), *responses[1:]))


# ------------------------------------------------------------------ processing


def _reify(world: World, contents: MessageContents) -> MessageContents:
    from accord.generation import generate_message

    return generate_message(contents, generator_context(world))


def _process(world: World, error: str | None) -> None:
    message = _message(world)
    if isinstance(message, SynchronousMessages):
        world.received = {"request": _reify(world, message.request),
                          "responses": [_reify(world, m) for m in message.responses]}
    else:
        world.received = {"message": _reify(world, message.contents)}
    try:
        if error:  # the consumer's handler raises
            raise RuntimeError(error)
    except RuntimeError as exc:
        world.handler_error = exc
        return
    world.pact_file = write_pact_file(make_pact(world.defined, world.spec), world.tmp / "pacts")
    world.extra["pact_json"] = read_json(world.pact_file)


@when("the message is successfully processed")
def _(world: World) -> None:
    _process(world, None)


@when(parsers.parse('the message is NOT successfully processed with a "{error}" exception'))
def _(world: World, error: str) -> None:
    _process(world, error)


def _received(world: World, which: str | None = None) -> MessageContents:
    if which == "request":
        return world.received["request"]
    if which == "response" or "responses" in world.received:
        return world.received["responses"][0]
    return world.received["message"]


@then(parsers.re(r'the received message payload will contain the "(?P<name>[^"]+)" '
                 r"(JSON )?document"))
def _(world: World, name: str) -> None:
    expected, actual = document(name), _received(world).body
    if expected.is_json:
        assert json.loads(actual.content) == expected.json
    else:
        assert actual.content == expected.content


@then(parsers.parse('the received message content type will be "{content_type}"'))
def _(world: World, content_type: str) -> None:
    assert _received(world).content_type == content_type


@then(parsers.re(r"the consumer test will have (?P<outcome>passed|failed)"))
def _(world: World, outcome: str) -> None:
    assert (world.handler_error is None) is (outcome == "passed")


@then(parsers.parse('the consumer test error will be "{error}"'))
def _(world: World, error: str) -> None:
    assert str(world.handler_error) == error


@then(parsers.re(r"a Pact file for the message interaction will (?P<neg>NOT )?have been written"))
def _(world: World, neg: str | None) -> None:
    written = list((world.tmp / "pacts").glob("*.json"))
    assert bool(written) is (not neg)


@then(parsers.re(r'the received message (?:(?P<which>request|response) )?metadata will contain '
                 r'"(?P<key>[^"]+)" == "(?P<value>.*)"$'))
def _(world: World, which: str | None, key: str, value: str) -> None:
    assert _received(world, which).metadata[key] == metadata_value(value)


@then(parsers.re(r'the received message (?:(?P<which>request|response) )?metadata will contain '
                 r'"(?P<key>[^"]+)" replaced with an? "(?P<kind>[^"]+)"'))
def _(world: World, which: str | None, key: str, kind: str) -> None:
    check_type(_received(world, which).metadata[key], kind)


@then(parsers.re(r'the message (?:(?P<which>request|response) )?contents for "(?P<path>[^"]+)" '
                 r'will have been replaced with an? "(?P<kind>[^"]+)"'))
def _(world: World, which: str | None, path: str, kind: str) -> None:
    check_type(value_at(json.loads(_received(world, which).body.content), path), kind)


# ------------------------------------------------------------------ the pact file


def _first(world: World) -> dict[str, Any]:
    doc = world.extra["pact_json"]
    return (doc.get("messages") or doc["interactions"])[0]


def _contents(part: dict[str, Any]) -> tuple[Any, str | None]:
    """(contents, content type) of a written message, V3 or V4."""
    contents = part.get("contents")
    metadata = part.get("metadata") or part.get("metaData") or {}
    content_type = metadata.get("contentType") or metadata.get("content-type")
    if isinstance(contents, dict) and "content" in contents and "encoded" in contents:
        content_type = contents.get("contentType") or content_type
        contents = contents["content"]
    return contents, content_type


def _same_document(written: Any, name: str) -> None:
    expected = document(name)
    if expected.is_json:
        assert (json.loads(written) if isinstance(written, str) else written) == expected.json
    else:
        assert written == expected.text


@then(parsers.parse("the pact file will contain {count:d} message interaction"))
def _(world: World, count: int) -> None:
    doc = world.extra["pact_json"]
    assert len(doc.get("messages") or doc["interactions"]) == count


@then(parsers.parse('the first message in the pact file will contain the "{name}" document'))
def _(world: World, name: str) -> None:
    _same_document(_contents(_first(world))[0], f"file: {name}")


@then(parsers.parse('the first message in the pact file content type will be "{content_type}"'))
def _(world: World, content_type: str) -> None:
    # A V3 message has no content-type field: read it back as a reader would (metadata, else
    # detected from the contents).
    message = load_pact(world.extra["pact_json"]).interactions[0]
    assert message.contents.content_type == content_type


@then(parsers.re(r'the first message in the pact file will contain the (?P<which>request )?'
                 r'message metadata "(?P<key>[^"]+)" == "(?P<value>.*)"$'))
def _(world: World, which: str | None, key: str, value: str) -> None:
    part = _first(world)["request"] if which else _first(world)
    metadata = part.get("metadata") or part.get("metaData")
    assert metadata[key] == metadata_value(value)


@then(parsers.re(r"the first message in the pact file will contain (?P<count>\d+) provider "
                 r"states?"))
def _(world: World, count: str) -> None:
    assert len(_first(world)["providerStates"]) == int(count)


@then(parsers.parse('the first message in the Pact file will contain provider state "{name}"'))
def _(world: World, name: str) -> None:
    assert name in [s["name"] for s in _first(world)["providerStates"]]


@then(parsers.parse('the provider state "{name}" for the message will contain the following '
                    "parameters:"))
def _(world: World, name: str, datatable: list[list[str]]) -> None:
    state = next(s for s in _first(world)["providerStates"] if s["name"] == name)
    assert state["params"] == json.loads(rows(datatable)[0]["parameters"])


@then(parsers.parse('the first interaction in the pact file will contain the "{name}" document '
                    "as the request"))
def _(world: World, name: str) -> None:
    _same_document(_contents(_first(world)["request"])[0], name)


@then(parsers.re(r'the first interaction in the pact file will contain the "(?P<name>[^"]+)" '
                 r"document as (a response|the (?P<nth>first|second) response message)"))
def _(world: World, name: str, nth: str | None) -> None:
    index = 1 if nth == "second" else 0
    _same_document(_contents(_first(world)["response"][index])[0], name)


@then(parsers.re(r"the first interaction in the pact file (?P<which>request|response) content "
                 r'type will be "(?P<content_type>[^"]+)"'))
def _(world: World, which: str, content_type: str) -> None:
    part = _first(world)[which]
    part = part[0] if isinstance(part, list) else part
    assert _contents(part)[1] == content_type


@then(parsers.parse("the first interaction in the pact file will contain {count:d} response "
                    "messages"))
def _(world: World, count: int) -> None:
    assert len(_first(world)["response"]) == count
