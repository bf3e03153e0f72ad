"""``MockServer``: a pact's HTTP interactions served on a real socket, in a background thread.

Each server owns a thread with its own asyncio event loop running uvicorn's httptools
protocol around ``MockApp``. ``start()`` returns once the socket is listening (the port is
bound before the thread starts, so ``url`` is known at once); ``stop()`` closes idle
keep-alive connections, lets in-flight requests finish and joins the thread, in
milliseconds rather than uvicorn's polling ticks. Any number of servers may run at once.
"""

from __future__ import annotations

import asyncio
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
from accord.mock.app import MockApp
from accord.mock.core import MockSession
from accord.mock.report import MockReport, RequestResult
from accord.model import Pact

if TYPE_CHECKING:
    from accord.generation import GeneratorContext

__all__ = ["MockServer"]

_STOP_GRACE = 5.0  # seconds in-flight requests get to finish when the server stops


class MockServer:
    """Serve ``pact``'s synchronous HTTP interactions on ``host``:``port`` (0: a free port).

    ``tls=True`` serves HTTPS with a self-signed certificate (``certificate`` is its PEM
    path, ``client_ssl_context()`` trusts it); ``cors=True`` answers browser pre-flights.
    ``generator_context`` fixes the clock and random source for response generators
    (default: the real clock and a fresh random source per request); its mock server URL
    is set to this server's. Exiting the ``with`` block stops the server; it raises
    ``MismatchError`` only with ``raise_on_exit=True`` (otherwise call ``assert_ok()``).
    """

    def __init__(self, pact: Pact, *, host: str = "127.0.0.1", port: int = 0,
                 tls: bool = False, cors: bool = False,
                 generator_context: GeneratorContext | None = None,
                 raise_on_exit: bool = False,
                 session: MockSession | None = None,
                 admin: bool = False,
                 on_result: Callable[[RequestResult], None] | None = None):
        self.pact = pact
        self.host = host
        self.tls = tls
        self.cors = cors
        self.raise_on_exit = raise_on_exit
        self.session = session if session is not None else MockSession(
            pact.interactions, pact.spec_version)
        self._requested_port = port
        self._fixed_context = generator_context
        self._admin = admin
        self._on_result = on_result
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._error: BaseException | None = None
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
        return self._thread is not None and self._thread.is_alive()

    def client_ssl_context(self) -> ssl.SSLContext:
        """An SSL context that trusts this server's self-signed certificate."""
        if self.certificate is None:
            raise RuntimeError("this mock server does not use TLS")
        return ssl.create_default_context(cafile=str(self.certificate))

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> MockServer:
        """Bind, start serving in a background thread, and return once listening."""
        if self._thread is not None:
            raise RuntimeError("this mock server is already started")
        sock = _listen(self.host, self._requested_port)
        self._port = sock.getsockname()[1]
        app = MockApp(self.session, context=self._context_arg(), cors=self.cors,
                      admin=self._admin, on_result=self._on_result)
        config = self._config(app)
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(config, sock, ready),
                                        name=f"accord-mock-{self._port}", daemon=True)
        self._thread.start()
        ready.wait()
        if self._error is not None:
            self._thread.join()
            self._thread = None
            raise RuntimeError(f"the mock server could not start: {self._error}") from self._error
        return self

    def stop(self) -> None:
        """Stop serving (idempotent). In-flight requests finish first."""
        thread, loop, stopping = self._thread, self._loop, self._stopping
        if thread is None:
            return
        if loop is not None and stopping is not None and thread.is_alive():
            with contextlib.suppress(RuntimeError):  # the loop closed already
                loop.call_soon_threadsafe(stopping.set)
        thread.join()
        self._thread = None

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
        if self.raise_on_exit and exc_type is None:
            self.assert_ok()

    async def __aenter__(self) -> MockServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await asyncio.to_thread(self.stop)
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

        def fresh() -> GeneratorContext:
            from accord.generation import GeneratorContext

            return GeneratorContext.default("consumer", mock_server_url=url)

        return fresh

    def _config(self, app: MockApp) -> Any:
        import uvicorn

        from accord.mock._http import OneWriteHttpToolsProtocol

        kwargs: dict[str, Any] = {}
        if self.tls:
            from accord.mock.tls import self_signed_certificate

            cert, key = self_signed_certificate()
            self.certificate = cert
            kwargs.update(ssl_certfile=str(cert), ssl_keyfile=str(key))
        config = uvicorn.Config(
            app, host=self.host, port=self.port, http=OneWriteHttpToolsProtocol,
            ws="none", lifespan="off", interface="asgi3", log_config=None, log_level=None,
            access_log=False, server_header=False, date_header=False, proxy_headers=False,
            timeout_keep_alive=60, **kwargs)
        config.load()
        return config

    def _run(self, config: Any, sock: socket.socket, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve(config, sock, ready))
        except BaseException as exc:  # reported to start(); the thread must not die silently
            self._error = exc
        finally:
            ready.set()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                sock.close()

    async def _serve(self, config: Any, sock: socket.socket, ready: threading.Event) -> None:
        from uvicorn.server import ServerState

        loop = asyncio.get_running_loop()
        state = ServerState()
        state.default_headers = list(config.encoded_headers)
        self._stopping = asyncio.Event()

        def protocol() -> asyncio.Protocol:
            return config.http_protocol_class(config=config, server_state=state,  # type: ignore[no-any-return]
                                              app_state={}, _loop=loop)

        server = await loop.create_server(protocol, sock=sock, ssl=config.ssl, backlog=1024)
        ready.set()
        await self._stopping.wait()
        server.close()
        for connection in list(state.connections):
            connection.shutdown()
        deadline = loop.time() + _STOP_GRACE
        while (state.connections or state.tasks) and loop.time() < deadline:
            await asyncio.sleep(0.001)
        for task in list(state.tasks):
            task.cancel()
        for connection in list(state.connections):
            connection.transport.abort()
        await server.wait_closed()


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
