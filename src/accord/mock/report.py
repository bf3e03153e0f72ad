"""What a mock server saw: matched, mismatched and unexpected requests, and the interactions
never requested; rendered for people (``render``) and for tools (``to_json``).

The JSON items use the official mock server's type names (``request-mismatch``,
``request-not-found``, ``missing-request``) so tooling that reads those keeps working.
"""

from __future__ import annotations

import json
from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from accord.jsonlimits import DEFAULT_MAX_DEPTH, json_depth
from accord.model import Body, BodyState, HttpRequest, SynchronousHttp
from accord.model.jsontypes import JsonObject
from accord.model.target import request_target
from accord.model.valueclass import dataclass

if TYPE_CHECKING:
    from accord.matching import Mismatch

__all__ = ["MockReport", "RequestResult"]

_MAX_VALUE = 200
_MAX_BODY_TEXT = 64 * 1024  # characters of a non-JSON request body kept in a JSON report


@dataclass(frozen=True, slots=True)
class RequestResult:
    """The outcome for one request.

    ``kind`` is ``matched`` (``interaction`` is the one it was), ``mismatched`` (``interaction``
    is the closest one with the same method and path, ``mismatches`` say how it differs) or
    ``unexpected`` (no interaction has that method and path; ``hints`` are near misses).
    ``error`` is set when a matched request could still not be answered (a generator failed).
    """

    kind: Literal["matched", "mismatched", "unexpected"]
    request: HttpRequest
    interaction: SynchronousHttp | None
    mismatches: tuple[Mismatch, ...] = ()
    error: str | None = None
    hints: tuple[SynchronousHttp, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.kind == "matched" and self.error is None

    @property
    def line(self) -> str:
        """``GET /path?query`` of the request."""
        return request_line(self.request)

    def summary(self) -> str:
        """One sentence: what happened to this request."""
        if self.kind == "matched":
            if self.error:
                return f"{self.line} matched {_name(self.interaction)} but {self.error}"
            return f"{self.line} matched {_name(self.interaction)}"
        if self.kind == "mismatched":
            n = len(self.mismatches)
            return (f"{self.line} did not match {_name(self.interaction)} "
                    f"({n} mismatch{'es' if n != 1 else ''})")
        if self.error:
            return f"{self.line} could not be served: {self.error}"
        return f"unexpected request {self.line}: no interaction expects " \
               f"{self.request.method.upper()} {self.request.path}"

    def render(self, indent: str = "") -> str:
        """The summary and, for a failure, a per-field diff against the interaction."""
        lines = [indent + self.summary()]
        if self.kind == "mismatched" and self.interaction is not None:
            states = _states(self.interaction)
            if states:
                lines.append(f"{indent}  (interaction given {states})")
            for m in self.mismatches:
                lines.extend(_mismatch_lines(m, indent + "  "))
        elif self.kind == "unexpected":
            for hint in self.hints:
                lines.append(f"{indent}  did you mean {hint.request.method.upper()} "
                             f"{hint.request.path} ({_name(hint)})?")
            if self.request.body.is_present:
                lines.append(f"{indent}  body: {_short_body(self.request.body)}")
        return "\n".join(lines)

    def to_json(self) -> JsonObject:
        out: dict[str, Any] = {
            "type": {"matched": "request-match", "mismatched": "request-mismatch",
                     "unexpected": "request-not-found"}[self.kind],
            "method": self.request.method.upper(),
            "path": self.request.path,
        }
        if self.request.query:
            out["query"] = {k: list(v) for k, v in self.request.query.items()}
        if self.interaction is not None:
            out["interaction"] = self.interaction.description
        if self.kind == "mismatched":
            out["mismatches"] = [m.to_json() for m in self.mismatches]
        if self.kind == "unexpected":
            out["request"] = _request_json(self.request)
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True, slots=True)
class MockReport:
    """Everything one mock server saw, in arrival order, plus what it never saw.

    ``served`` counts the requests each requested interaction answered (a long-running
    server keeps only the first ``MockSession.max_recorded`` matched requests themselves).
    """

    results: tuple[RequestResult, ...]
    missing: tuple[SynchronousHttp, ...]
    served: tuple[tuple[SynchronousHttp, int], ...] = ()

    @property
    def matched(self) -> list[RequestResult]:
        return [r for r in self.results if r.kind == "matched" and r.error is None]

    @property
    def mismatches(self) -> list[RequestResult]:
        return [r for r in self.results if r.kind == "mismatched"]

    @property
    def unexpected(self) -> list[RequestResult]:
        return [r for r in self.results if r.kind == "unexpected"]

    @property
    def errors(self) -> list[RequestResult]:
        """Matched requests that could not be answered (a response generator failed)."""
        return [r for r in self.results if r.kind == "matched" and r.error is not None]

    @property
    def ok(self) -> bool:
        return not self.missing and all(r.ok for r in self.results)

    def render(self) -> str:
        """A readable report, like a good test-failure message."""
        if self.ok:
            n = sum(count for _, count in self.served)
            return f"mock server: all interactions requested; {n} request{'s' * (n != 1)} matched"
        parts = [self._headline()]
        for title, items in (("Mismatched requests", self.mismatches),
                             ("Unexpected requests", self.unexpected),
                             ("Requests that could not be answered", self.errors)):
            if items:
                parts.append(f"\n{title}:")
                parts.extend(_numbered(i, r.render("     ")) for i, r in enumerate(items, 1))
        if self.missing:
            parts.append("\nInteractions never requested:")
            for i, inter in enumerate(self.missing, 1):
                states = _states(inter)
                given = f" given {states}" if states else ""
                parts.append(f"  {i}. {_name(inter)}{given}: expected "
                             f"{request_line(inter.request)}")
        return "\n".join(parts)

    def _headline(self) -> str:
        words = [f"{n} {noun}{'s' * (n != 1)}{rest}" for n, noun, rest in (
            (len(self.mismatches), "mismatched request", ""),
            (len(self.unexpected), "unexpected request", ""),
            (len(self.errors), "unanswered request", ""),
            (len(self.missing), "interaction", " never requested"),
        ) if n]
        return "mock server: " + ", ".join(words)

    def to_json(self) -> JsonObject:
        return {
            "ok": self.ok,
            "matched": [{"interaction": i.description, "method": i.request.method.upper(),
                         "path": i.request.path, "requests": n} for i, n in self.served],
            "mismatches": [r.to_json() for r in self.results if not r.ok] + [
                {"type": "missing-request", "method": i.request.method.upper(),
                 "path": i.request.path, "interaction": i.description,
                 "request": _request_json(i.request)} for i in self.missing],
        }

    def __str__(self) -> str:
        return self.render()


# --------------------------------------------------------------------------- helpers


def request_line(request: HttpRequest) -> str:
    return f"{request.method.upper()} {request_target(request)}"


def _name(inter: SynchronousHttp | None) -> str:
    return "(none)" if inter is None else repr(inter.description)


def _states(inter: SynchronousHttp) -> str:
    return ", ".join(repr(s.name) for s in inter.provider_states)


def _numbered(i: int, text: str) -> str:
    return f"  {i}. {text.lstrip()}"


def _show(value: Any) -> str:
    """A mismatch's expected/actual: text as given (the matcher writes bodies as JSON
    text already), anything else as JSON."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value if len(value) <= _MAX_VALUE else value[:_MAX_VALUE] + "…"
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "…"


_WHERE = {
    "MethodMismatch": "method", "PathMismatch": "path", "QueryMismatch": "query",
    "HeaderMismatch": "header", "StatusMismatch": "status", "BodyTypeMismatch": "body type",
    "BodyMismatch": "body", "MetadataMismatch": "metadata",
}


def _mismatch_lines(m: Mismatch, indent: str) -> list[str]:
    where = _WHERE.get(m.kind, m.kind)
    if m.path:
        where = f"{where} {m.path}"
    lines = [f"{indent}- {where}: {m.message}"]
    if m.expected is not None or m.actual is not None:
        exp, act = _show(m.expected), _show(m.actual)
        if exp not in m.message or act not in m.message:
            lines.append(f"{indent}    expected: {exp}")
            lines.append(f"{indent}    actual:   {act}")
    return lines


def _short_body(body: Body) -> str:
    if body.state is not BodyState.PRESENT:
        return body.state.value
    text = body.text
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "…"


def _request_json(request: HttpRequest) -> dict[str, Any]:
    out: dict[str, Any] = {"method": request.method.upper(), "path": request.path}
    if request.query:
        out["query"] = {k: list(v) for k, v in request.query.items()}
    if request.headers:
        out["headers"] = {k: ", ".join(v) for k, v in request.headers.items()}
    if request.body.is_present:
        out["body"] = _shown_body(request.body)
    return out


def _shown_body(body: Body) -> Any:
    """The body as JSON when it is sound JSON of reasonable depth, else (cut) text: the report
    must render whatever a client sent."""
    if body.is_json and json_depth(body.content) <= DEFAULT_MAX_DEPTH:
        try:
            return body.json
        except (ValueError, RecursionError):
            pass
    text = body.text
    return text if len(text) <= _MAX_BODY_TEXT else text[:_MAX_BODY_TEXT] + "…"
