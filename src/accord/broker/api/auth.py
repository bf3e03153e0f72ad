"""Who may do what: basic auth (read-write and read-only users) and bearer tokens.

The read-only identity may use GET/HEAD/OPTIONS everywhere and may also POST to
``/pacts/provider/{p}/for-verification``, which is a read in disguise.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from accord.broker.config import BrokerConfig, hash_token

__all__ = ["access_level", "allowed"]


def access_level(config: BrokerConfig, authorization: str | None) -> str | None:
    """Return "write", "read" or None for the given Authorization header."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        try:
            user, _, password = base64.b64decode(credentials.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        if config.username and _eq(user, config.username) and _eq(password, config.password):
            return "write"
        if (
            config.read_only_username
            and _eq(user, config.read_only_username)
            and _eq(password, config.read_only_password)
        ):
            return "read"
        return None
    if scheme == "bearer":
        return config.tokens.get(hash_token(credentials.strip()))
    return None


def _eq(a: str, b: str | None) -> bool:
    return b is not None and hmac.compare_digest(a.encode(), b.encode())


def _is_read(method: str, path: str) -> bool:
    if method in ("GET", "HEAD", "OPTIONS"):
        return True
    parts = path.strip("/").split("/")
    return (
        method == "POST"
        and len(parts) == 4
        and parts[:2] == ["pacts", "provider"]
        and (parts[3] == "for-verification")
    )


def allowed(config: BrokerConfig, method: str, path: str, level: str | None) -> bool:
    if not config.auth_enabled or level == "write":
        return True
    if path.rstrip("/") == "/diagnostic/status/heartbeat" and config.public_heartbeat:
        return True
    if config.public_badges and (path.endswith("/badge") or path.endswith("/badge.svg")):
        return method == "GET"
    if _is_read(method, path):
        return level == "read" or config.allow_public_read
    return False
