"""features/V4/synchronous_message_consumer.feature: V4 synchronous messages."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/synchronous_message_consumer.feature")
