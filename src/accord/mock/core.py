"""The mock server's brain, without I/O: which interaction a request is, and what to answer.

``MockSession`` holds the HTTP interactions of one mock server. For each incoming request
(an ``HttpRequest`` built from the wire with ``request_from_wire``) it finds the interaction
it is, records the outcome and returns the response to send::

    session = MockSession(pact.interactions, pact.spec_version)
    reply = session.handle(request, context)   # context: a GeneratorContext, or None
    reply.status, reply.headers, reply.body    # what to write back
    session.report().ok

A server calls ``handle_wire`` with the raw parts instead (it remembers which interactions an
identical request matched). A session is not thread-safe: one server thread drives it, while
``report()`` may be read from any thread.

Matching stays fast with hundreds of interactions: interactions are indexed by (method, path)
so a request is fully matched only against the few that share both; interactions whose path
has a matching rule (a regex) are the only ones scanned for every request. Nothing is copied
per request, and a response without generators is rendered once and reused.

An interaction, once matched, stays matched (it may be requested any number of times). When
several interactions match the same request, one that was not requested yet is preferred, so
that repeated identical requests walk through them in pact order before reusing the first.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from accord.errors import AccordError
from accord.mock.report import MockReport, RequestResult
from accord.model import (
    Body,
    BodyState,
    Generators,
    HttpRequest,
    HttpResponse,
    Interaction,
    MatchingRules,
    Pact,
    SpecVersion,
    SynchronousHttp,
    parse_query_string,
)
from accord.model.valueclass import dataclass

if TYPE_CHECKING:
    from typing import TypeAlias

    from accord.generation import GeneratorContext
    from accord.matching import MatchResult
    from accord.model.catalogue import Catalogue

    ContextArg: TypeAlias = GeneratorContext | Callable[[], GeneratorContext | None] | None

__all__ = [
    "MockReport",
    "MockResponse",
    "MockSession",
    "RequestResult",
    "request_from_wire",
]

#: how a request is matched: ``match_request``'s signature (``spec=``, ``plugin_config=`` and
#: ``catalogue=``)
Matcher = Callable[..., "MatchResult"]


@dataclass(frozen=True, slots=True)
class MockResponse:
    """A response ready for the wire: ``headers`` are (name, value) pairs, ``body`` bytes.

    ``result`` is what the session recorded about the request that produced it. ``fixed``:
    this object is an interaction's response rendered once and sent as it is every time (a
    server may keep its wire bytes while the object lives).
    """

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    result: RequestResult
    raw_headers: tuple[tuple[bytes, bytes], ...] = field(default=(), repr=False)
    fixed: bool = field(default=False, repr=False, compare=False)

    def with_result(self, result: RequestResult) -> MockResponse:
        return MockResponse(self.status, self.headers, self.body, result, self.raw_headers)


def _encode_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[bytes, bytes], ...]:
    out = []
    for name, value in headers:
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:
            raw = value.encode("utf-8")
        out.append((name.lower().encode("latin-1"), raw))
    return tuple(out)


def _wire(status: int, headers: Iterable[tuple[str, str]], body: bytes,
          result: RequestResult) -> MockResponse:
    pairs = tuple(headers)
    return MockResponse(status, pairs, body, result, _encode_headers(pairs))


def response_to_wire(response: HttpResponse, result: RequestResult) -> MockResponse:
    """Render a model response: headers joined per name (``Set-Cookie`` kept apart), the
    body's content type added when no header names one, and an exact Content-Length."""
    body = _body_bytes(response.body)
    headers: list[tuple[str, str]] = []
    has_type = False
    for name, values in response.headers.items():
        lower = name.lower()
        if lower == "content-length":
            continue  # recomputed: generators may change the body's length
        if lower == "content-type":
            has_type = True
        if lower == "set-cookie":
            headers.extend((name, v) for v in values)
        else:
            headers.append((name, ", ".join(values)))
    if not has_type and response.body.state in (BodyState.PRESENT, BodyState.NULL):
        ctype = response.body.content_type or (
            "application/json" if response.body.state is BodyState.NULL else None)
        if ctype:
            headers.append(("Content-Type", ctype))
    status = response.status if response.status is not None else 200
    if status in (204, 304) or status < 200:
        body = b""  # these never carry a body: one would corrupt the keep-alive stream
    else:
        headers.append(("Content-Length", str(len(body))))
    return _wire(status, headers, body, result)


def _body_bytes(body: Body) -> bytes:
    if body.state is BodyState.PRESENT:
        return body.content
    if body.state is BodyState.NULL:
        return b"null"
    return b""


def request_from_wire(method: str, path: str, query_string: bytes | str,
                      headers: Iterable[tuple[bytes | str, bytes | str]],
                      body: bytes) -> HttpRequest:
    """Build the actual request as the matching engine expects it: header values grouped
    by (lower-cased) name, the query parsed, and no body when none was sent."""
    grouped: dict[str, tuple[str, ...]] = {}
    for name, value in headers:
        n = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        v = value.decode("latin-1") if isinstance(value, bytes) else value
        if n in grouped:
            grouped[n] = (*grouped[n], v)
        else:
            grouped[n] = (v,)
    qs = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    ctype = grouped.get("content-type")
    return _new_request(
        method=method.upper(),
        path=path,
        query=parse_query_string(qs) if qs else {},
        headers=grouped,
        body=Body.of_bytes(body, ctype[0] if ctype else None) if body else _NO_BODY,
    )


_NO_BODY = Body.missing()
_EMPTY_RULES = MatchingRules()
_EMPTY_GENERATORS = Generators()
_REQUEST_DEFAULTS: dict[str, Any] = {"raw_query": None, "matching_rules": _EMPTY_RULES,
                                     "generators": _EMPTY_GENERATORS}


def _plain_dataclass(cls: type) -> bool:
    """Can instances be made by filling ``__dict__`` (no slots, no __post_init__)?"""
    names = {f.name for f in dataclasses.fields(cls)}
    return ("__slots__" not in cls.__dict__ and not hasattr(cls, "__post_init__")
            and names == {"method", "path", "query", "headers", "body", *_REQUEST_DEFAULTS})


def _new_request(**values: Any) -> HttpRequest:
    """An ``HttpRequest`` without the frozen-dataclass ``__init__`` (a third of the cost of
    taking a request off the wire); the same object the constructor would build."""
    if not _FAST_REQUESTS:
        return HttpRequest(**values, **_REQUEST_DEFAULTS)
    request = object.__new__(HttpRequest)
    request.__dict__.update(_REQUEST_DEFAULTS)
    request.__dict__.update(values)
    return request


_FAST_REQUESTS = _plain_dataclass(HttpRequest)


@dataclass(slots=True)
class _Entry:
    """An interaction the session serves, with its place in the pact and what a request
    to it needs precomputed."""

    index: int
    interaction: SynchronousHttp
    spec: SpecVersion
    method: str
    path_rules: bool
    prefilter: Any = None  # a compiled regex that any matching path must contain
    cached: MockResponse | None = None  # the rendered response when it has no generators


class MockSession:
    """The interactions one mock server serves and what it has seen so far.

    ``interactions`` may hold any interaction kinds; only synchronous HTTP ones are served.
    Pass ``(interaction, spec)`` pairs instead to match each with its own pact's version
    (``MockSession.from_pacts`` does this for several pact files). ``catalogue`` holds the
    body matchers, generators and plugins to use (default: the built-in ones).
    """

    #: matched requests kept for the report beyond per-interaction counts (failures are
    #: always kept); bounds memory for long-running stub servers
    max_recorded = 10_000

    def __init__(self, interactions: Iterable[Interaction | tuple[Interaction, SpecVersion]],
                 spec: SpecVersion | str = SpecVersion.V4, *, matcher: Matcher | None = None,
                 catalogue: Catalogue | None = None):
        default_spec = SpecVersion.parse(spec)
        self.spec = default_spec
        self._matcher = matcher
        self.catalogue = catalogue
        self._entries: list[_Entry] = []
        self._exact: dict[tuple[str, str], list[_Entry]] = {}
        self._scan: dict[str, list[_Entry]] = {}  # method -> entries with path rules
        self._methods_by_path: dict[str, set[str]] = {}
        for item in interactions:
            inter, ispec = item if isinstance(item, tuple) else (item, default_spec)
            if not isinstance(inter, SynchronousHttp):
                continue
            self._add(inter, SpecVersion.parse(ispec))
        self._matched_count = [0] * len(self._entries)
        self._results: list[RequestResult] = []
        self._wire_cache: dict[Any, tuple[HttpRequest, tuple[_Entry, ...]]] = {}
        self._seen_once: set[int] = set()  # hashes of wire requests matched once so far

    @classmethod
    def from_pacts(cls, pacts: Sequence[Pact], *, matcher: Matcher | None = None,
                   catalogue: Catalogue | None = None) -> MockSession:
        """One session serving the HTTP interactions of several pacts."""
        items = [(i, p.spec_version) for p in pacts for i in p.interactions]
        spec = max((p.spec_version for p in pacts), default=SpecVersion.V4)
        return cls(items, spec, matcher=matcher, catalogue=catalogue)

    # ------------------------------------------------------------------ set-up

    def _add(self, inter: SynchronousHttp, spec: SpecVersion) -> None:
        method = inter.request.method.upper()
        path_rules = inter.request.matching_rules.category("path")
        entry = _Entry(len(self._entries), inter, spec, method, bool(path_rules))
        if not inter.response.generators:
            entry.cached = dataclasses.replace(response_to_wire(inter.response, _PLACEHOLDER),
                                               fixed=True)
        self._entries.append(entry)
        if entry.path_rules:
            entry.prefilter = _path_prefilter(path_rules)
            self._scan.setdefault(method, []).append(entry)
        else:
            self._exact.setdefault((method, inter.request.path), []).append(entry)
        self._methods_by_path.setdefault(inter.request.path, set()).add(method)

    @property
    def interactions(self) -> tuple[SynchronousHttp, ...]:
        return tuple(e.interaction for e in self._entries)

    def _match_fn(self) -> Matcher:
        from accord.matching import match_request

        if self.catalogue is None:
            self._matcher = match_request
        else:
            self._matcher = partial(match_request, catalogue=self.catalogue)
        return self._matcher

    # ------------------------------------------------------------------ matching

    def match(self, request: HttpRequest) -> RequestResult:
        """Which interaction ``request`` is (pure: nothing is recorded)."""
        result, _, _ = self._match(request)
        return result

    def _match(self, request: HttpRequest
               ) -> tuple[RequestResult, _Entry | None, tuple[_Entry, ...]]:
        """(the outcome, the entry that answers it, every entry the request matches)."""
        method = request.method.upper()
        match = self._matcher or self._match_fn()
        ok: list[_Entry] = []
        closest: tuple[float, _Entry, MatchResult] | None = None
        for entry in self._exact.get((method, request.path), ()):
            result = match(entry.interaction.request, request, spec=entry.spec,
                           plugin_config=entry.interaction.plugin_config)
            if result.ok:
                ok.append(entry)
            elif closest is None or result.score > closest[0]:
                closest = (result.score, entry, result)
        for entry in self._scan.get(method, ()):
            if entry.prefilter is not None and entry.prefilter.search(request.path) is None:
                continue
            result = match(entry.interaction.request, request, spec=entry.spec,
                           plugin_config=entry.interaction.plugin_config)
            if result.ok:
                ok.append(entry)
            elif (closest is None or result.score > closest[0]) and not any(
                    m.kind in ("PathMismatch", "MethodMismatch") for m in result.mismatches):
                closest = (result.score, entry, result)
        if ok:
            chosen = self._choose(ok)
            return RequestResult("matched", request, chosen.interaction), chosen, tuple(ok)
        if closest is not None:
            _, entry, result = closest
            return RequestResult("mismatched", request, entry.interaction,
                                 tuple(result.mismatches)), entry, ()
        return RequestResult("unexpected", request, None, (),
                             hints=self._hints(request, method)), None, ()

    def _choose(self, ok: Sequence[_Entry]) -> _Entry:
        """The first matching interaction not requested yet, else the first."""
        counts = self._matched_count
        for entry in ok:
            if not counts[entry.index]:
                return entry
        return ok[0]

    def _hints(self, request: HttpRequest, method: str) -> tuple[SynchronousHttp, ...]:
        """Interactions the unexpected request may have been meant for: the same path with
        another method, else the most similar paths (only computed on the failure path)."""
        same_path = [e.interaction for e in self._entries
                     if e.interaction.request.path == request.path and e.method != method]
        if same_path:
            return tuple(same_path[:3])
        import difflib  # the failure path only: a passing test never loads it

        paths = [e.interaction.request.path for e in self._entries if e.method == method]
        near = difflib.get_close_matches(request.path, paths, n=2, cutoff=0.75)
        return tuple(e.interaction for e in self._entries
                     if e.method == method and e.interaction.request.path in near)[:2]

    # ------------------------------------------------------------------ answering

    def handle(self, request: HttpRequest, context: ContextArg = None) -> MockResponse:
        """Match ``request``, record the outcome and return the response to send.

        Response generators are applied with ``context`` (consumer mode; it carries the
        clock, the random source and the mock server URL); ``context`` may also be a
        zero-argument callable, called only when a response has generators. Without a
        context the response's example values are sent as they are.
        """
        reply, result = self._serve(request, None, context)
        return reply if reply.result is result else reply.with_result(result)

    def handle_wire(self, method: str, path: str, query_string: bytes,
                    headers: Sequence[tuple[bytes, bytes]], body: bytes,
                    context: ContextArg = None) -> tuple[MockResponse, RequestResult]:
        """``handle`` for a request as it came off the wire (what the server calls).

        Matching is pure, so a request identical to one already matched (same method, path,
        query string, headers and body) is not matched again: the interactions it matched
        are remembered and the usual choice among them is made. A request is remembered
        when it comes a second time: requests that are all different (a trace header each)
        then cost no memory and no garbage collection.
        """
        key = (method, path, query_string, tuple(headers), body)
        hit = self._wire_cache.get(key)
        if hit is not None:
            request, entries = hit
            entry = self._choose(entries)
            return self._answer(entry, RequestResult("matched", request, entry.interaction),
                                context)
        request = request_from_wire(method, path, query_string, headers, body)
        return self._serve(request, key, context)

    def _serve(self, request: HttpRequest, key: Any, context: ContextArg
               ) -> tuple[MockResponse, RequestResult]:
        try:
            result, entry, ok = self._match(request)
        except Exception as exc:  # a bug must reach the consumer's logs and the report
            result = RequestResult("unexpected", request, None,
                                   error=f"accord could not match this request: {exc!r}")
            entry, ok = None, ()
        if entry is None or result.kind != "matched":
            self._results.append(result)
            return error_response(result), result
        if key is not None:
            digest = hash(key)
            if digest not in self._seen_once:
                if len(self._seen_once) >= _SEEN_ONCE_SIZE:
                    self._seen_once.clear()
                self._seen_once.add(digest)
            else:
                if len(self._wire_cache) >= _WIRE_CACHE_SIZE:
                    self._wire_cache.clear()
                self._wire_cache[key] = (request, ok)
        return self._answer(entry, result, context)

    def _answer(self, entry: _Entry, result: RequestResult, context: ContextArg
                ) -> tuple[MockResponse, RequestResult]:
        try:
            reply = entry.cached or self._generate(entry, context, result)
        except AccordError as exc:
            result = RequestResult("matched", result.request, entry.interaction,
                                   error=f"could not generate the response: {exc}")
            reply = error_response(result)
        except Exception as exc:  # a bug must reach the consumer's logs and the report
            result = RequestResult("matched", result.request, entry.interaction,
                                   error=f"accord could not build the response: {exc!r}")
            reply = error_response(result)
        self._matched_count[entry.index] += 1
        if result.error is not None or len(self._results) < self.max_recorded:
            self._results.append(result)
        return reply, result

    def _generate(self, entry: _Entry, context: ContextArg, result: RequestResult
                  ) -> MockResponse:
        response = entry.interaction.response
        if callable(context):
            context = context()
        if context is None:
            return response_to_wire(response, result)
        from accord.generation import generate_response

        if self.catalogue is not None and context.catalogue is not self.catalogue:
            context = dataclasses.replace(context, catalogue=self.catalogue)
        return response_to_wire(generate_response(response, context), result)

    def refuse(self, method: str, path: str, query_string: bytes,
               headers: Sequence[tuple[bytes, bytes]], reason: str) -> RequestResult:
        """Record a request the server would not read (too large, nested too deeply) as a
        failure with ``reason``, so the report shows it; its body is not kept."""
        request = request_from_wire(method, path, query_string, headers, b"")
        result = RequestResult("unexpected", request, None, error=reason)
        self._results.append(result)
        return result

    # ------------------------------------------------------------------ reporting

    @property
    def results(self) -> tuple[RequestResult, ...]:
        return tuple(self._results)

    def report(self) -> MockReport:
        """A snapshot of what was matched, mismatched, unexpected and never requested."""
        results = tuple(self._results)
        counts = list(self._matched_count)
        missing = tuple(e.interaction for e in self._entries if not counts[e.index])
        served = tuple((e.interaction, counts[e.index]) for e in self._entries
                       if counts[e.index])
        return MockReport(results, missing, served)


_PLACEHOLDER = RequestResult("matched", HttpRequest(), None)
_WIRE_CACHE_SIZE = 4096  # distinct matched requests remembered per session
_SEEN_ONCE_SIZE = 65536  # hashes of requests seen once (plain ints: no garbage to collect)


def error_response(result: RequestResult) -> MockResponse:
    """The 500 answer to a request the session could not serve, explaining why in JSON."""
    payload: dict[str, Any] = {"error": result.summary()}
    if result.interaction is not None:
        payload["interaction"] = result.interaction.description
    payload["mismatches"] = [m.to_json() for m in result.mismatches]
    if result.hints:
        payload["did_you_mean"] = [
            f"{h.request.method.upper()} {h.request.path} ({h.description})" for h in result.hints]
    body = json.dumps(payload, ensure_ascii=False, default=str).encode()
    headers = (("Content-Type", "application/json"), ("Content-Length", str(len(body))),
               ("X-Accord-Mismatch", result.kind))
    return _wire(500, headers, body, result)


def _path_prefilter(rules: Mapping[str, Any]) -> Any:
    """A regex any matching path must contain, when the path rule is one regex (AND): a
    cheap test that skips full matching for paths that cannot match. Only a pattern RE2 runs
    (linear time) serves; an invalid or backtracking one is left to the matcher, which
    reports it as a mismatch and bounds its time."""
    from accord.model.regex import RegexError, compile_pattern

    rule_list = rules.get("")
    if rule_list is None or len(rule_list.rules) != 1 or rule_list.rules[0].kind != "regex":
        return None
    try:
        pattern = compile_pattern(rule_list.rules[0].get("regex"))
    except RegexError:
        return None
    return pattern if pattern.linear else None


Kind = Literal["matched", "mismatched", "unexpected"]
