"""Consumer tests: the DSL against a real mock server, pact files in tmp dirs, the plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

# Imported before pytester's in-process runs take their sys.modules snapshot, so the child
# sessions and this process share one copy of the DSL's classes.
import accord.consumer
import accord.generate
import accord.match  # noqa: F401


def pytest_configure(config: pytest.Config) -> None:
    # pytester drives the accord pytest plugin in child sessions; a non-root conftest may not
    # set ``pytest_plugins``, so the plugin is registered here instead.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture
def pact_dir(tmp_path: Path) -> Path:
    return tmp_path / "pacts"


@pytest.fixture
def make_pact(pact_dir: Path):
    from accord.consumer import Pact

    def make(consumer: str = "web", provider: str = "users-api", **kw):
        return Pact(consumer, provider, pact_dir=pact_dir, **kw)

    return make
