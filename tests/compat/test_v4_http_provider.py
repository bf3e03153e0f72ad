"""features/V4/http_provider.feature: pending interactions and comments in verification."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/http_provider.feature")
