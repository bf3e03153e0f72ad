"""Our own client and CLI commands against a live broker on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from accord.broker_client import BrokerClient, expand
from accord.cli import main
from accord.errors import BrokerError

from .helpers import pact
from .live import LiveBroker


def test_expand_percent_encodes():
    assert expand("/x/{branch}/{v}", branch="feat/x y", v="1") == "/x/feat%2Fx%20y/1"


def test_client_round_trip(database_url):
    with LiveBroker(database_url) as broker, BrokerClient(broker.url, retries=0) as client:
        result = client.publish_contracts(
            [pact("Foo", "Bar", "a")], version="1", branch="main", tags=["dev"]
        )
        assert result[0]["notices"][0]["text"].startswith("Created Foo version 1")
        pacts = client.pacts_for_verification(
            "Bar", selectors=[{"mainBranch": True}], provider_branch="main", include_pending=True
        )
        assert len(pacts) == 1 and pacts[0]["verificationProperties"]["pending"] is True
        doc = client.fetch_pact(pacts[0]["_links"]["self"]["href"])
        client.publish_verification_results(
            doc, provider_version="p1", success=True, provider_branch="main", provider_tags=["main"]
        )
        client.create_environment("production", production=True)
        client.record_deployment("Bar", "p1", "production")
        assert (
            client.can_i_deploy([("Foo", "1")], to_environment="production")["summary"][
                "deployable"
            ]
            is True
        )
        client.record_release("Foo", "1", "production")
        client.record_support_ended("Foo", "1", "production")
        client.record_undeployment("Bar", "production")
        with pytest.raises(BrokerError, match="not currently deployed"):
            client.record_undeployment("Bar", "production")
        client.create_version_tag("Foo", "1", "prod")
        assert client.describe_version("Foo", latest_tag="prod")["number"] == "1"
        with pytest.raises(BrokerError) as err:
            client.create_version_tag("Foo", "9", "prod")
        assert err.value.status == 404
        with pytest.raises(BrokerError, match="No environment found"):
            client.record_deployment("Foo", "1", "nope")


def test_cli_commands(database_url, tmp_path):
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / "Foo-Bar.json").write_text(json.dumps(pact("Foo", "Bar", "a")))
    runner = CliRunner()
    with LiveBroker(database_url) as broker:
        b = ["-b", broker.url]

        def run(*args):
            return runner.invoke(main, [*args, *b], catch_exceptions=False)

        published = run("publish", str(pacts), "-a", "1", "--branch", "main", "-t", "dev")
        assert published.exit_code == 0, published.output
        assert "Pact successfully published" in published.output
        assert run("create-environment", "--name", "production", "--production").exit_code == 0
        no = run("can-i-deploy", "-a", "Foo", "-e", "1", "--to-environment", "production")
        assert no.exit_code == 1 and "Computer says no" in no.output
        assert (
            run(
                "can-i-deploy",
                "-a",
                "Foo",
                "-e",
                "1",
                "--to-environment",
                "production",
                "--dry-run",
            ).exit_code
            == 0
        )
        assert (
            run(
                "record-deployment", "-a", "Foo", "-e", "1", "--environment", "production"
            ).exit_code
            == 0
        )
        assert run("record-undeployment", "-a", "Foo", "--environment", "production").exit_code == 0
        assert (
            run("record-release", "-a", "Foo", "-e", "1", "--environment", "production").exit_code
            == 0
        )
        assert run("create-version-tag", "-a", "Foo", "-e", "1", "-t", "prod").exit_code == 0
        described = run("describe-version", "-a", "Foo", "-o", "json")
        assert json.loads(described.output)["number"] == "1"
        missing = run("record-deployment", "-a", "Foo", "-e", "9", "--environment", "production")
        assert missing.exit_code == 3 and "Error:" in missing.output


def test_broker_migrate_command(tmp_path):
    result = CliRunner().invoke(
        main, ["broker", "migrate", "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"]
    )
    assert result.exit_code == 0 and "up to date" in result.output
