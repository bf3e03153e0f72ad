"""``MockServer``: a pact's HTTP interactions served on a real socket, off the caller's thread.

Every mock server of the process runs on one background daemon thread with a ``selectors``
loop (``accord.mock._reactor``, started on first use), serving ``MockApp`` over a small
httptools connection (``accord.mock._http``). Starting a server is then only binding a socket
and handing it to that loop -- a fraction of a millisecond, which matters when every consumer
test starts one. ``start()`` returns once the socket is listening (the port is bound first, so
``url`` is known at once); ``stop()`` closes idle keep-alive connections and lets in-flight
requests finish. Any number of servers may run at once, each with its own session and report;
the caller's own event loop (``async with``) is never used for serving.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from accord.errors import MismatchError
from accord.jsonlimits import DEFAULT_MAX_DEPTH
from accord.mock._http import ServerState
from accord.mock._reactor import STOP_GRACE, Listener, Reactor
from accord.mock.app import DEFAULT_MAX_BODY_BYTES, MockApp
from accord.mock.core import MockSession
from accord.mock.report import MockReport, RequestResult
from accord.model import Pact

if TYPE_CHECKING:
    from accord.generation import GeneratorContext
    from accord.model.catalogue import Catalogue

__all__ = ["MockServer"]

_KEEP_ALIVE_TIMEOUT = 60.0  # seconds an idle keep-alive connection is kept open


class MockServer:
    """Serve ``pact``'s synchronous HTTP interactions on ``host``:``port`` (0: a free port).

    ``tls=True`` serves HTTPS with a self-signed certificate (``certificate`` is its PEM
    path, ``client_ssl_context()`` trusts it); ``cors=True`` answers browser pre-flights.
    ``generator_context`` fixes the clock and random source for response generators
    (default: the real clock and a fresh random source per request); its mock server URL
    is set to this server's. Exiting the ``with`` block stops the server; it raises
    ``MismatchError`` only with ``raise_on_exit=True`` (otherwise call ``assert_ok()``).
    A request body over ``max_body_bytes`` (413) or JSON nested deeper than ``max_json_depth``
    (400) is refused without matching and recorded as a failure. ``catalogue`` holds the body
    matchers, generators and plugins (default: ``accord.catalogue.process_default()``); the
    plugins the pact's ``metadata.plugins`` names are added to it.
    """

    def __init__(self, pact: Pact, *, host: str = "127.0.0.1", port: int = 0,
                 tls: bool = False, cors: bool = False,
                 generator_context: GeneratorContext | None = None,
                 raise_on_exit: bool = False,
                 session: MockSession | None = None,
                 admin: bool = False,
                 on_result: Callable[[RequestResult], None] | None = None,
                 max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
                 max_json_depth: int = DEFAULT_MAX_DEPTH,
                 catalogue: Catalogue | None = None):
        if pact.metadata.get("plugins"):  # content-type plugins the pact names must be there
            from accord.plugins import with_pact_plugins

            self.catalogue = with_pact_plugins(pact, catalogue)
        else:
            from accord.catalogue import process_default

            self.catalogue = catalogue if catalogue is not None else process_default()
        self.pact = pact
        self.host = host
        self.tls = tls
        self.cors = cors
        self.raise_on_exit = raise_on_exit
        self.session = session if session is not None else MockSession(
            pact.interactions, pact.spec_version, catalogue=self.catalogue)
        if self.session.catalogue is None:  # a session given without one uses the server's
            self.session.catalogue = self.catalogue
        self._requested_port = port
        self._fixed_context = generator_context
        self._admin = admin
        self._on_result = on_result
        self._limits = {"max_body_bytes": max_body_bytes, "max_json_depth": max_json_depth}
        self._port: int | None = None
        self._listener: Listener | None = None  # serving on the background loop
        self.certificate: Path | None = None

    # ------------------------------------------------------------------ addresses

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the mock server is not started; use 'with MockServer(...)' "
                               "or call start()")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:54321`` (``https`` with TLS); no trailing slash."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._listener is not None

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this server's self-signed certificate."""
        if self.certificate is None:
            raise RuntimeError("this mock server does not use TLS")
        return ssl.create_default_context(cafile=str(self.certificate))

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MockServer:
        """Bind and listen, hand the socket to the background loop, and return.

        The socket listens before this returns, so a client may connect at once (the kernel
        queues the connection until the loop accepts it, microseconds later); no round trip
        to the loop thread is waited for.
        """
        if self._listener is not None:
            raise RuntimeError("this mock server is already started")
        sock = _listen(self.host, self._requested_port)
        self._port = sock.getsockname()[1]
        try:
            app = MockApp(self.session, context=self._context_arg(), cors=self.cors,
                          admin=self._admin, on_result=self._on_result, **self._limits)
            state = ServerState(app, self._ssl_context(), _KEEP_ALIVE_TIMEOUT)
            self._listener = Reactor.get().serve(sock, state)
        except BaseException:
            sock.close()
            raise
        return self

    def stop(self) -> None:
        """Stop serving (idempotent). In-flight requests finish first."""
        listener, self._listener = self._listener, None
        if listener is not None:
            stopped = threading.Event()
            listener.reactor.stop(listener, stopped.set)
            if not stopped.wait(STOP_GRACE + 10):
                raise RuntimeError("the mock server did not stop: its thread is not running")

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        if self.raise_on_exit and exc_type is None:
            self.assert_ok()

    async def __aenter__(self) -> MockServer:
        return self.start()  # does not block: binding a socket and handing it over

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            import asyncio  # the caller's loop is running: asyncio is loaded already

            loop = asyncio.get_running_loop()
            stopped = loop.create_future()

            def resolve() -> None:
                if not stopped.done():
                    stopped.set_result(None)

            listener.reactor.stop(listener, lambda: _call_soon(loop, resolve))
            await stopped
        if self.raise_on_exit and exc_type is None:
            self.assert_ok()

    # ------------------------------------------------------------------ results

    @property
    def report(self) -> MockReport:
        """What the server has seen so far (a snapshot)."""
        return self.session.report()

    def assert_ok(self) -> None:
        """Raise ``MismatchError`` with the rendered report unless every request matched
        and every interaction was requested."""
        report = self.report
        if not report.ok:
            raise MismatchError(report.render())

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "not started"
        return f"<MockServer {self.pact.consumer}->{self.pact.provider} {where}>"

    # ------------------------------------------------------------------ internals

    def _context_arg(self) -> Any:
        fixed = self._fixed_context
        url = self.url
        if fixed is not None:
            if getattr(fixed, "mock_server_url", None) is None and dataclasses.is_dataclass(fixed):
                fixed = dataclasses.replace(fixed, mock_server_url=url)
            return fixed
        catalogue = self.session.catalogue or self.catalogue


        def fresh() -> GeneratorContext:
            from accord.generation import GeneratorContext

            return GeneratorContext.default("consumer", mock_server_url=url, catalogue=catalogue)

        return fresh

    def _ssl_context(self) -> ssl.SSLContext | None:
        if not self.tls:
            return None
        from accord.mock.tls import self_signed_certificate

        cert, key = self_signed_certificate()
        self.certificate = cert
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(cert), str(key))
        return context


def _call_soon(loop: Any, callback: Callable[[], None]) -> None:
    """Run ``callback`` on the caller's event loop (gone already: nobody is waiting)."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(1024)
        sock.setblocking(False)
    except OSError as exc:
        sock.close()
        raise OSError(exc.errno, f"the mock server cannot listen on {host}:{port}: "
                      f"{exc.strerror}") from exc
    return sock
