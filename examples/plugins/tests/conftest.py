"""Where the pact goes, and the consumer side first.

The consumer tests write ``pacts/xml-web-xml-users-api.json``; the provider tests verify
it. pytest runs ``test_consumer.py`` before ``test_provider.py``, and the ``pact_file`` fixture
runs the consumer tests itself when only the provider tests were selected, so either file can
be run alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
PACT_DIR = EXAMPLE / "pacts"
PACT_FILE = PACT_DIR / "xml-web-xml-users-api.json"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start from no pact, so the file holds exactly what this run's consumer tests define."""
    PACT_FILE.unlink(missing_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name == "test_provider.py")  # stable: consumer first


@pytest.fixture(scope="session")
def pact_dir() -> Path:
    return PACT_DIR


@pytest.fixture(scope="session")
def pact_file() -> Path:
    """The consumer's pact (written by the consumer tests, run now if they have not run)."""
    if not PACT_FILE.exists():
        command = [sys.executable, "-m", "pytest", "-q", "tests/test_consumer.py"]
        subprocess.run(command, cwd=EXAMPLE, check=True)
    return PACT_FILE
