"""features/V2/http_provider.feature: V2 matchers on verified responses."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V2


bind(globals(), "V2/http_provider.feature")
