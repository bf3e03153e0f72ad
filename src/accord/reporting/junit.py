"""JUnit XML for CI servers: one ``testsuite`` per pact, one ``testcase`` per interaction.

A failure is ``<failure>``; an interaction that could not be verified is ``<error>``; a pending
failure is ``<skipped>`` (so it never fails the build, but stays visible).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from accord.verifier.results import InteractionResult, VerificationResult
from accord.verifier.runner import Event, RunFinished

__all__ = ["JUnitReporter", "junit_xml", "write_junit"]


def _case(parent: ET.Element, r: InteractionResult) -> None:
    case = ET.SubElement(parent, "testcase", name=r.description,
                         classname=f"{r.consumer}.{r.provider}", time=f"{r.duration:.3f}")
    if r.provider_states:
        props = ET.SubElement(case, "properties")
        for state in r.provider_states:
            ET.SubElement(props, "property", name="providerState", value=state)
    if r.ok:
        return
    text = r.reason()
    if r.pending:
        ET.SubElement(case, "skipped", message="pending pact: the failure does not fail the "
                      "build").text = text
    elif r.error and not r.mismatches:
        ET.SubElement(case, "error", message=r.error.splitlines()[0],
                      type="VerificationError").text = text
    else:
        first = text.splitlines()[0].lstrip("- ") if text else "mismatch"
        ET.SubElement(case, "failure", message=first, type="Mismatch").text = text


def junit_xml(result: VerificationResult) -> str:
    """The JUnit XML document for ``result``."""
    root = ET.Element("testsuites", name=f"accord verify {result.provider}",
                      tests=str(len(result.results)), time=f"{result.duration:.3f}")
    suites: dict[tuple[str, str], list[InteractionResult]] = {}
    for r in result.results:
        suites.setdefault((r.consumer, r.source), []).append(r)
    failures = errors = skipped = 0
    for (consumer, source), items in suites.items():
        f = sum(1 for r in items if not r.ok and not r.pending and not (r.error and
                                                                        not r.mismatches))
        e = sum(1 for r in items if not r.ok and not r.pending and r.error and not r.mismatches)
        s = sum(1 for r in items if not r.ok and r.pending)
        failures, errors, skipped = failures + f, errors + e, skipped + s
        suite = ET.SubElement(root, "testsuite", name=f"{consumer} - {result.provider}",
                              tests=str(len(items)), failures=str(f), errors=str(e),
                              skipped=str(s), time=f"{sum(r.duration for r in items):.3f}")
        if source:
            props = ET.SubElement(suite, "properties")
            ET.SubElement(props, "property", name="source", value=source)
        for r in items:
            _case(suite, r)
    for failure in result.source_failures:
        errors += 1
        suite = ET.SubElement(root, "testsuite", name=f"source {failure.source}", tests="1",
                              failures="0", errors="1", skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", name=failure.source, classname="sources")
        ET.SubElement(case, "error", message=failure.error, type="SourceError").text = \
            failure.error
    if result.no_pacts and result.fail_if_no_pacts_found:
        errors += 1
        suite = ET.SubElement(root, "testsuite", name="pacts", tests="1", failures="0",
                              errors="1", skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", name="no pacts found", classname="sources")
        ET.SubElement(case, "error", message=f"no pacts were found for {result.provider}",
                      type="NoPactsFound")
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    root.set("skipped", str(skipped))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def write_junit(result: VerificationResult, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(junit_xml(result) + "\n", encoding="utf-8")
    return target


class JUnitReporter:
    """Writes the JUnit XML report when the run finishes."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            write_junit(event.result, self.path)
