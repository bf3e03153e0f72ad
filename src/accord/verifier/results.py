"""Verification results as data: one ``InteractionResult`` per interaction, gathered in a
``VerificationResult`` that reporters render and that ``assert_ok()`` turns into an error.

A pending interaction (or pact) that fails is reported but never fails the run::

    result = verifier.verify(raises=False)
    result.ok            # False only for non-pending failures and source errors
    result.to_json()     # the data the JSON reporter writes
    result.assert_ok()   # raises VerificationFailed with a readable report
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from enum import Enum
from typing import Any

from accord.errors import VerificationFailed
from accord.model import HttpRequest, HttpResponse, MessageContents
from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass

__all__ = [
    "InteractionResult",
    "Outcome",
    "SourceFailure",
    "VerificationResult",
]


class Outcome(Enum):
    """What happened to one interaction."""

    PASSED = "passed"
    FAILED = "failed"  # the provider answered, but not as the pact says
    ERROR = "error"  # could not verify: provider down, timeout, state handler raised, ...

    @property
    def ok(self) -> bool:
        return self is Outcome.PASSED


@dataclass
class InteractionResult:
    """The verification of one interaction of one pact."""

    consumer: str
    provider: str
    description: str
    provider_states: tuple[str, ...] = ()
    outcome: Outcome = Outcome.PASSED
    pending: bool = False
    mismatches: list[Any] = field(default_factory=list)  # accord.matching.Mismatch
    error: str | None = None  # why it could not be verified
    interaction_id: str | None = None  # the broker's _id or the V4 key
    source: str = ""  # where the pact came from
    kind: str = "Synchronous/HTTP"
    request: HttpRequest | MessageContents | None = None  # what was sent (after generators)
    expected: HttpResponse | MessageContents | tuple[MessageContents, ...] | None = None
    actual: HttpResponse | MessageContents | tuple[MessageContents, ...] | None = None
    notes: list[str] = field(default_factory=list)  # warnings, e.g. a state with no handler
    unreachable: bool = False  # the provider could not be reached (down or timed out)
    comments: list[str] = field(default_factory=list)  # V4 interaction comments (text)
    test_name: str | None = None  # V4 comments.testname: the consumer test that wrote it
    duration: float = 0.0  # seconds

    @property
    def ok(self) -> bool:
        return self.outcome.ok

    @property
    def counts_as_failure(self) -> bool:
        """True when this result should fail the build (pending failures never do)."""
        return not self.ok and not self.pending

    @property
    def name(self) -> str:
        """``consumer: description`` as shown in reports and test ids."""
        return f"{self.consumer}: {self.description}"

    @property
    def status(self) -> str:
        if self.ok:
            return "passed"
        return "pending" if self.pending else self.outcome.value

    def reason(self) -> str:
        """One paragraph saying why the interaction did not pass."""
        if self.error:
            return self.error
        return "\n".join(f"- {_mismatch_text(m)}" for m in self.mismatches)

    def to_json(self) -> JsonObject:
        out: dict[str, Any] = {
            "consumer": self.consumer,
            "provider": self.provider,
            "description": self.description,
            "providerStates": list(self.provider_states),
            "type": self.kind,
            "status": self.status,
            "success": self.ok,
            "pending": self.pending,
            "durationMs": round(self.duration * 1000, 3),
        }
        if self.interaction_id:
            out["interactionId"] = self.interaction_id
        if self.source:
            out["source"] = self.source
        if self.mismatches:
            out["mismatches"] = [_mismatch_json(m) for m in self.mismatches]
        if self.error:
            out["error"] = self.error
        if self.notes:
            out["notes"] = list(self.notes)
        if self.comments:
            out["comments"] = list(self.comments)
        if self.test_name:
            out["testName"] = self.test_name
        return out

    def broker_test_result(self) -> JsonObject:
        """The entry of ``testResults`` in a verification result published to a broker."""
        out: dict[str, Any] = {"interactionDescription": self.description, "success": self.ok}
        if self.interaction_id:
            out["interactionId"] = self.interaction_id
        if self.mismatches:
            out["mismatches"] = [_broker_mismatch(m) for m in self.mismatches]
        if self.error:
            out["exceptions"] = [{"message": self.error}]
        return out


@dataclass
class SourceFailure:
    """A pact source that could not be read (a file that does not parse, a broker error)."""

    source: str
    error: str
    unreachable: bool = False  # the source (a broker, a URL) could not be reached at all

    def to_json(self) -> JsonObject:
        return {"source": self.source, "error": self.error}


@dataclass
class VerificationResult:
    """Everything one ``verify()`` run found."""

    provider: str
    results: list[InteractionResult] = field(default_factory=list)
    source_failures: list[SourceFailure] = field(default_factory=list)
    no_pacts: bool = False  # no pact (or no interaction after filtering) was found
    fail_if_no_pacts_found: bool = True
    published: list[str] = field(default_factory=list)  # verification result URLs
    publish_errors: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    duration: float = 0.0

    @property
    def passed(self) -> list[InteractionResult]:
        return [r for r in self.results if r.ok]

    @property
    def failed(self) -> list[InteractionResult]:
        return [r for r in self.results if r.counts_as_failure]

    @property
    def pending_failures(self) -> list[InteractionResult]:
        return [r for r in self.results if not r.ok and r.pending]

    @property
    def ok(self) -> bool:
        if self.failed or self.source_failures:
            return False
        return not (self.no_pacts and self.fail_if_no_pacts_found)

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        n = len(self.results)
        parts = [f"{n} interaction{'s' if n != 1 else ''}", f"{len(self.passed)} passed",
                 f"{len(self.failed)} failed"]
        if self.pending_failures:
            parts.append(f"{len(self.pending_failures)} pending failed")
        if self.source_failures:
            parts.append(f"{len(self.source_failures)} source error"
                         f"{'s' if len(self.source_failures) != 1 else ''}")
        return ", ".join(parts)

    def report(self) -> str:
        """A plain-text report (no colour) of what failed and why."""
        lines = [f"Verifying {self.provider}: {self.summary()}"]
        if self.no_pacts:
            lines.append(f"No pacts were found for provider {self.provider!r}"
                         + ("" if self.fail_if_no_pacts_found else " (allowed)"))
        for f in self.source_failures:
            lines.append(f"Could not read {f.source}: {f.error}")
        for r in self.results:
            if r.ok:
                continue
            tag = " (pending, does not fail the build)" if r.pending else ""
            states = f" given {', '.join(r.provider_states)}" if r.provider_states else ""
            lines.append(f"FAILED {r.name}{states}{tag}")
            lines.extend("    " + line for line in r.reason().splitlines())
        lines.extend(f"Could not publish results: {e}" for e in self.publish_errors)
        return "\n".join(lines)

    def assert_ok(self) -> VerificationResult:
        """Raise ``VerificationFailed`` (an AssertionError) with the report unless ``ok``."""
        if not self.ok:
            raise VerificationFailed(self.report(), self)
        return self

    def to_json(self) -> JsonObject:
        return {
            "provider": self.provider,
            "success": self.ok,
            "summary": {
                "total": len(self.results),
                "passed": len(self.passed),
                "failed": len(self.failed),
                "pendingFailed": len(self.pending_failures),
                "sourceErrors": len(self.source_failures),
            },
            "noPactsFound": self.no_pacts,
            "durationMs": round(self.duration * 1000, 3),
            "interactions": [r.to_json() for r in self.results],
            "sourceErrors": [f.to_json() for f in self.source_failures],
            "notices": list(self.notices),
            "published": list(self.published),
            "publishErrors": list(self.publish_errors),
        }


def _mismatch_json(m: Any) -> dict[str, Any]:
    if hasattr(m, "to_json"):
        return dict(m.to_json())
    if isinstance(m, dict):
        return m
    return {"mismatch": str(m)}


def _mismatch_text(m: Any) -> str:
    path = getattr(m, "path", None)
    message = getattr(m, "message", None) or str(m)
    kind = getattr(m, "kind", None)
    where = f" at {path}" if path else ""
    return f"{kind}{where}: {message}" if kind else f"{message}{where}"


_ATTRIBUTES = {
    "MethodMismatch": "method", "PathMismatch": "path", "QueryMismatch": "query",
    "HeaderMismatch": "header", "StatusMismatch": "status", "BodyTypeMismatch": "body",
    "BodyMismatch": "body", "MetadataMismatch": "metadata",
}


def _broker_mismatch(m: Any) -> dict[str, Any]:
    kind = getattr(m, "kind", "")
    return {"attribute": _ATTRIBUTES.get(kind, "body"), "identifier": getattr(m, "path", "") or "",
            "description": getattr(m, "message", None) or str(m)}


def sorted_results(results: Sequence[InteractionResult]) -> list[InteractionResult]:
    """Failures first, then pending failures, then passes (for reports)."""
    return sorted(results, key=lambda r: (r.ok, r.pending))
