"""A request's target as text: its path and query string, for people and for the wire.

One renderer for the three places that need one, so a query reads the same in a mock server
report, a console diff and a V1 query comparison, and is encoded once for what is sent::

    request_target(req)                 # "/items?q=a b&flag" (as written, for messages)
    request_target(req, encoded=True)   # "/items?q=a%20b&flag" (what a client sends)
    query_string(req.query, encoding="strict")  # "q=a%20b&flag" (a V2 pact's query string)

A parameter without a value (``None``) is written as its bare name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal
from urllib.parse import quote

from accord.model.interactions import HttpRequest

__all__ = ["PATH_SAFE", "QUERY_SAFE", "QueryEncoding", "query_string", "request_target"]

PATH_SAFE = "/%:@!$&'()*+,;=-._~"  # left as they are in a path sent on the wire
QUERY_SAFE = "-._~!$'()*,:@/?"  # left as they are in a query value sent on the wire

QueryEncoding = Literal["none", "wire", "strict"]


def _quoter(encoding: QueryEncoding, *, key: bool) -> tuple[str, bool]:
    if encoding == "wire":
        return (QUERY_SAFE.replace("?", "") if key else QUERY_SAFE), True
    return "", encoding == "strict"


def query_string(
    query: Mapping[str, Sequence[str | None]], *, encoding: QueryEncoding = "none"
) -> str:
    """``a=1&a=2&flag`` from a query mapping.

    ``none`` writes names and values as they are (messages, V1 comparison); ``wire``
    percent-encodes what a URL's query may not hold (what a client sends); ``strict`` encodes
    everything but unreserved characters (a V2 pact's query string, as the official tools write it).
    """
    key_safe, encode = _quoter(encoding, key=True)
    value_safe, _ = _quoter(encoding, key=False)
    parts: list[str] = []
    for name, values in query.items():
        key = quote(str(name), safe=key_safe) if encode else name
        for value in values:
            if value is None:
                parts.append(key)
            else:
                parts.append(f"{key}={quote(str(value), safe=value_safe) if encode else value}")
    return "&".join(parts)


def request_target(request: HttpRequest, *, encoded: bool = False) -> str:
    """The path with its query string (``/items?q=1``).

    ``encoded`` gives the target a client sends: a leading ``/`` guaranteed, the path and query
    percent-encoded where a URL requires it (``%`` already in the path is kept as written).
    """
    path = request.path
    if encoded:
        path = quote(path if path.startswith("/") else "/" + path, safe=PATH_SAFE)
    if not request.query:
        return path
    return f"{path}?{query_string(request.query, encoding='wire' if encoded else 'none')}"
