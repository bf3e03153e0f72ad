"""Reporters for verification runs: each consumes the runner's events (``handle(event)``).

::

    from accord.reporting import ConsoleReporter, JsonReporter, JUnitReporter
    verifier.verify(reporters=[ConsoleReporter(), JUnitReporter("junit.xml")])

The console reporter is the only place in accord that uses colour.
"""

from __future__ import annotations

from accord.reporting.console import ConsoleReporter, render_report
from accord.reporting.json import JsonReporter, write_json
from accord.reporting.junit import JUnitReporter, junit_xml, write_junit

__all__ = [
    "ConsoleReporter",
    "JUnitReporter",
    "JsonReporter",
    "junit_xml",
    "render_report",
    "write_json",
    "write_junit",
]
