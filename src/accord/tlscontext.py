"""One TLS client context per process and setting, shared by every HTTP client accord makes.

Building one loads the CA bundle: 30-190 ms on a busy machine, paid by every ``httpx.Client()``
and ``httpx.get()`` that is not handed a context. A context is safe to share between clients
and threads once made; ``SSL_CERT_FILE``/``SSL_CERT_DIR`` are read when it is first made.
"""

from __future__ import annotations

import functools
import ssl

__all__ = ["client_ssl_context", "forget_ssl_contexts"]


def client_ssl_context(verify_tls: bool = True) -> ssl.SSLContext:
    """The context for ``verify=`` of an httpx client (certificates checked, or not)."""
    return _context(bool(verify_tls))  # one cache key however it is called


@functools.lru_cache(maxsize=2)
def _context(verify_tls: bool) -> ssl.SSLContext:
    import httpx

    return httpx.create_ssl_context(verify=verify_tls)


def forget_ssl_contexts() -> None:
    """Make the contexts afresh on next use (after changing ``SSL_CERT_FILE``, or in tests)."""
    _context.cache_clear()
