"""The README's first command: the whole loop must keep working, narrated step by step."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_demo_runs_the_whole_loop_and_stops_the_breaking_change() -> None:
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "accord.demo"], capture_output=True,
                          text=True, timeout=180, env=env)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "(2 interactions)" in out
    assert "2 interactions, 2 passed, 0 failed" in out
    assert "YES: All required verification results are published and successful" in out
    assert "2 interactions, 1 passed, 1 failed" in out
    assert "missing the following keys: name" in out
    assert (
        "NO: The verification for the pact between the version of demo-web currently in"
        " production (1.0.0)" in out
    )
    assert "Demo complete" in out
