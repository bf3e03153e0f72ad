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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from accord.broker.services.redaction import MASK, is_secret_name, redact_headers, redact_url
from accord.broker.services.webhook_policy import (
    WebhookPolicy,
    address_problem,
    host_whitelisted,
    split_target,
)

__all__ = ["EXCERPT_BYTES", "Attempt", "not_sent", "send_webhook"]

#: the most of a response body that is read, stored and shown
EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Attempt:
    """The outcome of one delivery attempt, with every credential already masked."""

    success: bool
    method: str
    url: str
    request_headers: dict[str, Any]
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


def _secrets(request: dict[str, Any], password: str | None) -> list[str]:
    values = [request.get("password"), password]
    values += [
        str(v) for k, v in (request.get("headers") or {}).items() if is_secret_name(str(k))
    ]
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


def send_webhook(request: dict[str, Any], policy: WebhookPolicy) -> Attempt:
    """Send ``request`` (from ``render_request``) if ``policy`` allows it; never raises."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    method = str(request.get("method") or "POST").upper()
    url = str(request.get("url") or "")
    headers = {str(k): str(v) for k, v in (request.get("headers") or {}).items()}
    secrets = _secrets(request, None)
    body = request.get("body")
    status: int | None = None
    response_headers: dict[str, str] = {}
    excerpt = ""
    error: str | None = None
    try:
        try:
            target = split_target(url)
        except ValueError as exc:
            raise Refused(f"the URL {exc}") from None
        secrets = _secrets(request, target.password)
        if target.scheme not in policy.schemes:
            raise Refused(f"scheme {target.scheme} is not in the webhook scheme whitelist")
        if method not in policy.methods:
            raise Refused(f"method {method} is not in the webhook HTTP method whitelist")
        if policy.hosts and not host_whitelisted(target.host, policy.hosts):
            raise Refused(f"host {target.host} is not in the webhook host whitelist")
        username, password = request.get("username"), request.get("password")
        if not username and target.username:
            username, password = target.username, target.password
        if username:
            token = base64.b64encode(f"{username}:{password or ''}".encode()).decode()
            headers["Authorization"] = f"Basic {token}"
            secrets = sorted({*secrets, token}, key=len, reverse=True)
        headers.setdefault("User-Agent", "accord-broker")
        payload = body.encode() if isinstance(body, str) else None
        addresses = _checked_addresses(target.host, target.port, policy)
        kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
        last: OSError | None = None
        for address in addresses:  # the next checked address only if nothing was sent
            connection = kind(target.host, target.port, address, policy.timeout)
            try:
                connection.connect()
                break
            except OSError as exc:
                last = exc
                connection.close()
        else:
            raise last or OSError("no address answered")
        status, response_headers, content = _exchange(
            connection, method, target.path, headers, payload
        )
        text = content[:EXCERPT_BYTES].decode("utf-8", errors="replace")
        if len(content) > EXCERPT_BYTES:
            text += "\n… (response truncated)"
        if policy.show_response:
            excerpt = _mask(text, secrets)
        else:
            excerpt = (
                "(The response body is not shown: configure a webhook host whitelist to see it.)"
            )
        if 300 <= status < 400 and response_headers.get("Location"):
            error = f"redirect to {redact_url(response_headers['Location'])} not followed"
    except Refused as exc:
        error = f"not sent: {exc}"
    except ValueError as exc:  # e.g. a header value with a line break
        error = f"not sent: {exc}"
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    success = status is not None and status in policy.success_codes
    return Attempt(
        success=success,
        method=method,
        url=redact_url(url),
        request_headers={k: _mask(str(v), secrets) for k, v in redact_headers(headers).items()},
        request_body=_mask(body, secrets) if isinstance(body, str) else None,
        status=status,
        error=_mask(error, secrets) if error else None,
        excerpt=excerpt,
        response_headers=(
            {k: _mask(str(v), secrets) for k, v in redact_headers(response_headers).items()}
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
