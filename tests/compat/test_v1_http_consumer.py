"""features/V1/http_consumer.feature: the mock server, V1 pact files, request bodies."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V1


bind(globals(), "V1/http_consumer.feature")
