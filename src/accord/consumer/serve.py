"""``pact.serve()``: the consumer DSL's glue to ``accord.mock.MockServer``.

A ``PactServer`` serves the interactions declared since the last ``serve()`` of the pact on
127.0.0.1 (a free port by default). On leaving the block it checks the mock server's report:
anything unexpected, mismatched or never requested raises ``MismatchError`` with the
report; otherwise the interactions are recorded on the pact (and its file written).
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import TYPE_CHECKING, Any

from accord.errors import ContractDefinitionError, MismatchError
from accord.url import URL

if TYPE_CHECKING:
    import ssl
    from pathlib import Path

    from accord.consumer.interactions import HttpInteraction
    from accord.consumer.mismatches import Mismatch
    from accord.consumer.pact import Pact
    from accord.generation import GeneratorContext
    from accord.mock import MockServer
    from accord.mock.report import MockReport
    from accord.model import Interaction

__all__ = ["PactServer"]


class PactServer:
    """A running mock server for some of a pact's interactions (a context manager)."""

    def __init__(self, pact: Pact, builders: list[HttpInteraction], *, host: str, port: int,
                 tls: bool, cors: bool, raises: bool,
                 generator_context: GeneratorContext | None,
                 verbose: bool = False) -> None:
        self._pact = pact
        self._builders = builders
        self._options: dict[str, Any] = {"host": host, "port": port, "tls": tls, "cors": cors,
                         "generator_context": generator_context}
        self._raises = raises
        self._verbose = verbose
        self._mock: MockServer | None = None
        self._models: list[Interaction] = []

    # ------------------------------------------------------------------ addresses

    @property
    def mock(self) -> MockServer:
        if self._mock is None:
            raise RuntimeError("the mock server is not running; use 'with pact.serve() as server'")
        return self._mock

    @property
    def url(self) -> URL:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (no trailing slash): a ``str`` with
        ``scheme``, ``host``, ``port`` and ``path``, like pact-python's."""
        return URL(self.mock.url)

    @property
    def transport(self) -> str:
        return "https" if self._options["tls"] else "http"

    @property
    def logs(self) -> str | None:
        """pact-python's server logs: accord's mock server keeps none (see ``report``)."""
        return None

    @property
    def host(self) -> str:
        return self.mock.host

    @property
    def port(self) -> int:
        return self.mock.port

    def __truediv__(self, path: str) -> URL:
        """``server / "users/1"`` → ``http://127.0.0.1:54321/users/1``."""
        return self.url / str(path)

    def client_ssl_context(self) -> ssl.SSLContext:
        """An ``ssl.SSLContext`` trusting the self-signed certificate (``tls=True``)."""
        return self.mock.client_ssl_context()

    @property
    def certificate(self) -> Path | None:
        return self.mock.certificate

    @property
    def report(self) -> MockReport:
        """What the server has seen so far."""
        return self.mock.report

    @property
    def matched(self) -> bool:
        """Every request matched and every interaction was requested (so far)."""
        return bool(self.report.ok)

    @property
    def mismatches(self) -> list[Mismatch]:
        """What went wrong so far, as pact-python's ``srv.mismatches``: typed mismatches
        (``MissingRequest``, ``RequestMismatch`` ...) that are the official mismatch JSON
        dicts too."""
        from accord.consumer.mismatches import typed_mismatches  # a failing test's, only

        return typed_mismatches(self.report.to_json()["mismatches"])

    # ------------------------------------------------------------------ lifecycle

    def _start(self) -> PactServer:
        from accord.mock import MockServer

        models = [self._pact.finalise(b) for b in self._builders]
        seen: dict[Any, Interaction] = {}
        for model in models:
            other = seen.get(model.unique_key)
            if other is not None and other != model:
                raise ContractDefinitionError(
                    f"interaction {model.description!r}: declared twice with the same provider "
                    "states but different content; give each a unique description")
            seen[model.unique_key] = model
        self._models = list(seen.values())
        for b in self._builders:
            b.used = True
        self._mock = MockServer(self._pact.model_of(self._models), **self._options,
                                catalogue=self._pact.catalogue)
        self._mock.start()
        return self

    def _finish(self, exc: BaseException | None) -> None:
        __tracebackhide__ = True
        report = self.mock.report
        if exc is not None:
            if not report.ok and isinstance(exc, Exception):
                exc.add_note("accord mock server report:\n" + report.render())
            return
        if not report.ok:
            if self._verbose:
                logging.getLogger("accord.consumer").error("Mismatches:\n%s", report.render())
            if self._raises:
                from accord.consumer.mismatches import typed_mismatches

                raise MismatchError(report.render(),
                                    typed_mismatches(report.to_json()["mismatches"]))
            return
        self._pact.record(self._models)

    def __enter__(self) -> PactServer:
        return self._start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        __tracebackhide__ = True
        self.mock.stop()
        self._finish(exc)

    async def __aenter__(self) -> PactServer:
        import asyncio  # the caller's loop is running: loaded already

        return await asyncio.to_thread(self._start)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        __tracebackhide__ = True
        import asyncio

        await asyncio.to_thread(self.mock.stop)
        self._finish(exc)

    def __repr__(self) -> str:
        where = self._mock.url if self._mock is not None and self._mock.running else "stopped"
        return f"<PactServer {self._pact.consumer}->{self._pact.provider} {where}>"
