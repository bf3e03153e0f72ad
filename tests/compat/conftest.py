"""pytest-bdd runner for the official Pact compatibility suite (tests/data/pact-compat-suite).

Each ``test_*.py`` here binds one feature file; the steps live in ``steps/`` (one module per
area) and share a fresh ``World`` per scenario. Fixture files and table cells are read by
``support/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.model import SpecVersion

from .steps.generators import *  # noqa: F403
from .steps.http_consumer import *  # noqa: F403
from .steps.http_provider import *  # noqa: F403
from .steps.matching import *  # noqa: F403
from .steps.message_consumer import *  # noqa: F403
from .steps.message_provider import *  # noqa: F403
from .steps.v4 import *  # noqa: F403
from .steps.verification import *  # noqa: F403
from .support.suite import SUITE
from .support.world import World

if not SUITE.is_dir():  # pragma: no cover - a broken checkout, not a test result
    raise pytest.UsageError(f"compatibility suite not found at {SUITE}")


def pytest_bdd_apply_tag(tag: str, function: object) -> bool:
    """Feature tags (@consumer, @provider, @message, @wip, ...) are documentation here."""
    return True


@pytest.fixture
def spec_version() -> SpecVersion:
    """Overridden by each test module with its feature's specification version."""
    return SpecVersion.V4


@pytest.fixture
def world(spec_version: SpecVersion, tmp_path: Path) -> Iterator[World]:
    w = World(spec=spec_version, tmp=tmp_path)
    yield w
    for callback in reversed(w.cleanup):
        callback()
