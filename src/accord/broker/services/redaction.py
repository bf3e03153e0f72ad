"""Secrets in stored webhooks are kept for sending but never shown: ``**********`` instead
(the official broker's mask).

Used wherever a webhook request is displayed (the webhook resources, lists, HAL embeds, and
anything that echoes a webhook request or its log). A header is secret when its name looks
like a credential (token, auth, key, secret, password, cookie, session); a URL's password and
the values of query parameters with such names are secret too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from accord.model.jsontypes import JsonMapping, JsonObject
from accord.urlmask import mask_password

__all__ = [
    "MASK",
    "is_secret_name",
    "redact_headers",
    "redact_text",
    "redact_url",
    "redact_webhook_request",
]

MASK = "**********"
_SECRET_NAME = re.compile(r"token|auth|key|secret|password|passwd|cookie|session", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


def is_secret_name(name: str) -> bool:
    """Does a header or parameter name look like it carries a credential?"""
    return bool(_SECRET_NAME.search(name))


def redact_headers(headers: JsonMapping | None) -> JsonObject:
    """A copy of ``headers`` with the values of credential-like headers replaced by ``MASK``."""
    return {
        name: MASK if is_secret_name(str(name)) and value not in (None, "") else value
        for name, value in (headers or {}).items()
    }


def redact_url(url: str) -> str:
    """``url`` with its password and credential-like query values replaced by ``MASK``.

    A URL that cannot be parsed still loses anything between ``://`` and ``@`` after a colon,
    so a malformed URL never leaks its password either.
    """
    if not isinstance(url, str) or not url:
        return url
    masked = mask_password(url, MASK)
    try:
        parts = urlsplit(masked)
    except ValueError:
        return masked
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(is_secret_name(name) and value for name, value in pairs):
        return masked
    query = urlencode([(n, MASK if is_secret_name(n) and v else v) for n, v in pairs],
                      safe="${}*")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def redact_text(text: str) -> str:
    """Every URL inside free text (a log line, an error message) passed through ``redact_url``."""
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def redact_webhook_request(request: JsonMapping) -> JsonObject:
    """A webhook's stored ``request`` as it may be shown: headers, URL and password masked."""
    shown = dict(request)
    if shown.get("password"):
        shown["password"] = MASK
    headers = shown.get("headers")
    shown["headers"] = redact_headers(headers if isinstance(headers, Mapping) else {})
    if isinstance(shown.get("url"), str):
        shown["url"] = redact_url(shown["url"])
    return shown
