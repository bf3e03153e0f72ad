"""One pytest item per interaction: ids, -k, --junitxml and xdist, run in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .conftest import get_user, v3_pact, v4_pact, write_pact

TEST_MODULE = '''
import pytest
from accord import Verifier
from accord.verifier.pytest_support import interactions
from tests.verifier.conftest import make_starlette

verifier = Verifier("users-api").add_source({pacts!r}).add_transport(app=make_starlette())

@pytest.mark.parametrize("interaction", interactions(verifier))
def test_pact(interaction):
    verifier.verify_interaction(interaction)
'''


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    pacts = tmp_path / "pacts"
    write_pact(pacts, v3_pact([get_user(1), get_user(2, body={"id": 2, "name": "Zed"})]))
    write_pact(pacts, v4_pact([{
        "type": "Synchronous/HTTP", "description": "a pending change", "pending": True,
        "request": {"method": "GET", "path": "/users/1"}, "response": {"status": 418}}],
        consumer="mobile"))
    (tmp_path / "test_contract.py").write_text(TEST_MODULE.format(pacts=str(pacts)))
    root = Path(__file__).resolve().parents[2]
    # only the plugins the run needs: autoloading every installed one (pact-python's loads its
    # FFI library, hypothesis, pytest-bdd, ...) cost each interpreter, xdist workers included,
    # a second or two of start-up
    env = {**os.environ, "PYTHONPATH": str(root), "PACT_DO_NOT_TRACK": "true",
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "accord.pytest_plugin",
         "-p", "xdist.plugin",
         "-o", "addopts=", "-o", "filterwarnings=", "--rootdir", str(tmp_path),
         str(tmp_path / "test_contract.py"), "-v", *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120, check=False)


def test_one_item_per_interaction_with_junitxml(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--junitxml", str(tmp_path / "junit.xml"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "test_pact[web: a request for user 1] PASSED" in out
    assert "test_pact[web: a request for user 2] FAILED" in out
    assert "test_pact[mobile: a pending change] XFAIL" in out
    assert "BodyMismatch at $.name" in out
    cases = ET.parse(tmp_path / "junit.xml").getroot().iter("testcase")
    assert sorted(c.get("name") for c in cases) == [
        "test_pact[mobile: a pending change]", "test_pact[web: a request for user 1]",
        "test_pact[web: a request for user 2]"]


def test_k_selects_interactions(tmp_path: Path) -> None:
    proc = _run(tmp_path, "-k", "user and 1")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed, 2 deselected" in proc.stdout


@pytest.mark.slow
def test_xdist_distributes_interactions(tmp_path: Path) -> None:
    proc = _run(tmp_path, "-n", "2")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "[web: a request for user 1]" in proc.stdout
    assert "1 failed, 1 passed, 1 xfailed" in proc.stdout
