"""The consumer DSL: ``Pact`` and the HTTP interaction builder.

::

    pact = Pact("web", "users-api")                      # V4 unless with_specification("V3")
    (pact.upon_receiving("a request for user 123")
         .given("user 123 exists", id=123)
         .with_request("GET", "/users/123")
         .with_header("Accept", "application/json")
         .will_respond_with(200)
         .with_body({"id": match.integer(123), "name": match.string("Alice")}))
    with pact.serve() as server:                         # a real mock server on 127.0.0.1
        assert get_user(server.url, 123).name == "Alice"
    # on success the interactions are recorded; the pact file is written (merged) into
    # pact_dir, or where write_file(dir) says, or at the end of the run into --pact-dir

Every builder method returns the builder, so a declaration reads as one chain. A ``Pact`` may
gain interactions after it has been served: each ``serve()`` serves the interactions declared
since the previous one.
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from accord.consumer._parts import BodySpec, body_spec, form_spec, multipart_spec, scalar_spec
from accord.consumer.matchers import Matcher
from accord.consumer.raw import load_raw_generators, load_raw_rules, merge_generators, merge_rules
from accord.errors import ContractDefinitionError, UnsupportedVersionError
from accord.model import (
    Body,
    Generator,
    Generators,
    HttpRequest,
    HttpResponse,
    Interaction,
    MatchingRules,
    ProviderState,
    RuleList,
    SpecVersion,
    SynchronousHttp,
    dump_interaction,
)
from accord.model import Pact as ModelPact

if TYPE_CHECKING:
    from accord.consumer.messages import AsyncMessageInteraction, SyncMessageInteraction
    from accord.consumer.serve import PactServer

__all__ = ["HttpInteraction", "Pact", "default_pact_dir", "write_deferred", "write_pacts"]

Self = TypeVar("Self", bound="_Interaction")

_LOG = logging.getLogger("accord.consumer")

DEFAULT_PACT_DIR: str | None = None
"""Set by the pytest plugin from ``--pact-dir``; otherwise ``$ACCORD_PACT_DIR`` or ``pacts``."""

# Interactions recorded in this process, per pact file: a different interaction recorded later
# under the same description and provider states by another Pact object replaces the earlier
# one in the file (as the official tools merge), with a logged warning (a logged one, not a
# Python warning, so that suites running with -W error behave as under pact-python).
_RUN: dict[tuple[str, str, str], dict[tuple[str, tuple[str, ...]], Interaction]] = {}


def default_pact_dir() -> Path:
    """Where pact files go when no directory is given."""
    return Path(DEFAULT_PACT_DIR or os.environ.get("ACCORD_PACT_DIR") or "pacts")


def _parse_spec(version: str | SpecVersion) -> SpecVersion:
    try:
        spec = SpecVersion.parse(version)
    except Exception:
        raise ContractDefinitionError(
            f"unknown Pact Specification version {version!r} (use 'V2', 'V3' or 'V4')") from None
    if spec < SpecVersion.V2:
        # pact-python accepts V1 and V1.1 and writes V2-style matching rules into them; a V2
        # file holds the same and is what every tool reads.
        _LOG.warning("Pact Specification %s pacts are written as V2 (V1 cannot hold matching "
                     "rules)", spec.name.replace("_", "."))
        return SpecVersion.V2
    return spec


class Pact:
    """A contract between ``consumer`` and ``provider`` being declared by a test.

    ``pact_dir``: where ``write_file()`` and successful ``serve()`` blocks write the pact.
    Without it, the test writes its pact with ``write_file(dir)``, as pact-python code does
    (``./pacts`` when no ``dir`` is given); if it does not, what passed is written at the end
    of the run (pytest session or process) into ``--pact-dir`` or ``$ACCORD_PACT_DIR`` when
    one is set, and nowhere otherwise (a warning says so). ``strict=True`` also
    rejects dubious declarations such as a body on a GET request.
    """

    def __init__(self, consumer: str, provider: str, *,
                 pact_dir: str | os.PathLike[str] | None = None, strict: bool = False) -> None:
        for role, name in (("consumer", consumer), ("provider", provider)):
            if not isinstance(name, str) or not name.strip():
                raise ContractDefinitionError(f"the {role} name must be a non-empty string")
        self.consumer = consumer
        self.provider = provider
        self.pact_dir = Path(pact_dir) if pact_dir is not None else None
        self.strict = strict
        self.specification = SpecVersion.V4
        self._metadata: dict[str, Any] = {}
        self._plugins: dict[str, Any] = {}  # name -> accord.plugins.Plugin used by this pact
        # name -> what the plugins' contents add to metadata.plugins[].configuration
        self._plugin_settings: dict[str, dict[str, Any]] = {}
        self._declared: list[_Interaction] = []
        self._recorded: dict[tuple[str, tuple[str, ...]], Interaction] = {}
        self._auto_write = True  # the pytest fixture turns this off and writes at session end
        self._written_by_user = False  # write_file() was called: no automatic writes

    def __str__(self) -> str:
        return f"{self.consumer} -> {self.provider}"

    def __repr__(self) -> str:
        return (f"<Pact {self.consumer}->{self.provider} {self.specification.name}, "
                f"{len(self._declared)} declared, {len(self._recorded)} recorded>")

    # ------------------------------------------------------------------ configuration

    def with_specification(self, version: str | SpecVersion) -> Pact:
        """Target Pact Specification ``"V2"``, ``"V3"`` or ``"V4"`` (the default);
        ``"V1"``/``"V1.1"`` (accepted, as by pact-python) are written as V2."""
        self.specification = _parse_spec(version)
        return self

    def with_metadata(self, namespace: str, metadata: Mapping[str, Any] | None = None,
                      **kwargs: Any) -> Pact:
        """Pact-level metadata under ``namespace`` (written to the pact file's ``metadata``)."""
        values = {**(metadata or {}), **kwargs}
        self._metadata.setdefault(namespace, {}).update(values)
        return self

    def using_plugin(self, name: str, version: str | None = None, delay: int | None = None
                     ) -> Pact:
        """Declare that this pact uses plugin ``name`` (written to ``metadata.plugins``).

        ``with_plugin_contents`` does this by itself; call it to fail early, with a message
        saying how to install the plugin, when it is missing. ``delay`` (pact-python's wait
        for a plugin process) has nothing to wait for: accord's plugins are Python code."""
        from accord.consumer._plugins import use_plugin

        use_plugin(self._plugins, name, version)
        return self

    # ------------------------------------------------------------------ declaring

    @overload
    def upon_receiving(self, description: str, kind: Literal["http", "HTTP"] = "http", *,
                       interaction: str | None = None) -> HttpInteraction: ...
    @overload
    def upon_receiving(self, description: str, kind: Literal["async", "Async"], *,
                       interaction: str | None = None) -> AsyncMessageInteraction: ...
    @overload
    def upon_receiving(self, description: str, kind: Literal["sync", "Sync"], *,
                       interaction: str | None = None) -> SyncMessageInteraction: ...

    def upon_receiving(self, description: str, kind: str = "http", *,
                       interaction: str | None = None) -> Any:
        """Start an interaction: ``kind`` is ``"http"`` (default), ``"async"`` or ``"sync"``
        (pact-python's ``interaction="Async"`` spelling works too)."""
        chosen = (interaction or kind).lower()
        if chosen == "http":
            return self._add(HttpInteraction(self, description))
        if chosen == "async":
            return self.async_message(description)
        if chosen == "sync":
            return self.sync_message(description)
        raise ContractDefinitionError(
            f"interaction {description!r}: unknown kind {kind!r} (http, async or sync)")

    def given(self, state: str, parameters: Mapping[str, Any] | None = None, /,
              **kwargs: Any) -> HttpInteraction:
        """pact-python v2 / pact-js order: ``pact.given(state).upon_receiving(description)``."""
        interaction = HttpInteraction(self, "")
        self._declared.append(interaction)
        return interaction.given(state, parameters, **kwargs)

    def async_message(self, description: str) -> AsyncMessageInteraction:
        """Start an asynchronous message (an event the provider publishes)."""
        from accord.consumer.messages import AsyncMessageInteraction

        return self._add(AsyncMessageInteraction(self, description))

    def sync_message(self, description: str) -> SyncMessageInteraction:
        """Start a V4 synchronous message (a request message and its response messages)."""
        from accord.consumer.messages import SyncMessageInteraction

        return self._add(SyncMessageInteraction(self, description))

    def _add(self, interaction: Any) -> Any:
        if not isinstance(interaction.description, str) or not interaction.description.strip():
            raise ContractDefinitionError("an interaction needs a non-empty description")
        self._declared.append(interaction)
        return interaction

    def interactions(self, kind: str = "all") -> list[Interaction]:
        """The declared interactions as model objects (``kind``: all, http, async, sync)."""
        from accord.consumer.messages import AsyncMessageInteraction, SyncMessageInteraction

        classes = {"all": _Interaction, "http": HttpInteraction,
                   "async": AsyncMessageInteraction, "sync": SyncMessageInteraction}
        cls = classes[kind.lower()]
        return [self._finalise(i) for i in self._declared if isinstance(i, cls)]

    # ------------------------------------------------------------------ running

    def serve(self, addr: str = "127.0.0.1", port: int = 0, transport: str = "http",
              transport_config: str | None = None, *, host: str | None = None,
              tls: bool = False, cors: bool = False, raises: bool = True, verbose: bool = False,
              generator_context: Any = None) -> PactServer:
        """A mock server for the HTTP interactions declared since the last ``serve()``.

        Use as ``with pact.serve() as server:`` or ``async with``. On exit it raises
        ``MismatchError`` (an ``AssertionError``) with the report if a request was
        unexpected or mismatched or an interaction was never requested (``raises=False``:
        inspect ``server.mismatches`` instead; ``verbose=True`` also logs them); otherwise
        the interactions are recorded. pact-python's ``addr``/``port``/``transport``
        arguments are taken (``transport="https"`` is ``tls=True``; plugin transports and
        ``transport_config`` are not supported).
        """
        if transport.lower() not in ("http", "https"):
            raise ContractDefinitionError(
                f"serve(): transport {transport!r} is not supported (http or https)")
        if transport_config is not None:
            raise ContractDefinitionError("serve(): transport_config is for plugin "
                                          "transports, which accord's mock server lacks")
        host = host if host is not None else addr
        tls = tls or transport.lower() == "https"
        from accord.consumer.serve import PactServer

        pending = [i for i in self._declared if isinstance(i, HttpInteraction) and not i._used]
        return PactServer(self, pending, host=host, port=port, tls=tls, cors=cors,
                          raises=raises, generator_context=generator_context, verbose=verbose)

    def serve_grpc(self, host: str = "127.0.0.1", port: int = 0, *, raises: bool = True
                   ) -> Any:
        """A gRPC mock server (``accord[grpc]``) for the synchronous messages declared since
        the last ``serve_grpc()`` — protobuf contents naming a service method. Use as
        ``with pact.serve_grpc() as server:`` and point a channel at ``server.address``."""
        from accord.consumer.messages import SyncMessageInteraction
        from accord.consumer.serve_grpc import GrpcPactServer

        pending = [i for i in self._declared
                   if isinstance(i, SyncMessageInteraction) and not i._used]
        return GrpcPactServer(self, pending, host=host, port=port, raises=raises)

    def verify(self, handler: Callable[..., Any], kind: str = "async", *, raises: bool = True
               ) -> Any:
        """Hand every not yet verified message of ``kind`` to ``handler``, as pact-python does.

        ``handler(body, metadata)`` gets each message's body as pact-python passes it (``str``
        for text, ``bytes`` otherwise, ``None`` without a body; the declared example, JSON not
        parsed) and its metadata as a dict (``contentType`` included); for ``"sync"`` it is the
        request message, and a returned value other than ``None`` must match a response.
        A one-argument ``handler(channel)`` for ``"sync"`` is accord's consumer function (see
        ``SyncMessageInteraction.verify``). Messages whose handler raised are not recorded;
        they raise ``PactVerificationError`` (with ``.errors``) or, with ``raises=False``, are
        returned as a list of ``InteractionVerificationError``. Inside a running event loop an
        ``async def`` handler makes this return an awaitable giving the same.
        """
        from accord.consumer.messages import AsyncMessageInteraction, SyncMessageInteraction
        from accord.errors import InteractionVerificationError, PactVerificationError

        wanted = kind.lower()
        if wanted not in ("async", "sync"):
            raise ContractDefinitionError(f"verify(): kind must be 'Async' or 'Sync', not {kind!r}")
        cls = AsyncMessageInteraction if wanted == "async" else SyncMessageInteraction
        messages: list[Any] = [i for i in self._declared if isinstance(i, cls) and not i._used]
        errors: list[InteractionVerificationError] = []
        awaitables: list[tuple[str, Any]] = []
        for message in messages:
            try:
                outcome = message._verify_pact_python(handler)
            except Exception as exc:
                errors.append(InteractionVerificationError(message.description, exc))
                continue
            if outcome is not None:
                awaitables.append((message.description, outcome))

        def finish() -> list[InteractionVerificationError] | None:
            if raises:
                if errors:
                    raise PactVerificationError(errors)
                return None
            return errors

        if awaitables:
            async def wait_all() -> list[InteractionVerificationError] | None:
                for description, pending in awaitables:
                    try:
                        await pending
                    except Exception as exc:
                        errors.append(InteractionVerificationError(description, exc))
                return finish()

            return wait_all()
        return finish()

    # ------------------------------------------------------------------ pact files

    def to_model(self, *, recorded_only: bool = True) -> ModelPact:
        """The pact as an ``accord.model.Pact`` (recorded interactions, or all declared)."""
        items = (list(self._recorded.values()) if recorded_only
                 else [self._finalise(i) for i in self._declared])
        return self._model(items)

    def _model(self, interactions: Sequence[Interaction]) -> ModelPact:
        metadata = dict(self._metadata)
        if self._plugins:
            from accord.consumer._plugins import plugins_metadata

            metadata["plugins"] = plugins_metadata(self._plugins, self._plugin_settings)
        return ModelPact(consumer=self.consumer, provider=self.provider,
                         interactions=tuple(interactions), metadata=metadata,
                         spec_version=self.specification)

    def write_file(self, directory: str | os.PathLike[str] | None = None, *,
                   overwrite: bool = False, _automatic: bool = False) -> Path:
        """Write the recorded interactions to ``{consumer}-{provider}.json``, merging with an
        existing file unless ``overwrite``. Returns the path.

        Once called, the pact is written only where and when asked (no automatic write into
        the default directory at the end of the run)."""
        from accord.pactfile import write_pact

        if not _automatic:
            self._written_by_user = True
            _cancel_deferred(self)

        target = Path(directory) if directory is not None else (self.pact_dir or default_pact_dir())
        model = self.to_model()
        if self._plugins and not overwrite:
            from accord.consumer._plugins import keep_existing_plugins

            model = keep_existing_plugins(model, target)
        return write_pact(model, target, version=self.specification, merge=not overwrite)

    def _finalise(self, interaction: _Interaction) -> Interaction:
        """Build the model interaction and check the target version can hold it."""
        if not interaction.description.strip():
            raise ContractDefinitionError(
                "an interaction has no description: call upon_receiving('...') after given()")
        model = interaction._build()
        if self.specification < SpecVersion.V3:
            if not isinstance(model, SynchronousHttp):
                raise ContractDefinitionError(
                    f"interaction {interaction.description!r}: messages need Pact Specification "
                    f"V3 or later; the pact targets {self.specification.name}")
            model = _without_generators(model)
        try:
            dump_interaction(model, self.specification)
        except UnsupportedVersionError as exc:
            text = str(exc)
            if not text.startswith("interaction "):
                text = f"interaction {interaction.description!r}: {text}"
            raise ContractDefinitionError(
                f"{text} (the pact targets {self.specification.name}; "
                "use with_specification('V4'))") from None
        return model

    def _record(self, interactions: Iterable[Interaction]) -> None:
        """Keep interactions that passed; write the file unless a test session will."""
        directory = str((self.pact_dir or default_pact_dir()).resolve())
        run = _RUN.setdefault((self.consumer, self.provider, directory), {})
        items = list(interactions)
        for item in items:
            key = item.unique_key
            states = ", ".join(key[1]) or "no provider state"
            mine = self._recorded.get(key)
            if mine is not None and mine != item:
                raise ContractDefinitionError(
                    f"pact {self.consumer}-{self.provider}: two different interactions "
                    f"are both described as {key[0]!r} with {states}; give each a unique "
                    "description or provider state (pact files merge interactions by them)")
            earlier = run.get(key)
            if mine is None and earlier is not None and earlier != item:
                _LOG.warning(
                    "pact %s-%s: the interaction described as %r with %s replaces a "
                    "different one recorded earlier by another Pact object (pact files keep "
                    "one interaction per description and provider states, the last one "
                    "written, as the official tools do)",
                    self.consumer, self.provider, key[0], states)
        for item in items:
            self._recorded[item.unique_key] = item
            run[item.unique_key] = item
        if self._auto_write and items:
            if self.pact_dir is not None:
                self.write_file(_automatic=True)  # the directory this Pact was given
            elif not self._written_by_user:
                _defer_write(self)


# Pacts whose recorded interactions go to the default directory (``--pact-dir``,
# ``$ACCORD_PACT_DIR`` or ``./pacts``) at the end of the run, unless their owner calls
# write_file() first: a test that writes its pact where it wants gets no second copy.
_DEFERRED: list[tuple[Pact, Path | None]] = []


def _configured_pact_dir() -> Path | None:
    """The directory the run was told to write pacts to (``--pact-dir``, then
    ``$ACCORD_PACT_DIR``), resolved now: the working directory at exit may be another one."""
    chosen = DEFAULT_PACT_DIR or os.environ.get("ACCORD_PACT_DIR")
    return Path(chosen).resolve() if chosen else None


def _defer_write(pact: Pact) -> None:
    if not any(p is pact for p, _ in _DEFERRED):
        if not _DEFERRED:
            atexit.register(write_deferred)
        _DEFERRED.append((pact, _configured_pact_dir()))


def _cancel_deferred(pact: Pact) -> None:
    _DEFERRED[:] = [(p, d) for p, d in _DEFERRED if p is not pact]


def write_deferred(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """Write the pacts recorded by ``serve()``/``verify()`` whose owners never called
    ``write_file()``, into ``directory`` or the directory configured when they were recorded
    (run at exit, and by the pytest plugin at the end of the session). With neither, nothing
    is written (as in pact-python, the test writes its pact) and a warning names the pact."""
    pending = list(_DEFERRED)
    _DEFERRED.clear()
    atexit.unregister(write_deferred)
    written: list[Path] = []
    targets: dict[Path, list[Pact]] = {}
    for pact, configured in pending:
        target = Path(directory) if directory is not None else configured
        if target is None:
            _LOG.warning("pact %s-%s: %d interaction(s) passed but the pact was never written: "
                         "call write_file(directory), give Pact(pact_dir=...), or run with "
                         "--pact-dir / $ACCORD_PACT_DIR", pact.consumer, pact.provider,
                         len(pact._recorded))
            continue
        targets.setdefault(target, []).append(pact)
    for target, pacts in targets.items():
        written.extend(write_pacts(pacts, target))
    return written


def write_pacts(pacts: Iterable[Pact], directory: str | os.PathLike[str] | None = None
                ) -> list[Path]:
    """Write several pacts' recorded interactions, one merged write per pact file.

    Used at the end of a test session: all pacts for the same consumer, provider and
    directory are combined first, so each file is locked and rewritten once.
    """
    from accord.pactfile import write_pact

    groups: dict[tuple[str, str, Path], list[Pact]] = {}
    for p in pacts:
        target = Path(directory) if directory is not None else (p.pact_dir or default_pact_dir())
        groups.setdefault((p.consumer, p.provider, target), []).append(p)
    written = []
    for (_consumer, _provider, target), members in groups.items():
        metadata: dict[str, Any] = {}
        plugins: dict[str, Any] = {}
        settings: dict[str, dict[str, Any]] = {}
        spec = max(m.specification for m in members)
        by_key: dict[tuple[str, tuple[str, ...]], Interaction] = {}
        for m in members:
            by_key.update(m._recorded)  # a later test's interaction wins, as in a file merge
        interactions = list(by_key.values())
        for m in members:
            for namespace, values in m._metadata.items():
                metadata.setdefault(namespace, {}).update(values)
            plugins.update(m._plugins)
            for name, values in m._plugin_settings.items():
                settings.setdefault(name, {}).update(values)
        if not interactions:
            continue
        if plugins:
            from accord.consumer._plugins import plugins_metadata

            metadata["plugins"] = plugins_metadata(plugins, settings)
        model = members[0]._model(interactions).replace(metadata=metadata, spec_version=spec)
        if plugins:
            from accord.consumer._plugins import keep_existing_plugins

            model = keep_existing_plugins(model, target)
        written.append(write_pact(model, target, version=spec))
    return written


def _without_generators(model: Interaction) -> Interaction:
    if isinstance(model, SynchronousHttp):
        return model.replace(
            request=_replace(model.request, generators=Generators()),
            response=_replace(model.response, generators=Generators()))
    return model


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


# --------------------------------------------------------------------------- interactions


class _Interaction:
    """What every interaction builder has: provider states and V4 annotations."""

    def __init__(self, pact: Pact, description: str) -> None:
        self._pact = pact
        self.description = description
        self._states: list[ProviderState] = []
        self._key: str | None = None
        self._pending = False
        self._comments: dict[str, Any] = {}
        self._plugin_config: dict[str, dict[str, Any]] = {}  # V4 pluginConfiguration
        self._markup: list[str] = []  # V4 interactionMarkup from plugins
        self._used = False  # served or verified (successfully or not)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description!r}>"

    def given(self: Self, state: str, parameters: Mapping[str, Any] | None = None, /,
              **kwargs: Any) -> Self:
        """A provider state; repeat for several. Parameters as a dict and/or keywords."""
        if not isinstance(state, str) or not state:
            raise ContractDefinitionError(
                f"interaction {self.description!r}: a provider state needs a name")
        params = {**(parameters or {}), **kwargs}
        self._states.append(ProviderState(state, params))
        return self

    def with_comment(self: Self, text: str) -> Self:
        """A free-text comment (V4 ``comments.text``)."""
        self._comments.setdefault("text", []).append(text)
        return self

    def add_text_comment(self: Self, comment: str) -> Self:
        """pact-python's name for ``with_comment``."""
        return self.with_comment(comment)

    def set_comment(self: Self, key: str, value: Any) -> Self:
        """A keyed comment (V4 ``comments[key]``)."""
        self._comments[key] = value
        return self

    def test_name(self: Self, name: str) -> Self:
        """The name of the test that declared this interaction (V4 ``comments.testname``)."""
        self._comments["testname"] = name
        return self

    def add_external_reference(self: Self, group: str, name: str, value: str) -> Self:
        """A reference such as an issue number (V4 ``comments.references``)."""
        self._comments.setdefault("references", {}).setdefault(group, {})[name] = value
        return self

    def with_key(self: Self, key: str) -> Self:
        """An explicit V4 interaction key."""
        self._key = key
        return self

    set_key = with_key

    def pending(self: Self, pending: bool = True) -> Self:
        """Mark the interaction pending (V4): a provider failing it does not fail the build."""
        self._pending = pending
        return self

    def set_pending(self: Self, *, pending: bool = True) -> Self:
        return self.pending(pending)

    def _common(self) -> dict[str, Any]:
        from accord.consumer._plugins import interaction_fields

        return {"description": self.description, "provider_states": tuple(self._states),
                "key": self._key, "pending": self._pending, "comments": dict(self._comments),
                **interaction_fields(self)}

    def _build(self) -> Interaction:  # pragma: no cover - abstract
        raise NotImplementedError


class _HttpPart:
    def __init__(self) -> None:
        self.headers: list[tuple[str, Any]] = []
        self.body: BodySpec | None = None
        self.raw_rules: MatchingRules = MatchingRules()
        self.raw_generators: Generators = Generators()


def _part_name(part: str | None, default: str) -> str:
    chosen = (part or default).lower()
    if chosen not in ("request", "response"):
        raise ContractDefinitionError(f"part must be 'request' or 'response', got {part!r}")
    return chosen


class HttpInteraction(_Interaction):
    """A synchronous HTTP interaction: the request the consumer sends, the response it expects.

    Methods that set headers or a body apply to the request until ``will_respond_with`` is
    called, then to the response (or pass ``part="request"|"response"``).
    """

    def __init__(self, pact: Pact, description: str) -> None:
        super().__init__(pact, description)
        self._method = "GET"
        self._path: Any = "/"
        self._query: list[tuple[str, Any]] = []
        self._status: Any = 200
        self._parts = {"request": _HttpPart(), "response": _HttpPart()}
        self._current = "request"

    # ------------------------------------------------------------------ request line

    def upon_receiving(self, description: str) -> HttpInteraction:
        """Rename the interaction (for chains that start with ``given``)."""
        self.description = description
        return self

    def with_request(self, method: str, path: Any = "/") -> HttpInteraction:
        """The request method and path (the path may be a matcher, e.g. ``match.regex``)."""
        if not isinstance(method, str) or not method.strip():
            raise ContractDefinitionError(
                f"interaction {self.description!r}: the method must be a string like 'GET'")
        self._method = method.upper()
        self._path = path
        self._current = "request"
        return self

    def with_query_parameter(self, name: str, value: Any) -> HttpInteraction:
        """A query parameter; a list gives several values; matchers allowed."""
        self._query.append((name, value))
        return self

    def with_query_parameters(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]
                              ) -> HttpInteraction:
        items = parameters.items() if isinstance(parameters, Mapping) else parameters
        for name, value in items:
            self.with_query_parameter(name, value)
        return self

    def will_respond_with(self, status: Any = 200) -> HttpInteraction:
        """The response status (an int or ``match.status_code``); later calls set the response."""
        self._status = status
        self._current = "response"
        return self

    # ------------------------------------------------------------------ headers and bodies

    def with_header(self, name: str, value: Any, part: str | None = None) -> HttpInteraction:
        """A header; a list gives several values; matchers allowed."""
        self._parts[_part_name(part, self._current)].headers.append((name, value))
        return self

    set_header = with_header

    def with_headers(self, headers: Mapping[str, Any] | Iterable[tuple[str, Any]],
                     part: str | None = None) -> HttpInteraction:
        items = headers.items() if isinstance(headers, Mapping) else headers
        for name, value in items:
            self.with_header(name, value, part)
        return self

    set_headers = with_headers

    def with_body(self, body: Any = None, content_type: str | None = None,
                  part: str | None = None) -> HttpInteraction:
        """A body: dict/list/matchers (JSON), str (text; JSON text with a JSON content type),
        bytes, or an ``accord.consumer.xml`` element."""
        target = self._parts[_part_name(part, self._current)]
        if body is None and content_type is None:
            target.body = None  # no body expectation
        else:
            target.body = body_spec(body, content_type, self.description)
        return self

    def with_binary_body(self, body: bytes, content_type: str | None = None,
                         part: str | None = None) -> HttpInteraction:
        """Raw bytes (written base64-encoded in V4 pact files)."""
        if isinstance(body, Matcher) and isinstance(body.value, (bytes, bytearray)):
            return self.with_body(body, content_type, part)
        if not isinstance(body, (bytes, bytearray)):
            raise ContractDefinitionError(
                f"interaction {self.description!r}: with_binary_body needs bytes")
        return self.with_body(bytes(body), content_type or "application/octet-stream", part)

    def with_form(self, fields: Mapping[str, Any] | Iterable[tuple[str, Any]],
                  part: str | None = None) -> HttpInteraction:
        """An ``application/x-www-form-urlencoded`` body; field values may be matchers."""
        target = self._parts[_part_name(part, self._current)]
        target.body = form_spec(fields if isinstance(fields, Mapping) else list(fields),
                                self.description)
        return self

    def with_multipart_file(self, part_name: str, path: str | os.PathLike[str] | bytes,
                            content_type: str | None = None, part: str | None = None,
                            boundary: str | None = None, *, filename: str | None = None
                            ) -> HttpInteraction:
        """A ``multipart/form-data`` body with one file (``path``, or bytes with ``filename``)."""
        target = self._parts[_part_name(part, self._current)]
        target.body = multipart_spec(part_name, path, content_type, boundary, filename,
                                     self.description)
        return self

    def with_plugin_contents(self, content_type: str, config: Mapping[str, Any],
                             part: str | None = None) -> HttpInteraction:
        """A body built by the plugin that handles ``content_type`` from its ``config``.

        ``config`` is what the plugin documents (the CSV plugin: ``{"column:1":
        "matching(type,'Name')", "csvHeaders": False}``); the plugin is noted in the pact's
        ``metadata.plugins`` and its interaction settings in ``pluginConfiguration``."""
        from accord.consumer._plugins import configure_plugin_contents

        target = self._parts[_part_name(part, self._current)]
        target.body = configure_plugin_contents(self, content_type, config)
        return self

    def with_matching_rules(self, rules: Mapping[str, Any] | str, part: str | None = None
                            ) -> HttpInteraction:
        """Raw V3/V4 ``matchingRules`` merged into the request or response: JSON (a dict or
        its text) whose rule lists may be matchers (``{"body": {"$": match.content_type(
        "image/jpeg")}}``), as pact-python takes them."""
        target = self._parts[_part_name(part, self._current)]
        target.raw_rules = merge_rules(target.raw_rules, load_raw_rules(rules, self.description))
        return self

    def with_generators(self, generators: Mapping[str, Any] | str, part: str | None = None
                        ) -> HttpInteraction:
        """Raw V3/V4 ``generators`` JSON (a dict or its text) merged into the request or
        response."""
        target = self._parts[_part_name(part, self._current)]
        loaded = load_raw_generators(generators, self.description)
        target.raw_generators = merge_generators(target.raw_generators, loaded)
        return self

    # ------------------------------------------------------------------ building

    def _build(self) -> SynchronousHttp:
        where = self.description
        rules: dict[str, dict[str, RuleList]] = {}
        gens: dict[str, dict[str, Generator]] = {}

        path = scalar_spec(self._path, where, "the path")
        if len(path.values) != 1:
            raise ContractDefinitionError(f"interaction {where!r}: the path must be one string")
        _put(rules, gens, "path", "", path.rules, path.generator)
        query: dict[str, tuple[str | None, ...]] | None = None
        if self._query:
            query = {}
            for name, value in self._query:
                spec = scalar_spec(value, where, f"query parameter {name!r}", allow_none=True)
                query[name] = query.get(name, ()) + spec.values
                _put(rules, gens, "query", name, spec.rules, spec.generator)
        req_part = self._parts["request"]
        headers = _headers(req_part, where, rules, gens)
        body = _body_into(req_part, headers, rules, gens)
        if body.is_present and self._method in ("GET", "HEAD") and self._pact.strict:
            raise ContractDefinitionError(
                f"interaction {where!r}: a {self._method} request with a body (strict mode); "
                "most HTTP clients and servers drop it")
        request = HttpRequest(
            method=self._method, path=str(path.values[0]), query=query, headers=headers, body=body,
            matching_rules=merge_rules(MatchingRules(rules), req_part.raw_rules),
            generators=merge_generators(Generators(gens), req_part.raw_generators))

        rules, gens = {}, {}
        status = scalar_spec(self._status, where, "the status", as_text=False)
        code = status.values[0] if status.values else 200
        if isinstance(code, str) and code.isdigit():
            code = int(code)
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            raise ContractDefinitionError(
                f"interaction {where!r}: the status must be an HTTP status code, got {code!r}")
        _put(rules, gens, "status", "", status.rules, status.generator)
        resp_part = self._parts["response"]
        headers = _headers(resp_part, where, rules, gens)
        body = _body_into(resp_part, headers, rules, gens)
        response = HttpResponse(
            status=code, headers=headers, body=body,
            matching_rules=merge_rules(MatchingRules(rules), resp_part.raw_rules),
            generators=merge_generators(Generators(gens), resp_part.raw_generators))
        return SynchronousHttp(request=request, response=response, **self._common())


def _put(rules: dict[str, dict[str, RuleList]], gens: dict[str, dict[str, Generator]],
         category: str, key: str, rule_list: RuleList | None, generator: Generator | None) -> None:
    if rule_list is not None:
        existing = rules.setdefault(category, {}).get(key)
        if existing is not None:
            merged = existing.rules + tuple(r for r in rule_list.rules if r not in existing.rules)
            rule_list = RuleList(merged)
        rules.setdefault(category, {})[key] = rule_list
    if generator is not None:
        gens.setdefault(category, {})[key] = generator


def _headers(part: _HttpPart, where: str, rules: dict[str, dict[str, RuleList]],
             gens: dict[str, dict[str, Generator]]) -> dict[str, tuple[str, ...]]:
    headers: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    for name, value in part.headers:
        spec = scalar_spec(value, where, f"header {name!r}")
        canonical = names.setdefault(name.lower(), name)
        headers[canonical] = headers.get(canonical, ()) + tuple(str(v) for v in spec.values)
        _put(rules, gens, "header", canonical, spec.rules, spec.generator)
    return headers


def _body_into(part: _HttpPart, headers: dict[str, tuple[str, ...]],
               rules: dict[str, dict[str, RuleList]], gens: dict[str, dict[str, Generator]]
               ) -> Body:
    spec = part.body
    if spec is None:
        return Body.missing()
    has_ct = any(k.lower() == "content-type" for k in headers)
    if spec.body.content_type and not has_ct:
        headers["Content-Type"] = (spec.body.content_type,)
    for path, rl in spec.rules.items():
        _put(rules, gens, "body", path, rl, None)
    for path, g in spec.generators.items():
        _put(rules, gens, "body", path, None, g)
    for name, rl in spec.header_rules.items():
        canonical = next((k for k in headers if k.lower() == name.lower()), name)
        _put(rules, gens, "header", canonical, rl, None)
    return spec.body
