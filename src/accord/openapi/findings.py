"""What a comparison of pacts with an OpenAPI document finds, and how it is shown.

A finding names the interaction, the place in the pact (``response.body.items[0].price``),
the place in the document (a JSON pointer) and why. ``error`` findings make pact and document
incompatible; ``unchecked`` ones mean a part could not be compared, which also fails the
comparison (it never passes by accident); ``warning`` ones are shown but do not fail it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import field
from typing import Literal

from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass

__all__ = [
    "CheckReport",
    "Finding",
    "InteractionResult",
    "PactResult",
    "Severity",
    "body_path",
    "dedupe",
]

Severity = Literal["error", "unchecked", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable and machine-readable: "path-not-found", "type-mismatch", ...
    pact_location: str  # "response.body.items[0].price"
    message: str
    document_pointer: str | None = None  # "/components/schemas/Item/properties/price"

    def to_json(self) -> JsonObject:
        return {
            "severity": self.severity,
            "code": self.code,
            "pactLocation": self.pact_location,
            "documentPointer": self.document_pointer,
            "message": self.message,
        }


@dataclass(frozen=True)
class InteractionResult:
    description: str
    provider_states: tuple[str, ...] = ()
    operation: str | None = None  # "GET /users/{id}" when one was found
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(f.severity != "warning" for f in self.findings)

    @property
    def label(self) -> str:
        given = f" given {', '.join(self.provider_states)}" if self.provider_states else ""
        return f"{self.description!r}{given}"

    def to_json(self) -> JsonObject:
        return {
            "description": self.description,
            "providerStates": list(self.provider_states),
            "operation": self.operation,
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
        }


@dataclass(frozen=True)
class PactResult:
    consumer: str
    provider: str
    source: str | None = None
    interactions: tuple[InteractionResult, ...] = ()

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.interactions)

    def to_json(self) -> JsonObject:
        return {
            "consumer": self.consumer,
            "provider": self.provider,
            "source": self.source,
            "ok": self.ok,
            "interactions": [i.to_json() for i in self.interactions],
        }


@dataclass(frozen=True)
class CheckReport:
    """Every pact compared with one document."""

    document: str | None
    document_version: str
    pacts: tuple[PactResult, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.pacts)

    def counts(self) -> dict[str, int]:
        results = [i for p in self.pacts for i in p.interactions]
        findings = [f for i in results for f in i.findings]
        return {
            "interactions": len(results),
            "compatible": sum(1 for i in results if i.ok),
            "incompatible": sum(1 for i in results if not i.ok),
            "errors": sum(1 for f in findings if f.severity == "error"),
            "unchecked": sum(1 for f in findings if f.severity == "unchecked"),
            "warnings": sum(1 for f in findings if f.severity == "warning"),
        }

    def to_json(self) -> JsonObject:
        return {
            "document": self.document,
            "documentVersion": self.document_version,
            "ok": self.ok,
            "summary": self.counts(),
            "pacts": [p.to_json() for p in self.pacts],
        }

    def render_text(self) -> str:
        lines: list[str] = []
        label = "Swagger 2.0" if self.document_version == "2.0" else (
            f"OpenAPI {self.document_version}")
        for pact in self.pacts:
            source = f" ({pact.source})" if pact.source else ""
            lines.append(
                f"{pact.consumer} -> {pact.provider}{source} vs {label} "
                f"{self.document or 'document'}"
            )
            for result in pact.interactions:
                mark = "ok  " if result.ok else "FAIL"
                operation = f" -> {result.operation}" if result.operation else ""
                lines.append(f"  {mark} {result.label}{operation}")
                for finding in result.findings:
                    lines.extend(_finding_lines(finding))
        counts = self.counts()
        verdict = "compatible" if self.ok else "NOT compatible"
        lines.append(
            f"{verdict}: {counts['compatible']} of {counts['interactions']} interactions "
            f"compatible; {counts['errors']} errors, {counts['unchecked']} not checked, "
            f"{counts['warnings']} warnings"
        )
        return "\n".join(lines)


def _finding_lines(finding: Finding) -> list[str]:
    tag = {"error": "error", "unchecked": "not checked", "warning": "warning"}[finding.severity]
    out = [f"       {tag} [{finding.code}] {finding.pact_location}: {finding.message}"]
    if finding.document_pointer is not None:
        out.append(f"         document: #{finding.document_pointer}")
    return out


def body_path(prefix: str, location: Sequence[str | int]) -> str:
    """``response.body`` + ``("items", 0, "price")`` → ``response.body.items[0].price``."""
    out = [prefix]
    for part in location:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif part.replace("_", "").replace("-", "").isalnum():
            out.append(f".{part}")
        else:
            out.append("['" + part.replace("'", "\\'") + "']")
    return "".join(out)


def dedupe(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.code, f.pact_location, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)
