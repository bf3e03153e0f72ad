"""How requests reach the provider: over HTTP at a base URL, or in process.

In process, an ASGI app (FastAPI, Starlette) or a WSGI app (Flask, Django) is called directly
through httpx's ASGI/WSGI transports: no server, no port. ``AsyncBridge`` is the one event
loop of a verification run, shared by ASGI apps and ``async def`` state handlers and message
producers (so they can use the same async resources)::

    with AsyncBridge() as bridge:
        t = transport_for(app=my_fastapi_app, bridge=bridge)
        response = t.send(wire_request(req, "http://localhost"), timeout=5.0)
"""

from __future__ import annotations

import concurrent.futures
import inspect
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, TypeVar
from urllib.parse import unquote, urlsplit

import httpx

from accord.errors import ProviderError, VerificationSetupError
from accord.model import Body, HttpRequest, HttpResponse
from accord.model.target import request_target
from accord.verifier.deadline import deadline_client, send_within

if TYPE_CHECKING:
    import asyncio  # imported where a loop is needed: a run over HTTP needs none

__all__ = [
    "AsgiTransport",
    "AsyncBridge",
    "HttpTransport",
    "ProviderError",
    "Transport",
    "WsgiTransport",
    "response_from_wire",
    "transport_for",
    "wire_request",
]

T = TypeVar("T")

SendRaw: TypeAlias = Callable[[httpx.Request], tuple[int, bytes, dict[str, str]]]
"""Sends a request through the provider's transport: (status, body, headers)."""


_UNREACHABLE = (httpx.TimeoutException, httpx.ConnectError, TimeoutError,
                concurrent.futures.TimeoutError)


class AsyncBridge:
    """Runs coroutines to completion from synchronous code, on one loop per run.

    When the caller is itself inside a running event loop (an async test), the loop runs in
    a background thread instead, so ``verify()`` still works there."""

    def __init__(self) -> None:
        self._runner: asyncio.Runner | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _start(self) -> None:
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            self._runner = asyncio.Runner()
            self._loop = self._runner.get_loop()
            return
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="accord-verifier-loop",
                                        daemon=True)
        self._thread.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            self._start()
        assert self._loop is not None
        return self._loop

    def run(self, awaitable: Awaitable[T], timeout: float | None = None) -> T:
        import asyncio

        loop = self.loop

        async def _wrapped() -> T:
            if timeout is None:
                return await awaitable
            return await asyncio.wait_for(awaitable, timeout)

        if self._runner is not None:  # (run_until_complete: Runner.run's SIGINT juggling
            return loop.run_until_complete(_wrapped())  # costs more than a request)
        return asyncio.run_coroutine_threadsafe(_wrapped(), loop).result()

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
            self._runner = None
        elif self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop.close()
        self._loop = None
        self._thread = None

    def __enter__(self) -> AsyncBridge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Transport(Protocol):
    """Sends one request to the provider and returns its answer."""

    base_url: str

    def send(self, request: httpx.Request, *, timeout: float) -> HttpResponse: ...

    def close(self) -> None: ...


def wire_request(request: HttpRequest, base_url: str,
                 extra_headers: Iterable[tuple[str, str]] = ()) -> httpx.Request:
    """The httpx request for an (already generated) pact request against ``base_url``.

    Custom headers replace headers of the same name from the pact."""
    url = base_url.rstrip("/") + request_target(request, encoded=True)
    extra = list(extra_headers)
    override = {name.lower() for name, _ in extra}
    headers: list[tuple[str, str]] = []
    for name, values in request.headers.items():
        if name.lower() in override:
            continue
        headers.extend((name, v) for v in values)
    headers.extend(extra)
    content = b""
    body = request.body
    if body.is_present:
        content = body.content
        if body.content_type and request.header("Content-Type") is None and (
                "content-type" not in override):
            headers.append(("Content-Type", body.content_type))
    return httpx.Request(request.method.upper(), url, headers=headers, content=content)


def response_from_wire(response: httpx.Response) -> HttpResponse:
    """The provider's answer as the model's ``HttpResponse``."""
    headers: dict[str, list[str]] = {}
    for name, value in response.headers.multi_items():
        headers.setdefault(name, []).append(value)
    content = response.content
    ctype = response.headers.get("content-type")
    body = Body.of_bytes(content, ctype) if content else Body.missing()
    return HttpResponse(status=response.status_code,
                        headers={k: tuple(v) for k, v in headers.items()}, body=body)


def _describe(exc: BaseException, base_url: str, timeout: float) -> str:
    if isinstance(exc, (httpx.TimeoutException, TimeoutError,  # asyncio's is this one too
                        concurrent.futures.TimeoutError)):
        return (f"the provider at {base_url} did not answer within {timeout:g} s (the limit "
                "covers the whole exchange: connecting, sending, reading all of the answer)")
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect to the provider at {base_url}: {exc}"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.DecodingError)):
        return f"the provider at {base_url} did not answer valid HTTP: {exc or type(exc).__name__}"
    if isinstance(exc, httpx.HTTPError):
        return f"the request to the provider at {base_url} failed: {exc or type(exc).__name__}"
    return f"the provider app raised {type(exc).__name__}: {exc}"


class HttpTransport:
    """A provider running somewhere, reached over HTTP(S) with keep-alive; each exchange is
    bounded as a whole by its timeout (``accord.verifier.deadline``)."""

    def __init__(self, base_url: str, *, verify_tls: bool = True,
                 follow_redirects: bool = True) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise VerificationSetupError(
                f"the provider URL {base_url!r} is not an http:// or https:// URL")
        self.base_url = base_url.rstrip("/")
        self._client = deadline_client(verify_tls=verify_tls, follow_redirects=follow_redirects)

    def send(self, request: httpx.Request, *, timeout: float) -> HttpResponse:
        try:
            reply = send_within(self._client, request, timeout)
        except httpx.HTTPError as exc:
            raise ProviderError(_describe(exc, self.base_url, timeout),
                                unreachable=isinstance(exc, _UNREACHABLE)) from exc
        return response_from_wire(reply)

    def close(self) -> None:
        self._client.close()


class _AsgiDriver(httpx.AsyncBaseTransport):
    """Calls an ASGI app for httpx (like ``httpx.ASGITransport``, which re-imports sniffio on
    every request when it is not installed) and hands the app its lifespan state."""

    def __init__(self, app: Any, state: dict[str, Any]) -> None:
        self._app = app
        self._state = state

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        import asyncio

        url = request.url
        body = await request.aread()
        scope = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1", "method": request.method, "scheme": url.scheme,
            "path": unquote(url.path), "raw_path": url.raw_path.split(b"?", 1)[0],
            "query_string": url.query, "root_path": "",
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "server": (url.host, url.port or (443 if url.scheme == "https" else 80)),
            "client": ("127.0.0.1", 50000), "state": dict(self._state),
        }
        sent_request = False
        done = asyncio.Event()
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal sent_request
            if not sent_request:
                sent_request = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers") or [])
            elif message["type"] == "http.response.body" and not done.is_set():
                chunks.append(bytes(message.get("body", b"")))
                if not message.get("more_body", False):
                    done.set()

        try:
            await self._app(scope, receive, send)
        except Exception:
            if status is None or not done.is_set():
                raise
        if status is None:
            raise httpx.RemoteProtocolError("the ASGI app returned without sending a response")
        done.set()
        return httpx.Response(status, headers=headers, content=b"".join(chunks),
                              request=request)


class AsgiTransport:
    """An ASGI app called in process (its lifespan start-up runs first, if it has one)."""

    base_url = "http://localhost"

    def __init__(self, app: Any, bridge: AsyncBridge, *, follow_redirects: bool = True) -> None:
        self._app = app
        self._bridge = bridge
        self._client: httpx.AsyncClient | None = None
        self._follow = follow_redirects
        self._lifespan: _Lifespan | None = None

    def _ensure(self) -> httpx.AsyncClient:
        if self._client is None:
            self._lifespan = _Lifespan(self._app)
            self._bridge.run(self._lifespan.startup(), timeout=30)

            state = self._lifespan.state

            async def make() -> httpx.AsyncClient:
                return httpx.AsyncClient(transport=_AsgiDriver(self._app, state),
                                         follow_redirects=self._follow)

            self._client = self._bridge.run(make())
        return self._client

    def send(self, request: httpx.Request, *, timeout: float) -> HttpResponse:
        client = self._ensure()

        async def call() -> httpx.Response:
            reply = await client.send(request)
            await reply.aread()
            return reply

        try:
            reply = self._bridge.run(call(), timeout=timeout)
        except Exception as exc:
            raise ProviderError(_describe(exc, "the in-process ASGI app", timeout),
                                unreachable=isinstance(exc, _UNREACHABLE)) from exc
        return response_from_wire(reply)

    def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            try:
                self._bridge.run(client.aclose())
                if self._lifespan is not None:
                    self._bridge.run(self._lifespan.shutdown(), timeout=30)
            except Exception:
                pass


class _Lifespan:
    """Just enough of the ASGI lifespan protocol to start and stop an app."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._inbox: asyncio.Queue[dict[str, Any]] | None = None
        self._events: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._task: asyncio.Task[None] | None = None
        self._supported = True
        self.state: dict[str, Any] = {}  # what the app's lifespan stored for its requests

    async def startup(self) -> None:
        import asyncio

        self._inbox = asyncio.Queue()
        loop = asyncio.get_running_loop()
        self._events = {"startup": loop.create_future(), "shutdown": loop.create_future()}
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"},
                 "state": self.state}

        async def receive() -> dict[str, Any]:
            assert self._inbox is not None
            return await self._inbox.get()

        async def send(message: dict[str, Any]) -> None:
            kind = message["type"]
            for step in ("startup", "shutdown"):
                fut = self._events[step]
                if kind.startswith(f"lifespan.{step}.") and not fut.done():
                    fut.set_result(message)

        async def run() -> None:
            try:
                await self._app(scope, receive, send)
            except BaseException:  # an app without lifespan support raises here
                self._supported = False
            for fut in self._events.values():
                if not fut.done():
                    fut.set_result({"type": "unsupported"})

        self._task = asyncio.ensure_future(run())
        await self._inbox.put({"type": "lifespan.startup"})
        reply = await self._events["startup"]
        if reply["type"] == "lifespan.startup.failed":
            raise VerificationSetupError(
                f"the ASGI app failed to start: {reply.get('message') or 'no reason given'}")

    async def shutdown(self) -> None:
        if self._inbox is None or not self._supported or self._task is None:
            return
        await self._inbox.put({"type": "lifespan.shutdown"})
        await self._events["shutdown"]
        await self._task


class WsgiTransport:
    """A WSGI app called in process (in a worker thread, so a timeout can be enforced)."""

    base_url = "http://localhost"

    def __init__(self, app: Any, *, follow_redirects: bool = True) -> None:
        self._client = httpx.Client(transport=httpx.WSGITransport(app=app),
                                    follow_redirects=follow_redirects)
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    def send(self, request: httpx.Request, *, timeout: float) -> HttpResponse:
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(1, "accord-wsgi")
        future = self._pool.submit(self._client.send, request)
        try:
            reply = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError as exc:
            self._pool.shutdown(wait=False)  # the app is stuck: leave it, use a fresh worker
            self._pool = None
            raise ProviderError(_describe(exc, "the in-process WSGI app", timeout),
                                unreachable=True) from exc
        except Exception as exc:
            raise ProviderError(_describe(exc, "the in-process WSGI app", timeout)) from exc
        return response_from_wire(reply)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        self._client.close()


def is_asgi(app: object) -> bool:
    """True for an ASGI app (``async def app(scope, receive, send)`` or a class with one)."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)  # noqa: B004
    return bool(call is not None and inspect.iscoroutinefunction(call))


def transport_for(*, url: str | None = None, app: object = None, bridge: AsyncBridge,
                  asgi: bool | None = None, verify_tls: bool = True,
                  follow_redirects: bool = True) -> Transport:
    """The transport for a base URL or an in-process app (ASGI detected, else WSGI)."""
    if (url is None) == (app is None):
        raise VerificationSetupError("a transport needs either url= or app=, not both")
    if url is not None:
        return HttpTransport(url, verify_tls=verify_tls, follow_redirects=follow_redirects)
    if asgi if asgi is not None else is_asgi(app):
        return AsgiTransport(app, bridge, follow_redirects=follow_redirects)
    if not callable(app):
        raise VerificationSetupError(f"{app!r} is neither an ASGI nor a WSGI app")
    return WsgiTransport(app, follow_redirects=follow_redirects)

