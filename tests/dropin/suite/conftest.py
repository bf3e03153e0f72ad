"""Shared fixtures of the drop-in suite (no Pact import here: the tests hold those)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import users_app


@pytest.fixture(scope="session")
def pacts_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pacts")


@pytest.fixture(scope="session")
def provider_port() -> Iterator[int]:
    with users_app.running() as port:
        yield port


@pytest.fixture(autouse=True)
def fresh_provider() -> Iterator[None]:
    users_app.USERS.clear()
    users_app.STATE_CALLS.clear()
    users_app.BROKEN["enabled"] = False
    yield
    users_app.USERS.clear()
    users_app.BROKEN["enabled"] = False
