"""``accord openapi check --broker-url``: the provider's pacts fetched from a live broker (the
consumer version selectors of a verification) and compared with its OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from accord.broker_client import BrokerClient
from accord.cli import main

from .live import LiveBroker


def _pact(consumer: str, path: str) -> dict:
    return {
        "consumer": {"name": consumer}, "provider": {"name": "users-api"},
        "interactions": [{"description": f"get {path}",
                          "request": {"method": "GET", "path": path},
                          "response": {"status": 200, "headers": {
                              "Content-Type": "application/json"}, "body": {"id": 1}}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


SPEC = {
    "openapi": "3.0.3", "info": {"title": "users", "version": "1"},
    "paths": {"/users/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": True,
                        "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "a user", "content": {"application/json": {
            "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}},
    }}},
}


def test_pacts_from_the_broker_are_checked(database_url: str, tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(SPEC))
    with LiveBroker(database_url) as broker, BrokerClient(broker.url, retries=0) as client:
        client.publish_contracts([_pact("web", "/users/1")], version="1", branch="main")
        client.publish_contracts([_pact("mobile", "/users/me")], version="7", branch="main")

        def check(*args: str) -> tuple[int, dict]:
            result = CliRunner().invoke(main, [
                "openapi", "check", "--spec", str(spec), "--provider", "users-api",
                "--broker-url", broker.url, "--output", "json", *args])
            return result.exit_code, (json.loads(result.output) if result.output.startswith(
                "{") else {"output": result.output})

        code, report = check()
        assert code == 1, report
        verdicts = {p["consumer"]: p["ok"] for p in report["pacts"]}
        assert verdicts == {"web": True, "mobile": False}
        [mobile] = [p for p in report["pacts"] if p["consumer"] == "mobile"]
        assert mobile["source"].startswith("broker: ")
        finding = mobile["interactions"][0]["findings"][0]
        assert (finding["code"], finding["pactLocation"]) == ("type-mismatch", "request.path.id")

        code, report = check("--consumer-version-selectors", '{"consumer": "web", "latest": true}')
        assert code == 0, report
        assert [p["consumer"] for p in report["pacts"]] == ["web"]

        code, report = check("--consumer-version-selectors", '{"branch": "nope"}')
        assert code == 2 and "no pacts found for provider 'users-api'" in report["output"]


def test_an_unreachable_broker_is_bad_input(tmp_path: Path) -> None:
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(SPEC))
    result = CliRunner().invoke(main, ["openapi", "check", "--spec", str(spec), "--provider",
                                       "users-api", "--broker-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "could not reach the Pact Broker" in result.output


def test_the_broker_needs_a_provider(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["openapi", "check", "--spec", "x.yaml",
                                       "--broker-url", "http://127.0.0.1:9"])
    assert result.exit_code == 2
    assert "--broker-url needs --provider" in result.output
