"""features/V3/http_provider.feature: several provider states and state parameters."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V3


bind(globals(), "V3/http_provider.feature")
