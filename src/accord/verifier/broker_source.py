"""Pacts from a Pact Broker through its HAL API ("pacts for verification"), and the HAL calls
that publish verification results. Works with the official broker and with ours.

The sequence (``broker-api.md`` §2b): ``GET /`` → relation
``pb:provider-pacts-for-verification`` → ``POST`` the selectors → ``GET`` each pact. Brokers
without that relation fall back to ``pb:latest-provider-pacts``. Every call retries
connection errors and 5xx answers with exponential back-off::

    source = BrokerSource("https://broker", token="…",
                          selectors=[{"mainBranch": True}], enable_pending=True,
                          provider_branch="main")
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx

from accord import __version__
from accord.errors import AccordError, BrokerError
from accord.tlscontext import client_ssl_context
from accord.verifier.results import SourceFailure
from accord.verifier.sources import LoadedPact, _read_document, auth_for

__all__ = ["BrokerSource", "HalClient", "close_brokers"]

_HAL = "application/hal+json, application/json"


class HalClient:
    """A small HAL client for one broker: relation lookup, template expansion, retries."""

    def __init__(self, base_url: str, *, username: str | None = None,
                 password: str | None = None, token: str | None = None, retries: int = 3,
                 backoff: float = 0.5, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        auth, headers = auth_for(username, password, token)
        headers["Accept"] = _HAL
        headers["User-Agent"] = f"accord/{__version__}"
        self._client = httpx.Client(auth=auth, headers=headers, timeout=timeout,
                                    follow_redirects=True, verify=client_ssl_context())
        self.retries = retries
        self.backoff = backoff

    def close(self) -> None:
        self._client.close()

    def url(self, href: str) -> str:
        """An absolute URL for ``href``; hrefs naming another host keep only their path
        (as the Rust verifier does), so a broker behind a proxy still works."""
        if href.startswith(self.base_url):
            return href
        parts = urlsplit(href)
        if parts.scheme:
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            base = urlsplit(self.base_url)
            return f"{base.scheme}://{base.netloc}{path}"
        return urljoin(self.base_url + "/", href.lstrip("/"))

    def request(self, method: str, href: str, json: Any = None,
                *, allow_404: bool = False) -> dict[str, Any] | None:
        url = self.url(href)
        kwargs: dict[str, Any] = {}
        if json is not None:
            kwargs["json"] = json
            kwargs["headers"] = {"Content-Type": "application/json"}
        last: str = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                reply = self._client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                last = f"could not reach the broker at {url}: {exc or type(exc).__name__}"
                continue
            if reply.status_code >= 500:
                last = f"the broker answered HTTP {reply.status_code} to {method} {url}"
                continue
            if reply.status_code == 404 and allow_404:
                return None
            if reply.status_code >= 400:
                raise BrokerError(f"the broker answered HTTP {reply.status_code} to {method} "
                                  f"{url}: {_error_text(reply)}", status=reply.status_code,
                                  url=url)
            if not reply.content.strip():
                return {}
            try:
                data = reply.json()
            except ValueError as exc:
                raise BrokerError(f"the broker's answer to {method} {url} is not JSON",
                                  status=reply.status_code, url=url) from exc
            return data if isinstance(data, dict) else {"value": data}
        raise BrokerError(last + f" (after {self.retries + 1} attempts)", url=url)

    def get(self, href: str, *, allow_404: bool = False) -> dict[str, Any] | None:
        return self.request("GET", href, allow_404=allow_404)

    @staticmethod
    def find(doc: Mapping[str, Any], rel: str) -> Mapping[str, Any] | None:
        """The link object for relation ``rel`` (case-insensitive), or None."""
        links = doc.get("_links") if "_links" in doc else doc
        if not isinstance(links, Mapping):
            return None
        for key, value in links.items():
            if key.lower() == rel.lower():
                if isinstance(value, list):
                    value = value[0] if value else None
                return value if isinstance(value, Mapping) else None
        return None

    def link(self, doc: Mapping[str, Any], rel: str, **params: str) -> str | None:
        """The expanded href of relation ``rel`` (placeholders percent-encoded)."""
        found = self.find(doc, rel)
        if found is None or not isinstance(found.get("href"), str):
            return None
        href = str(found["href"])
        for key, value in params.items():
            href = href.replace("{" + key + "}", quote(str(value), safe=""))
        return href


def _error_text(reply: httpx.Response) -> str:
    try:
        data = reply.json()
    except ValueError:
        return reply.text[:200] or "(no body)"
    if isinstance(data, dict) and "errors" in data:
        return str(data["errors"])
    return str(data)[:200]


@dataclass
class BrokerSource:
    """The pacts a broker selects for this provider."""

    url: str
    username: str | None = None
    password: str | None = None
    token: str | None = None
    selectors: list[dict[str, Any]] = field(default_factory=list)
    enable_pending: bool = False
    include_wip_pacts_since: str | None = None
    provider_branch: str | None = None
    provider_tags: list[str] = field(default_factory=list)
    retries: int = 3
    backoff: float = 0.5
    rule_kinds: Collection[str] = ()  # extra matching rule kinds (the verifier's catalogue's)

    def describe(self) -> str:
        return f"broker {self.url}"

    def client(self) -> HalClient:
        return HalClient(self.url, username=self.username, password=self.password,
                         token=self.token, retries=self.retries, backoff=self.backoff)

    def request_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"consumerVersionSelectors": list(self.selectors),
                                "includePendingStatus": self.enable_pending}
        if self.provider_branch:
            body["providerVersionBranch"] = self.provider_branch
        if self.provider_tags:
            body["providerVersionTags"] = list(self.provider_tags)
        if self.include_wip_pacts_since:
            body["includeWipPactsSince"] = self.include_wip_pacts_since
        return body

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

    def _load(self, client: HalClient, provider: str) -> Iterator[LoadedPact | SourceFailure]:
        try:
            index = client.get("/")
        except BrokerError as exc:
            yield SourceFailure(self.describe(), str(exc), unreachable=exc.status is None)
            return
        assert index is not None
        href = client.link(index, "pb:provider-pacts-for-verification", provider=provider) or \
            client.link(index, "beta:provider-pacts-for-verification", provider=provider)
        entries: list[tuple[str, Mapping[str, Any]]] = []
        try:
            if href is not None:
                found = client.request("POST", href, self.request_body(), allow_404=True) or {}
                embedded = found.get("_embedded") or {}
                for item in embedded.get("pacts") or []:
                    self_href = client.link(item, "self")
                    if self_href:
                        entries.append((self_href, item.get("verificationProperties") or {}))
            else:
                latest = client.link(index, "pb:latest-provider-pacts", provider=provider)
                if latest is None:
                    yield SourceFailure(self.describe(), "the broker offers neither "
                                        "pb:provider-pacts-for-verification nor "
                                        "pb:latest-provider-pacts")
                    return
                found = client.get(latest, allow_404=True) or {}
                links = found.get("_links") or {}
                items = links.get("pb:pacts") or links.get("pacts") or []
                entries.extend((str(i["href"]), {}) for i in items
                               if isinstance(i, Mapping) and "href" in i)
        except BrokerError as exc:
            yield SourceFailure(self.describe(), str(exc), unreachable=exc.status is None)
            return
        for pact_href, props in entries:
            try:
                doc = client.get(pact_href)
                loaded = _read_document(doc, client.url(pact_href), self.rule_kinds)
            except BrokerError as exc:
                yield SourceFailure(pact_href, str(exc), unreachable=exc.status is None)
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
