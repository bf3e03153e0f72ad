"""Message producers: what the provider would publish, asked for by interaction description.

A producer may take ``description`` (or ``name``), ``params`` (the provider states' parameters),
``states``, ``values`` (injected provider-state values) and, for V4 synchronous messages,
``request`` (the request body, decoded when it is JSON) and ``metadata`` (the request's). It
returns the message: a ``Message``, a dict or list (sent as JSON), ``str``, ``bytes``, or a
``(contents, metadata)`` tuple. For a synchronous message it returns the response, or a list of
``Message`` for several responses::

    @verifier.message("an order created event")
    def order_created():
        return Message({"id": 1}, metadata={"topic": "orders"})

Non-Python producers use the official HTTP message relay: accord POSTs
``{"description", "providerStates"}`` to a URL; the reply body is the message, its
``Content-Type`` the content type and the ``Pact-Message-Metadata`` header (base64 JSON) the
metadata.
"""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any, TypeAlias, TypeGuard

import httpx

from accord.errors import MessageError
from accord.model import (
    AsynchronousMessage,
    Body,
    Interaction,
    MessageContents,
    SpecVersion,
    SynchronousMessages,
    dump_interaction,
    message_content_type,
)
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass
from accord.verifier.deadline import KeepAlivePoster
from accord.verifier.states import call_flexibly
from accord.verifier.transports import AsyncBridge, SendRaw

__all__ = ["Message", "MessageError", "MessageProducers", "MessageRelay", "to_contents"]


@dataclass
class Message:
    """A produced message: contents plus metadata (and its content type, if not JSON)."""

    contents: Any
    metadata: Mapping[str, Any] = field(default_factory=dict)
    content_type: str | None = None


_PACT_PYTHON_KEYS = frozenset({"contents", "metadata", "content_type"})

ProducedMessage: TypeAlias = "MessageContents | Message | bytes | str | JsonValue"
"""What a producer may return: ``MessageContents``, a ``Message``, pact-python's ``Message``
dict, a ``(body, metadata)`` pair, bytes, text, or a JSON body."""

MessageProducer: TypeAlias = "Callable[..., ProducedMessage] | ProducedMessage"
"""A producer function (called with the arguments it names), or a fixed message."""


def _is_pact_python_message(value: object) -> TypeGuard[Mapping[str, Any]]:
    """pact-python's ``Message`` TypedDict (``contents`` bytes, ``metadata`` and
    ``content_type`` possibly ``None``), told apart from a JSON body by its exact keys."""
    return (isinstance(value, Mapping) and "contents" in value
            and set(value) <= _PACT_PYTHON_KEYS
            and (len(value) > 1 or isinstance(value["contents"], (bytes, bytearray))))


def to_contents(value: ProducedMessage) -> MessageContents:
    """Turn whatever a producer returned into ``MessageContents``."""
    if isinstance(value, MessageContents):
        return value
    metadata: Mapping[str, Any] = {}
    ctype: str | None = None
    if isinstance(value, Message):
        metadata, ctype, value = value.metadata, value.content_type, value.contents
    elif _is_pact_python_message(value):  # pact.types.Message: {"contents": b"...", ...}
        metadata, ctype, value = (value.get("metadata") or {}, value.get("content_type"),
                                  value["contents"])
    elif isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], Mapping):
        value, metadata = value
    ctype = ctype or message_content_type(metadata)
    if value is None:
        body = Body.missing()
    elif isinstance(value, (bytes, bytearray, memoryview)):
        body = Body.of_bytes(bytes(value), ctype)
    elif isinstance(value, str) and not (ctype and "json" in ctype):
        body = Body.of_text(value, ctype or "text/plain")
    elif isinstance(value, str):
        body = Body.of_bytes(value.encode(), ctype)
    else:
        body = Body.of_json(value, ctype or "application/json")
    meta = dict(metadata)
    if body.content_type and message_content_type(meta) is None:
        meta["contentType"] = body.content_type
    return MessageContents(body=body, metadata=meta)


@dataclass
class MessageRelay:
    """The official HTTP message relay (a relative URL goes through the provider transport)."""

    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    _poster: KeepAlivePoster = field(default_factory=KeepAlivePoster, init=False, repr=False,
                                     compare=False)

    def close(self) -> None:
        """Close the kept-alive connections to the relay (made again if called later)."""
        self._poster.close()

    def produce(self, interaction: Interaction, timeout: float,
                send: Callable[[httpx.Request], tuple[int, bytes, Mapping[str, str]]] | None
                ) -> MessageContents:
        payload: dict[str, Any] = {
            "description": interaction.description,
            "providerStates": [s.to_json() for s in interaction.provider_states],
        }
        if isinstance(interaction, SynchronousMessages):
            # the request message as the official verifier sends it: the V4 file form
            # ({"contents": {"content", "contentType", "encoded"}, "metadata", ...}), so
            # binary contents travel as base64
            payload["request"] = dump_interaction(interaction, SpecVersion.V4)["request"]
        try:
            if self.url.startswith("/") and send is not None:
                status, content, headers = send(httpx.Request(
                    "POST", "http://localhost" + self.url, json=payload,
                    headers=dict(self.headers)))
            else:
                reply = self._poster.post(self.url, json=payload, headers=dict(self.headers),
                                          timeout=timeout)
                status, content, headers = reply.status_code, reply.content, reply.headers
        except httpx.HTTPError as exc:
            raise MessageError(f"the message relay {self.url} could not be called: "
                               f"{exc or type(exc).__name__}") from exc
        if status >= 400:
            raise MessageError(f"the message relay {self.url} answered HTTP {status} for "
                               f"{interaction.description!r}")
        lower = {k.lower(): v for k, v in headers.items()}
        metadata: dict[str, Any] = {}
        raw_meta = lower.get("pact-message-metadata")
        if raw_meta:
            try:
                metadata = dict(json.loads(base64.b64decode(raw_meta + "==")))
            except (ValueError, TypeError) as exc:
                raise MessageError(f"the message relay sent a Pact-Message-Metadata header that "
                                   f"is not base64 JSON: {exc}") from exc
        ctype = lower.get("content-type")
        if ctype and message_content_type(metadata) is None:
            metadata["contentType"] = ctype
        body = Body.of_bytes(content, ctype) if content else Body.missing()
        return MessageContents(body=body, metadata=metadata)


class MessageProducers:
    """Producers by description, a catch-all producer, or a relay URL."""

    def __init__(self) -> None:
        self._by_description: dict[str, Any] = {}
        self._generic: MessageProducer | None = None
        self.relay: MessageRelay | None = None

    def add(self, description: str | None, producer: MessageProducer) -> None:
        if description:
            self._by_description[description] = producer
        else:
            self._generic = producer

    def add_mapping(self, producers: Mapping[str, MessageProducer]) -> None:
        for description, producer in producers.items():
            self.add(description, producer)

    def close(self) -> None:
        """Close the relay's connections (at the end of a run)."""
        if self.relay is not None:
            self.relay.close()

    def __bool__(self) -> bool:
        return bool(self._by_description) or self._generic is not None or self.relay is not None

    def produce(self, interaction: AsynchronousMessage | SynchronousMessages,
                request: MessageContents | None, values: JsonMapping, *,
                bridge: AsyncBridge, timeout: float,
                send: SendRaw | None = None) -> list[MessageContents]:
        """The produced message (one for async messages; the responses for sync ones)."""
        producer = self._by_description.get(interaction.description, self._generic)
        if producer is None:
            if self.relay is not None:
                return _as_list(self.relay.produce(interaction, timeout, send), interaction)
            raise MessageError(f"no message producer for {interaction.description!r}; register "
                               "one with @verifier.message(description) or message_handler()")
        if not callable(producer):  # a fixed message given instead of a function
            return _as_list(producer, interaction)
        params: dict[str, Any] = {}
        for state in interaction.provider_states:
            params.update(state.params)
        available: dict[str, Any] = dict(params)
        available.update({
            "description": interaction.description, "name": interaction.description,
            "params": params, "parameters": params,
            "states": list(interaction.provider_states),
            "provider_states": list(interaction.provider_states),
            "values": dict(values),
            "metadata": dict(request.metadata) if request is not None else {},
            "interaction": interaction,  # transports such as gRPC need its configuration
        })
        if request is not None:
            available["request"] = request.body.decoded
            available["request_contents"] = request
        fallback = available.get("request") if request is not None else interaction.description
        try:
            result = call_flexibly(producer, available, fallback=fallback)
            if inspect.isawaitable(result):
                result = bridge.run(result, timeout=timeout)
        except MessageError:
            raise
        except Exception as exc:
            raise MessageError(f"the message producer for {interaction.description!r} raised "
                               f"{type(exc).__name__}: {exc}") from exc
        return _as_list(result, interaction)


def _as_list(value: Any, interaction: Interaction) -> list[MessageContents]:
    if isinstance(interaction, SynchronousMessages) and isinstance(value, Sequence) and value \
            and not isinstance(value, (str, bytes)) \
            and all(isinstance(v, (Message, MessageContents)) for v in value):
        return [to_contents(v) for v in value]
    return [to_contents(value)]
