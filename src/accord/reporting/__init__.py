"""Reporters for verification runs: each consumes the runner's events (``handle(event)``).

::

    from accord.reporting import ConsoleReporter, JsonReporter, JUnitReporter
    verifier.verify(reporters=[ConsoleReporter(), JUnitReporter("junit.xml")])

The console reporter is the only place in accord that uses colour.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.reporting.console import ConsoleReporter, render_report
    from accord.reporting.json import JsonReporter, write_json
    from accord.reporting.junit import JUnitReporter, junit_xml, write_junit

# each reporter's module is imported when its name is first used: a console run does not
# load the XML library the JUnit reporter needs
_HOME = {"ConsoleReporter": "console", "render_report": "console", "JsonReporter": "json",
         "write_json": "json", "JUnitReporter": "junit", "junit_xml": "junit",
         "write_junit": "junit"}


def __getattr__(name: str) -> object:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'accord.reporting' has no attribute {name!r}")
    return getattr(importlib.import_module(f"accord.reporting.{home}"), name)

__all__ = [
    "ConsoleReporter",
    "JUnitReporter",
    "JsonReporter",
    "junit_xml",
    "render_report",
    "write_json",
    "write_junit",
]
