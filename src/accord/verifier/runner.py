"""The verification engine: loads pacts, verifies each interaction, and yields events.

The CLI, the pytest integration and the reporters all consume the same event stream::

    for event in run(config):
        if isinstance(event, InteractionVerified):
            print(event.result.name, event.result.status)

One interaction's trouble (provider down, timeout, garbage answer, a state handler that
raises, a message producer missing) becomes that interaction's result with a clear reason;
the run goes on.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import field
from typing import Any

import httpx

from accord.errors import AccordError, VerificationSetupError
from accord.model import (
    AsynchronousMessage,
    HttpResponse,
    Interaction,
    MessageContents,
    SynchronousHttp,
    SynchronousMessages,
    UnreadableInteraction,
)
from accord.model.catalogue import Catalogue
from accord.model.valueclass import dataclass
from accord.verifier.broker_source import close_brokers
from accord.verifier.messages import MessageError, MessageProducers
from accord.verifier.results import InteractionResult, Outcome, SourceFailure, VerificationResult
from accord.verifier.sources import LoadedPact, PactSource
from accord.verifier.states import StateError, StateHandlers, generator_values
from accord.verifier.transports import AsyncBridge, ProviderError, Transport, wire_request

__all__ = [
    "Filters",
    "InteractionVerified",
    "PactStarted",
    "RunConfig",
    "RunFinished",
    "RunStarted",
    "Session",
    "SourceFailed",
    "load_pacts",
    "run",
    "selected_interactions",
]

_TRUE = ("1", "true", "yes", "on")


@dataclass
class Filters:
    """Which interactions to verify. ``description`` and ``state`` are regular expressions
    (searched, as the official verifier does); ``no_state`` keeps only stateless ones."""

    consumers: tuple[str, ...] = ()
    description: str | None = None
    state: str | None = None
    no_state: bool = False

    @classmethod
    def from_env(cls, base: Filters | None = None,
                 env: Mapping[str, str] | None = None) -> Filters:
        """``base`` completed with PACT_DESCRIPTION, PACT_PROVIDER_STATE and
        PACT_PROVIDER_NO_STATE (explicit settings win)."""
        env = os.environ if env is None else env
        base = base or cls()
        return cls(
            consumers=base.consumers,
            description=base.description or env.get("PACT_DESCRIPTION") or None,
            state=base.state or env.get("PACT_PROVIDER_STATE") or None,
            no_state=base.no_state or env.get("PACT_PROVIDER_NO_STATE", "").lower() in _TRUE,
        )

    @property
    def active(self) -> bool:
        return bool(self.consumers or self.description or self.state or self.no_state)

    def accepts_consumer(self, consumer: str) -> bool:
        return not self.consumers or consumer in self.consumers

    def accepts(self, interaction: Interaction) -> bool:
        if self.description and not re.search(self.description, interaction.description):
            return False
        states = interaction.provider_states
        if self.no_state and states:
            return False
        return not (self.state and not any(re.search(self.state, s.name) for s in states))


@dataclass
class RunConfig:
    """Everything a verification run needs (``accord.Verifier`` builds one)."""

    provider: str
    sources: Sequence[PactSource] = ()
    transports: Sequence[Callable[[AsyncBridge], Transport]] = ()  # factories
    states: StateHandlers = field(default_factory=StateHandlers)
    messages: MessageProducers = field(default_factory=MessageProducers)
    filters: Filters = field(default_factory=Filters)
    custom_headers: Sequence[tuple[str, str]] = ()
    request_filter: Callable[[httpx.Request], httpx.Request | None] | None = None
    timeout: float = 5.0  # seconds, per provider request and per state-change call
    fail_if_no_pacts_found: bool = True
    publish: Any = None  # accord.verifier.publish.PublishOptions
    generator_context: Callable[[Mapping[str, Any]], Any] | None = None  # for tests
    #: body matchers, generators and plugins (None: ``accord.plugins.default_catalogue()``);
    #: each pact's ``metadata.plugins`` are added to it
    catalogue: Catalogue | None = None


@dataclass
class RunStarted:
    provider: str
    total: int  # interactions that will be verified
    pacts: list[LoadedPact]


@dataclass
class SourceFailed:
    failure: SourceFailure


@dataclass
class PactStarted:
    loaded: LoadedPact
    interactions: int


@dataclass
class InteractionVerified:
    result: InteractionResult
    index: int  # 1-based position in the run
    total: int


@dataclass
class RunFinished:
    result: VerificationResult


Event = RunStarted | SourceFailed | PactStarted | InteractionVerified | RunFinished


def load_pacts(config: RunConfig) -> tuple[list[LoadedPact], list[SourceFailure]]:
    """Read every source; consumer filters apply here."""
    pacts: list[LoadedPact] = []
    failures: list[SourceFailure] = []
    kinds = _rule_kinds(config)
    for source in config.sources:
        source = _reading_kinds(source, kinds)
        try:
            for item in source.load(config.provider):
                if isinstance(item, SourceFailure):
                    failures.append(item)
                elif config.filters.accepts_consumer(item.pact.consumer):
                    from accord.plugins import with_pact_plugins

                    try:
                        item.catalogue = with_pact_plugins(item.pact, config.catalogue)
                    except AccordError as exc:  # this pact cannot be matched; others can
                        failures.append(SourceFailure(item.source, str(exc)))
                        continue
                    pacts.append(item)
        except AccordError as exc:
            failures.append(SourceFailure(source.describe(), str(exc)))
    return pacts, failures


def selected_interactions(loaded: LoadedPact, filters: Filters) -> list[Interaction]:
    """The interactions to verify, those the pact file holds but that could not be read
    included (each fails on its own, with the reason)."""
    items = (*loaded.pact.interactions, *loaded.pact.unreadable)
    return [i for i in items if filters.accepts(i)]


class Session:
    """The live parts of a run (event loop, provider transports) for verifying interactions
    one at a time; used by ``run`` and by the pytest integration."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.bridge = AsyncBridge()
        self._transports: list[Transport] | None = None

    @property
    def transport(self) -> Transport | None:
        if self._transports is None:
            self._transports = [make(self.bridge) for make in self.config.transports]
        return self._transports[0] if self._transports else None

    def close(self) -> None:
        for t in self._transports or ():
            t.close()
        self._transports = None
        self.config.states.close()
        self.config.messages.close()
        self.bridge.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send_raw(self, request: httpx.Request) -> tuple[int, bytes, dict[str, str]]:
        transport = self.transport
        if transport is None:
            raise httpx.ConnectError("no provider transport to send a relative URL to")
        target = transport.base_url + request.url.raw_path.decode("ascii")
        request = httpx.Request(request.method, target, headers=request.headers,
                                content=request.content)
        try:
            reply = transport.send(request, timeout=self.config.timeout)
        except ProviderError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        headers = {k: v[0] for k, v in reply.headers.items() if v}
        return reply.status or 0, reply.body.content, headers

    def _context(self, interaction: Interaction, values: Mapping[str, Any],
                 loaded: LoadedPact) -> Any:
        """The generator context: ``ProviderState`` generators see every state's parameters,
        overridden by the values the state set-up returned (as the official verifier does)."""
        values = generator_values(interaction.provider_states, values)
        catalogue = _catalogue(loaded, self.config)
        if self.config.generator_context is not None:
            context = self.config.generator_context(values)
            if (dataclasses.is_dataclass(context) and not isinstance(context, type)
                    and hasattr(context, "catalogue")):
                context = dataclasses.replace(context, catalogue=catalogue)
            return context
        from accord.generation import GeneratorContext

        return GeneratorContext.default("provider", provider_state=dict(values),
                                        catalogue=catalogue)

    def verify(self, loaded: LoadedPact, interaction: Interaction) -> InteractionResult:
        """Verify one interaction: set states up, ask the provider, compare, tear down."""
        pact = loaded.pact
        iid = interaction.extra.get("_id") if isinstance(interaction.extra, Mapping) else None
        result = InteractionResult(
            consumer=pact.consumer, provider=pact.provider, description=interaction.description,
            provider_states=tuple(s.name for s in interaction.provider_states),
            pending=bool(interaction.pending or loaded.pending),
            interaction_id=str(iid) if iid is not None else interaction.key,
            source=loaded.source, kind=interaction.TYPE)
        comments = interaction.comments if isinstance(interaction.comments, Mapping) else {}
        text = comments.get("text")
        result.comments = [str(t) for t in (text if isinstance(text, list) else [text] if text
                                            else [])]
        if isinstance(comments.get("testname"), str):
            result.test_name = comments["testname"]
        if isinstance(interaction, UnreadableInteraction):  # fails alone; the run goes on
            result.outcome = Outcome.ERROR
            result.error = f"the interaction could not be read from the pact: {interaction.reason}"
            return result
        result.notes.extend(interaction.load_warnings)
        started = time.perf_counter()
        cfg = self.config
        try:
            values, undo = cfg.states.setup(interaction.provider_states, bridge=self.bridge,
                                            timeout=cfg.timeout, send=self._send_raw,
                                            notes=result.notes)
        except StateError as exc:
            result.outcome, result.error = Outcome.ERROR, f"provider state setup failed: {exc}"
            result.duration = time.perf_counter() - started
            return result
        try:
            if isinstance(interaction, SynchronousHttp):
                self._verify_http(interaction, values, result, loaded)
            elif isinstance(interaction, (AsynchronousMessage, SynchronousMessages)):
                self._verify_message(interaction, values, result, loaded)
            else:
                result.outcome = Outcome.ERROR
                result.error = f"interactions of type {interaction.TYPE!r} cannot be verified"
        except ProviderError as exc:
            result.outcome, result.error = Outcome.ERROR, str(exc)
            result.unreachable = exc.unreachable
        except MessageError as exc:
            result.outcome, result.error = Outcome.ERROR, str(exc)
        except AccordError as exc:
            result.outcome, result.error = Outcome.ERROR, f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bug must not end the run: report it on this interaction
            result.outcome = Outcome.ERROR
            result.error = f"verifying raised {type(exc).__name__}: {exc}"
        finally:
            errors = cfg.states.teardown(undo, bridge=self.bridge, timeout=cfg.timeout,
                                         send=self._send_raw)
            if errors:
                result.notes.extend(f"teardown failed: {e}" for e in errors)
                if result.ok:
                    result.outcome = Outcome.ERROR
                    result.error = "provider state teardown failed: " + "; ".join(errors)
        result.duration = time.perf_counter() - started
        return result

    def _verify_http(self, interaction: SynchronousHttp, values: Mapping[str, Any],
                     result: InteractionResult, loaded: LoadedPact) -> None:
        from accord.matching import match_response

        transport = self.transport
        if transport is None:
            raise VerificationSetupError(
                "no provider to send HTTP requests to: use add_transport(url=...) or "
                "add_transport(app=...)")
        request = interaction.request
        if request.generators:
            from accord.generation import generate_request

            request = generate_request(request, self._context(interaction, values, loaded))
        result.request = request
        wire = wire_request(request, transport.base_url, self.config.custom_headers)
        if self.config.request_filter is not None:
            try:
                changed = self.config.request_filter(wire)
            except Exception as exc:
                raise ProviderError(
                    f"the request filter raised {type(exc).__name__}: {exc}") from exc
            wire = changed if changed is not None else wire
        actual = transport.send(wire, timeout=self.config.timeout)
        expected: HttpResponse = interaction.response
        result.expected, result.actual = expected, actual
        outcome = match_response(expected, actual, spec=loaded.pact.spec_version,
                                 plugin_config=interaction.plugin_config,
                                 catalogue=_catalogue(loaded, self.config))
        result.mismatches = list(outcome.mismatches)
        result.outcome = Outcome.PASSED if outcome.ok else Outcome.FAILED

    def _verify_message(self, interaction: AsynchronousMessage | SynchronousMessages,
                        values: Mapping[str, Any], result: InteractionResult,
                        loaded: LoadedPact) -> None:
        from accord.matching import match_message

        cfg = self.config
        spec = loaded.pact.spec_version
        if isinstance(interaction, SynchronousMessages):
            request: MessageContents | None = interaction.request
            if request is not None and request.generators:
                from accord.generation import generate_message

                request = generate_message(request, self._context(interaction, values, loaded))
            result.request = request
            expected: tuple[MessageContents, ...] = interaction.responses
        else:
            request = None
            expected = (interaction.contents,)
        produced = cfg.messages.produce(interaction, request, values, bridge=self.bridge,
                                        timeout=cfg.timeout, send=self._send_raw)
        result.expected = expected if len(expected) != 1 else expected[0]
        result.actual = tuple(produced) if len(produced) != 1 else produced[0]
        mismatches: list[Any] = []
        if len(produced) < len(expected):
            result.outcome = Outcome.FAILED
            result.error = (f"expected {len(expected)} response messages but the producer "
                            f"returned {len(produced)}")
        for exp, act in zip(expected, produced, strict=False):
            mismatches.extend(match_message(exp, act, spec=spec,
                                            plugin_config=interaction.plugin_config,
                                            catalogue=_catalogue(loaded, cfg)).mismatches)
        result.mismatches = mismatches
        if result.error is None:
            result.outcome = Outcome.FAILED if mismatches else Outcome.PASSED


def _rule_kinds(config: RunConfig) -> frozenset[str]:
    """The extra matching rule kinds pacts may use: the configured catalogue's, or those of
    the plugins registered or discovered so far (plugins a pact names load after it)."""
    if config.catalogue is not None:
        return config.catalogue.rule_kinds
    from accord.plugins import default_catalogue

    return default_catalogue().rule_kinds


def _reading_kinds(source: PactSource, kinds: frozenset[str]) -> PactSource:
    """``source`` reading pacts with the extra rule ``kinds`` (accord's own sources have a
    ``rule_kinds`` field; a source of another kind reads as it does)."""
    if not kinds or not dataclasses.is_dataclass(source) or isinstance(source, type):
        return source
    if "rule_kinds" not in {f.name for f in dataclasses.fields(source)}:
        return source
    merged = frozenset(getattr(source, "rule_kinds", ())) | kinds
    return dataclasses.replace(source, rule_kinds=merged)  # type: ignore[type-var]


def _catalogue(loaded: LoadedPact, config: RunConfig) -> Catalogue:
    """The catalogue ``loaded`` is matched with (``load_pacts`` sets it; a pact loaded some
    other way gets the configured one with its plugins)."""
    if loaded.catalogue is None:
        from accord.plugins import with_pact_plugins

        loaded.catalogue = with_pact_plugins(loaded.pact, config.catalogue)
    return loaded.catalogue  # type: ignore[no-any-return]


def run(config: RunConfig) -> Iterator[Event]:
    """Verify everything ``config`` describes, yielding events; the last is ``RunFinished``."""
    started = time.perf_counter()
    filters = Filters.from_env(config.filters)
    config.filters = filters
    pacts, failures = load_pacts(config)
    outcome = VerificationResult(provider=config.provider, source_failures=list(failures),
                                 fail_if_no_pacts_found=config.fail_if_no_pacts_found)
    for loaded in pacts:
        outcome.notices.extend(loaded.notices)
    for failure in failures:
        yield SourceFailed(failure)
    plan = [(loaded, selected_interactions(loaded, filters)) for loaded in pacts]
    total = sum(len(items) for _, items in plan)
    outcome.no_pacts = total == 0 and not failures
    yield RunStarted(config.provider, total, pacts)
    index = 0
    done: list[tuple[LoadedPact, list[InteractionResult]]] = []
    with Session(config) as session:
        for loaded, items in plan:
            yield PactStarted(loaded, len(items))
            results: list[InteractionResult] = []
            for interaction in items:
                index += 1
                result = session.verify(loaded, interaction)
                results.append(result)
                outcome.results.append(result)
                yield InteractionVerified(result, index, total)
            done.append((loaded, results))
    if config.publish is not None:
        from accord.verifier.publish import publish_results

        if filters.active:
            outcome.notices.append("results were not published because filters were applied")
        else:
            publish_results(config.publish, done, outcome)
    published = config.publish is not None and not filters.active
    for loaded, results in done:
        if loaded.after_notices:
            ok = str(all(r.ok for r in results)).lower()
            when = f"after_verification:success_{ok}_published_{str(published).lower()}"
            if when in loaded.after_notices:
                outcome.notices.append(loaded.after_notices[when])
    close_brokers(pacts)
    outcome.duration = time.perf_counter() - started
    yield RunFinished(outcome)
