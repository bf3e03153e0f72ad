"""The Ruby ``pact-provider-verifier`` (bundled by the npm package ``@pact-foundation/pact-cli``
16) fetching pacts from ``accord broker serve`` by consumer version selectors, with pending and
work-in-progress pacts, publishing its results, and can-i-deploy answering from them.

One broker serves the module: consumer Shop's main-branch pact is published and verified once (the
``main_verified`` fixture); the tests then add feature-branch pacts on top.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from _npm_tools import (
    StubProvider,
    ToolRun,
    accord_broker,
    ok,
    pact_broker,
    run_npm_tool,
    write_pact,
)

pytestmark = pytest.mark.interop

GOOD = {"/things": {"id": 1}}


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with accord_broker(tmp_path_factory.mktemp("ruby-verifier-broker")) as url:
        yield url


def publish(broker: str, directory: Path, version: str, branch: str) -> None:
    ok(pact_broker(broker, "publish", str(directory), "--consumer-app-version", version,
                   "--branch", branch))


def verify(broker: str, stub: StubProvider, *args: str, selectors: tuple[str, ...] = (),
           publish_as: str | None = None) -> ToolRun:
    """``pact-provider-verifier`` for provider Stock against ``stub``, from the broker."""
    command = ["--provider-base-url", stub.url, "--provider-states-setup-url", stub.state_url,
               "--pact-broker-base-url", broker, "--provider", "Stock", *args]
    for selector in selectors:
        command += ["--consumer-version-selector", selector]
    if publish_as:
        command += ["--publish-verification-results", "--provider-app-version", publish_as,
                    "--provider-version-branch", "main"]
    return run_npm_tool("pact-provider-verifier", *command)


@pytest.fixture(scope="module")
def main_verified(broker: str, tmp_path_factory: pytest.TempPathFactory) -> ToolRun:
    """Shop s1 (main) published, deployed to production, and verified by Stock p1 (main)."""
    pacts = tmp_path_factory.mktemp("main-pacts")
    write_pact(pacts, "Shop", "Stock", {"id": 1})
    publish(broker, pacts, "s1", "main")
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Stock", "--main-branch",
                   "main"))
    ok(pact_broker(broker, "create-environment", "--name", "production", "--production"))
    with StubProvider(GOOD) as stub:
        run = verify(broker, stub, "--enable-pending", publish_as="p1",
                     selectors=('{"mainBranch":true}', '{"deployedOrReleased":true}'))
        assert run.returncode == 0, run.text()
        assert stub.states and stub.states[0]["state"] == "things exist", stub.states
    return run


def test_main_branch_pact_is_verified_pending_at_first_and_published(
    broker: str, main_verified: ToolRun
) -> None:
    out = main_verified.stdout
    assert ("with the selection criteria: latest from main branch, currently deployed or released"
            in out), out
    assert "* latest version from the main branch 'main' (s1)" in out
    # nothing from Stock's main branch has verified it yet: pending, then no longer pending
    assert "This pact is in pending state for this version of Stock" in out
    assert "Verifying a pact between Shop and Stock [PENDING]" in out
    assert "1 interaction, 0 failures" in out
    assert 'INFO: Creating Stock version p1 with branch "main"' in out
    assert re.search(r"Verification results published to " + re.escape(broker)
                     + r"/pacts/provider/Stock/consumer/Shop/pact-version/[0-9a-f]+"
                       r"/verification-results/\d+", out), out
    assert ("This pact is no longer in pending state for any version of Stock from branch 'main'"
            in out)
    assert httpx.get(broker + "/pacticipants/Stock/branches/main/versions/p1").status_code == 200


def test_deployed_consumer_versions_are_selected_and_can_i_deploy_follows(
    broker: str, main_verified: ToolRun
) -> None:
    ok(pact_broker(broker, "record-deployment", "--pacticipant", "Shop", "--version", "s1",
                   "--environment", "production"))
    with StubProvider(GOOD) as stub:
        run = verify(broker, stub, "--enable-pending", selectors=('{"deployedOrReleased":true}',))
    assert run.returncode == 0, run.text()
    assert re.search(r"\* .*currently deployed to production \(s1\)", run.stdout), run.stdout
    assert "This pact has previously been successfully verified by" in run.stdout
    assert "[PENDING]" not in run.stdout

    # Stock p1 verified s1: it may join s1 in production
    to_production = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Stock", "--version",
                                   "p1", "--to-environment", "production"))
    assert re.search(r"^Shop\s*\| s1\s*\| Stock\s*\| p1\s*\| true", to_production.stdout, re.M), (
        to_production.stdout)
    never_verified = pact_broker(broker, "can-i-deploy", "--pacticipant", "Stock", "--version",
                                 "p-none", "--to-environment", "production")
    assert never_verified.returncode == 1, never_verified.text()


def test_a_failing_pending_pact_does_not_fail_the_build_but_blocks_can_i_deploy(
    broker: str, main_verified: ToolRun, tmp_path: Path
) -> None:
    write_pact(tmp_path, "Shop", "Stock", {"id": 1, "name": "new field"})
    publish(broker, tmp_path, "s2", "feat-x")
    with StubProvider(GOOD) as stub:
        strict = verify(broker, stub, selectors=('{"branch":"feat-x"}',))
        pending = verify(broker, stub, "--enable-pending", publish_as="p2",
                         selectors=('{"branch":"feat-x"}',))
    assert strict.returncode == 1, strict.text()
    assert "* latest version from branch 'feat-x' (s2)" in strict.stdout
    assert "1 interaction, 1 failure" in strict.stdout
    assert 'Could not find key "name"' in strict.stdout

    assert pending.returncode == 0, pending.text()
    assert "Verifying a pact between Shop and Stock [PENDING]" in pending.stdout
    assert "1 interaction, 0 failures, 1 pending" in pending.stdout
    assert "Verification results published to" in pending.stdout
    assert "This pact is still in pending state for any version of Stock from branch 'main'" in (
        pending.stdout)

    failed = pact_broker(broker, "can-i-deploy", "--pacticipant", "Shop", "--version", "s2",
                         "--pacticipant", "Stock", "--version", "p2")
    assert failed.returncode == 1, failed.text()
    assert "Computer says no" in failed.stdout
    assert re.search(r"^Shop\s*\| s2\s*\| Stock\s*\| p2\s*\| false", failed.stdout, re.M), (
        failed.stdout)
    assert "The verification for the pact between version s2 of Shop and" in failed.stdout


def test_work_in_progress_pacts_are_verified_pending(
    broker: str, main_verified: ToolRun, tmp_path: Path
) -> None:
    write_pact(tmp_path, "Shop", "Stock", {"id": 1}, path="/things/1")
    publish(broker, tmp_path, "s3", "feat-y")
    with StubProvider({**GOOD, "/things/1": {"id": 1}}) as stub:
        without_wip = verify(broker, stub, "--enable-pending", "--provider-version-branch",
                             "main", selectors=('{"mainBranch":true}',))
        wip = verify(broker, stub, "--enable-pending", "--include-wip-pacts-since",
                     "2020-01-01", publish_as="p3", selectors=('{"mainBranch":true}',))
    assert without_wip.returncode == 0, without_wip.text()
    assert "work in progress" not in without_wip.stdout
    assert wip.returncode == 0, wip.text()
    assert ("with the selection criteria: latest from main branch, work in progress pacts created "
            "after 2020-01-01" in wip.stdout), wip.stdout
    assert ("is being verified because it is a 'work in progress' pact (ie. it is the pact for the "
            "latest version of Shop from branch 'feat-y'" in wip.stdout), wip.stdout
    assert "because it was included as a 'work in progress' pact" in wip.stdout

    verified = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Shop", "--version", "s3",
                              "--pacticipant", "Stock", "--version", "p3"))
    assert re.search(r"^Shop\s*\| s3\s*\| Stock\s*\| p3\s*\| true", verified.stdout, re.M), (
        verified.stdout)
    unverified = pact_broker(broker, "can-i-deploy", "--pacticipant", "Shop", "--version", "s3",
                             "--pacticipant", "Stock", "--version", "p1")
    assert unverified.returncode == 1, unverified.text()


def test_invalid_selectors_are_refused_in_the_official_broker_words(
    broker: str, main_verified: ToolRun
) -> None:
    selectors = (
        '{"mainBranch":true,"latest":false}',
        '{"branch":"feat-x","fallbackBranch":"main","latest":false}',
        '{"tag":"prod","fallbackTag":"main"}',
        '{"deployed":true,"released":true}',
        '{"branch":"main","environment":"production"}',
        '{"environment":"nowhere"}',
    )
    with StubProvider(GOOD) as stub:
        run = verify(broker, stub, selectors=selectors)
    assert run.returncode != 0, run.text()
    assert "status=400" in run.out, run.text()
    for index, message in (
        (0, "cannot specify mainBranch=true with latest=false"),
        (1, "cannot specify a branch with latest=false"),
        (1, "fallbackBranch can only be set if latest is true"),
        (2, "fallbackTag can only be set if latest is true"),
        (3, "cannot specify both deployed=true and released=true"),
        (4, "cannot specify the field branch with the field environment"),
        (5, "environment with name 'nowhere' does not exist"),
    ):
        assert f"{message} (at index {index})" in run.out, run.text()
