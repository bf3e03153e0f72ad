"""Plugin tests: each test sees the process-wide plugin registry as it was before it ran.

Most tests scope their plugins in a catalogue (``DEFAULT_CATALOGUE.with_plugin(...)``); the
ones about ``register_plugin`` and discovery change the process-wide registry, which this
fixture puts back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.plugins import default_registry


@pytest.fixture(autouse=True)
def isolated_plugins() -> Iterator[None]:
    """Plugins registered or discovered by a test do not leak into the next one."""
    registry = default_registry()
    saved = registry.snapshot()
    yield
    registry.restore(saved)


@pytest.fixture
def pact_dir(tmp_path: Path) -> Path:
    return tmp_path / "pacts"
