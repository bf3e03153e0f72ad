"""Every HTTP client accord makes shares one TLS context: building one loads the CA bundle
(30-190 ms here), which each broker client, pact-URL fetch and state-change call used to pay."""

from __future__ import annotations

import ssl
from typing import Any

import httpx
import pytest

from accord.broker_client import BrokerClient
from accord.hal import HalClient
from accord.tlscontext import client_ssl_context, forget_ssl_contexts
from accord.verifier.deadline import KeepAlivePoster, deadline_client


def test_clients_load_the_ca_bundle_once(monkeypatch: pytest.MonkeyPatch) -> None:
    loads: list[str] = []
    real = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        loads.append("ca bundle")
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    forget_ssl_contexts()
    try:
        clients = [BrokerClient("http://127.0.0.1:1") for _ in range(3)]
        clients += [HalClient("http://127.0.0.1:1") for _ in range(3)]
        clients += [deadline_client() for _ in range(3)]
        for client in clients:
            client.close()
        poster = KeepAlivePoster()
        with pytest.raises(httpx.HTTPError):  # nothing listens there; the client was made
            poster.post("http://127.0.0.1:1/state", json={}, timeout=1)
        poster.close()
    finally:
        forget_ssl_contexts()
    assert loads == ["ca bundle"]
    assert client_ssl_context() is client_ssl_context()
    assert client_ssl_context(False) is not client_ssl_context(True)
