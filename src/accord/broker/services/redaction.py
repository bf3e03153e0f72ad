"""Hide credentials before a webhook's headers or URL are shown, logged or stored.

Pure functions. A header is secret when its name looks like a credential
(token, auth, key, secret, password, cookie, session); a URL loses the password of its
user-info part and the values of query parameters with such names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "SENSITIVE_NAME", "redact_headers", "redact_url"]

MASK = "****"
SENSITIVE_NAME = re.compile(r"token|auth|key|secret|password|cookie|session", re.IGNORECASE)


def redact_headers(headers: Mapping[str, object] | None) -> dict[str, object]:
    """A copy of ``headers`` with the value of every credential-looking header masked."""
    return {
        name: MASK if SENSITIVE_NAME.search(str(name)) else value
        for name, value in (headers or {}).items()
    }


def _redact_query(query: str) -> str:
    parts = []
    for part in query.split("&"):
        name, eq, _value = part.partition("=")
        parts.append(f"{name}={MASK}" if eq and SENSITIVE_NAME.search(name) else part)
    return "&".join(parts)


def redact_url(url: str) -> str:
    """``url`` with the user-info password and credential-looking query values masked.

    A URL that cannot be parsed is returned with anything between ``://`` and ``@``
    masked, so a malformed URL never leaks its password either.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"(://[^/@]*?:)[^/@]*@", rf"\g<1>{MASK}@", url)
    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:{MASK}@{hostport}"
    query = _redact_query(parts.query) if parts.query else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
