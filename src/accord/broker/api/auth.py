"""Who is calling (basic auth users, bearer tokens) and whether a route's access level lets them.

The level each route and method needs is declared in the route table (``Router.add``); this
module only compares it with the caller's identity, so no path is ever special-cased here.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from accord.broker.api.routing import PUBLIC_BADGE, PUBLIC_HEARTBEAT, READ, WRITE
from accord.broker.config import BrokerConfig, hash_token

__all__ = ["access_level", "allowed"]


def access_level(config: BrokerConfig, authorization: str | None) -> str | None:
    """Return "write", "read" or None (anonymous or wrong) for an Authorization header."""
    if not authorization:
        return None
    scheme, _, credentials = authorization.strip().partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if not credentials:  # "Bearer" or "Basic" alone never identifies anybody
        return None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        user, colon, password = decoded.partition(":")
        if not colon or not user or not password:
            return None
        if config.username and _eq(user, config.username) and _eq(password, config.password):
            return WRITE
        if (
            config.read_only_username
            and _eq(user, config.read_only_username)
            and _eq(password, config.read_only_password)
        ):
            return READ
        return None
    if scheme == "bearer":
        return config.tokens.get(hash_token(credentials))
    return None


def _eq(a: str, b: str | None) -> bool:
    return b is not None and hmac.compare_digest(a.encode(), b.encode())


def allowed(config: BrokerConfig, required: str, level: str | None) -> bool:
    """May a caller with identity ``level`` use a route and method that needs ``required``?"""
    if not config.auth_enabled or level == WRITE:
        return True
    if required == PUBLIC_BADGE and config.public_badges:
        return True
    if required == PUBLIC_HEARTBEAT and config.public_heartbeat:
        return True
    if required == WRITE:
        return False
    return level == READ or config.allow_public_read
