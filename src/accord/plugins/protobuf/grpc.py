"""gRPC for protobuf pacts: a mock server and a provider check, unary calls (``accord[grpc]``).

A gRPC interaction is a V4 synchronous message whose ``pluginConfiguration.protobuf.service``
names the method (``.area_calculator.Calculator/calculateOne``), as the official protobuf
plugin writes it. ``GrpcMockServer(pact)`` serves those interactions with ``grpcio``: a call is
matched with the interaction's request message (field by field, with its rules) and answered
with its response message, or with the gRPC status the pact expects (``grpc-status`` and
``grpc-message`` in the response metadata). ``verify_grpc_provider(pact, "host:port")``
calls a running gRPC server with each interaction's request and checks the answer::

    with GrpcMockServer(pact) as server:
        channel = grpc.insecure_channel(server.address)
        ...
    results = verify_grpc_provider(pact, "127.0.0.1:50051", states=set_up)
    assert all(r.ok for r in results), results

Streaming calls, request metadata expectations and TLS are not supported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent import futures
from dataclasses import field
from typing import Any

from accord.errors import MismatchError
from accord.generation import GeneratorContext, generate_message
from accord.matching import match_message
from accord.model.body import Body, BodyState
from accord.model.catalogue import Catalogue
from accord.model.interactions import MessageContents, SynchronousMessages
from accord.model.jsontypes import JsonMapping
from accord.model.pact import Pact
from accord.model.valueclass import dataclass
from accord.plugins.api import PluginError
from accord.plugins.registry import find_plugin, with_pact_plugins

__all__ = ["GrpcMockServer", "GrpcResult", "grpc_interactions", "grpc_message_handler",
           "method_path", "verify_grpc_provider"]

INSTALL_HINT = "pip install 'accord[grpc]'"


def _grpc() -> Any:
    try:
        import grpc
    except ImportError:
        raise PluginError(f"gRPC needs the 'grpcio' package: {INSTALL_HINT}") from None
    return grpc


def grpc_interactions(pact: Pact) -> list[SynchronousMessages]:
    """The pact's interactions that are gRPC calls (synchronous messages naming a service)."""
    out = []
    for interaction in pact.interactions:
        if not isinstance(interaction, SynchronousMessages):
            continue
        config = interaction.plugin_config.get("protobuf") or {}
        if interaction.transport == "grpc" or "service" in config:
            out.append(interaction)
    return out


def method_path(interaction: SynchronousMessages) -> str:
    """The gRPC method path (``/package.Service/Method``) the interaction is a call of (for
    pacts that name the service without its package, after ``ensure_plugins(pact)``)."""
    config = interaction.plugin_config.get("protobuf") or {}
    service = config.get("service")
    if not isinstance(service, str) or "/" not in service:
        raise PluginError(
            f"interaction {interaction.description!r}: its pluginConfiguration names no gRPC "
            "service method (protobuf.service)")
    name, _, method = service.partition("/")
    name = name.lstrip(".")
    if "." not in name:  # older plugin versions wrote the bare service name
        plugin = find_plugin("protobuf")
        key = config.get("descriptorKey")
        lookup = getattr(plugin, "descriptors_with_key", None)
        descriptors = lookup(key) if lookup is not None and isinstance(key, str) else None
        found = descriptors.find_service(name) if descriptors is not None else None
        if found is not None:
            name = found.full_name
    return f"/{name}/{method}"


def _status_expected(response: MessageContents) -> tuple[str, str | None] | None:
    status = response.metadata.get("grpc-status")
    if not isinstance(status, str) or status.upper() == "OK":
        return None
    message = response.metadata.get("grpc-message")
    return status.upper(), message if isinstance(message, str) else None


_NOT_SENT = frozenset({"contenttype", "content-type", "grpc-status", "grpc-message"})


def _actual(expected: MessageContents, data: bytes,
            received: Mapping[str, str] | None = None) -> MessageContents:
    """What was received, as message contents of the expected type (the wire has no type),
    with the gRPC metadata ``received`` under the pact's spelling of each key (gRPC keys are
    lower case on the wire)."""
    metadata: dict[str, Any] = {k: v for k, v in expected.metadata.items()
                                if k == "contentType"}
    wire = {k.lower(): v for k, v in (received or {}).items()}
    for key in expected.metadata:
        if key.lower() in wire:
            metadata[key] = wire.pop(key.lower())
    metadata.update(wire)
    return MessageContents(body=Body(BodyState.PRESENT, data, expected.body.content_type,
                                     expected.body.content_type_hint), metadata=metadata)


def _metadata_to_send(request: MessageContents) -> list[tuple[str, str]]:
    """The request message's metadata as gRPC call metadata (lower-case keys)."""
    return [(k.lower(), v if isinstance(v, str) else str(v))
            for k, v in request.metadata.items() if k.lower() not in _NOT_SENT]


# --------------------------------------------------------------------------- the mock server

@dataclass
class GrpcCall:
    """One call the mock server received."""

    method: str
    interaction: str | None  # the description of the interaction it matched
    mismatches: list[str] = field(default_factory=list)


class GrpcMockServer:
    """Serve a pact's gRPC interactions on ``host:port`` (0: a free port)."""

    def __init__(self, pact: Pact, host: str = "127.0.0.1", port: int = 0, *,
                 raise_on_exit: bool = True, catalogue: Catalogue | None = None) -> None:
        self.catalogue = with_pact_plugins(pact, catalogue)
        self.pact = pact
        self.host = host
        self.port = port
        self.raise_on_exit = raise_on_exit
        self.calls: list[GrpcCall] = []
        self._routes: dict[str, list[SynchronousMessages]] = {}
        for interaction in grpc_interactions(pact):
            self._routes.setdefault(method_path(interaction), []).append(interaction)
        self._server: Any = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> GrpcMockServer:
        grpc = _grpc()
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        server.add_generic_rpc_handlers((_Handler(self, grpc),))
        self.port = server.add_insecure_port(f"{self.host}:{self.port}")
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop(grace=None)
            self._server = None

    def __enter__(self) -> GrpcMockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        if self.raise_on_exit and exc[0] is None:
            problems = self.problems()
            if problems:
                raise MismatchError("gRPC mock server:\n" + "\n".join(problems))

    def problems(self) -> list[str]:
        """Calls that matched nothing, and interactions never called."""
        out = [f"- {c.method}: no interaction matched\n    " + "\n    ".join(c.mismatches)
               for c in self.calls if c.interaction is None]
        called = {c.interaction for c in self.calls}
        out += [f"- {i.description!r} ({path}) was never called"
                for path, items in self._routes.items() for i in items
                if i.description not in called]
        return out

    def answer(self, method: str, request: bytes, metadata: Mapping[str, str] | None = None
               ) -> tuple[bytes | None, tuple[str, str] | None]:
        """(the response bytes, or the gRPC status and message to fail the call with)."""
        candidates = self._routes.get(method)
        if not candidates:
            self.calls.append(GrpcCall(method, None, ["no interaction is a call of this method"]))
            return None, ("UNIMPLEMENTED", f"accord mock server: no interaction for {method}")
        mismatches: list[str] = []
        for interaction in candidates:
            result = match_message(interaction.request,
                                   _actual(interaction.request, request, metadata),
                                   plugin_config=interaction.plugin_config,
                                   catalogue=self.catalogue)
            if not result.ok:
                mismatches += [f"{interaction.description!r}: {m.path}: {m.message}"
                               for m in result.mismatches]
                continue
            self.calls.append(GrpcCall(method, interaction.description))
            if not interaction.responses:
                return b"", None
            response = interaction.responses[0]
            status = _status_expected(response)
            if status is not None:
                return None, (status[0], status[1] or "")
            generated = generate_message(
                response, GeneratorContext.default("consumer", catalogue=self.catalogue))
            return generated.body.content, None
        self.calls.append(GrpcCall(method, None, mismatches))
        return None, ("FAILED_PRECONDITION",
                      "accord mock server: the request matched no interaction: "
                      + "; ".join(mismatches))


class _Handler:
    """A grpcio generic handler: every method the pact knows, bytes in and bytes out."""

    def __init__(self, server: GrpcMockServer, grpc: Any) -> None:
        self.server = server
        self.grpc = grpc

    def service(self, details: Any) -> Any:
        method = details.method
        grpc = self.grpc

        def unary(request: bytes, context: Any) -> bytes:
            received = {k: v for k, v in context.invocation_metadata()
                        if isinstance(v, str) and not k.startswith(("grpc-", ":"))
                        and k not in ("user-agent", "content-type", "te")}
            data, status = self.server.answer(method, request, received)
            if status is not None:
                code = getattr(grpc.StatusCode, status[0], grpc.StatusCode.UNKNOWN)
                context.abort(code, status[1])
            return data or b""

        return grpc.unary_unary_rpc_method_handler(unary)


# --------------------------------------------------------------------------- the provider side

@dataclass
class GrpcResult:
    description: str
    method: str
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def grpc_message_handler(target: str, *, timeout: float = 5.0
                         ) -> Callable[..., MessageContents]:
    """A message producer for ``Verifier.message_handler`` that answers each gRPC interaction
    by calling the server at ``target`` (``host:port`` or ``grpc://host:port``): the answer,
    or the failed call's status as ``grpc-status`` / ``grpc-message`` metadata, is compared
    with the pact like any synchronous message. ``Verifier.add_transport(url="grpc://...")``
    installs it."""
    grpc = _grpc()
    address = target.removeprefix("grpc://").rstrip("/")

    def produce(interaction: SynchronousMessages, request_contents: MessageContents
                ) -> MessageContents:
        method = method_path(interaction)
        expected = interaction.responses[0] if interaction.responses else request_contents
        try:
            with grpc.insecure_channel(address) as channel:  # nothing left open afterwards
                data = channel.unary_unary(method)(
                    request_contents.body.content, timeout=timeout,
                    metadata=_metadata_to_send(request_contents))
        except grpc.RpcError as exc:
            code = exc.code().name if hasattr(exc, "code") else "UNKNOWN"
            details = exc.details() if hasattr(exc, "details") else str(exc)
            if _status_expected(expected) is None:
                raise PluginError(f"the gRPC call {method} failed: {code}: {details}") from None
            return MessageContents(body=Body(BodyState.MISSING), metadata={
                "grpc-status": code, "grpc-message": details or ""})
        return _actual(expected, data)

    return produce


StateHandler = Callable[[str, JsonMapping], JsonMapping | None]


def verify_grpc_provider(pact: Pact, target: str, *, states: StateHandler | None = None,
                         timeout: float = 5.0, catalogue: Catalogue | None = None
                         ) -> list[GrpcResult]:
    """Call the gRPC server at ``target`` with each gRPC interaction's request and compare
    its answer with the pact. ``states(name, params)`` sets up provider states (its return
    value feeds ``fromProviderState`` generators); ``catalogue`` as for the verifier."""
    grpc = _grpc()
    catalogue = with_pact_plugins(pact, catalogue)
    results = []
    with grpc.insecure_channel(target) as channel:
        for interaction in grpc_interactions(pact):
            method = method_path(interaction)
            values: dict[str, Any] = {}
            for state in interaction.provider_states:
                if states is not None:
                    values.update(states(state.name, dict(state.params or {})) or {})
            request = generate_message(interaction.request, GeneratorContext.default(
                "provider", provider_state=values, catalogue=catalogue))
            result = GrpcResult(interaction.description, method)
            call = channel.unary_unary(method)
            expected = interaction.responses[0] if interaction.responses else None
            status = _status_expected(expected) if expected is not None else None
            try:
                data = call(request.body.content, timeout=timeout,
                            metadata=_metadata_to_send(request))
            except grpc.RpcError as exc:
                code = exc.code().name if hasattr(exc, "code") else "UNKNOWN"
                details = exc.details() if hasattr(exc, "details") else str(exc)
                if status is None:
                    result.mismatches.append(f"the call failed: {code}: {details}")
                else:
                    if code != status[0]:
                        result.mismatches.append(
                            f"expected gRPC status {status[0]} but got {code} ({details})")
                    if status[1] is not None and details != status[1]:
                        result.mismatches.append(
                            f"expected grpc-message {status[1]!r} but got {details!r}")
                results.append(result)
                continue
            if status is not None:
                result.mismatches.append(f"expected gRPC status {status[0]} but the call "
                                         "succeeded")
            elif expected is not None:
                outcome = match_message(expected, _actual(expected, data),
                                        plugin_config=interaction.plugin_config,
                                        catalogue=catalogue)
                result.mismatches += [f"{m.path}: {m.message}" for m in outcome.mismatches]
            results.append(result)
    return results
