"""features/V4/generators.feature: ProviderState, MockServerURL and UUID-format generators."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/generators.feature")
