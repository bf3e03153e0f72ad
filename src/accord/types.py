"""Types named as pact-python 4.x names them (``pact.types``), so ported code type-checks
and runs with only the import line changed.

``URL`` is the mock server's address: a ``str`` (pass it to any HTTP client) that also
has ``scheme``, ``host``, ``port`` and ``path``, and joins path segments with ``/``.
``Message`` is what a message producer may return to the verifier.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal, TypedDict
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

from accord.consumer.matchers import Matchable, Matcher
from accord.model.jsontypes import JsonObject

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

_DEFAULT_PORTS = {"http": 80, "https": 443}


class URL(str):
    """A URL string with its parts as attributes (parsed when first asked for)."""

    __slots__ = ("__dict__",)

    @cached_property
    def _split(self) -> SplitResult:
        return urlsplit(self)

    @property
    def scheme(self) -> str:
        return self._split.scheme

    @property
    def host(self) -> str | None:
        """The host name, lower case, without the brackets of an IPv6 address."""
        return self._split.hostname

    @property
    def port(self) -> int | None:
        """The port; the scheme's default (80, 443) when the URL names none."""
        explicit = self._split.port
        return explicit if explicit is not None else _DEFAULT_PORTS.get(self.scheme)

    @property
    def path(self) -> str:
        return self._split.path or "/"

    def __truediv__(self, segment: object) -> URL:
        """``url / "users/1"``: a new URL with the segment appended (percent-encoded; the
        query and fragment dropped). A leading ``/`` is ignored."""
        if not isinstance(segment, str):
            return NotImplemented
        path = self._split.path
        if segment.lstrip("/"):
            path = path.rstrip("/") + "/" + quote(segment.lstrip("/"), safe="/:@!$&'()*+,;=")
        return URL(urlunsplit(self._split._replace(path=path, query="", fragment="")))

    def __repr__(self) -> str:
        return f"URL({str.__repr__(self)})"


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
