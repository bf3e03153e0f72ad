"""The pytest plugin, driven through ``pytester``: options, the ``pact`` fixture, session-end
writes for passing tests only, failures showing the mock server report, and pytest-xdist."""

from __future__ import annotations

import json
import sys

import pytest

TESTS = """
import httpx
import pytest
from accord import match


def declare(pact, user_id):
    (pact.upon_receiving(f"a request for user {user_id}")
         .with_request("GET", f"/users/{user_id}")
         .will_respond_with(200).with_body({"id": match.integer(user_id)}))


@pytest.mark.parametrize("user_id", [1, 2, 3, 4])
def test_passes(pact, user_id):
    p = pact("web", "users-api")
    declare(p, user_id)
    with p.serve() as server:
        assert httpx.get(f"{server.url}/users/{user_id}").json() == {"id": user_id}


def test_fails_after_serving(pact):
    p = pact("web", "users-api")
    declare(p, 99)
    with p.serve() as server:
        httpx.get(f"{server.url}/users/99")
    assert False, "the client mis-handled the answer"


def test_mismatch(pact):
    p = pact("web", "users-api")
    declare(p, 50)
    with p.serve() as server:
        httpx.get(f"{server.url}/users/51")
"""


@pytest.fixture
def pytester(pytester):
    # the child sessions get their own ini (no inherited warnings-as-errors surprises)
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester


def descriptions(path):
    return sorted(i["description"] for i in json.loads(path.read_text())["interactions"])


def test_only_passing_tests_are_written_and_failures_show_the_report(pytester):
    pytester.makepyfile(test_users=TESTS)
    result = pytester.runpytest("--pact-dir", "out", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4, failed=2)
    result.stdout.fnmatch_lines(["*MismatchError*", "*/users/51*"])
    written = pytester.path / "out" / "web-users-api.json"
    assert descriptions(written) == [f"a request for user {i}" for i in (1, 2, 3, 4)]


def test_pact_spec_option_and_env_default_dir(pytester, monkeypatch):
    pytester.makepyfile(test_users=TESTS)
    monkeypatch.setenv("ACCORD_PACT_DIR", str(pytester.path / "from-env"))
    result = pytester.runpytest("--pact-spec", "V3", "-k", "test_passes")
    result.assert_outcomes(passed=4)
    doc = json.loads((pytester.path / "from-env" / "web-users-api.json").read_text())
    assert doc["metadata"]["pactSpecification"] == {"version": "3.0.0"}


def test_nothing_written_when_every_test_fails(pytester):
    pytester.makepyfile(test_users=TESTS)
    result = pytester.runpytest("--pact-dir", "out", "-k", "mismatch or fails_after")
    result.assert_outcomes(failed=2)
    assert not (pytester.path / "out").exists()


def test_plugin_does_not_disturb_runs_without_pacts(pytester):
    pytester.makepyfile(test_plain="def test_ok():\n    assert 1 + 1 == 2\n")
    result = pytester.runpytest("-W", "error")
    result.assert_outcomes(passed=1)
    assert not (pytester.path / "pacts").exists()


def test_plugin_imports_lightly():
    import subprocess

    code = (
        "import sys, accord.pytest_plugin; "
        "heavy = [m for m in ('accord.consumer', 'accord.mock', 'httpx', 'uvicorn') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_xdist_workers_write_one_merged_pact(pytester):
    pytester.makepyfile(test_users=TESTS)
    result = pytester.runpytest_subprocess(
        "-n", "2", "--pact-dir", "out", "-p", "xdist", "-k", "test_passes"
    )
    result.assert_outcomes(passed=4)
    written = pytester.path / "out" / "web-users-api.json"
    assert descriptions(written) == [f"a request for user {i}" for i in (1, 2, 3, 4)]
    assert not list((pytester.path / "out").glob("*.tmp"))
