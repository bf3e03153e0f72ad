"""features/V4/v4.feature: HTTP and message interactions in one pact file."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/v4.feature")
