"""features/V3/message_provider.feature: verifying message producers."""

from __future__ import annotations

import pytest

from accord.model import SpecVersion

from .support.binding import bind


@pytest.fixture
def spec_version() -> SpecVersion:
    return SpecVersion.V3


bind(globals(), "V3/message_provider.feature", xfail={
    "Supports messages with body formatted for the Kafka schema registry": (
        "upstream @wip scenario: the Confluent schema-registry wire format (a magic byte and a "
        "4-byte schema id before the JSON) is not decoded by accord.matching, so the framed "
        "body never equals the expected JSON; upstream marks it work in progress too"),
})
