"""Reporters (console, JSON, JUnit XML) and the ``accord verify`` command (CliRunner and a real
subprocess), including its documented exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from accord import Verifier
from accord.cli import main
from accord.reporting import ConsoleReporter, junit_xml
from accord.verifier import VerificationResult

from .conftest import free_port, get_user, make_starlette, v3_pact, v4_pact, write_pact


def _mixed_pact(tmp_path: Path) -> Path:
    return write_pact(tmp_path, v4_pact([
        {"type": "Synchronous/HTTP", "description": "user 1",
         "providerStates": [{"name": "user 1 exists"}],
         "request": {"method": "GET", "path": "/users/1"},
         "response": {"status": 200, "body": {"content": {"id": 1, "name": "Alice",
                                                          "role": "admin"}}}},
        {"type": "Synchronous/HTTP", "description": "user 2 renamed",
         "request": {"method": "GET", "path": "/users/2"},
         "response": {"status": 200, "body": {"content": {"id": 2, "name": "Robert"}}}},
        {"type": "Synchronous/HTTP", "description": "pending change", "pending": True,
         "request": {"method": "GET", "path": "/users/2"},
         "response": {"status": 202}},
    ]))


@pytest.fixture
def mixed(tmp_path: Path) -> VerificationResult:
    return Verifier("users-api").add_source(_mixed_pact(tmp_path)) \
        .add_transport(app=make_starlette()).verify(raises=False)


def test_json_report(mixed: VerificationResult, tmp_path: Path) -> None:
    from accord.reporting import write_json

    data = json.loads(write_json(mixed, tmp_path / "out" / "report.json").read_text())
    assert data["success"] is False
    assert data["summary"] == {"total": 3, "passed": 1, "failed": 1, "pendingFailed": 1,
                               "sourceErrors": 0}
    renamed = data["interactions"][1]
    assert renamed["status"] == "failed"
    assert renamed["mismatches"][0]["type"] == "BodyMismatch"
    assert renamed["mismatches"][0]["path"] == "$.name"
    assert data["interactions"][2]["status"] == "pending"


def test_junit_report(mixed: VerificationResult) -> None:
    root = ET.fromstring(junit_xml(mixed).split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) \
        == ("3", "1", "0", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "web - users-api"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["user 1"].find("failure") is None
    assert cases["user 1"].find("properties/property").get("value") == "user 1 exists"
    failure = cases["user 2 renamed"].find("failure")
    assert failure is not None and "$.name" in failure.text
    assert cases["pending change"].find("skipped") is not None


def test_console_report_is_plain_text_when_not_a_terminal(mixed: VerificationResult) -> None:
    from accord.verifier.runner import RunFinished

    out = io.StringIO()
    ConsoleReporter(out).handle(RunFinished(mixed))
    text = out.getvalue()
    assert "\x1b[" not in text
    assert "FAILED web: user 2 renamed" in text
    assert "PENDING web: pending change" in text
    assert "GET /users/2" in text  # the request sent
    assert "expected" in text and "actual" in text and '"Robert"' in text and '"Bob"' in text
    assert "FAILED 3 interactions, 1 passed, 1 failed, 1 pending failed" in text
    coloured = io.StringIO()
    ConsoleReporter(coloured, colour=True).handle(RunFinished(mixed))
    assert "\x1b[" in coloured.getvalue()


def test_console_reports_progress_lines_per_interaction(tmp_path: Path) -> None:
    out = io.StringIO()
    Verifier("users-api").add_source(_mixed_pact(tmp_path)).add_transport(
        app=make_starlette()).verify(raises=False, reporters=[ConsoleReporter(out)])
    text = out.getvalue()
    assert "Verifying users-api: 3 interactions from 1 pact" in text
    assert "✓ user 1 given user 1 exists" in text
    assert "✗ user 2 renamed (failed)" in text


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


def test_cli_passes_fails_and_writes_reports(tmp_path: Path, http_provider: str) -> None:
    good = write_pact(tmp_path / "good", v3_pact([get_user(1), get_user(2)]))
    run = _cli("-n", "users-api", "--provider-base-url", http_provider, str(good))
    assert run.exit_code == 0, run.output
    assert "PASSED 2 interactions, 2 passed, 0 failed" in run.output
    assert "\x1b[" not in run.output

    junit, report = tmp_path / "junit.xml", tmp_path / "report.json"
    run = _cli("-n", "users-api", "--provider-base-url", http_provider,
               "-d", str(tmp_path / "good"), str(_mixed_pact(tmp_path / "mixed")),
               "--junit", str(junit), "--json", str(report), "--no-colour")
    assert run.exit_code == 1, run.output
    assert ET.parse(junit).getroot().get("failures") == "1"
    assert json.loads(report.read_text())["summary"]["total"] == 5


def test_cli_takes_the_provider_name_from_the_pact_files(tmp_path: Path,
                                                          http_provider: str) -> None:
    good = write_pact(tmp_path / "good", v3_pact([get_user(1)]))
    run = _cli("--provider-base-url", http_provider, str(good))
    assert run.exit_code == 0, run.output
    assert "Verifying users-api" in run.output
    other = json.loads(good.read_text())
    other["provider"]["name"] = "orders-api"
    (tmp_path / "good" / "orders.json").write_text(json.dumps(other))
    run = _cli("--provider-base-url", http_provider, "-d", str(tmp_path / "good"))
    assert run.exit_code == 2
    assert "pass --provider-name: the pact files name 2 providers (orders-api, users-api)" in (
        run.output)


def test_cli_filters_headers_and_state_url(tmp_path: Path, http_provider: str) -> None:
    pact = write_pact(tmp_path, v3_pact([
        get_user(1), {"description": "who am I",
                      "request": {"method": "GET", "path": "/whoami"},
                      "response": {"status": 200, "body": {"user": "alice"}}}]))
    run = _cli("-n", "users-api", "--provider-base-url", http_provider, str(pact),
               "--filter-description", "who", "--custom-header", "Authorization: Bearer s3cret")
    assert run.exit_code == 0, run.output
    assert "1 interaction, 1 passed" in run.output


def test_cli_exit_codes_for_usage_no_pacts_and_unreachable(tmp_path: Path) -> None:
    assert _cli("-n", "users-api", "--provider-base-url", "http://x").exit_code == 2
    run = _cli("-n", "users-api", "--provider-base-url", "http://127.0.0.1:1", "-d",
               str(tmp_path))
    assert run.exit_code == 2 and "No pacts were found" in run.output
    run = _cli("-n", "users-api", "--provider-base-url", "http://127.0.0.1:1", "-d",
               str(tmp_path), "--ignore-no-pacts-error")
    assert run.exit_code == 0
    pact = write_pact(tmp_path, v3_pact([get_user(1)]))
    down = f"http://127.0.0.1:{free_port()}"
    run = _cli("-n", "users-api", "--provider-base-url", down, str(pact))
    assert run.exit_code == 3, run.output
    run = _cli("-n", "users-api", "--broker-url", down, "--provider-base-url", down,
               "--broker-retries", "0")
    assert run.exit_code == 3, run.output
    run = _cli("-n", "users-api", "--provider-base-url", down, str(pact), "--publish")
    assert run.exit_code == 2 and "--publish needs --provider-version" in run.output
    run = _cli("-n", "users-api", "--provider-app", "no_such_module_xyz:app", str(pact))
    assert run.exit_code == 2 and "cannot import" in run.output


def test_cli_in_process_app_as_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "verifier_cli_app.py").write_text(
        "from tests.verifier.conftest import make_flask\napp = make_flask()\n")
    write_pact(tmp_path / "pacts", v3_pact([get_user(1), get_user(2, status=500)]))
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(root)]),
           "PACT_DO_NOT_TRACK": "true"}
    proc = subprocess.run(
        [sys.executable, "-c", "from accord.cli import main; main()", "verify",
         "--provider-name", "users-api", "--provider-app", "verifier_cli_app:app",
         "--pact-dir", str(tmp_path / "pacts")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "✓ a request for user 1" in proc.stdout
    assert "StatusMismatch" in proc.stdout
    assert "\x1b[" not in proc.stdout


def test_long_runs_show_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    pact = write_pact(tmp_path, v3_pact([get_user(1, description=f"user 1 #{i}")
                                         for i in range(25)]))
    out = io.StringIO()
    result = Verifier("users-api").add_source(pact).add_transport(app=make_starlette()).verify(
        reporters=[ConsoleReporter(out, colour=True)])
    assert result.ok
    text = out.getvalue()
    assert "✓ user 1 #3" not in text  # the bar replaces per-interaction lines
    assert "25 interactions, 25 passed, 0 failed" in text


def test_v4_comments_and_test_name_are_shown(tmp_path: Path) -> None:
    pact = write_pact(tmp_path, v4_pact([{
        "type": "Synchronous/HTTP", "description": "user 1",
        "comments": {"text": ["see ticket 12", "owned by team blue"], "testname": "test_user"},
        "request": {"method": "GET", "path": "/users/1"}, "response": {"status": 200}}]))
    out = io.StringIO()
    result = Verifier("users-api").add_source(pact).add_transport(app=make_starlette()).verify(
        reporters=[ConsoleReporter(out)])
    text = out.getvalue()
    assert "see ticket 12" in text and "owned by team blue" in text
    assert "test name: test_user" in text
    assert result.to_json()["interactions"][0]["testName"] == "test_user"


@pytest.mark.parametrize("line", [
    "  ✓ a request for item 0001", "  ✓ " + "x" * 116, "  ✓ " + "y" * 200,
    "  ✓ 日本語の説明 " * 9, "  ✗ [bold] literal \x1b[31m", "tab\there", "  ✓ trailing   ",
    "  ✓ 😀 emoji", "  ✓ e\u0301", ""])
def test_a_progress_line_written_directly_is_what_rich_writes(line: str) -> None:
    # to a file, short lines skip Rich's layout: the bytes must be the same either way
    from rich.text import Text

    direct, through_rich = io.StringIO(), io.StringIO()
    fast = ConsoleReporter(direct)
    assert fast._plain  # a file, no colour
    fast._print(Text(line))
    slow = ConsoleReporter(through_rich)
    slow._plain = False
    slow._print(Text(line))
    assert direct.getvalue() == through_rich.getvalue()
