"""A Pact Broker for the broker scenarios: accord's own broker (``accord.broker.create_app``)
on uvicorn with a SQLite file in the test's tmp dir, plus the few calls the steps need."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from accord.model import Pact, SpecVersion, dump_pact

from .servers import UvicornThread

__all__ = ["Broker"]


class Broker:
    def __init__(self, directory: Path) -> None:
        from accord.broker import BrokerConfig, create_app

        directory.mkdir(parents=True, exist_ok=True)
        config = BrokerConfig(database_url=f"sqlite:///{directory / 'broker.sqlite3'}",
                              run_webhooks=False)
        self._server = UvicornThread(create_app(config))
        self._client: httpx.Client | None = None

    @property
    def url(self) -> str:
        return self._server.url

    def __enter__(self) -> Broker:
        self._server.__enter__()
        self._client = httpx.Client(base_url=self.url, timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()
        self._server.__exit__(*exc)

    @property
    def client(self) -> httpx.Client:
        assert self._client is not None
        return self._client

    def publish(self, pact: Pact, version: str = "1.0.0", branch: str = "main") -> None:
        """Publish the pact for ``version`` of its consumer, on ``branch``."""
        c, p = pact.consumer, pact.provider
        spec = pact.spec_version if pact.spec_version >= SpecVersion.V3 else SpecVersion.V3
        reply = self.client.put(f"/pacticipants/{c}/branches/{branch}/versions/{version}",
                                json={})
        reply.raise_for_status()
        reply = self.client.put(f"/pacts/provider/{p}/consumer/{c}/version/{version}",
                                json=dump_pact(pact, spec))
        reply.raise_for_status()

    def latest_verification(self, consumer: str, provider: str) -> dict[str, Any] | None:
        """The latest verification result of the consumer's latest pact, or None."""
        reply = self.client.get(f"/pacts/provider/{provider}/consumer/{consumer}/latest")
        reply.raise_for_status()
        link = reply.json()["_links"].get("pb:latest-verification-results")
        if not link:
            return None
        result = self.client.get(link["href"])
        if result.status_code == 404:
            return None
        result.raise_for_status()
        return result.json()
