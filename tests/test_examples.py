"""The examples run as part of the test suite, each in its own virtual environment.

``scripts/test_examples.sh`` installs every example (``examples/**/pyproject.toml``) with accord
into ``.venv-examples/<name>`` and runs its tests; this test runs that script and shows each
example's pytest summary, so ``bash scripts/test.sh`` covers the examples too.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "test_examples.sh"


@pytest.mark.slow
def test_every_example_passes_in_its_own_environment(capsys: pytest.CaptureFixture[str]) -> None:
    examples = sorted(p.parent for p in (ROOT / "examples").rglob("pyproject.toml"))
    assert len(examples) >= 4, "the four examples"
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)

    done = subprocess.run(
        ["bash", str(SCRIPT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )

    summary = done.stdout.split("=== examples summary", 1)[-1].strip()
    with capsys.disabled():
        print(f"\nexamples:\n{summary}")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    for example in examples:
        line = next(
            (s for s in summary.splitlines() if s.startswith(f"{example.relative_to(ROOT)}:")), ""
        )
        passed = re.search(r"(\d+) passed", line)
        assert passed and int(passed.group(1)) > 0, f"{example.name}: no tests passed ({line!r})"
        assert "failed" not in line and "error" not in line, line
