"""Where pacts come from: files, directories (searched recursively), URLs and a broker.

Each source yields ``LoadedPact`` objects, or ``SourceFailure`` for a pact that cannot be read,
so one bad file is reported and the rest are still verified::

    FileSource("pacts/web-users.json")
    DirectorySource("pacts/")                      # keeps pacts whose provider is ours
    UrlSource("https://ci/pact.json", token="…")   # or username= / password=
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from accord.broker_client import BrokerClient
from accord.errors import AccordError
from accord.hal import HAL_ACCEPT, auth_for, find_link
from accord.model import Pact, load_pact
from accord.model.catalogue import Catalogue
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.valueclass import dataclass
from accord.tlscontext import client_ssl_context
from accord.verifier.results import SourceFailure

__all__ = [
    "DirectorySource",
    "FileSource",
    "LoadedPact",
    "PactSource",
    "UrlSource",
    "source_for",
]


@dataclass
class LoadedPact:
    """A pact ready to verify, with what its source knows about it."""

    pact: Pact
    source: str
    pending: bool = False  # the broker says failures must not fail the build
    wip: bool = False
    notices: list[str] = field(default_factory=list)
    after_notices: dict[str, str] = field(default_factory=dict)  # broker "after_verification:…"
    links: JsonMapping = field(default_factory=dict)  # the pact document's HAL _links
    broker: BrokerClient | None = None  # the broker's client, for publishing results
    catalogue: Catalogue | None = None  # the catalogue to match it with (set by load_pacts)

    @classmethod
    def from_document(cls, data: JsonValue, origin: str, rule_kinds: Collection[str] = ()
                      ) -> LoadedPact:
        """A decoded pact document (a file's, a URL's or a broker's) read as a pact; its HAL
        ``_links`` are kept; ``rule_kinds`` are the extra rule kinds the catalogue's plugins
        add. A ``PactFormatError`` says what is wrong and where."""
        pact = load_pact(data, file=origin, rule_kinds=rule_kinds)
        links = data.get("_links") if isinstance(data, Mapping) else None
        return cls(pact=pact, source=origin, links=links if isinstance(links, Mapping) else {})


class PactSource(Protocol):
    """Anything that can produce pacts for a provider."""

    def describe(self) -> str: ...

    def load(self, provider: str) -> Iterator[LoadedPact | SourceFailure]: ...


@dataclass
class FileSource:
    """One pact file. It is verified even if it names another provider (with a notice)."""

    path: Path
    rule_kinds: Collection[str] = ()  # extra matching rule kinds (the verifier's catalogue's)

    def describe(self) -> str:
        return str(self.path)

    def load(self, provider: str) -> Iterator[LoadedPact | SourceFailure]:
        try:
            data = json.loads(Path(self.path).read_bytes())
        except FileNotFoundError:
            yield SourceFailure(str(self.path), "the file does not exist")
            return
        except (OSError, ValueError, RecursionError) as exc:
            yield SourceFailure(str(self.path), f"not a JSON pact file: {_why(exc)}")
            return
        try:
            loaded = LoadedPact.from_document(data, str(self.path), self.rule_kinds)
        except AccordError as exc:
            yield SourceFailure(str(self.path), str(exc))
            return
        if loaded.pact.provider != provider:
            loaded.notices.append(
                f"{self.path} is a pact with provider {loaded.pact.provider!r}, "
                f"verified as {provider!r}")
        yield loaded


@dataclass
class DirectorySource:
    """Every ``*.json`` pact under a directory (sub-directories included) whose provider is
    ours. JSON files that are not pacts at all are ignored; broken pacts are reported."""

    path: Path
    rule_kinds: Collection[str] = ()

    def describe(self) -> str:
        return str(self.path)

    def load(self, provider: str) -> Iterator[LoadedPact | SourceFailure]:
        root = Path(self.path)
        if not root.is_dir():
            yield SourceFailure(str(root), "the directory does not exist")
            return
        for file in sorted(root.rglob("*.json")):
            try:
                data = json.loads(file.read_bytes())
            except (OSError, ValueError, RecursionError) as exc:
                yield SourceFailure(str(file), f"not a JSON pact file: {_why(exc)}")
                continue
            if not _looks_like_pact(data):
                continue
            try:
                loaded = LoadedPact.from_document(data, str(file), self.rule_kinds)
            except AccordError as exc:
                yield SourceFailure(str(file), str(exc))
                continue
            if loaded.pact.provider == provider:
                yield loaded


def _why(exc: Exception) -> str:
    return "it is nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def _looks_like_pact(data: JsonValue) -> bool:
    return isinstance(data, Mapping) and (
        "consumer" in data or "provider" in data or "interactions" in data or "messages" in data)


@dataclass
class UrlSource:
    """A pact served at a URL, optionally behind basic or bearer authentication."""

    url: str
    username: str | None = None
    password: str | None = None
    token: str | None = None
    timeout: float = 30.0
    rule_kinds: Collection[str] = ()

    def describe(self) -> str:
        return self.url

    def load(self, provider: str) -> Iterator[LoadedPact | SourceFailure]:
        auth, headers = auth_for(self.username, self.password, self.token)
        headers["Accept"] = HAL_ACCEPT
        try:
            reply = httpx.get(self.url, auth=auth, headers=headers, timeout=self.timeout,
                              follow_redirects=True, verify=client_ssl_context())
        except httpx.HTTPError as exc:
            yield SourceFailure(self.url, f"could not fetch the pact: {exc}")
            return
        if reply.status_code != 200:
            yield SourceFailure(self.url, f"fetching the pact answered HTTP {reply.status_code}")
            return
        try:
            loaded = LoadedPact.from_document(reply.json(), self.url, self.rule_kinds)
        except (ValueError, RecursionError) as exc:
            yield SourceFailure(self.url, f"not a JSON pact: {_why(exc)}")
            return
        except AccordError as exc:
            yield SourceFailure(self.url, str(exc))
            return
        if find_link(loaded.links, "pb:publish-verification-results") is not None:
            parts = urlsplit(self.url)  # a pact served by a broker: results can be published
            loaded.broker = BrokerClient(f"{parts.scheme}://{parts.netloc}",
                                         username=self.username, password=self.password,
                                         token=self.token)
        yield loaded


def source_for(location: str | Path, *, username: str | None = None,
               password: str | None = None, token: str | None = None) -> PactSource:
    """A file, directory or URL source, chosen from what ``location`` is."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        return UrlSource(text, username=username, password=password, token=token)
    path = Path(location)
    if path.is_dir():
        return DirectorySource(path)
    return FileSource(path)
