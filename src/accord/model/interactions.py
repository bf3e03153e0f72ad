"""Interactions: synchronous HTTP, asynchronous messages and synchronous messages.

One V4-shaped model for every specification version; ``accord.model.spec`` reads older
versions into it and writes it back out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any, ClassVar, Self, TypeVar

from accord.model.body import Body
from accord.model.generators import Generators
from accord.model.jsontypes import JsonMapping, JsonObject
from accord.model.rules import MatchingRules
from accord.model.valueclass import dataclass

__all__ = [
    "AsynchronousMessage",
    "HttpRequest",
    "HttpResponse",
    "Interaction",
    "MessageContents",
    "ProviderState",
    "SynchronousHttp",
    "SynchronousMessages",
    "UnreadableInteraction",
    "find_header",
    "is_content_type_key",
    "message_content_type",
]

Headers = Mapping[str, tuple[str, ...]]
_V = TypeVar("_V")
Query = Mapping[str, tuple[str | None, ...]]


@dataclass(frozen=True, slots=True)
class ProviderState:
    """A state the provider must be in (``given``), with optional parameters."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> JsonObject:
        out: dict[str, Any] = {"name": self.name}
        if self.params:
            out["params"] = dict(self.params)
        return out


class _HttpPart:
    """What requests and responses share: headers by name and the body's content type."""

    headers: Headers
    body: Body

    def header(self, name: str) -> tuple[str, ...] | None:
        """The values of header ``name`` (case-insensitive), or None."""
        return find_header(self.headers, name)

    @property
    def content_type(self) -> str | None:
        return self.body.content_type or _first(self.header("Content-Type"))


@dataclass(frozen=True, kw_only=True)
class HttpRequest(_HttpPart):
    """An HTTP request as a pact declares it: what the mock server expects, what the
    verifier sends."""

    method: str = "GET"
    path: str = "/"
    query: Query | None = None  # None: not constrained; {}: no query parameters
    headers: Headers = field(default_factory=dict)
    body: Body = field(default_factory=Body)
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)
    raw_query: str | None = None  # the query string as a V1/V2 pact wrote it, when it did


@dataclass(frozen=True, kw_only=True)
class HttpResponse(_HttpPart):
    """An HTTP response as a pact declares it: what the mock server answers, what the
    verifier expects."""

    status: int | None = 200  # None: not constrained (spec test cases)
    headers: Headers = field(default_factory=dict)
    body: Body = field(default_factory=Body)
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)


@dataclass(frozen=True, kw_only=True)
class MessageContents:
    """The content of a message plus its metadata (content type, routing keys, ...)."""

    body: Body = field(default_factory=Body)
    metadata: Mapping[str, Any] = field(default_factory=dict)
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)

    @property
    def content_type(self) -> str | None:
        return self.body.content_type or message_content_type(self.metadata)


def is_content_type_key(name: str) -> bool:
    """Whether message metadata key ``name`` holds the content type: ``contentType`` or
    ``content-type`` in any case, as the official core reads it."""
    return name.lower() in ("contenttype", "content-type")


def message_content_type(metadata: JsonMapping) -> str | None:
    """The content type a message's metadata declares (the first content-type key holding a
    string), or None. The one rule for every reader and writer of message metadata."""
    for key, value in metadata.items():
        if isinstance(value, str) and is_content_type_key(key):
            return value
    return None


@dataclass(frozen=True, kw_only=True)
class Interaction:
    """What every interaction has: a description, provider states and V4 annotations."""

    TYPE: ClassVar[str] = ""

    description: str
    provider_states: tuple[ProviderState, ...] = ()
    key: str | None = None
    pending: bool = False
    comments: Mapping[str, Any] = field(default_factory=dict)
    plugin_config: Mapping[str, Any] = field(default_factory=dict)
    interaction_markup: Mapping[str, Any] = field(default_factory=dict)
    transport: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # unknown fields, written back as-is
    # What the pact file held that could not be honoured as written (a dropped matching rule,
    # a normalised provider state), each naming the file and JSON pointer. Not compared.
    load_warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def unique_key(self) -> tuple[str, tuple[str, ...]]:
        """(description, provider state names): how pact files merge interactions."""
        return (self.description, tuple(s.name for s in self.provider_states))

    def replace(self, **changes: Any) -> Self:
        return replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class SynchronousHttp(Interaction):
    """A request and its response (``Synchronous/HTTP``)."""

    TYPE: ClassVar[str] = "Synchronous/HTTP"

    request: HttpRequest = field(default_factory=HttpRequest)
    response: HttpResponse = field(default_factory=HttpResponse)


@dataclass(frozen=True, kw_only=True)
class AsynchronousMessage(Interaction):
    """A message a provider sends and a consumer handles (``Asynchronous/Messages``)."""

    TYPE: ClassVar[str] = "Asynchronous/Messages"

    contents: MessageContents = field(default_factory=MessageContents)


@dataclass(frozen=True, kw_only=True)
class SynchronousMessages(Interaction):
    """A request message and its response messages (``Synchronous/Messages``)."""

    TYPE: ClassVar[str] = "Synchronous/Messages"

    request: MessageContents = field(default_factory=MessageContents)
    responses: tuple[MessageContents, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UnreadableInteraction(Interaction):
    """An interaction of a pact file that cannot be read, kept so that only it fails.

    ``Pact.unreadable`` holds these apart from ``Pact.interactions``: a mock server serves
    the others, a verifier reports this one as an error with ``reason``, and writing the
    pact back writes ``raw`` (the JSON as found) unchanged.
    """

    TYPE: ClassVar[str] = "Unreadable"

    reason: str = ""  # the full message: file, JSON pointer and what is wrong
    pointer: str = ""  # JSON pointer of the interaction in its document
    section: str = "interactions"  # "interactions" or "messages" (V3 message pacts)
    raw: Any = field(default=None, compare=False, repr=False)


def find_header(headers: Mapping[str, _V], name: str) -> _V | None:
    """The values of header ``name`` in ``headers``, found case-insensitively, or None.

    HTTP header names are case-insensitive, and pacts and servers spell them as they like.
    """
    lower = name.lower()
    for key, values in headers.items():
        if key.lower() == lower:
            return values
    return None


def _first(values: tuple[str, ...] | None) -> str | None:
    return values[0] if values else None
