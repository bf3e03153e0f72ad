"""Plugin tests: each test sees the process-wide plugin registry as it was before it ran."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import accord.model.rules as model_rules
from accord.plugins import registry


@pytest.fixture(autouse=True)
def isolated_plugins() -> Iterator[None]:
    """Plugins registered or discovered by a test do not leak into the next one."""
    saved = dict(registry._DEFAULT._plugins)
    discovered = registry._DEFAULT._discovered
    kinds = set(model_rules._EXTRA_KINDS)
    yield
    registry._DEFAULT._plugins.clear()
    registry._DEFAULT._plugins.update(saved)
    registry._DEFAULT._discovered = discovered
    model_rules._EXTRA_KINDS.clear()
    model_rules._EXTRA_KINDS.update(kinds)


@pytest.fixture
def pact_dir(tmp_path: Path) -> Path:
    return tmp_path / "pacts"
