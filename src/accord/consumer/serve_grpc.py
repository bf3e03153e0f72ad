"""``pact.serve_grpc()``: the consumer DSL's glue to the protobuf plugin's gRPC mock server.

Serves the synchronous messages declared since the last ``serve_grpc()`` whose contents name a
gRPC service method (``with_plugin_contents("application/grpc", {"pact:proto-service":
"Service/Method:request", ...})``). Leaving the block checks that every call matched and every
interaction was called (``MismatchError`` otherwise); then the interactions are recorded with
``transport: grpc``, as the official protobuf plugin writes them.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from accord.errors import MismatchError

if TYPE_CHECKING:
    from accord.consumer.messages import SyncMessageInteraction
    from accord.consumer.pact import Pact
    from accord.model import Interaction

__all__ = ["GrpcPactServer"]


class GrpcPactServer:
    """A running gRPC mock server for some of a pact's synchronous messages."""

    def __init__(self, pact: Pact, builders: list[SyncMessageInteraction], *, host: str, port: int,
                 raises: bool) -> None:
        self._pact = pact
        self._builders = builders
        self._host = host
        self._port = port
        self._raises = raises
        self._mock: Any = None
        self._models: list[Interaction] = []

    @property
    def address(self) -> str:
        """``host:port`` for ``grpc.insecure_channel``."""
        if self._mock is None:
            raise RuntimeError("the gRPC mock server is not running; use "
                               "'with pact.serve_grpc() as server'")
        return str(self._mock.address)

    @property
    def port(self) -> int:
        return int(self._mock.port) if self._mock is not None else 0

    def __enter__(self) -> GrpcPactServer:
        from accord.plugins.protobuf.grpc import GrpcMockServer

        self._models = [self._pact.finalise(b).replace(transport="grpc")
                        for b in self._builders]
        for b in self._builders:
            b.used = True
        self._mock = GrpcMockServer(self._pact.model_of(self._models), self._host, self._port,
                                    raise_on_exit=False, catalogue=self._pact.catalogue).start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        __tracebackhide__ = True
        self._mock.stop()
        problems = self._mock.problems()
        if exc is not None:
            if problems and isinstance(exc, Exception):
                exc.add_note("accord gRPC mock server:\n" + "\n".join(problems))
            return
        if problems:
            if self._raises:
                raise MismatchError("accord gRPC mock server:\n" + "\n".join(problems))
            return
        self._pact.record(self._models)
