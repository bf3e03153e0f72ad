"""A URL's password masked, shared by the broker's redaction of stored webhooks and the HAL
client's error messages (each with its own mask), without either loading the other."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["mask_password"]

_USERINFO_PASSWORD = re.compile(r"(://[^/@]*?:)[^/@]*@")


def mask_password(url: str, mask: str) -> str:
    """``url`` with the password of its user info (``https://user:pw@host``) replaced by
    ``mask``; unchanged when it has none. A URL that cannot be parsed still loses anything
    between ``://`` and ``@`` after a colon, so a malformed URL never leaks its password."""
    try:
        parts = urlsplit(url)
        if not parts.password:
            return url
    except ValueError:
        return _USERINFO_PASSWORD.sub(rf"\g<1>{mask}@", url)
    userinfo, _, host = parts.netloc.rpartition("@")
    netloc = f"{userinfo.split(':', 1)[0]}:{mask}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
