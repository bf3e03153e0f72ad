"""The core packages are pure: importing them loads no network, process or thread machinery."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = ("socket", "http", "urllib.request", "asyncio", "threading", "subprocess", "sqlite3")

PROBE = """
import importlib, json, sys
loaded = []
for name in ("accord.model", "accord.matching", "accord.generation"):
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        continue
    loaded.append(name)
print(json.dumps({"loaded": loaded, "modules": sorted(sys.modules)}))
"""


def test_core_packages_import_no_io_modules() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(done.stdout)
    assert "accord.model" in report["loaded"] and "accord.matching" in report["loaded"]
    offending = sorted(
        m for m in report["modules"] if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)
    )
    assert offending == [], f"core imports pulled in I/O modules: {offending}"


def test_matching_xml_and_multipart_parsers_are_imported_lazily() -> None:
    probe = (
        "import sys, accord.matching; "
        "print(any(m.startswith(('defusedxml', 'python_multipart')) for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
