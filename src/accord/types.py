"""Types named as pact-python 4.x names them (``pact.types``), so ported code type-checks
and runs with only the import line changed.

``URL`` is the mock server's address: a ``str`` (pass it to any HTTP client) that also
has ``scheme``, ``host``, ``port`` and ``path``, and joins path segments with ``/``.
``Message`` is what a message producer may return to the verifier.
"""

from __future__ import annotations

from typing import Literal, TypedDict

from accord.consumer.matchers import Matchable, Matcher
from accord.model.jsontypes import JsonObject
from accord.url import URL

__all__ = [
    "UNSET",
    "URL",
    "GeneratorType",
    "Matchable",
    "MatcherType",
    "Message",
    "MessageProducerArgs",
    "StateHandlerArgs",
    "StateHandlerUrl",
    "Unset",
]

class Message(TypedDict):
    """A produced message: its bytes, metadata and content type (either may be ``None``)."""

    contents: bytes
    metadata: JsonObject | None
    content_type: str | None


class MessageProducerArgs(TypedDict, total=False):
    """What a message producer may take by name: the message's ``name`` (description) and
    its ``metadata``."""

    name: str
    metadata: JsonObject | None


class StateHandlerArgs(TypedDict, total=False):
    """What a state handler may take by name."""

    state: str
    action: Literal["setup", "teardown"]
    parameters: JsonObject | None


MatcherType = Matcher
"""The type of ``match.*`` values."""

GeneratorType = Matcher
"""The type of ``generate.*`` values (in accord a generator is a matcher that generates)."""

StateHandlerUrl = str
"""A state-change URL (``Verifier.state_handler(url, body=True)``)."""


class Unset:
    """The type of ``UNSET``: "not given", where ``None`` is a meaningful value."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()
