"""Pacts from a Pact Broker through its HAL API ("pacts for verification"); each keeps the
HAL client that fetched it, for publishing the results (``publish.py``). Works with the
official broker and with ours.

The sequence (``broker-api.md`` §2b): ``GET /`` → relation
``pb:provider-pacts-for-verification`` → ``POST`` the selectors → ``GET`` each pact. Brokers
without that relation fall back to ``pb:latest-provider-pacts``. Every call retries
transient failures with exponential back-off (``accord.hal.HalClient``)::

    source = BrokerSource("https://broker", token="…",
                          selectors=[{"mainBranch": True}], enable_pending=True,
                          provider_branch="main")
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import field

from accord.broker_client import BrokerClient
from accord.errors import AccordError, BrokerError
from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass
from accord.verifier.results import SourceFailure
from accord.verifier.sources import LoadedPact

__all__ = ["BrokerSource", "close_brokers"]


@dataclass
class BrokerSource:
    """The pacts a broker selects for this provider."""

    url: str
    username: str | None = None
    password: str | None = None
    token: str | None = None
    selectors: list[JsonObject] = field(default_factory=list)
    enable_pending: bool = False
    include_wip_pacts_since: str | None = None
    provider_branch: str | None = None
    provider_tags: list[str] = field(default_factory=list)
    retries: int = 3
    backoff: float = 0.5
    rule_kinds: Collection[str] = ()  # extra matching rule kinds (the verifier's catalogue's)

    def describe(self) -> str:
        return f"broker {self.url}"

    def client(self) -> BrokerClient:
        return BrokerClient(self.url, username=self.username, password=self.password,
                            token=self.token, retries=self.retries, backoff=self.backoff)

    def load(self, provider: str) -> Iterator[LoadedPact | SourceFailure]:
        """The selected pacts; each keeps the HAL client for publishing (``close_brokers``
        closes it after the run)."""
        client = self.client()
        yielded = False
        try:
            for item in self._load(client, provider):
                yielded = yielded or isinstance(item, LoadedPact)
                yield item
        finally:
            if not yielded:
                client.close()

    def _load(self, client: BrokerClient,
              provider: str) -> Iterator[LoadedPact | SourceFailure]:
        try:
            found = client.pacts_for_verification(
                provider, selectors=self.selectors, provider_branch=self.provider_branch,
                provider_tags=self.provider_tags, include_pending=self.enable_pending,
                include_wip_since=self.include_wip_pacts_since)
        except BrokerError as exc:
            yield SourceFailure(self.describe(), str(exc), unreachable=exc.unreachable)
            return
        entries = [(href, item.get("verificationProperties") or {}) for item in found
                   if (href := client.link(item, "self"))]
        for pact_href, props in entries:
            try:
                doc = client.get(pact_href)
                loaded = LoadedPact.from_document(doc, client.url(pact_href), self.rule_kinds)
            except BrokerError as exc:
                yield SourceFailure(pact_href, str(exc), unreachable=exc.unreachable)
                continue
            except AccordError as exc:
                yield SourceFailure(pact_href, str(exc))
                continue
            loaded.pending = bool(props.get("pending", False))
            loaded.wip = bool(props.get("wip", False))
            loaded.notices.extend(
                str(n.get("text")) for n in props.get("notices") or []
                if isinstance(n, Mapping) and n.get("when") == "before_verification")
            loaded.after_notices.update(
                {str(n["when"]): str(n.get("text")) for n in props.get("notices") or []
                 if isinstance(n, Mapping) and str(n.get("when", "")).startswith("after_")})
            loaded.broker = client
            yield loaded


def close_brokers(pacts: Iterable[LoadedPact]) -> None:
    """Close the HAL clients that loaded pacts keep for publishing."""
    for client in dict.fromkeys(p.broker for p in pacts if p.broker is not None):
        client.close()
