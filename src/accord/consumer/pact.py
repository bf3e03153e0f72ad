"""``Pact``: the contract a consumer test declares, serves and writes.

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
since the previous one. The interaction builders live in ``accord.consumer.interactions`` and
``accord.consumer.messages``; what a run records and writes at its end in
``accord.consumer.run``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

from accord.consumer._plugins import keep_existing_plugins, plugins_metadata, use_plugin
from accord.consumer.interactions import HttpInteraction, InteractionBuilder
from accord.consumer.messages import AsyncMessageInteraction, SyncMessageInteraction
from accord.consumer.run import PactRun, default_run
from accord.errors import (
    ContractDefinitionError,
    InteractionVerificationError,
    PactVerificationError,
    UnsupportedVersionError,
)
from accord.model import (
    Generators,
    Interaction,
    SpecVersion,
    SynchronousHttp,
)
from accord.model import Pact as ModelPact
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.pactfile import prepare_interaction, write_pact

if TYPE_CHECKING:
    from accord.consumer.serve import PactServer
    from accord.consumer.serve_grpc import GrpcPactServer
    from accord.generation import GeneratorContext
    from accord.model.catalogue import Catalogue
    from accord.plugins import Plugin

__all__ = ["Pact"]

_LOG = logging.getLogger("accord.consumer")

VerifyOutcome: TypeAlias = "list[InteractionVerificationError] | None"
"""What ``Pact.verify`` gives: ``None``, or with ``raises=False`` the handlers' failures."""


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
    rejects dubious declarations such as a body on a GET request. ``auto_write=False``
    records what passes without writing it (the pytest fixture writes it at the end of the
    session). ``run``: the ``PactRun`` that tracks pact files across ``Pact`` objects (the
    process's own by default). ``catalogue``: the body matchers, generators and plugins its
    checks and mock servers use (default: ``accord.catalogue.process_default()``); the plugins
    its interactions use are added to it.
    """

    def __init__(self, consumer: str, provider: str, *,
                 pact_dir: str | os.PathLike[str] | None = None, strict: bool = False,
                 auto_write: bool = True, run: PactRun | None = None,
                 catalogue: Catalogue | None = None) -> None:
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
        self._declared: list[InteractionBuilder] = []
        self._recorded: dict[tuple[str, tuple[str, ...]], Interaction] = {}
        self._auto_write = auto_write
        self._run = run if run is not None else default_run()
        self._written_by_user = False  # write_file() was called: no automatic writes
        self._base_catalogue = catalogue
        self._catalogue: tuple[tuple[Any, ...], Catalogue] | None = None  # (key, catalogue)

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

    def with_metadata(self, namespace: str, metadata: JsonMapping | None = None,
                      **kwargs: JsonValue) -> Pact:
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
        use_plugin(self._plugins, name, version, self._base_catalogue)
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
                       interaction: str | None = None) -> InteractionBuilder:
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

    def given(self, state: str, parameters: JsonMapping | None = None, /,
              **kwargs: JsonValue) -> HttpInteraction:
        """pact-python v2 / pact-js order: ``pact.given(state).upon_receiving(description)``."""
        interaction = HttpInteraction(self, "")
        self._declared.append(interaction)
        return interaction.given(state, parameters, **kwargs)

    def async_message(self, description: str) -> AsyncMessageInteraction:
        """Start an asynchronous message (an event the provider publishes)."""
        return self._add(AsyncMessageInteraction(self, description))

    def sync_message(self, description: str) -> SyncMessageInteraction:
        """Start a V4 synchronous message (a request message and its response messages)."""
        return self._add(SyncMessageInteraction(self, description))

    def _add(self, interaction: Any) -> Any:
        if not isinstance(interaction.description, str) or not interaction.description.strip():
            raise ContractDefinitionError("an interaction needs a non-empty description")
        self._declared.append(interaction)
        return interaction

    def interactions(self, kind: str = "all") -> list[Interaction]:
        """The declared interactions as model objects (``kind``: all, http, async, sync)."""
        classes = {"all": InteractionBuilder, "http": HttpInteraction,
                   "async": AsyncMessageInteraction, "sync": SyncMessageInteraction}
        cls = classes[kind.lower()]
        return [self.finalise(i) for i in self._declared if isinstance(i, cls)]

    # ------------------------------------------------------------------ running

    def serve(self, addr: str = "127.0.0.1", port: int = 0, transport: str = "http",
              transport_config: str | None = None, *, host: str | None = None,
              tls: bool = False, cors: bool = False, raises: bool = True, verbose: bool = False,
              generator_context: GeneratorContext | None = None) -> PactServer:
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
        # imported here: the mock server brings uvicorn and starlette, which declaring and
        # writing pacts (and message pacts) never need
        from accord.consumer.serve import PactServer

        pending = [i for i in self._declared if isinstance(i, HttpInteraction) and not i.used]
        return PactServer(self, pending, host=host, port=port, tls=tls, cors=cors,
                          raises=raises, generator_context=generator_context, verbose=verbose)

    def serve_grpc(self, host: str = "127.0.0.1", port: int = 0, *, raises: bool = True
                   ) -> GrpcPactServer:
        """A gRPC mock server (``accord[grpc]``) for the synchronous messages declared since
        the last ``serve_grpc()`` — protobuf contents naming a service method. Use as
        ``with pact.serve_grpc() as server:`` and point a channel at ``server.address``."""
        from accord.consumer.serve_grpc import GrpcPactServer  # optional: needs accord[grpc]

        pending = [i for i in self._declared
                   if isinstance(i, SyncMessageInteraction) and not i.used]
        return GrpcPactServer(self, pending, host=host, port=port, raises=raises)

    def verify(self, handler: Callable[..., object], kind: str = "async", *, raises: bool = True
               ) -> VerifyOutcome | Awaitable[VerifyOutcome]:
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
        wanted = kind.lower()
        if wanted not in ("async", "sync"):
            raise ContractDefinitionError(f"verify(): kind must be 'Async' or 'Sync', not {kind!r}")
        cls = AsyncMessageInteraction if wanted == "async" else SyncMessageInteraction
        messages: list[Any] = [i for i in self._declared if isinstance(i, cls) and not i.used]
        errors: list[InteractionVerificationError] = []
        awaitables: list[tuple[str, Any]] = []
        for message in messages:
            try:
                outcome = message.verify_with_handler(handler)
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
                 else [self.finalise(i) for i in self._declared])
        return self.model_of(items)

    def model_of(self, interactions: Sequence[Interaction]) -> ModelPact:
        """A model pact of this consumer and provider, with its metadata, holding
        ``interactions`` (the mock servers serve these)."""
        metadata = dict(self._metadata)
        if self._plugins:
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
        if not _automatic:
            self._written_by_user = True
            self._run.cancel(self)

        target = (Path(directory) if directory is not None
                  else (self.pact_dir or self._run.default_pact_dir()))
        model = self.to_model()
        if self._plugins and not overwrite:
            model = keep_existing_plugins(model, target)
        return write_pact(model, target, version=self.specification, merge=not overwrite,
                          rule_kinds=self.catalogue.rule_kinds)

    def finalise(self, interaction: InteractionBuilder) -> Interaction:
        """Build the model interaction and check the target version can hold it (the mock
        servers and message checks call this on what they serve)."""
        if not interaction.description.strip():
            raise ContractDefinitionError(
                "an interaction has no description: call upon_receiving('...') after given()")
        model = interaction.build()
        if self.specification < SpecVersion.V3:
            if not isinstance(model, SynchronousHttp):
                raise ContractDefinitionError(
                    f"interaction {interaction.description!r}: messages need Pact Specification "
                    f"V3 or later; the pact targets {self.specification.name}")
            model = _without_generators(model)
        try:
            prepare_interaction(model, self.specification)  # its pact-file text, kept
        except UnsupportedVersionError as exc:
            text = str(exc)
            if not text.startswith("interaction "):
                text = f"interaction {interaction.description!r}: {text}"
            raise ContractDefinitionError(
                f"{text} (the pact targets {self.specification.name}; "
                "use with_specification('V4'))") from None
        return model

    def record(self, interactions: Iterable[Interaction]) -> None:
        """Keep interactions that passed (a served or verified block); write the file unless
        a test session will."""
        items = list(interactions)
        for item in items:
            key = item.unique_key
            mine = self._recorded.get(key)
            if mine is not None and mine != item:
                states = ", ".join(key[1]) or "no provider state"
                raise ContractDefinitionError(
                    f"pact {self.consumer}-{self.provider}: two different interactions "
                    f"are both described as {key[0]!r} with {states}; give each a unique "
                    "description or provider state (pact files merge interactions by them)")
        directory = self.pact_dir or self._run.default_pact_dir()
        self._run.note_recorded(self.consumer, self.provider, directory, items,
                                known=set(self._recorded))
        for item in items:
            self._recorded[item.unique_key] = item
        if self._auto_write and items:
            if self.pact_dir is not None:
                self.write_file(_automatic=True)  # the directory this Pact was given
            elif not self._written_by_user:
                self._run.defer(self)

    # ------------------------------------------------------------------ what it holds

    def add_plugin(self, plugin: Plugin, configuration: Mapping[str, object] | None = None
                   ) -> None:
        """Note that this pact uses ``plugin`` (``metadata.plugins``), with what an
        interaction's contents add to its configuration (e.g. protobuf descriptors)."""
        self._plugins[plugin.name] = plugin
        if configuration:
            self._plugin_settings.setdefault(plugin.name, {}).update(configuration)

    @property
    def catalogue(self) -> Catalogue:
        """What this pact's checks and mock servers compare and generate bodies with: the
        catalogue it was given (or ``accord.catalogue.process_default()``) and the plugins it
        uses."""
        from accord.catalogue import process_default

        base = self._base_catalogue if self._base_catalogue is not None else process_default()
        key = (base, *self._plugins.values())
        if self._catalogue is not None and self._catalogue[0] == key:
            return self._catalogue[1]
        out = base
        for plugin in self._plugins.values():
            if out.plugin(plugin.name) is not plugin:
                out = out.with_plugin(plugin)
        self._catalogue = (key, out)
        return out

    @property
    def base_catalogue(self) -> Catalogue | None:
        """The catalogue this pact was given (None: the process default)."""
        return self._base_catalogue

    @property
    def recorded(self) -> tuple[Interaction, ...]:
        """The interactions that passed so far, in the order first recorded."""
        return tuple(self._recorded.values())

    @property
    def metadata(self) -> dict[str, dict[str, object]]:
        """The pact-level metadata declared with ``with_metadata`` (a copy)."""
        return {namespace: dict(values) for namespace, values in self._metadata.items()}

    @property
    def plugins(self) -> dict[str, Plugin]:
        """The plugins this pact uses, by name (a copy)."""
        return dict(self._plugins)

    @property
    def plugin_settings(self) -> dict[str, dict[str, object]]:
        """What the plugins' contents add to ``metadata.plugins[].configuration`` (a copy)."""
        return {name: dict(values) for name, values in self._plugin_settings.items()}


def _without_generators(model: Interaction) -> Interaction:
    if isinstance(model, SynchronousHttp):
        return model.replace(
            request=_replace(model.request, generators=Generators()),
            response=_replace(model.response, generators=Generators()))
    return model


def _replace(obj: Any, **changes: Any) -> Any:
    return replace(obj, **changes)
