"""The one HAL client accord talks to a Pact Broker with (ours or the official one).

``accord.broker_client.BrokerClient`` (the ``accord broker …`` client commands) builds on it,
and the verifier's broker source uses it to fetch pacts and publish results::

    with HalClient("https://broker", token="…") as hal:
        href = hal.relation("pb:latest-version", pacticipant="Foo")   # from the index
        version = hal.get(href, allow_404=True)                       # None when missing

One ``httpx.Client`` per broker (connections are reused) with the process-wide TLS context.
Relations are found by name, case-insensitively, and ``{name}`` placeholders filled with
percent-encoded values, as the official clients do. Transient failures are retried with
exponential back-off (see ``HalClient.send``); every failure raises
:class:`accord.errors.BrokerError`, whose message names the method, URL, HTTP status and the
broker's own error text, and never a password or token.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Container, Mapping
from typing import Literal, Self, overload
from urllib.parse import quote, urljoin, urlsplit

import httpx

from accord import __version__
from accord.errors import BrokerError
from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue
from accord.tlscontext import client_ssl_context
from accord.urlmask import mask_password

__all__ = ["HAL_ACCEPT", "HalClient", "auth_for", "error_text", "expand", "find_link"]

HAL_ACCEPT = "application/hal+json, application/json"
MASK = "*****"
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Methods a second attempt cannot apply twice (RFC 9110 §9.2.2).
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Answers that say "try again later". 429 and 503 also say the request was not acted upon,
# so they are retried for every method; the others only for idempotent ones.
_TRANSIENT = frozenset({429, 500, 502, 503, 504})
_NOT_ACTED_UPON = frozenset({429, 503})
_UNAVAILABLE = frozenset({502, 503, 504})  # a proxy's or the broker's "not there": unreachable
_MAX_RETRY_AFTER = 10.0  # seconds; a longer Retry-After is shortened to this


def expand(template: str, **values: object) -> str:
    """Fill ``{name}`` placeholders with percent-encoded values (``/`` becomes ``%2F``);
    placeholders without a value are left as they are."""

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        return quote(str(values[key]), safe="") if key in values else match.group(0)

    return _PLACEHOLDER.sub(sub, template)


def find_link(doc: JsonMapping, rel: str) -> JsonMapping | None:
    """The link object of relation ``rel`` in a HAL document (or in its ``_links``), found
    case-insensitively; the first one when the relation holds a list."""
    links = doc.get("_links") if "_links" in doc else doc
    if not isinstance(links, Mapping):
        return None
    wanted = rel.lower()
    for key, value in links.items():
        if str(key).lower() == wanted:
            if isinstance(value, list):
                value = value[0] if value else None
            return value if isinstance(value, Mapping) else None
    return None


def auth_for(username: str | None = None, password: str | None = None,
             token: str | None = None) -> tuple[httpx.Auth | None, dict[str, str]]:
    """httpx auth and headers for bearer (``token``, preferred) or basic auth."""
    if token:
        return None, {"Authorization": f"Bearer {token}"}
    if username is not None:
        return httpx.BasicAuth(username, password or ""), {}
    return None, {}


def error_text(reply: httpx.Response) -> str:
    """The broker's own explanation in an error answer, on one line ("" when it has none)."""
    try:
        body = reply.json()
    except ValueError:
        return " ".join(reply.text.split())[:300]
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, Mapping):
            return "; ".join(
                f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in errors.items())
        if isinstance(errors, list):
            return "; ".join(map(str, errors))
        error = body.get("error")
        if isinstance(error, Mapping):
            return str(error.get("message"))
        if error:
            return str(error)
        notices = body.get("notices")
        if isinstance(notices, list) and notices:
            return " ".join(str(n.get("text", "")) for n in notices if isinstance(n, Mapping))
    return json.dumps(body)[:300]


def _retry_after(reply: httpx.Response) -> float:
    try:
        return min(max(float(reply.headers.get("retry-after", "0")), 0.0), _MAX_RETRY_AFTER)
    except ValueError:  # an HTTP date: use the back-off instead
        return 0.0


class HalClient:
    """A HAL client for one broker: relation lookup, template expansion, retries, auth."""

    def __init__(self, base_url: str, *, username: str | None = None,
                 password: str | None = None, token: str | None = None,
                 timeout: float = 30.0, retries: int = 3, backoff: float = 0.5,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        auth, headers = auth_for(username, password, token)
        headers["Accept"] = HAL_ACCEPT
        headers["User-Agent"] = f"accord/{__version__}"
        # Every secret the messages must not show, longest first (a token may hold a password).
        secrets = {token, password, _password_of(self.base_url)}
        self._secrets = sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True)
        self._http = httpx.Client(auth=auth, headers=headers, timeout=timeout,
                                  transport=transport, follow_redirects=True,
                                  verify=client_ssl_context())
        self._index: JsonObject | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- addresses and relations ----------------------------------------------------------------

    def url(self, href: str) -> str:
        """An absolute URL for ``href``. An href naming another host keeps only its path and
        query (as the Rust verifier does), so a broker behind a proxy still works."""
        if href.startswith(self.base_url):
            return href
        parts = urlsplit(href)
        if parts.scheme:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            base = urlsplit(self.base_url)
            return f"{base.scheme}://{base.netloc}{path}"
        return urljoin(self.base_url + "/", href.lstrip("/"))

    def index(self) -> JsonObject:
        """The broker's index resource (``GET /``), fetched once."""
        if self._index is None:
            self._index = self.get("/")
        return self._index

    def link(self, doc: JsonMapping, rel: str, **values: object) -> str | None:
        """The href of relation ``rel`` in ``doc``, its placeholders filled from ``values``;
        None when ``doc`` has no such relation."""
        found = find_link(doc, rel)
        href = found.get("href") if found is not None else None
        return expand(href, **values) if isinstance(href, str) else None

    def relation(self, rel: str, **values: object) -> str:
        """The href of relation ``rel`` in the broker's index; a ``BrokerError`` when the
        broker does not offer it."""
        href = self.link(self.index(), rel, **values)
        if href is None:
            raise BrokerError(f"the Pact Broker at {self._shown(self.base_url)} has no {rel} "
                              "relation", url=self._shown(self.base_url))
        return href

    # -- requests --------------------------------------------------------------------------------

    def send(self, method: str, href: str, body: JsonValue = None, *,
             content_type: str = "application/json",
             allow: Container[int] = ()) -> httpx.Response:
        """Send one request with ``body`` as JSON; the answer when it is below 400 or its
        status is in ``allow``, else a ``BrokerError``.

        Retried up to ``retries`` times, waiting ``backoff`` seconds and doubling it each
        time (or the broker's ``Retry-After``, up to 10 s): a connection that could not be
        made and HTTP 429/503 for every method; for idempotent ones (GET, PUT, DELETE) also
        a connection lost mid-request and HTTP 500/502/504. So a POST is not sent twice
        when the broker may already have acted on it."""
        method = method.upper()
        url = self.url(href)
        content = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": content_type} if content is not None else {}
        idempotent = method in _IDEMPOTENT
        failure: BrokerError | None = None
        delay = 0.0
        attempt = 0
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                time.sleep(max(delay, self.backoff * 2 ** (attempt - 2)))
            try:
                reply = self._http.request(method, url, content=content, headers=headers)
            except httpx.TransportError as exc:
                failure = BrokerError(self._clean(
                    f"could not reach the Pact Broker at {self._shown(url)}: "
                    f"{type(exc).__name__}: {exc}".rstrip(": ")),
                    url=self._shown(url), unreachable=True)
                if idempotent or isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout,
                                                  httpx.PoolTimeout)):
                    delay = 0.0
                    continue
                break
            status = reply.status_code
            if status < 400 or status in allow:
                return reply
            failure = self._http_error(method, url, reply)
            if status in _NOT_ACTED_UPON or (idempotent and status in _TRANSIENT):
                delay = _retry_after(reply)
                continue
            raise failure
        assert failure is not None
        if attempt > 1:
            failure = BrokerError(f"{failure} (after {attempt} attempts)", status=failure.status,
                                  url=failure.url, unreachable=failure.unreachable)
        raise failure

    @overload
    def request(self, method: str, href: str, body: JsonValue = None, *,
                content_type: str = ..., allow_404: Literal[False] = False) -> JsonObject: ...

    @overload
    def request(self, method: str, href: str, body: JsonValue = None, *,
                content_type: str = ..., allow_404: bool) -> JsonObject | None: ...

    def request(self, method: str, href: str, body: JsonValue = None, *,
                content_type: str = "application/json",
                allow_404: bool = False) -> JsonObject | None:
        """``send``, then the answer's JSON object (``{}`` for an empty answer); None for a
        404 when ``allow_404``."""
        reply = self.send(method, href, body, content_type=content_type,
                          allow=(404,) if allow_404 else ())
        if reply.status_code == 404 and allow_404:
            return None
        if not reply.content.strip():
            return {}
        try:
            data = reply.json()
        except ValueError as exc:
            raise BrokerError(f"the Pact Broker's answer to {method.upper()} "
                              f"{self._shown(reply.url)} is not JSON",
                              status=reply.status_code, url=self._shown(reply.url)) from exc
        return data if isinstance(data, dict) else {"value": data}

    @overload
    def get(self, href: str, *, allow_404: Literal[False] = False) -> JsonObject: ...

    @overload
    def get(self, href: str, *, allow_404: bool) -> JsonObject | None: ...

    def get(self, href: str, *, allow_404: bool = False) -> JsonObject | None:
        """``GET`` a resource; None for a 404 when ``allow_404``."""
        return self.request("GET", href, allow_404=allow_404)

    # -- messages --------------------------------------------------------------------------------

    def _http_error(self, method: str, url: str, reply: httpx.Response) -> BrokerError:
        status = reply.status_code
        reason = httpx.codes.get_reason_phrase(status)
        text = error_text(reply)
        message = (f"the Pact Broker answered HTTP {status}{f' ({reason})' if reason else ''} "
                   f"to {method} {self._shown(url)}{f': {text}' if text else ''}")
        return BrokerError(self._clean(message), status=status, url=self._shown(url),
                           unreachable=status in _UNAVAILABLE)

    def _shown(self, url: object) -> str:
        return mask_password(str(url), MASK)

    def _clean(self, message: str) -> str:
        """``message`` with every credential this client holds masked."""
        for secret in self._secrets:
            message = message.replace(secret, MASK)
        return message


def _password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
