"""``URL``: the mock server's address as a ``str`` with its parts as attributes.

Pass it to any HTTP client as it is; ``url.host``, ``url.port`` and ``url.path`` are parsed
when first asked for, and ``url / "users/1"`` appends a path segment. (``accord.types``
re-exports it, as pact-python's ``pact.types`` names it.)
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import SplitResult, quote, urlsplit, urlunsplit

__all__ = ["URL"]

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
