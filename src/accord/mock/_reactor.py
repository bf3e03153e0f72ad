"""The one background thread every mock server of a process is served on: a ``selectors`` loop.

Not asyncio: the mock server answers each request whole from the parser's callback, so it
needs readiness events, timers and a way in from other threads -- nothing else -- and
importing asyncio was most of what a consumer test's cold start paid over pact-python's
(its Rust server needs no Python event loop). Starting a server hands a listening socket to
the loop (no round trip is waited for); stopping one waits until its connections have
answered the requests in hand (at most ``STOP_GRACE`` seconds).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from accord.mock._http import Connection, ServerState

__all__ = ["STOP_GRACE", "Listener", "Reactor", "TimerHandle"]

STOP_GRACE = 5.0  # seconds in-flight requests get to finish when a server stops
_ACCEPT_BACKOFF = 0.1  # seconds a listener rests after accept() fails (out of descriptors)
_log = logging.getLogger("accord.mock")


class TimerHandle:
    """A callback due at ``when`` (the loop's monotonic clock); ``cancel()`` drops it."""

    __slots__ = ("callback", "cancelled", "order", "when")

    def __init__(self, when: float, order: int, callback: Callable[[], None]) -> None:
        self.when = when
        self.order = order
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: TimerHandle) -> bool:
        return (self.when, self.order) < (other.when, other.order)


class Listener:
    """A server's listening socket on the loop: accepts connections for its ``ServerState``."""

    def __init__(self, reactor: Reactor, sock: socket.socket, state: ServerState) -> None:
        self.reactor = reactor
        self.sock = sock
        self.state = state
        self.closed = False

    def on_readable(self) -> None:
        state = self.state
        for _ in range(64):  # a burst of connections, without starving the others
            try:
                client, _ = self.sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors, most likely: rest a moment
                _log.error("accord mock server: cannot accept a connection: %s", exc)
                self.reactor.unwatch(self)
                self.reactor.call_later(_ACCEPT_BACKOFF, self._resume)
                return
            try:
                client.setblocking(False)
                client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass  # not TCP, or already closed by the client: nothing to tune
            if state.ssl_context is not None:
                client = state.ssl_context.wrap_socket(client, server_side=True,
                                                       do_handshake_on_connect=False)
            connection = Connection(self.reactor, state, client)
            state.connections.add(connection)
            self.reactor.watch(connection, read=True, write=False)

    def _resume(self) -> None:
        if not self.closed:
            self.reactor.watch(self, read=True, write=False)

    def abort(self) -> None:
        if not self.closed:
            self.closed = True
            self.reactor.unwatch(self)
            self.sock.close()


class Reactor:
    """The daemon thread and selector loop the mock servers run on (made on first use).

    ``serve`` and ``stop`` may be called from any thread; everything else runs on the loop's
    own thread (the connections call ``watch``, ``unwatch`` and ``call_later``).
    """

    _lock = threading.Lock()
    _instance: Reactor | None = None

    def __init__(self) -> None:
        self.selector = selectors.DefaultSelector()
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_in.setblocking(False)
        self._wake_out.setblocking(False)
        self.selector.register(self._wake_in, selectors.EVENT_READ, None)
        self._calls: deque[tuple[Callable[..., None], tuple[Any, ...]]] = deque()
        self._timers: list[TimerHandle] = []
        self._order = itertools.count()
        self.thread = threading.Thread(target=self._run, name="accord-mock-server", daemon=True)
        self.thread.start()

    @classmethod
    def get(cls) -> Reactor:
        reactor = cls._instance
        if reactor is None or not reactor.thread.is_alive():
            with cls._lock:
                reactor = cls._instance
                if reactor is None or not reactor.thread.is_alive():
                    reactor = cls._instance = Reactor()
        return reactor

    @classmethod
    def _forget(cls) -> None:  # in a forked child the thread is gone: start afresh
        cls._instance = None
        cls._lock = threading.Lock()

    # ------------------------------------------------------------------ from any thread

    def serve(self, sock: socket.socket, state: ServerState) -> Listener:
        """Start accepting on the listening, non-blocking ``sock`` (returns at once)."""
        listener = Listener(self, sock, state)
        self.call_soon_threadsafe(self.watch, listener, True, False)
        return listener

    def stop(self, listener: Listener, done: Callable[[], None]) -> None:
        """Stop ``listener``'s server: no new connections; each open one closes once the
        request in hand is answered; ``done()`` is called on the loop when all are closed
        (those still busy after ``STOP_GRACE`` seconds are cut)."""
        self.call_soon_threadsafe(self._stop, listener, done)

    def call_soon_threadsafe(self, callback: Callable[..., None], *args: Any) -> None:
        self._calls.append((callback, args))
        with contextlib.suppress(BlockingIOError, InterruptedError):  # wake-ups are waiting
            self._wake_out.send(b"\0")

    # ------------------------------------------------------------------ on the loop's thread

    def watch(self, target: Connection | Listener, read: bool, write: bool) -> None:
        events = (selectors.EVENT_READ if read else 0) | (selectors.EVENT_WRITE if write else 0)
        if not events:
            self.unwatch(target)
            return
        try:
            self.selector.modify(target.sock, events, target)
        except KeyError:
            self.selector.register(target.sock, events, target)

    def unwatch(self, target: Connection | Listener) -> None:
        with contextlib.suppress(KeyError, ValueError):  # not watched, or closed already
            self.selector.unregister(target.sock)

    def call_later(self, delay: float, callback: Callable[[], None]) -> TimerHandle:
        timer = TimerHandle(time.monotonic() + delay, next(self._order), callback)
        heapq.heappush(self._timers, timer)
        return timer

    def _stop(self, listener: Listener, done: Callable[[], None]) -> None:
        listener.abort()
        state = listener.state
        state.stopping = True
        for connection in list(state.connections):
            connection.close_when_done()
        if not state.connections:
            done()
            return
        state.on_drained = done

        def cut() -> None:
            for connection in list(state.connections):
                connection.abort()

        self.call_later(STOP_GRACE, cut)

    def _run(self) -> None:
        select = self.selector.select
        calls = self._calls
        timers = self._timers
        while True:
            if calls:
                timeout: float | None = 0
            elif timers:
                timeout = max(0.0, timers[0].when - time.monotonic())
            else:
                timeout = None
            for key, mask in select(timeout):
                target = key.data
                if target is None:
                    self._drain_wake_ups()
                    continue
                try:
                    if mask & selectors.EVENT_READ and not target.closed:
                        target.on_readable()
                    if mask & selectors.EVENT_WRITE and not target.closed:
                        target.on_writable()
                except Exception:
                    _log.exception("accord mock server: a connection failed")
                    target.abort()
            if timers:
                now = time.monotonic()
                while timers and timers[0].when <= now:
                    timer = heapq.heappop(timers)
                    if not timer.cancelled:
                        self._call(timer.callback, ())
            for _ in range(len(calls)):
                callback, args = calls.popleft()
                self._call(callback, args)

    @staticmethod
    def _call(callback: Callable[..., None], args: tuple[Any, ...]) -> None:
        try:
            callback(*args)
        except Exception:
            _log.exception("accord mock server: a scheduled call failed")

    def _drain_wake_ups(self) -> None:
        try:
            while self._wake_in.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=Reactor._forget)
