"""features/V4/matching_rules.feature: V4 matching rules, compared directly."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V4


bind(globals(), "V4/matching_rules.feature")
