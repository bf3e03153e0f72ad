"""The Ruby client's ``pactflow publish-provider-contract`` (pact_broker-client, bundled by the npm
package ``@pact-foundation/pact-cli`` 16) against ``accord broker serve``, then ``pact-broker
can-i-deploy`` answering from the comparison: bi-directional contract testing end to end, with
the official client's console output and exit codes as the oracle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from _npm_tools import ToolRun, accord_broker, ok, pact_broker, run_npm_tool, write_pact

pytestmark = pytest.mark.interop

ITEMS_API = """\
openapi: 3.0.3
info: {title: items, version: "1"}
paths:
  /items:
    get:
      responses:
        "200":
          description: the items
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                properties:
                  id: {type: integer}
                  name: {type: string}
"""
LABEL = "compatible by contract comparison (bi-directional), not verified"


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with accord_broker(tmp_path_factory.mktemp("pactflow-broker")) as url:
        yield url


def publish_contract(broker: str, tmp: Path, version: str, document: str, exit_code: int,
                     env: dict[str, str] | None = None) -> ToolRun:
    spec = tmp / f"openapi-{version}.yaml"
    spec.write_text(document)
    results = tmp / f"results-{version}.txt"
    results.write_text(f"{3 if exit_code else 0} failures\n")
    return run_npm_tool(
        "pactflow", "publish-provider-contract", str(spec), "--provider", "ItemsApi",
        "--provider-app-version", version, "--branch", "main", "--tag", "dev",
        "--content-type", "application/yaml", "--verification-exit-code", str(exit_code),
        "--verification-results", str(results), "--verification-results-content-type",
        "text/plain", "--verifier", "pytest", "--build-url", f"https://ci.example/{version}",
        "--broker-base-url", broker, env=env)


def can_i_deploy(broker: str, *args: str) -> ToolRun:
    return pact_broker(broker, "can-i-deploy", "--pacticipant", "Shop", "--version", "s1", *args)


def test_publish_provider_contract_then_can_i_deploy(broker: str, tmp_path: Path) -> None:
    write_pact(tmp_path / "pacts", "Shop", "ItemsApi", {"id": 1, "name": "pen"}, path="/items")
    ok(pact_broker(broker, "publish", str(tmp_path / "pacts"), "--consumer-app-version", "s1",
                   "--branch", "main"))

    published = ok(publish_contract(broker, tmp_path, "i1", ITEMS_API, 0))
    assert "Successfully published provider contract for ItemsApi version i1" in published.stdout
    assert "1 compatible, 0 not compatible" in published.stdout
    assert ("/contracts/bi-directional/provider/ItemsApi/version/i1/provider-contract"
            in published.stdout)

    yes = ok(can_i_deploy(broker, "--pacticipant", "ItemsApi", "--version", "i1"))
    assert "Computer says yes \\o/" in yes.stdout
    assert re.search(r"^Shop\s*\| s1\s*\| ItemsApi\s*\| i1\s*\| true", yes.stdout, re.M), (
        yes.stdout)
    assert LABEL in yes.stdout

    ok(pact_broker(broker, "create-environment", "--name", "items-prod", "--production"))
    ok(pact_broker(broker, "record-deployment", "--pacticipant", "ItemsApi", "--version", "i1",
                   "--environment", "items-prod"))
    to_env = ok(can_i_deploy(broker, "--to-environment", "items-prod"))
    assert "Computer says yes \\o/" in to_env.stdout
    assert LABEL in to_env.stdout


def test_an_incompatible_or_unverified_contract_says_no(broker: str, tmp_path: Path) -> None:
    write_pact(tmp_path / "pacts", "Shop", "ItemsApi", {"id": 1, "name": "pen"}, path="/items")
    ok(pact_broker(broker, "publish", str(tmp_path / "pacts"), "--consumer-app-version", "s1",
                   "--branch", "main"))

    without_name = ITEMS_API.replace("                  name: {type: string}\n", "")
    published = ok(publish_contract(broker, tmp_path, "i2", without_name, 0))
    assert "0 compatible, 1 not compatible" in published.stdout
    no = can_i_deploy(broker, "--pacticipant", "ItemsApi", "--version", "i2")
    assert no.returncode == 1, no.text()
    assert "Computer says no" in no.stdout
    assert "not compatible with the provider contract" in no.stdout
    assert "response.body.name" in no.stdout

    ok(publish_contract(broker, tmp_path, "i3", ITEMS_API, 1))
    failed = can_i_deploy(broker, "--pacticipant", "ItemsApi", "--version", "i3")
    assert failed.returncode == 1, failed.text()
    assert "Computer says no" in failed.stdout
    assert "self-verification failed" in failed.stdout


def test_the_older_put_publication_of_the_client(broker: str, tmp_path: Path) -> None:
    """``PACTFLOW_FEATURES=publish_provider_contracts_using_old_api``: the client creates the
    version with its branch and tag, then PUTs the contract to ``/contracts/provider/…``."""
    write_pact(tmp_path / "pacts", "Till", "StockApi", {"id": 1, "name": "pen"}, path="/items")
    ok(pact_broker(broker, "publish", str(tmp_path / "pacts"), "--consumer-app-version", "t1",
                   "--branch", "main"))
    old_api = {"PACTFLOW_FEATURES": "publish_provider_contracts_using_old_api"}
    spec = tmp_path / "openapi.yaml"
    spec.write_text(ITEMS_API)
    published = ok(run_npm_tool(
        "pactflow", "publish-provider-contract", str(spec), "--provider", "StockApi",
        "--provider-app-version", "k1", "--branch", "main", "--tag", "dev",
        "--content-type", "application/yaml", "--verification-success",
        "--broker-base-url", broker, env=old_api))
    assert ("Successfully published provider contract for StockApi version k1 to PactFlow"
            in published.stdout)
    assert (f"View the uploaded contract at {broker}/contracts/bi-directional/provider/StockApi/"
            "version/k1/provider-contract" in published.stdout)
    yes = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Till", "--version", "t1",
                         "--pacticipant", "StockApi", "--version", "k1"))
    assert "Computer says yes \\o/" in yes.stdout
    assert LABEL in yes.stdout
    described = ok(pact_broker(broker, "describe-version", "--pacticipant", "StockApi",
                               "--version", "k1"))
    assert "dev" in described.stdout
