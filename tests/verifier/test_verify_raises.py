"""``Verifier.verify()`` fails a provider test written the pact-python way: it raises on a
failing provider, with the report as the message and the result on the exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import Verifier
from accord.errors import VerificationFailed

from .conftest import get_user, make_starlette, v3_pact, write_pact


def _verifier(tmp_path: Path, name: str = "Mallory") -> Verifier:
    broken = get_user(1, body={"id": 1, "name": name, "role": "admin"})
    write_pact(tmp_path, v3_pact([broken, get_user(2)]))
    return Verifier("users-api").add_source(tmp_path).add_transport(app=make_starlette())


def test_verify_raises_with_the_report_and_the_result(tmp_path: Path) -> None:
    with pytest.raises(VerificationFailed) as caught:
        _verifier(tmp_path).verify()

    message = str(caught.value)
    assert "2 interactions, 1 passed, 1 failed" in message
    assert "FAILED web: a request for user 1" in message and "Mallory" in message
    result = caught.value.result
    assert [r.description for r in result.failed] == ["a request for user 1"]


def test_the_failure_is_a_runtime_error_as_in_pact_python(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        _verifier(tmp_path).verify()
    with pytest.raises(AssertionError):
        _verifier(tmp_path).verify()


def test_raises_false_returns_the_failing_result(tmp_path: Path) -> None:
    verifier = _verifier(tmp_path)
    result = verifier.verify(raises=False)

    assert not result.ok and len(result.failed) == 1
    with pytest.raises(VerificationFailed) as caught:
        result.assert_ok()
    assert caught.value.result is result
    assert verifier.results["result"] is False
    assert [e["interaction"] for e in verifier.results["errors"]] == ["web: a request for user 1"]


def test_a_passing_provider_returns_its_result(tmp_path: Path) -> None:
    verifier = _verifier(tmp_path, name="Alice")
    result = verifier.verify()

    assert result.ok and len(result.passed) == 2
    assert verifier.results["result"] is True and verifier.results["errors"] == []
    assert len(verifier.results["interactionResults"]) == 2
    assert verifier.output() == result.report()
