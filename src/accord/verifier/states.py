"""Provider states: Python callables registered by state name, or the official state-change
URL protocol for providers written in other languages.

A handler may take any of ``state`` (or ``name``), ``action`` (``"setup"``/``"teardown"``),
``params`` (or ``parameters``) and the state's parameters by their own names. Whatever dict it
returns becomes the provider-state values that ``ProviderState`` generators inject into the
request (``/users/${id}``). Sync, ``async def``, and generator handlers are all accepted; a
generator's code after ``yield`` is its teardown, like a pytest fixture::

    @verifier.state("user exists")
    def user_exists(id: int = 123):
        db.add(User(id))
        yield {"id": id}          # injected values
        db.delete(id)             # teardown

The state-change URL protocol: ``POST url {"state", "params", "action"}``; a JSON object in the
reply becomes the injected values.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field
from typing import Any, TypeAlias, TypeVar

import httpx

from accord.errors import StateError
from accord.model import ProviderState
from accord.model.jsontypes import JsonMapping, JsonObject
from accord.model.valueclass import dataclass
from accord.verifier.deadline import KeepAlivePoster
from accord.verifier.transports import AsyncBridge, SendRaw

__all__ = ["StateChangeUrl", "StateError", "StateHandlers", "call_flexibly", "generator_values"]


_STATE_NAMES = ("state", "name", "state_name")  # each yields to a parameter of that name
_ACTION_NAMES = ("action",)
_PARAM_NAMES = ("params", "parameters")

_T = TypeVar("_T")

StateFunction: TypeAlias = Callable[..., object]
"""A state handler: called with the arguments it names (see the module docstring); it may
return the values to inject, be ``async def``, or be a generator whose rest is its teardown."""

StateMapping: TypeAlias = Mapping[str, StateFunction | Mapping[str, StateFunction]]
"""Handlers by state name: ``{state: fn | {"setup": fn, "teardown": fn}}``."""


def call_flexibly(fn: Callable[..., _T], available: Mapping[str, object],
                  fallback: object = None) -> _T:
    """Call ``fn`` passing the ``available`` values its signature asks for by name.

    A single required parameter with an unknown name gets ``fallback``."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn(fallback) if fallback is not None else fn()
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    var_kw = False
    unmatched_required = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind is p.VAR_POSITIONAL:
            continue
        elif p.name in available:
            if p.kind is p.POSITIONAL_ONLY:
                args.append(available[p.name])
            else:
                kwargs[p.name] = available[p.name]
        elif p.default is p.empty:
            unmatched_required.append(p)
    if var_kw:
        for key, value in available.items():
            if key.isidentifier() and key not in kwargs:
                kwargs[key] = value
    if len(unmatched_required) == 1 and fallback is not None:
        p = unmatched_required[0]
        if p.kind is p.POSITIONAL_ONLY:
            args.insert(0, fallback)
        else:
            kwargs[p.name] = fallback
    return fn(*args, **kwargs)


@dataclass
class _Handler:
    setup: Callable[..., Any] | None
    teardown: Callable[..., Any] | None = None
    both: bool = False  # one callable that receives action="setup"/"teardown"


@dataclass
class _Pending:
    """What must run at teardown for one state that was set up."""

    state: ProviderState
    run: Callable[[], Any]


@dataclass
class StateChangeUrl:
    """The official state-change protocol against ``url`` (a relative URL goes to the provider
    through its own transport, so in-process apps can serve it too)."""

    url: str
    teardown: bool = False
    body: bool = True
    headers: Mapping[str, str] = field(default_factory=dict)
    _poster: KeepAlivePoster = field(default_factory=KeepAlivePoster, init=False, repr=False,
                                     compare=False)

    def close(self) -> None:
        """Close the kept-alive connections to the URL (made again if called later)."""
        self._poster.close()

    def call(self, state: ProviderState, action: str, timeout: float,
             send: SendRaw | None) -> JsonObject:
        payload = {"state": state.name, "params": dict(state.params), "action": action}
        headers = dict(self.headers)
        if self.body:
            request_kw: dict[str, Any] = {"json": payload}
        else:
            query: dict[str, Any] = {"state": state.name, "action": action}
            query.update({k: v if isinstance(v, str) else _json(v)
                          for k, v in state.params.items()})
            request_kw = {"params": query}
        try:
            if self.url.startswith("/") and send is not None:
                request = httpx.Request("POST", "http://localhost" + self.url, headers=headers,
                                        **request_kw)
                status, content, _ = send(request)
            else:
                reply = self._poster.post(self.url, headers=headers, timeout=timeout,
                                          **request_kw)
                status, content = reply.status_code, reply.content
        except httpx.HTTPError as exc:
            raise StateError(f"the state-change URL {self.url} could not be called for "
                             f"{state.name!r} ({action}): {exc or type(exc).__name__}") from exc
        if status >= 400:
            raise StateError(f"the state-change URL {self.url} answered HTTP {status} for "
                             f"{state.name!r} ({action})")
        if not content.strip():
            return {}
        try:
            import json

            value = json.loads(content)
        except ValueError:
            return {}
        return dict(value) if isinstance(value, dict) else {}


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


class StateHandlers:
    """The registry of state handlers of one verifier."""

    def __init__(self) -> None:
        self._by_name: dict[str, _Handler] = {}
        self._generic: _Handler | None = None
        self.url: StateChangeUrl | None = None

    def add(self, name: str | None, setup: StateFunction | None, *,
            teardown: StateFunction | bool | None = None) -> None:
        """Register ``setup`` for state ``name`` (``None`` or ``""``: every state)."""
        handler = _Handler(setup=setup)
        if teardown is True:
            handler.both = True
        elif callable(teardown):
            handler.teardown = teardown
        if name:
            self._by_name[name] = handler
        else:
            self._generic = handler

    def add_mapping(self, handlers: StateMapping, *, teardown: bool = False) -> None:
        for name, value in handlers.items():
            if isinstance(value, Mapping):
                self.add(name, value.get("setup"), teardown=value.get("teardown"))
            else:
                self.add(name, value, teardown=teardown or None)

    def close(self) -> None:
        """Close the state-change URL's connections (at the end of a run)."""
        if self.url is not None:
            self.url.close()

    def __bool__(self) -> bool:
        return bool(self._by_name) or self._generic is not None or self.url is not None

    def setup(self, states: tuple[ProviderState, ...], *, bridge: AsyncBridge, timeout: float,
              send: SendRaw | None = None,
              notes: list[str] | None = None) -> tuple[JsonObject, list[_Pending]]:
        """Set every state up, in order. Returns the merged injected values and what to undo.

        If one state fails, the states already set up are torn down before raising."""
        values: dict[str, Any] = {}
        undo: list[_Pending] = []
        if not states and (self._generic is not None or self.url is not None):
            # as the official verifier does: a generic handler or the state-change URL is
            # still called, with an empty state, for an interaction without states
            states = (ProviderState(""),)
        for state in states:
            try:
                got, pending = self._setup_one(state, bridge, timeout, send, notes)
            except StateError:
                self.teardown(undo, bridge=bridge, timeout=timeout, send=send)
                raise
            values.update(got)
            if pending is not None:
                undo.append(pending)
        return values, undo

    def teardown(self, undo: list[_Pending], *, bridge: AsyncBridge, timeout: float,
                 send: SendRaw | None = None) -> list[str]:
        """Tear states down in reverse order; returns the errors (teardown never raises)."""
        errors = []
        for pending in reversed(undo):
            try:
                pending.run()
            except StateError as exc:
                errors.append(str(exc))
        return errors

    def _setup_one(self, state: ProviderState, bridge: AsyncBridge, timeout: float,
                   send: Callable[[httpx.Request], Any] | None,
                   notes: list[str] | None) -> tuple[dict[str, Any], _Pending | None]:
        handler = self._by_name.get(state.name) or self._generic
        if handler is None:
            if self.url is not None:
                url = self.url
                values = url.call(state, "setup", timeout, send)
                undo = None
                if url.teardown:
                    undo = _Pending(state, lambda: url.call(state, "teardown", timeout, send))
                return values, undo
            if notes is not None:
                notes.append(f"no handler for provider state {state.name!r}: it was ignored")
            return {}, None
        if handler.setup is None:
            return {}, self._teardown_for(handler, state, bridge)
        result = self._invoke(handler.setup, state, "setup", bridge)
        if inspect.isgenerator(result):
            gen = result
            value = self._guard(state, "setup", lambda: next(gen, None))
            return _values(value), _Pending(state, lambda: self._guard(
                state, "teardown", lambda: _finish(gen)))
        if inspect.isasyncgen(result):
            agen = result
            value = self._guard(state, "setup", lambda: bridge.run(_anext(agen)))
            return _values(value), _Pending(state, lambda: self._guard(
                state, "teardown", lambda: bridge.run(_afinish(agen))))
        return _values(result), self._teardown_for(handler, state, bridge)

    def _teardown_for(self, handler: _Handler, state: ProviderState,
                      bridge: AsyncBridge) -> _Pending | None:
        fn = handler.teardown or (handler.setup if handler.both else None)
        if fn is None:
            return None
        return _Pending(state, lambda: self._invoke(fn, state, "teardown", bridge))

    def _invoke(self, fn: Callable[..., Any], state: ProviderState, action: str,
                bridge: AsyncBridge) -> Any:
        available: dict[str, Any] = {n: state.name for n in _STATE_NAMES}
        available.update({n: action for n in _ACTION_NAMES})
        available.update({n: dict(state.params) for n in _PARAM_NAMES})
        available.update(state.params)  # the state's own parameters win over every alias

        def call() -> Any:
            result = call_flexibly(fn, available, fallback=dict(state.params))
            if inspect.isawaitable(result):
                result = bridge.run(result)
            return result

        return self._guard(state, action, call)

    @staticmethod
    def _guard(state: ProviderState, action: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except StateError:
            raise
        except Exception as exc:
            raise StateError(f"the state handler for {state.name!r} ({action}) raised "
                             f"{type(exc).__name__}: {exc}") from exc


def _values(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _finish(gen: Any) -> None:
    try:
        next(gen)
    except StopIteration:
        return
    gen.close()


async def _anext(agen: Any) -> Any:
    try:
        return await agen.__anext__()
    except StopAsyncIteration:
        return None


async def _afinish(agen: Any) -> None:
    try:
        await agen.__anext__()
    except StopAsyncIteration:
        return
    await agen.aclose()


def generator_values(states: Iterable[ProviderState],
                     injected: JsonMapping) -> JsonObject:
    """What ``ProviderState`` generators draw on: the parameters of every state, in order,
    then the values the state set-up returned on top (a state change that returns nothing
    leaves the pact's own parameters, so ``/api/hello/${name}`` still gets its name)."""
    values: dict[str, Any] = {}
    for state in states:
        values.update(state.params)
    values.update(injected)
    return values
