"""Whose ``X-Forwarded-*`` headers to believe: only those of proxies the operator named."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

__all__ = ["trusted"]


@lru_cache(maxsize=32)
def _networks(allow: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in allow if entry != "*")


def trusted(client: Sequence[object] | None, allow: tuple[str, ...]) -> bool:
    """Is the direct peer (the ASGI ``client``) one of ``allow`` (addresses, networks, ``*``)?"""
    if not allow:
        return False
    if "*" in allow:
        return True
    if not client:
        return False
    try:
        address = ipaddress.ip_address(str(client[0]))
    except ValueError:  # a Unix socket path or a test client's name
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(tuple(allow)))
