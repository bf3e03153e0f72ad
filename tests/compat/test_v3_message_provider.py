"""features/V3/message_provider.feature: verifying message producers."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V3


bind(globals(), "V3/message_provider.feature")
