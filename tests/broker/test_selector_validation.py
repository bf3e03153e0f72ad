"""Consumer version selector validation answers in the official broker's words (the expectations
are those of pact_broker's pacts_for_verification_json_query_schema_spec)."""

from __future__ import annotations

from typing import Any

import pytest

from accord.broker.services.selectors import validate_selectors


@pytest.mark.parametrize(("selector", "message"), [
    ({"latest": False}, "must specify a value for environment or tag or branch, or specify "
     "mainBranch=true, matchingBranch=true, latest=true, deployed=true, released=true or "
     "deployedOrReleased=true (at index 0)"),
    ({"consumer": " ", "tag": "main"}, "consumer cannot be blank (at index 0)"),
    ({"deployed": False}, "deployed must be one of: true (at index 0)"),
    ({"latest": True, "environment": "prod"},
     "cannot specify the field latest with the field environment (at index 0)"),
    ({"tag": "x", "latest": True, "deployed": True, "environment": "prod"},
     "cannot specify the fields latest/tag with the fields deployed/environment (at index 0)"),
    ({"tag": "x", "branch": "y"}, "cannot specify both a tag and a branch (at index 0)"),
    ({"fallbackTag": "x", "latest": True, "branch": "y"},
     "a tag must be specified when a fallbackTag is specified (at index 0)"),
    ({"fallbackBranch": "x", "tag": "y", "latest": True},
     "a branch must be specified when a fallbackBranch is specified (at index 0)"),
    ({"branch": "x", "latest": False}, "cannot specify a branch with latest=false (at index 0)"),
    ({"mainBranch": True, "latest": False},
     "cannot specify mainBranch=true with latest=false (at index 0)"),
    ({"released": True, "deployedOrReleased": True},
     "cannot specify both released=true and deployedOrReleased=true (at index 0)"),
])
def test_an_invalid_selector_is_explained(selector: dict[str, Any], message: str) -> None:
    assert message in validate_selectors([selector], None)


def test_the_index_is_that_of_the_invalid_selector() -> None:
    errors = validate_selectors([{"mainBranch": True}, {"matchingBranch": True}], None)
    assert errors == ["the providerVersionBranch must be specified when the selector "
                      "matchingBranch=true is used (at index 1)"]
