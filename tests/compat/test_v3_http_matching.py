"""features/V3/http_matching.feature: content-type and accept header comparison."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V3


bind(globals(), "V3/http_matching.feature")
