"""accord as a drop-in for pact-python 4.x: the pact-python-style suite in ``suite/`` runs
twice in subprocess pytest sessions, once as is against pact-python (as installed from PyPI),
once with its ``from pact… import`` lines rewritten to ``from accord… import``. Every test
that passes on pact-python must pass on accord; the counts are reported."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .rewrite import copy_suite, rewrite_imports

SUITE = Path(__file__).parent / "suite"

pytestmark = [pytest.mark.interop, pytest.mark.slow]


def _run(directory: Path) -> dict[str, str]:
    """Run the suite copied into ``directory``; returns {test id: outcome}."""
    report = directory / "junit.xml"
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    env.pop("ACCORD_PACT_DIR", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", f"--junitxml={report}",
         "-c", str(directory / "pytest.ini"), "--rootdir", str(directory),
         "--basetemp", str(directory / "basetemp"), str(directory)],
        cwd=directory, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert report.is_file(), done.stdout + done.stderr
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        children = {child.tag for child in case}
        outcomes[name] = ("failed" if children & {"failure", "error"} else
                          "skipped" if "skipped" in children else "passed")
    return outcomes


def _written_files(directory: Path) -> set[str]:
    """Every file the run left in its temporary directories and working directory, relative
    (pytest's numbered temporary directories have the same names in both runs)."""
    base = directory / "basetemp"
    left = {str(p.relative_to(base)) for p in base.rglob("*") if p.is_file()}
    return left | {p.name for p in directory.iterdir() if p.name in ("pacts",)}


def test_rewriting_touches_import_lines_only() -> None:
    source = ("from pact import Pact, match\nfrom pact.error import MismatchesError\n"
              "    from pact.types import URL\npact = Pact('a', 'b')  # from pact import x\n")
    assert rewrite_imports(source) == (
        "from accord import Pact, match\nfrom accord.error import MismatchesError\n"
        "    from accord.types import URL\npact = Pact('a', 'b')  # from pact import x\n")


def test_every_test_passing_on_pact_python_passes_on_accord(tmp_path: Path) -> None:
    on_pact_python = _run(copy_suite(SUITE, tmp_path / "pact-python", to_accord=False))
    accord_copy = copy_suite(SUITE, tmp_path / "accord", to_accord=True)
    assert not any("from pact" in p.read_text() for p in accord_copy.rglob("*.py"))
    on_accord = _run(accord_copy)

    passed_pp = {t for t, o in on_pact_python.items() if o == "passed"}
    passed_accord = {t for t, o in on_accord.items() if o == "passed"}
    print(f"\ndrop-in suite: {len(on_pact_python)} tests; pact-python passed {len(passed_pp)}, "
          f"accord passed {len(passed_accord)}")
    assert len(on_pact_python) >= 30, "the suite was not collected"
    assert set(on_accord) == set(on_pact_python)
    # the suite is written to pass on pact-python: a failure there is a broken test
    assert passed_pp == set(on_pact_python), sorted(set(on_pact_python) - passed_pp)
    assert passed_pp <= passed_accord, sorted(passed_pp - passed_accord)
    # the same pact files, written where the tests asked: nothing in the working directory,
    # no lock files beside them
    written = _written_files(tmp_path / "pact-python")
    assert sum(name.endswith(".json") for name in written) >= 5, written
    assert _written_files(accord_copy) == written
