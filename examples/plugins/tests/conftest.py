"""Where the pacts go, and the consumer side first.

The consumer tests write ``pacts/xml-web-xml-users-api.json`` (XML),
``pacts/reports-web-reports-api.json`` (the plugins) and
``pacts/address-book-web-address-book-api.json`` (protobuf); the provider tests verify them. pytest
runs the consumer tests first, and the pact fixtures run them itself when only provider tests
were selected, so any file can be run alone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1]
PACT_DIR = EXAMPLE / "pacts"
PACT_FILE = PACT_DIR / "xml-web-xml-users-api.json"
REPORTS_PACT_FILE = PACT_DIR / "reports-web-reports-api.json"
PERSON_PACT_FILE = PACT_DIR / "address-book-web-address-book-api.json"
GRPC_PACT_FILE = PACT_DIR / "address-book-grpc-client-address-book-grpc.json"


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start from no pact, so each file holds exactly what this run's consumer tests define."""
    PACT_FILE.unlink(missing_ok=True)
    REPORTS_PACT_FILE.unlink(missing_ok=True)
    PERSON_PACT_FILE.unlink(missing_ok=True)
    GRPC_PACT_FILE.unlink(missing_ok=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "provider" in item.path.name)  # stable: consumers first


@pytest.fixture(scope="session")
def pact_dir() -> Path:
    return PACT_DIR


def _written_by(test_file: str, pact: Path) -> Path:
    if not pact.exists():
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", test_file]
        subprocess.run(command, cwd=EXAMPLE, check=True)
    return pact


@pytest.fixture(scope="session")
def pact_file() -> Path:
    """The XML consumer's pact (written by its tests, run now if they have not run)."""
    return _written_by("tests/test_consumer.py", PACT_FILE)


@pytest.fixture(scope="session")
def reports_pact_file() -> Path:
    """The reports consumer's pact, with plugin contents."""
    return _written_by("tests/test_reports_consumer.py", REPORTS_PACT_FILE)


@pytest.fixture(scope="session")
def person_pact_path() -> Path:
    """Where the protobuf consumer's pact is written."""
    return PERSON_PACT_FILE


@pytest.fixture(scope="session")
def person_pact_file() -> Path:
    """The protobuf consumer's pact (the address book over HTTP)."""
    return _written_by("tests/test_person_consumer.py", PERSON_PACT_FILE)


@pytest.fixture(scope="session")
def grpc_pact_path() -> Path:
    return GRPC_PACT_FILE


@pytest.fixture(scope="session")
def grpc_pact_file() -> Path:
    """The gRPC consumer's pact (GetPerson)."""
    return _written_by("tests/test_person_grpc_consumer.py", GRPC_PACT_FILE)
