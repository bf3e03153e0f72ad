"""features/V3/generators.feature: each V3 generator applied to a request body."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V3


bind(globals(), "V3/generators.feature")
