"""``accord.Verifier``: the fluent provider-verification API (familiar to pact-python v3 users).

::

    verifier = (Verifier("users-api")
                .add_source("pacts/")
                .add_transport(app=app))            # or url="http://127.0.0.1:8000"

    @verifier.state("user 123 exists")
    def user_exists(id=123):
        db.add(User(id))
        yield {"id": id}
        db.delete(id)

    verifier.verify()        # raises VerificationFailed with the report when a pact fails
    result = verifier.verify(raises=False)   # or inspect the result
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from accord.errors import VerificationFailed, VerificationSetupError
from accord.model import Interaction
from accord.model.catalogue import Catalogue
from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue
from accord.model.valueclass import dataclass
from accord.verifier.broker_source import BrokerSource, close_brokers
from accord.verifier.messages import (
    MessageProducer,
    MessageProducers,
    MessageRelay,
    ProducedMessage,
)
from accord.verifier.publish import PublishOptions
from accord.verifier.results import InteractionResult, VerificationResult
from accord.verifier.runner import (
    Event,
    Filters,
    RunConfig,
    RunFinished,
    Session,
    load_pacts,
    run,
    selected_interactions,
)
from accord.verifier.sources import LoadedPact, PactSource, source_for
from accord.verifier.states import StateChangeUrl, StateFunction, StateHandlers, StateMapping
from accord.verifier.transports import AsyncBridge, Transport, transport_for

__all__ = ["BrokerSelectorBuilder", "Reporter", "VerificationItem", "Verifier"]

F = TypeVar("F", bound=Callable[..., Any])


class Reporter(Protocol):
    """What ``Verifier.verify(reporters=...)`` calls with each event: the reporters of
    ``accord.reporting`` and any object with this method."""

    def handle(self, event: Event) -> None: ...


@dataclass(frozen=True)
class VerificationItem:
    """One interaction of one pact, as a test item (``id`` is ``consumer: description``)."""

    id: str
    loaded: LoadedPact
    interaction: Interaction

    def __str__(self) -> str:
        return self.id


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p.title() for p in rest)


class BrokerSelectorBuilder:
    """Options of a broker source: consumer version selectors, pending, WIP, provider branch
    and tags. ``build()`` returns the verifier."""

    def __init__(self, verifier: Verifier, source: BrokerSource) -> None:
        self._verifier = verifier
        self._source = source

    def consumer_version(self, **selector: JsonValue) -> BrokerSelectorBuilder:
        """Add one selector; snake_case keys (``main_branch=True``) become camelCase."""
        self._source.selectors.append({_camel(k): v for k, v in selector.items()
                                       if v is not None})
        return self

    def consumer_version_selectors(self, *selectors: JsonMapping) -> BrokerSelectorBuilder:
        for s in selectors:
            self._source.selectors.append({_camel(k): v for k, v in s.items()})
        return self

    def consumer_versions(self, *selectors: str | JsonMapping) -> BrokerSelectorBuilder:
        """Selectors as JSON text (``'{"mainBranch": true}'``), pact-python's older form."""
        for selector in selectors:
            if isinstance(selector, str):
                try:
                    selector = json.loads(selector)
                except ValueError as exc:
                    raise VerificationSetupError(
                        f"consumer_versions(): {selector!r} is not a JSON selector: {exc}"
                    ) from None
            if not isinstance(selector, Mapping):
                raise VerificationSetupError(
                    f"consumer_versions(): a selector is a JSON object, not {selector!r}")
            self._source.selectors.append(dict(selector))
        return self

    def consumer_tags(self, *tags: str) -> BrokerSelectorBuilder:
        for tag in tags:
            self._source.selectors.append({"tag": tag, "latest": True})
        return self

    def include_pending(self) -> BrokerSelectorBuilder:
        self._source.enable_pending = True
        return self

    enable_pending = include_pending

    def exclude_pending(self) -> BrokerSelectorBuilder:
        self._source.enable_pending = False
        return self

    def include_wip_since(self, since: str | date | datetime) -> BrokerSelectorBuilder:
        if isinstance(since, datetime):
            since = since.date()
        self._source.include_wip_pacts_since = str(since)
        return self

    include_wip_pacts_since = include_wip_since

    def exclude_wip(self) -> BrokerSelectorBuilder:
        self._source.include_wip_pacts_since = None
        return self

    def provider_branch(self, branch: str) -> BrokerSelectorBuilder:
        self._source.provider_branch = branch
        return self

    def provider_tags(self, *tags: str) -> BrokerSelectorBuilder:
        self._source.provider_tags.extend(tags)
        return self

    def build(self) -> Verifier:
        return self._verifier


class Verifier:
    """Verifies that a provider honours its pacts.

    ``verify()`` raises ``VerificationFailed`` with a readable report when the provider
    fails (``verify(raises=False)`` returns the ``VerificationResult`` instead). Pending
    pacts never fail it."""

    def __init__(self, name: str, host: str | None = None, *, timeout: float = 5.0,
                 fail_if_no_pacts_found: bool = True, catalogue: Catalogue | None = None
                 ) -> None:
        """``host``: where the provider runs, for transports given by ``port``/``path``
        (pact-python's argument; default ``localhost``). ``catalogue``: the body matchers,
        generators and plugins to verify with (default: ``accord.plugins.default_catalogue()``;
        the plugins each pact names are added)."""
        if not name:
            raise VerificationSetupError("a Verifier needs the provider's name")
        self.name = name
        self.host = host
        self._sources: list[PactSource] = []
        self._transports: list[Callable[[AsyncBridge], Transport]] = []
        self._states = StateHandlers()
        self._messages = MessageProducers()
        self._filters = Filters()
        self._headers: list[tuple[str, str]] = []
        self._request_filter: Callable[[httpx.Request], httpx.Request | None] | None = None
        self._timeout = timeout
        self._fail_if_no_pacts = fail_if_no_pacts_found
        self._publish: PublishOptions | None = None
        self._verify_tls = True
        self._follow_redirects = True
        self._session: Session | None = None
        self._items: list[VerificationItem] | None = None
        self._last_result: VerificationResult | None = None
        self._catalogue = catalogue

    # ---------------------------------------------------------------- sources
    def add_source(self, source: str | Path | PactSource, *, username: str | None = None,
                   password: str | None = None, token: str | None = None) -> Verifier:
        """A pact file, a directory (searched recursively) or a URL (basic or bearer auth)."""
        if isinstance(source, (str, Path)):
            self._sources.append(source_for(source, username=username, password=password,
                                            token=token))
        else:
            self._sources.append(source)
        return self

    def broker_source(self, url: str | None = None, *, username: str | None = None,
                      password: str | None = None, token: str | None = None,
                      selector: bool = False, use_env: bool = True,
                      retries: int = 3, backoff: float = 0.5
                      ) -> Verifier | BrokerSelectorBuilder:
        """Pacts from a broker (``PACT_BROKER_BASE_URL``, ``…_USERNAME``, ``…_PASSWORD``,
        ``…_TOKEN`` fill in what is not given). With ``selector=True`` returns a builder."""
        env = os.environ if use_env else {}
        url = url or env.get("PACT_BROKER_BASE_URL")
        if not url:
            raise VerificationSetupError("broker_source() needs a URL (or PACT_BROKER_BASE_URL)")
        if username is None and token is None:
            username = env.get("PACT_BROKER_USERNAME") or None
            password = password or env.get("PACT_BROKER_PASSWORD") or None
            token = env.get("PACT_BROKER_TOKEN") or None
        source = BrokerSource(url, username=username, password=password, token=token,
                              retries=retries, backoff=backoff)
        self._sources.append(source)
        builder = BrokerSelectorBuilder(self, source)
        return builder if selector else self

    # ---------------------------------------------------------------- provider
    def add_transport(self, *, url: object = None, app: object = None,
                      asgi: bool | None = None, protocol: str | None = None,
                      port: int | None = None, path: str | None = None,
                      scheme: str | None = None) -> Verifier:
        """The provider: a base URL (a ``str`` or a URL object such as ``yarl.URL``), an
        ASGI/WSGI app called in process (no server), or pact-python's parts: ``protocol``
        (``http`` or ``message``), ``port``, ``path`` and ``scheme`` on the Verifier's host.
        ``protocol="message"`` makes the URL the HTTP message relay (as in pact-python);
        ``grpc://host:port`` (or ``protocol="grpc"``) a gRPC server that the pact's gRPC
        interactions are verified against (``accord[grpc]``)."""
        parts = (port, path, scheme)
        if url is not None and any(p is not None for p in parts):
            raise VerificationSetupError(
                "add_transport(): url= cannot be combined with port=, path= or scheme=")
        if url is None and app is None and any(p is not None for p in parts):
            chosen = (scheme or ("http" if protocol in (None, "message") else protocol)).lower()
            url = self._transport_url(chosen, port, path)
        if url is not None:
            url = str(url)
            given = urlsplit(url).hostname
            if self.host and given and given != self.host:
                raise VerificationSetupError(
                    f"add_transport(): the URL's host {given!r} is not the Verifier's "
                    f"host {self.host!r}")
        protocol = (protocol or "http").lower()
        if (url is None) == (app is None):
            raise VerificationSetupError("add_transport() needs either url= or app= "
                                         "(or port= and path=)")
        if protocol == "message":
            if url is None:
                raise VerificationSetupError("a message transport needs url= or port=")
            return self.message_handler(url)
        if protocol == "grpc" or (url is not None and url.startswith("grpc://")):
            if url is None:
                raise VerificationSetupError("a gRPC transport needs url= (grpc://host:port)")
            from accord.plugins.protobuf.grpc import grpc_message_handler

            return self.message_handler(grpc_message_handler(url))
        if protocol not in ("http", "https"):
            raise VerificationSetupError(
                f"unsupported transport protocol {protocol!r} (http, https, message or grpc)")

        def make(bridge: AsyncBridge) -> Transport:
            return transport_for(url=url, app=app, bridge=bridge, asgi=asgi,
                                 verify_tls=self._verify_tls,
                                 follow_redirects=self._follow_redirects)

        if url is not None:
            make(AsyncBridge()).close()  # fail now, not mid-run, on a malformed URL
        self._transports.append(make)
        return self

    def _transport_url(self, scheme: str, port: int | None, path: str | None) -> str:
        host = self.host or "localhost"
        if ":" in host:
            host = f"[{host}]"
        if port is None:
            port = {"http": 80, "https": 443}.get(scheme)
        where = host if port is None else f"{host}:{port}"
        path = path or "/"
        return f"{scheme}://{where}{path if path.startswith('/') else '/' + path}"

    def set_request_timeout(self, timeout: int) -> Verifier:
        """Timeout per provider request and state-change call, in ms (pact-python style)."""
        self._timeout = timeout / 1000
        return self

    def set_timeout(self, seconds: float) -> Verifier:
        self._timeout = seconds
        return self

    def disable_ssl_verification(self) -> Verifier:
        self._verify_tls = False
        return self

    def follow_redirects(self, follow: bool = True) -> Verifier:
        self._follow_redirects = follow
        return self

    # ---------------------------------------------------------------- states
    def state_handler(self, handler: StateFunction | StateMapping | str, *,
                      teardown: bool = False, body: bool | None = None) -> Verifier:
        """A generic handler for every state (``fn(state, action, params)``), a mapping
        ``{state: fn | {"setup": fn, "teardown": fn}}``, or a state-change URL."""
        if isinstance(handler, str):
            return self.state_change_url(handler, teardown=teardown,
                                         body=True if body is None else body)
        if isinstance(handler, Mapping):
            self._states.add_mapping(handler, teardown=teardown)
        else:
            self._states.add(None, handler, teardown=teardown or None)
        return self

    def state(self, name: str, *, teardown: StateFunction | bool | None = None
              ) -> Callable[[F], F]:
        """Decorator registering the handler of state ``name`` (a generator's code after
        ``yield`` is its teardown; ``teardown=True`` passes ``action`` to the function)."""

        def register(fn: F) -> F:
            self._states.add(name, fn, teardown=teardown)
            return fn

        return register

    def state_change_url(self, url: str, *, teardown: bool = False, body: bool = True,
                         headers: Mapping[str, str] | None = None) -> Verifier:
        """The official state-change protocol (a URL starting with ``/`` is served by the
        provider transport itself)."""
        self._states.url = StateChangeUrl(url, teardown=teardown, body=body,
                                          headers=dict(headers or {}))
        return self

    # ---------------------------------------------------------------- messages
    def message_handler(self, handler: Callable[..., ProducedMessage]
                        | Mapping[str, MessageProducer] | str) -> Verifier:
        """A producer for every message (``fn(description, params)``), a mapping
        ``{description: fn | Message | bytes}``, or the URL of an HTTP message relay."""
        if isinstance(handler, str):
            self._messages.relay = MessageRelay(handler)
        elif isinstance(handler, Mapping):
            self._messages.add_mapping(handler)
        else:
            self._messages.add(None, handler)
        return self

    def message(self, description: str) -> Callable[[F], F]:
        """Decorator registering the producer of the message ``description``."""

        def register(fn: F) -> F:
            self._messages.add(description, fn)
            return fn

        return register

    # ---------------------------------------------------------------- filters & requests
    def filter(self, description: str | None = None, *, state: str | None = None,
               no_state: bool = False) -> Verifier:
        """Verify only interactions whose description / a state matches these regexes."""
        self._filters = Filters(self._filters.consumers, description, state, no_state)
        return self

    def filter_consumers(self, *names: str) -> Verifier:
        self._filters = Filters(tuple(names), self._filters.description, self._filters.state,
                                self._filters.no_state)
        return self

    def add_custom_header(self, name: str, value: str) -> Verifier:
        """A header added to (or replacing one in) every request to the provider."""
        self._headers.append((name, value))
        return self

    def add_custom_headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]
                           ) -> Verifier:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            self.add_custom_header(name, value)
        return self

    def request_filter(self, fn: F) -> F:
        """Register ``fn(request: httpx.Request) -> httpx.Request | None`` called on every
        request before it is sent (mutate it in place, or return a new one). Usable as a
        decorator."""
        self._request_filter = fn
        return fn

    # ---------------------------------------------------------------- results
    def set_publish_options(self, version: str, url: str | None = None,
                            branch: str | None = None, tags: Iterable[str] | None = None, *,
                            build_url: str | None = None) -> Verifier:
        """Publish the results of broker pacts for this provider version."""
        if not version:
            raise VerificationSetupError("publishing results needs a provider version")
        self._publish = PublishOptions(version, branch, tuple(tags or ()), build_url or url)
        return self

    def set_coloured_output(self, *, enabled: bool = True) -> Verifier:
        """Accepted for pact-python code: ``verify()`` prints nothing (reporters do)."""
        return self

    @property
    def logs(self) -> str:
        """pact-python's verifier logs: the plain-text report of the last run."""
        return self.output()

    @classmethod
    def logs_for_provider(cls, provider: str) -> str:
        """Accepted for pact-python code: accord keeps no per-provider log buffer."""
        return ""

    def set_error_on_empty_pact(self, *, enabled: bool = True) -> Verifier:
        self._fail_if_no_pacts = enabled
        return self

    def fail_if_no_pacts_found(self, enabled: bool = True) -> Verifier:
        self._fail_if_no_pacts = enabled
        return self

    # ---------------------------------------------------------------- running
    def config(self) -> RunConfig:
        return RunConfig(
            provider=self.name, sources=list(self._sources), transports=list(self._transports),
            states=self._states, messages=self._messages, filters=self._filters,
            custom_headers=list(self._headers), request_filter=self._request_filter,
            timeout=self._timeout, fail_if_no_pacts_found=self._fail_if_no_pacts,
            publish=self._publish, catalogue=self._catalogue)

    def events(self) -> Iterator[Event]:
        """The raw event stream of one run (``RunFinished`` comes last)."""
        return run(self.config())

    def verify(self, *, reporters: Iterable[Reporter] = (), raises: bool = True
               ) -> VerificationResult:
        """Verify every selected interaction. Reporters get each event (``handle(event)``).

        Raises ``VerificationFailed`` (an ``AssertionError`` and a ``RuntimeError``, as
        pact-python raises) with the readable report when the run fails; the result is on
        the exception as ``exc.result``. ``raises=False`` returns the result instead, for
        code that inspects it (``result.ok``, ``result.failed``, ``result.assert_ok()``)."""
        reporters = list(reporters)
        result: VerificationResult | None = None
        for event in self.events():
            for reporter in reporters:
                reporter.handle(event)
            if isinstance(event, RunFinished):
                result = event.result
        assert result is not None
        self._last_result = result
        if raises:
            result.assert_ok()
        return result

    @property
    def results(self) -> JsonObject:
        """The last run as pact-python's ``Verifier.results`` dictionary (``result``,
        ``errors``, ``pendingErrors``, ``notices``, ``output``, ``interactionResults``);
        empty before any run."""
        result = self._last_result
        if result is None:
            return {}
        return {
            "result": result.ok,
            "errors": [{"interaction": r.name, "mismatch": r.to_json()} for r in result.failed],
            "pendingErrors": [{"interaction": r.name, "mismatch": r.to_json()}
                              for r in result.pending_failures],
            "notices": list(result.notices),
            "output": result.report().splitlines(),
            "interactionResults": [r.to_json() for r in result.results],
        }

    def output(self, *, strip_ansi: bool = False) -> str:
        """The plain-text report of the last run (pact-python's ``output()``)."""
        return self._last_result.report() if self._last_result is not None else ""

    # ---------------------------------------------------------------- one at a time (pytest)
    def interactions(self) -> list[VerificationItem]:
        """Every selected interaction, loaded once (the pytest integration's parameters)."""
        if self._items is None:
            config = self.config()
            config.filters = Filters.from_env(config.filters)
            pacts, failures = load_pacts(config)
            close_brokers(pacts)  # nothing is published from pytest items
            if failures:
                raise VerificationSetupError("; ".join(f"{f.source}: {f.error}"
                                                       for f in failures))
            items: list[VerificationItem] = []
            seen: dict[str, int] = {}
            for loaded in pacts:
                for interaction in selected_interactions(loaded, config.filters):
                    base = f"{loaded.pact.consumer}: {interaction.description}"
                    seen[base] = seen.get(base, 0) + 1
                    ident = base if seen[base] == 1 else f"{base} [{seen[base]}]"
                    items.append(VerificationItem(ident, loaded, interaction))
            if not items and self._fail_if_no_pacts:
                raise VerificationSetupError(f"no pacts were found for provider {self.name!r}")
            self._items = items
        return self._items

    def verify_interaction(self, item: VerificationItem) -> InteractionResult:
        """Verify one item; raises ``VerificationFailed`` when it fails (a pending failure
        is an expected failure under pytest, and is returned otherwise)."""
        if self._session is None:
            self._session = Session(self.config())
            atexit.register(self.close)
        result = self._session.verify(item.loaded, item.interaction)
        if result.ok:
            return result
        report = VerificationResult(provider=self.name, results=[result]).report()
        if result.pending:
            if "pytest" in sys.modules:
                import pytest

                pytest.xfail(f"pending: {report}")
            return result
        raise VerificationFailed(report)

    def close(self) -> None:
        """Close the transports used by ``verify_interaction``."""
        if self._session is not None:
            self._session.close()
            self._session = None
