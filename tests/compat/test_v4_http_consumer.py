"""features/V4/http_consumer.feature: V4 interaction type, key, pending, comments."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/http_consumer.feature")
