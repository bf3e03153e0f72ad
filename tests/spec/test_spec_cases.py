"""Every official Pact Specification matching case (v1 to v4) through accord's engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.matching import match_message, match_request, match_response
from accord.model import SpecVersion, load_message_contents, load_request, load_response

CASES_DIR = Path(__file__).resolve().parents[1] / "data" / "pact-spec" / "testcases"
VERSIONS = {
    "v1": SpecVersion.V1,
    "v1.1": SpecVersion.V1_1,
    "v2": SpecVersion.V2,
    "v3": SpecVersion.V3,
    "v4": SpecVersion.V4,
}


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.rglob("*.json")):
        rel = path.relative_to(CASES_DIR)
        case_id = "/".join((*rel.parts[:-1], rel.stem))
        params.append(pytest.param(path, id=case_id))
    return params


CASES = _cases()
# Checked at collection: a missing or moved data folder must fail loudly, not pass vacuously.
assert len(CASES) == 803, f"expected 803 spec cases under {CASES_DIR}, found {len(CASES)}"


@pytest.mark.parametrize("path", CASES)
def test_spec_case(path: Path) -> None:
    rel = path.relative_to(CASES_DIR)
    version = VERSIONS[rel.parts[0]]
    category = rel.parts[1]
    case = json.loads(path.read_text(encoding="utf-8-sig"))
    expected_data, actual_data = case.get("expected", {}), case.get("actual", {})
    if category == "request":
        result = match_request(
            load_request(expected_data, version), load_request(actual_data, version), spec=version
        )
    elif category == "response":
        result = match_response(
            load_response(expected_data, version), load_response(actual_data, version), spec=version
        )
    else:
        result = match_message(
            load_message_contents(expected_data, version),
            load_message_contents(actual_data, version),
            spec=version,
        )
    assert result.ok is case["match"], (
        f"{case['comment']}: expected match={case['match']}, mismatches:\n{result.describe()}"
    )
    if not case["match"]:
        assert all(m.message for m in result.mismatches)
