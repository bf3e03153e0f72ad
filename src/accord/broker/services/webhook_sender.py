"""Send one rendered webhook request, safely.

The host is resolved here, every address it resolves to is checked against the policy, and
the connection goes to a checked address (TLS still verifies the host name), so a DNS answer
that changes between check and connect cannot reach an internal service. Redirects are not
followed, environment proxies are not used, the response is read only up to an excerpt, and
credentials are masked in everything the attempt reports.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import field
from datetime import UTC, datetime

from accord.broker.services.redaction import MASK, is_secret_name, redact_headers, redact_url
from accord.broker.services.webhook_policy import (
    Target,
    WebhookPolicy,
    address_problem,
    host_whitelisted,
    split_target,
)
from accord.model.jsontypes import JsonMapping
from accord.model.valueclass import dataclass

__all__ = ["EXCERPT_BYTES", "Attempt", "not_sent", "send_webhook"]

#: the most of a response body that is read, stored and shown
EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt, with every credential already masked."""

    success: bool
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int | None
    error: str | None
    excerpt: str
    response_headers: dict[str, str]
    started_at: datetime
    duration_ms: int

    def log(self) -> str:
        """A plain-text account of the attempt, as the triggered-webhook logs show it."""
        lines = [f"[{self.started_at.isoformat()}] {self.method} {self.url}"]
        lines += [f"{k}: {v}" for k, v in self.request_headers.items()]
        if self.status is not None:
            lines.append(f"Response status {self.status} ({self.duration_ms} ms)")
        if self.error:
            lines.append(f"Error: {self.error}")
        if self.excerpt:
            lines.append(self.excerpt)
        lines.append("Webhook succeeded" if self.success else "Webhook failed")
        return "\n".join(lines)


class Refused(Exception):
    """The request would break the policy; nothing was sent."""


def _secrets(request: JsonMapping, password: str | None) -> list[str]:
    values = [request.get("password"), password]
    values += [str(v) for k, v in (request.get("headers") or {}).items() if is_secret_name(str(k))]
    secrets = {str(v) for v in values if v and len(str(v)) >= 4}
    for secret in list(secrets):  # "Bearer abc…": the credential alone is secret too
        secrets.update(part for part in secret.split() if len(part) >= 4)
    return sorted(secrets, key=len, reverse=True)


def _mask(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def _checked_addresses(host: str, port: int, policy: WebhookPolicy) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise Refused(f"could not resolve host {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        problem = address_problem(address, policy)
        if problem:
            raise Refused(f"host {host} resolves to {problem}")
    if not addresses:
        raise Refused(f"host {host} has no address")
    return addresses


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a checked address, with the URL's host name in the Host header."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        # http.client sends a bytes body with its head, but a small request line and headers
        # must not wait for an ACK either
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS to a checked address; the certificate is verified against the host name."""

    default_port = 443

    def connect(self) -> None:
        super().connect()
        tls = ssl.create_default_context()
        self.sock = tls.wrap_socket(self.sock, server_hostname=self.host)


def _exchange(
    connection: _PinnedHTTP, method: str, path: str, headers: dict[str, str], body: bytes | None
) -> tuple[int, dict[str, str], bytes]:
    """One request and the start of its response, within three timeouts in all: a target
    that answers a byte at a time is cut off (a claimed delivery's lease outlasts this)."""

    cut: list[bool] = []
    limit = 3 * (connection.timeout or 10)

    def cut_off() -> None:
        cut.append(True)
        if connection.sock is not None:
            with contextlib.suppress(OSError):
                connection.sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(limit, cut_off)
    timer.start()
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read(EXCERPT_BYTES + 1)
        if cut:
            raise TimeoutError(f"the target took more than {limit:g} s in all")
        return response.status, dict(response.getheaders()), content
    except OSError:
        if cut:
            raise TimeoutError(f"the target took more than {limit:g} s in all") from None
        raise
    finally:
        timer.cancel()
        connection.close()


def _check_policy(target: Target, method: str, policy: WebhookPolicy) -> None:
    """Refuse a scheme, method or host the operator did not allow."""
    if target.scheme not in policy.schemes:
        raise Refused(f"scheme {target.scheme} is not in the webhook scheme whitelist")
    if method not in policy.methods:
        raise Refused(f"method {method} is not in the webhook HTTP method whitelist")
    if policy.hosts and not host_whitelisted(target.host, policy.hosts):
        raise Refused(f"host {target.host} is not in the webhook host whitelist")


def _basic_auth_token(request: JsonMapping, target: Target) -> str | None:
    """The Basic credentials to send: the webhook's own, else the URL's user info."""
    username, password = request.get("username"), request.get("password")
    if not username and target.username:
        username, password = target.username, target.password
    if not username:
        return None
    return base64.b64encode(f"{username}:{password or ''}".encode()).decode()


def _connect(target: Target, policy: WebhookPolicy) -> _PinnedHTTP:
    """A connection to the first checked address that answers (the next one only if
    nothing was sent)."""
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    last: OSError | None = None
    for address in _checked_addresses(target.host, target.port, policy):
        connection = kind(target.host, target.port, address, policy.timeout)
        try:
            connection.connect()
            return connection
        except OSError as exc:
            last = exc
            connection.close()
    raise last or OSError("no address answered")


def _excerpt(content: bytes, policy: WebhookPolicy, secrets: list[str]) -> str:
    """The start of the response body, masked, or why it is not shown."""
    if not policy.show_response:
        return "(The response body is not shown: configure a webhook host whitelist to see it.)"
    text = content[:EXCERPT_BYTES].decode("utf-8", errors="replace")
    if len(content) > EXCERPT_BYTES:
        text += "\n… (response truncated)"
    return _mask(text, secrets)


@dataclass
class _Exchange:
    """What one attempt sent and got back, filled in as far as it went."""

    secrets: list[str]
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    excerpt: str = ""
    error: str | None = None


def _deliver(
    request: JsonMapping,
    url: str,
    method: str,
    headers: dict[str, str],
    policy: WebhookPolicy,
    sent: _Exchange,
) -> None:
    """Check the target against the policy, connect to a checked address and exchange;
    raises ``Refused``, ``ValueError``, ``OSError`` or ``HTTPException`` when it stops."""
    try:
        target = split_target(url)
    except ValueError as exc:
        raise Refused(f"the URL {exc}") from None
    sent.secrets = _secrets(request, target.password)
    _check_policy(target, method, policy)
    token = _basic_auth_token(request, target)
    if token:
        headers["Authorization"] = f"Basic {token}"
        sent.secrets = sorted({*sent.secrets, token}, key=len, reverse=True)
    headers.setdefault("User-Agent", "accord-broker")
    body = request.get("body")
    payload = body.encode() if isinstance(body, str) else None
    connection = _connect(target, policy)
    sent.status, sent.response_headers, content = _exchange(
        connection, method, target.path, headers, payload
    )
    sent.excerpt = _excerpt(content, policy, sent.secrets)
    if 300 <= sent.status < 400 and sent.response_headers.get("Location"):
        sent.error = f"redirect to {redact_url(sent.response_headers['Location'])} not followed"


def send_webhook(request: JsonMapping, policy: WebhookPolicy) -> Attempt:
    """Send ``request`` (from ``render_request``) if ``policy`` allows it; never raises."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    method = str(request.get("method") or "POST").upper()
    url = str(request.get("url") or "")
    headers = {str(k): str(v) for k, v in (request.get("headers") or {}).items()}
    sent = _Exchange(_secrets(request, None))
    try:
        _deliver(request, url, method, headers, policy, sent)
    except Refused as exc:
        sent.error = f"not sent: {exc}"
    except ValueError as exc:  # e.g. a header value with a line break
        sent.error = f"not sent: {exc}"
    except (OSError, http.client.HTTPException) as exc:
        sent.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return _attempt(request, method, url, headers, policy, sent, started, clock)


def _attempt(
    request: JsonMapping,
    method: str,
    url: str,
    headers: dict[str, str],
    policy: WebhookPolicy,
    sent: _Exchange,
    started: datetime,
    clock: float,
) -> Attempt:
    """The record of the attempt, every credential masked."""
    secrets = sent.secrets
    body = request.get("body")
    return Attempt(
        success=sent.status is not None and sent.status in policy.success_codes,
        method=method,
        url=redact_url(url),
        request_headers={k: _mask(str(v), secrets) for k, v in redact_headers(headers).items()},
        request_body=_mask(body, secrets) if isinstance(body, str) else None,
        status=sent.status,
        error=_mask(sent.error, secrets) if sent.error else None,
        excerpt=sent.excerpt,
        response_headers=(
            {k: _mask(str(v), secrets) for k, v in redact_headers(sent.response_headers).items()}
            if policy.show_response
            else {}
        ),
        started_at=started,
        duration_ms=int((time.monotonic() - clock) * 1000),
    )


def not_sent(what: str, reason: str) -> Attempt:
    """The record of an attempt that was not made (e.g. the webhook is gone)."""
    return Attempt(
        success=False,
        method="-",
        url=what,
        request_headers={},
        request_body=None,
        status=None,
        error=f"not sent: {reason}",
        excerpt="",
        response_headers={},
        started_at=datetime.now(UTC),
        duration_ms=0,
    )
