"""`accord mock` as a subprocess: serve pact files, log requests, report endpoint, SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import httpx
from mock_helpers import create_user, get_user, make_pact
from mock_process import start_accord_mock

from accord.model import dump_pact


def write_pact_file(directory: Path, name: str, *interactions: dict, version: str = "3.0.0"
                    ) -> Path:
    pact = make_pact(*interactions, version="4.0")
    path = directory / name
    path.write_text(json.dumps(dump_pact(pact, version)))
    return path


def test_cli_serves_a_pact_file_logs_requests_and_reports(tmp_path: Path) -> None:
    file = write_pact_file(tmp_path, "web-users.json", get_user(1), create_user())
    proc, url = start_accord_mock([str(file)])
    try:
        assert httpx.get(url + "/__accord/health").json()["status"] == "ok"
        assert httpx.get(url + "/users/1").json() == {"id": 1, "name": "Alice"}
        bad = httpx.post(url + "/users", json={"name": 1, "age": 2})
        assert bad.status_code == 500
        report = httpx.get(url + "/__accord/report").json()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.finish()
    assert proc.returncode == 0, err
    assert report["ok"] is False
    assert report["matched"][0]["interaction"] == "a request for user 1"
    assert report["mismatches"][0]["type"] == "request-mismatch"
    assert report["mismatches"][0]["mismatches"][0]["path"] == "$.name"
    assert "MATCHED     GET /users/1 -> 'a request for user 1'" in out
    assert "MISMATCHED  POST /users did not match 'a request to create a user'" in out
    assert "body $.name" in out
    assert "1 mismatched request" in out  # the final report
    assert "Traceback" not in err


def test_cli_serves_a_directory_filtered_by_provider(tmp_path: Path) -> None:
    write_pact_file(tmp_path, "web-users.json", get_user(1))
    other = make_pact(get_user(2))
    data = dump_pact(other, "4.0")
    data["provider"] = {"name": "orders-api"}
    (tmp_path / "web-orders.json").write_text(json.dumps(data))
    (tmp_path / "package.json").write_text('{"name": "not a pact"}')
    proc, url = start_accord_mock([str(tmp_path), "--provider", "users-api", "--cors"])
    try:
        assert httpx.get(url + "/users/1").status_code == 200
        assert httpx.get(url + "/users/2").status_code == 500  # orders-api is not served
        preflight = httpx.options(url + "/users/1", headers={
            "Origin": "http://x.test", "Access-Control-Request-Method": "GET"})
        assert preflight.headers["access-control-allow-origin"] == "http://x.test"
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.finish()
    assert proc.returncode == 0
    assert "serving 1 interaction (web -> users-api) from 1 pact" in out
    assert "warning: skipping" in err and "package.json" in err
    assert "UNEXPECTED  unexpected request GET /users/2" in out


def test_cli_tls(tmp_path: Path) -> None:
    file = write_pact_file(tmp_path, "p.json", get_user(1))
    proc, url = start_accord_mock([str(file), "--tls"])
    try:
        assert url.startswith("https://")
        found = re.search(r"TLS certificate: (\S+)", proc.output)
        assert found is not None
        cert = found.group(1)
        ctx = ssl.create_default_context(cafile=cert)
        assert httpx.get(url + "/users/1", verify=ctx).status_code == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.finish()
    assert proc.returncode == 0


def test_cli_errors_are_one_line_messages(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    accord = [sys.executable, "-c", "from accord.cli import main; main()"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    run = subprocess.run([*accord, "mock", str(broken)], capture_output=True, text=True,
                         timeout=30, env=env)
    assert run.returncode == 1
    assert "broken.json" in run.stderr
    assert "Traceback" not in run.stderr
    file = write_pact_file(tmp_path / "..", "only-users.json", get_user(1))
    run = subprocess.run([*accord, "mock", str(file), "--provider", "nobody"],
                         capture_output=True, text=True, timeout=30, env=env)
    assert run.returncode == 1
    assert "no HTTP interactions to serve for provider 'nobody'" in run.stderr


def csv_pact(consumer: str, plugin: str = "csv") -> dict:
    """A V4 pact whose request body is CSV, compared column by column by the CSV plugin."""
    return {
        "consumer": {"name": consumer}, "provider": {"name": "rows-api"},
        "interactions": [{
            "type": "Synchronous/HTTP", "description": f"rows from {consumer}",
            "request": {
                "method": "POST", "path": f"/{consumer}",
                "headers": {"Content-Type": ["text/csv"]},
                "body": {"content": "Name,100\n", "contentType": "text/csv", "encoded": False},
                "matchingRules": {"body": {
                    "column:1": {"matchers": [{"match": "type"}]},
                    "column:2": {"matchers": [{"match": "number"}]}}},
            },
            "response": {"status": 204},
            "pluginConfiguration": {plugin: {"csvHeaders": False}},
        }],
        "metadata": {"pactSpecification": {"version": "4.0"},
                     "plugins": [{"name": plugin, "version": "0.0.6", "configuration": {}}]},
    }


def test_cli_matches_bodies_with_the_plugins_the_pacts_name(tmp_path: Path) -> None:
    (tmp_path / "csv.json").write_text(json.dumps(csv_pact("web")))
    (tmp_path / "avro.json").write_text(json.dumps(csv_pact("batch", plugin="avro")))
    proc, url = start_accord_mock([str(tmp_path)])
    try:
        headers = {"Content-Type": "text/csv"}
        good = httpx.post(url + "/web", content="Bob,7\nAlice,12.5\n", headers=headers)
        bad = httpx.post(url + "/web", content="Bob,lots\n", headers=headers)
        skipped = httpx.post(url + "/batch", content="Name,100\n", headers=headers)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.finish()
    assert good.status_code == 204  # every row against the example row: the CSV plugin
    assert bad.status_code == 500
    assert skipped.status_code == 500  # its plugin is not installed: not served
    assert "warning: not serving batch -> rows-api: the plugin 'avro'" in err
    assert "row:1, column:2" in out
    assert "Traceback" not in err
