"""The Ruby ``pact-broker`` client (pact_broker-client, bundled by the npm package
``@pact-foundation/pact-cli`` 16) against ``accord broker serve``: every command a CI pipeline uses,
with the client's own console output as the oracle.

One broker serves the module; each test uses its own pacticipant names so they run in any order.
"""

from __future__ import annotations

import json
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


#: webhooks here call local listeners: plain http and 127.0.0.1 must be whitelisted, as an
#: official broker must be told to allow http (its default scheme whitelist is https only); with
#: a host whitelist, every other webhook host must be listed too (as in the official broker)
LOCAL_WEBHOOKS = {
    "ACCORD_BROKER_WEBHOOK_SCHEME_WHITELIST": "https http",
    "ACCORD_BROKER_WEBHOOK_HOST_WHITELIST": "127.0.0.1 ci.example",
}


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with accord_broker(tmp_path_factory.mktemp("ruby-client-broker"), LOCAL_WEBHOOKS) as url:
        yield url


def verify_and_publish(broker: str, provider: str, version: str, routes: dict[str, object],
                       *selectors: str, branch: str = "main") -> ToolRun:
    """The Ruby ``pact-provider-verifier`` over ``selectors``, publishing as ``version``."""
    with StubProvider(routes) as stub:
        args = ["--provider-base-url", stub.url, "--provider-states-setup-url", stub.state_url,
                "--pact-broker-base-url", broker, "--provider", provider,
                "--publish-verification-results", "--provider-app-version", version,
                "--provider-version-branch", branch]
        for selector in selectors:
            args += ["--consumer-version-selector", selector]
        return run_npm_tool("pact-provider-verifier", *args)


def environment_uuid(broker: str, name: str) -> str:
    listed = httpx.get(broker + "/environments").json()["_embedded"]["environments"]
    return next(env["uuid"] for env in listed if env["name"] == name)


def test_publish_with_branch_tags_and_build_url(broker: str, tmp_path: Path) -> None:
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Pub", "PubApi", {"id": 1})
    first = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c1",
                           "--branch", "main", "--tag", "dev", "--tag", "ci",
                           "--build-url", "https://ci.example/1"))
    assert "Created Pub version c1 with branch main and tags dev, ci" in first.stdout
    assert "Pact successfully published for Pub version c1 and provider PubApi." in first.stdout
    assert (f"View the published pact at {broker}/pacts/provider/PubApi/consumer/Pub/version/c1"
            in first.stdout)
    assert ("Events detected: contract_published, contract_content_changed (first time any pact "
            "published for this consumer with consumer version tagged dev, first time any pact "
            "published for this consumer with consumer version tagged ci)\n") in first.stdout
    assert "Add Pact verification tests to the PubApi build" in first.stdout
    version = httpx.get(broker + "/pacticipants/Pub/versions/c1").json()
    assert version["buildUrl"] == "https://ci.example/1"
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]
    assert {t["name"] for t in version["_embedded"]["tags"]} == {"dev", "ci"}

    again = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c1",
                           "--branch", "main", "--tag", "dev", "--tag", "ci"))
    assert "Updated Pub version c1 with branch main and tags dev, ci" in again.stdout
    assert "Events detected: contract_published\n" in again.stdout
    assert "contract_content_changed" not in again.stdout

    # the events the official broker detects for later versions, with its explanations
    same = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c2",
                          "--branch", "main", "--tag", "dev"))
    assert ("Events detected: contract_published (pact content is the same as previous version "
            "with tag dev and no new tags were applied)\n") in same.stdout
    untagged = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c3",
                              "--branch", "main"))
    assert ("Events detected: contract_published, contract_content_changed (first time untagged "
            "pact published)\n") in untagged.stdout
    write_pact(pacts, "Pub", "PubApi", {"id": 4})
    changed_dev = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c4",
                                 "--branch", "main", "--tag", "dev"))
    assert ("contract_content_changed (pact content has changed since the last consumer version "
            "tagged with dev)\n") in changed_dev.stdout
    changed_untagged = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version",
                                      "c5", "--branch", "main"))
    assert ("contract_content_changed (pact content has changed since previous untagged version)"
            "\n") in changed_untagged.stdout

    write_pact(pacts, "Pub", "PubApi", {"id": 2})
    changed = pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "c1",
                          "--branch", "main")
    assert changed.returncode == 1, changed.text()
    assert "Cannot change the content of the pact for Pub version c1 and provider PubApi" in (
        changed.out)
    assert '-          "id": 1\n+          "id": 2' in changed.out  # the client prints the diff


def test_republishing_unchanged_content_says_what_the_official_broker_says(
    broker: str, tmp_path: Path
) -> None:
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Repub", "RepubApi", {"id": 1})
    ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "r1", "--branch",
                   "main"))
    again = ok(pact_broker(broker, "publish", str(pacts), "--consumer-app-version", "r1",
                           "--branch", "main"))
    assert ("Pact successfully republished for Repub version r1 and provider RepubApi with no "
            "content changes." in again.stdout)


def test_republishing_repeats_the_next_steps_as_the_official_broker_does(
    broker: str, tmp_path: Path
) -> None:
    write_pact(tmp_path, "Repub2", "Repub2Api", {"id": 1})
    for _ in range(2):
        again = ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "r1",
                               "--branch", "main"))
    # no verification and no webhook yet: the official broker's notices name both next steps
    assert "Add Pact verification tests to the Repub2Api build" in again.stdout


def test_pacticipants_create_update_describe_and_list(broker: str) -> None:
    created = ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Desc",
                             "--display-name", "Described Service", "--main-branch", "trunk",
                             "--repository-url", "https://git.example/desc"))
    assert created.stdout.strip() == 'Pacticipant "Desc" created in the Pact Broker'
    updated = ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Desc",
                             "--main-branch", "main"))
    assert updated.stdout.strip() == 'Pacticipant "Desc" updated in the Pact Broker'

    described = ok(pact_broker(broker, "describe-pacticipant", "--name", "Desc"))
    assert "Name: Desc\n" in described.stdout
    assert "Display Name: Described Service\n" in described.stdout
    assert "Repository Url: https://git.example/desc\n" in described.stdout
    assert "Main Branch: main\n" in described.stdout
    as_json = json.loads(ok(pact_broker(broker, "describe-pacticipant", "--name", "Desc",
                                        "--output", "json")).stdout)
    assert as_json["mainBranch"] == "main" and as_json["displayName"] == "Described Service"
    missing = pact_broker(broker, "describe-pacticipant", "--name", "NoSuchPacticipant")
    assert missing.returncode == 1 and "status=404" in missing.out

    listed = ok(pact_broker(broker, "list-pacticipants"))
    assert re.search(r"^NAME\s*\| DISPLAY NAME", listed.stdout, re.M), listed.stdout
    assert re.search(r"^Desc\s*\| Described Service", listed.stdout, re.M), listed.stdout
    listed_json = json.loads(ok(pact_broker(broker, "list-pacticipants", "-o", "json")).stdout)
    assert "Desc" in {p["name"] for p in listed_json["pacticipants"]}


def test_environments_deployments_and_releases(broker: str) -> None:
    created = ok(pact_broker(broker, "create-environment", "--name", "env-prod", "--display-name",
                             "Env Prod", "--production", "--contact-name", "Ops",
                             "--contact-email-address", "ops@example.com"))
    uuid = environment_uuid(broker, "env-prod")
    assert created.stdout.strip() == (
        f"Created env-prod environment in the Pact Broker with UUID {uuid}")
    duplicate = pact_broker(broker, "create-environment", "--name", "env-prod")
    assert duplicate.returncode == 1
    assert "Another environment with name 'env-prod' already exists" in duplicate.out
    ok(pact_broker(broker, "create-environment", "--name", "env-test"))
    listed = ok(pact_broker(broker, "list-environments"))
    assert re.search(rf"^{uuid} \| env-prod\s*\| Env Prod\s*\| true", listed.stdout, re.M), (
        listed.stdout)
    described = ok(pact_broker(broker, "describe-environment", "--uuid", uuid))
    assert "Production: true" in described.stdout and "Email Address: ops@example.com" in (
        described.stdout)

    ok(pact_broker(broker, "create-or-update-version", "--pacticipant", "Dep", "--version", "d1",
                   "--branch", "main"))
    deployed = ok(pact_broker(broker, "record-deployment", "--pacticipant", "Dep", "--version",
                              "d1", "--environment", "env-prod"))
    assert deployed.stdout.strip() == (
        "Recorded deployment of Dep version d1 to env-prod environment in the Pact Broker.")
    blue = ok(pact_broker(broker, "record-deployment", "--pacticipant", "Dep", "--version", "d1",
                          "--environment", "env-prod", "--application-instance", "blue"))
    assert "(application instance blue)" in blue.stdout
    deployed_versions = httpx.get(
        f"{broker}/environments/{uuid}/deployed-versions/currently-deployed").json()
    instances = {d.get("applicationInstance") for d in
                 deployed_versions["_embedded"]["deployedVersions"]}
    assert instances == {None, "blue"}

    undeployed = ok(pact_broker(broker, "record-undeployment", "--pacticipant", "Dep",
                                "--environment", "env-prod", "--application-instance", "blue"))
    assert undeployed.stdout.strip() == ("Recorded undeployment of Dep version d1 from env-prod "
                                         "environment (application instance blue) in the Pact "
                                         "Broker.")
    wrong_instance = pact_broker(broker, "record-undeployment", "--pacticipant", "Dep",
                                 "--environment", "env-prod", "--application-instance", "green")
    assert wrong_instance.returncode == 1
    assert ("Dep is not currently deployed to application instance 'green' in env-prod "
            "environment" in wrong_instance.out)
    never = pact_broker(broker, "record-undeployment", "--pacticipant", "Dep", "--environment",
                        "env-test")
    assert never.returncode == 1
    assert "Dep is not currently deployed to env-test environment" in never.out
    unknown_env = pact_broker(broker, "record-deployment", "--pacticipant", "Dep", "--version",
                              "d1", "--environment", "nowhere")
    assert unknown_env.returncode == 1
    assert "No environment found with name 'nowhere'. Available options:" in unknown_env.out

    released = ok(pact_broker(broker, "record-release", "--pacticipant", "Dep", "--version", "d1",
                              "--environment", "env-test"))
    assert released.stdout.strip() == (
        "Recorded release of Dep version d1 to env-test environment in the Pact Broker.")
    ended = ok(pact_broker(broker, "record-support-ended", "--pacticipant", "Dep", "--version",
                           "d1", "--environment", "env-test"))
    assert ended.stdout.strip() == (
        "Recorded support ended for Dep version d1 in env-test environment in the Pact Broker.")
    again = pact_broker(broker, "record-support-ended", "--pacticipant", "Dep", "--version", "d1",
                        "--environment", "env-test")
    assert again.returncode == 1
    assert "Dep version d1 is not currently released in env-test environment" in again.out


def test_version_tags_and_describe_version(broker: str, tmp_path: Path) -> None:
    write_pact(tmp_path, "Tagged", "TaggedApi", {"id": 1})
    ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "t1", "--branch",
                   "main", "--tag", "dev"))
    tagged = ok(pact_broker(broker, "create-version-tag", "--pacticipant", "Tagged", "--version",
                            "t1", "--tag", "prod"))
    assert tagged.stdout.strip() == "Tagging Tagged version t1 as prod"
    missing = pact_broker(broker, "create-version-tag", "--pacticipant", "Tagged", "--version",
                          "t9", "--tag", "prod")
    assert missing.returncode == 1
    assert "Could not create tag. Version t9 of Tagged does not exist." in missing.out
    ok(pact_broker(broker, "create-version-tag", "--pacticipant", "Tagged", "--version", "t2",
                   "--tag", "feat", "--auto-create-version"))

    described = ok(pact_broker(broker, "describe-version", "--pacticipant", "Tagged", "--version",
                               "t1"))
    assert re.search(r"^t1\s*\| dev prod\s*$", described.stdout, re.M), described.stdout
    latest = ok(pact_broker(broker, "describe-version", "--pacticipant", "Tagged"))
    assert re.search(r"^t2\s*\| feat\s*$", latest.stdout, re.M), latest.stdout
    by_tag = ok(pact_broker(broker, "describe-version", "--pacticipant", "Tagged", "--latest",
                            "dev"))
    assert re.search(r"^t1\s*\|", by_tag.stdout, re.M), by_tag.stdout
    as_json = json.loads(ok(pact_broker(broker, "describe-version", "--pacticipant", "Tagged",
                                        "--version", "t1", "-o", "json")).stdout)
    assert as_json["number"] == "t1"
    assert [b["name"] for b in as_json["_embedded"]["branchVersions"]] == ["main"]
    unknown = pact_broker(broker, "describe-version", "--pacticipant", "Tagged", "--version",
                          "nope")
    assert unknown.returncode == 1 and "Pacticipant version not found" in unknown.out


def test_can_i_deploy_and_can_i_merge(broker: str, tmp_path: Path) -> None:
    write_pact(tmp_path, "Gate", "GateApi", {"id": 1})
    ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "g1", "--branch",
                   "main", "--tag", "rc"))
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "GateApi", "--main-branch",
                   "main"))
    ok(pact_broker(broker, "create-environment", "--name", "gate-prod", "--production"))

    nothing_deployed = pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version",
                                   "g1", "--to-environment", "gate-prod")
    assert nothing_deployed.returncode == 1, nothing_deployed.text()
    assert "Computer says no" in nothing_deployed.stdout
    assert ("There is no verified pact between version g1 of Gate and a version of GateApi "
            "currently in gate-prod (no version is currently recorded as deployed/released in this "
            "environment)" in nothing_deployed.stdout), nothing_deployed.stdout

    verified = verify_and_publish(broker, "GateApi", "a1", {"/things": {"id": 1}},
                                  '{"mainBranch":true}')
    assert verified.returncode == 0, verified.text()
    ok(pact_broker(broker, "record-deployment", "--pacticipant", "GateApi", "--version", "a1",
                   "--environment", "gate-prod"))

    yes = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version", "g1",
                         "--to-environment", "gate-prod"))
    assert "Computer says yes \\o/" in yes.stdout
    assert re.search(r"^Gate\s*\| g1\s*\| GateApi\s*\| a1\s*\| true\s*\| 1", yes.stdout, re.M), (
        yes.stdout)
    assert "All required verification results are published and successful" in yes.stdout
    as_json = json.loads(ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate",
                                        "--version", "g1", "--to-environment", "gate-prod",
                                        "--output", "json")).stdout)
    assert as_json["summary"]["deployable"] is True
    assert as_json["summary"]["success"] == 1
    assert as_json["matrix"][0]["provider"]["version"]["number"] == "a1"

    by_branch = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--branch",
                               "main", "--to-environment", "gate-prod"))
    assert "Computer says yes" in by_branch.stdout
    assert "It is recommended to specify the version number" in by_branch.stdout
    by_tag = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--latest", "rc",
                            "--to-environment", "gate-prod"))
    assert re.search(r"^Gate\s*\| g1\s*\|", by_tag.stdout, re.M), by_tag.stdout
    both_versions = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version",
                                   "g1", "--pacticipant", "GateApi", "--version", "a1"))
    assert "Computer says yes" in both_versions.stdout

    # a new consumer version with a changed pact has no verification: no, unless GateApi is ignored
    write_pact(tmp_path, "Gate", "GateApi", {"id": 1, "name": "new"})
    ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "g2", "--branch",
                   "feat"))
    no = pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version", "g2",
                     "--to-environment", "gate-prod")
    assert no.returncode == 1, no.text()
    assert re.search(r"^Gate\s*\| g2\s*\| GateApi\s*\| \?\?\?\s*\| \?\?\?", no.stdout, re.M), (
        no.stdout)
    assert ("There is no verified pact between version g2 of Gate and the version of GateApi "
            "currently in gate-prod (a1)" in no.stdout), no.stdout
    no_json = json.loads(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version",
                                     "g2", "--to-environment", "gate-prod", "-o", "json").stdout)
    assert no_json["summary"]["deployable"] is not True and no_json["summary"]["unknown"] == 1
    ignored = ok(pact_broker(broker, "can-i-deploy", "--pacticipant", "Gate", "--version", "g2",
                             "--to-environment", "gate-prod", "--ignore", "GateApi"))
    assert "Computer says yes" in ignored.stdout

    merge_yes = ok(pact_broker(broker, "can-i-merge", "--pacticipant", "Gate", "--version", "g1"))
    assert "Computer says yes" in merge_yes.stdout
    merge_no = pact_broker(broker, "can-i-merge", "--pacticipant", "Gate", "--version", "g2")
    assert merge_no.returncode == 1, merge_no.text()
    # the official description of an inferred main-branch selector names the branch it resolved
    assert ("There is no verified pact between version g2 of Gate and the latest version of "
            "GateApi from branch main (a1)" in merge_no.stdout), merge_no.stdout


def test_webhooks_are_created_updated_and_tested(broker: str) -> None:
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Hooked"))
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "HookedApi"))
    uuid = ok(run_npm_tool("pact-broker", "generate-uuid")).stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", uuid), uuid
    target = "https://ci.example/build"
    created = ok(pact_broker(broker, "create-or-update-webhook", target, "--uuid", uuid,
                             "-X", "POST", "-H", "Content-Type: application/json",
                             "-d", '{"pact":"${pactbroker.pactUrl}"}', "--consumer", "Hooked",
                             "--provider", "HookedApi", "--contract-content-changed",
                             "--description", "trigger build"))
    assert created.stdout.strip() == 'Webhook "trigger build" created'
    hook = httpx.get(f"{broker}/webhooks/{uuid}").json()
    assert hook["request"]["url"] == target and hook["request"]["method"] == "POST"
    assert hook["request"]["body"] == {"pact": "${pactbroker.pactUrl}"}
    assert hook["consumer"]["name"] == "Hooked" and hook["provider"]["name"] == "HookedApi"
    assert [e["name"] for e in hook["events"]] == ["contract_content_changed"]

    updated = ok(pact_broker(broker, "create-or-update-webhook", target, "--uuid", uuid,
                             "-X", "POST", "--provider", "HookedApi",
                             "--provider-verification-published", "--description", "on results"))
    assert updated.stdout.strip() == 'Webhook "on results" updated'
    hook = httpx.get(f"{broker}/webhooks/{uuid}").json()
    assert [e["name"] for e in hook["events"]] == ["provider_verification_published"]
    assert "consumer" not in hook

    # test-webhook makes the broker execute the webhook now and prints the logs it returns; the
    # target is a local listener (http and 127.0.0.1 are whitelisted here: LOCAL_WEBHOOKS)
    with StubProvider({}) as target_server:
        ok(pact_broker(broker, "create-or-update-webhook", target_server.state_url, "--uuid", uuid,
                       "-X", "POST", "-H", "Content-Type: application/json", "-d",
                       '{"state":"webhook test"}', "--provider", "HookedApi",
                       "--provider-verification-published", "--description", "on results"))
        tested = ok(pact_broker(broker, "test-webhook", "--uuid", uuid))
        assert target_server.states == [{"state": "webhook test"}]
    assert f"POST {target_server.state_url}" in tested.stdout, tested.text()
    unknown = pact_broker(broker, "test-webhook", "--uuid", "00000000-0000-0000-0000-000000000000")
    assert unknown.returncode == 1, unknown.text()


def test_can_i_deploy_names_the_one_deployed_version_as_the_official_broker_does(
    broker: str, tmp_path: Path
) -> None:
    write_pact(tmp_path, "Worded", "WordedApi", {"id": 1})
    ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "w1", "--branch",
                   "main"))
    ok(pact_broker(broker, "create-environment", "--name", "worded-prod"))
    ok(pact_broker(broker, "create-or-update-version", "--pacticipant", "WordedApi", "--version",
                   "wa1"))
    ok(pact_broker(broker, "record-deployment", "--pacticipant", "WordedApi", "--version", "wa1",
                   "--environment", "worded-prod"))
    no = pact_broker(broker, "can-i-deploy", "--pacticipant", "Worded", "--version", "w1",
                     "--to-environment", "worded-prod")
    assert no.returncode == 1, no.text()
    assert ("There is no verified pact between version w1 of Worded and the version of WordedApi "
            "currently in worded-prod (wa1)" in no.stdout), no.stdout


def test_can_i_deploy_with_a_latest_version_that_does_not_exist_says_no(
    broker: str, tmp_path: Path
) -> None:
    write_pact(tmp_path, "Hopeful", "Unbuilt", {"id": 1})
    ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "h1", "--branch",
                   "main"))
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Unreleased"))
    ok(pact_broker(broker, "create-environment", "--name", "hopeful-prod"))
    # a specified selector that names no version is a no, and the only reason given is the
    # official version_does_not_exist_description (ResolvedSelector), not a missing verification
    no_versions = "No pacts or verifications have been published for Unbuilt"
    for args in (["--pacticipant", "Hopeful", "--version", "h1", "--pacticipant", "Unbuilt",
                  "--latest"],
                 ["--pacticipant", "Unbuilt", "--latest"],
                 ["--pacticipant", "Unbuilt", "--latest", "--to-environment", "hopeful-prod"]):
        answer = pact_broker(broker, "can-i-deploy", *args)
        assert answer.returncode == 1, answer.text()
        assert "Computer says no" in answer.stdout, answer.stdout
        assert no_versions in answer.stdout, answer.stdout
        assert "There is no verified pact" not in answer.stdout, answer.stdout
        as_json = json.loads(pact_broker(broker, "can-i-deploy", *args, "-o", "json").stdout)
        assert as_json["summary"]["deployable"] is False, as_json
    by_tag = pact_broker(broker, "can-i-deploy", "--pacticipant", "Unbuilt", "--latest", "rc",
                         "--to-environment", "hopeful-prod")
    assert by_tag.returncode == 1, by_tag.text()
    assert "No version with tag rc exists for Unbuilt" in by_tag.stdout, by_tag.stdout
    by_branch = pact_broker(broker, "can-i-deploy", "--pacticipant", "Unbuilt", "--branch", "main",
                            "--to-environment", "hopeful-prod")
    assert by_branch.returncode == 1, by_branch.text()
    assert "No version of Unbuilt from branch main exists" in by_branch.stdout, by_branch.stdout
    # a pacticipant with no versions and no integrations at all is still a no
    lonely = pact_broker(broker, "can-i-deploy", "--pacticipant", "Unreleased", "--latest",
                         "--to-environment", "hopeful-prod")
    assert lonely.returncode == 1, lonely.text()
    assert "No pacts or verifications have been published for Unreleased" in lonely.stdout, (
        lonely.stdout)


def test_a_failing_webhook_test_execution_is_still_answered_with_200(broker: str) -> None:
    # the official broker answers 200 with success false and the logs (a 5xx would make the Ruby
    # client retry for ~20 s before printing them)
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "FailHookApi"))
    uuid = "5f0c3a52-0000-4000-8000-00000000f00d"
    target = "http://127.0.0.1:9/unreachable"
    ok(pact_broker(broker, "create-or-update-webhook", target, "--uuid", uuid, "-X", "POST",
                   "--provider", "FailHookApi", "--provider-verification-published",
                   "--description", "unreachable"))
    executed = httpx.post(f"{broker}/webhooks/{uuid}/execute", timeout=30)
    assert executed.status_code == 200
    assert executed.json()["success"] is False
    # `test-webhook` prints the execution logs whatever the outcome
    tested = ok(pact_broker(broker, "test-webhook", "--uuid", uuid))
    assert f"POST {target}" in tested.stdout, tested.text()


def test_publishing_detects_that_the_providers_main_branch_must_verify(
    broker: str, tmp_path: Path
) -> None:
    ok(pact_broker(broker, "create-or-update-pacticipant", "--name", "Ledger", "--main-branch",
                   "main"))
    ok(pact_broker(broker, "create-or-update-version", "--pacticipant", "Ledger", "--version",
                   "r1", "--branch", "main"))
    write_pact(tmp_path, "Billing", "Ledger", {"id": 1})
    published = ok(pact_broker(broker, "publish", str(tmp_path), "--consumer-app-version", "q1",
                               "--branch", "main"))
    # the official broker's event listener records it whether or not a webhook listens
    assert ("Events detected: contract_published, contract_requiring_verification_published, "
            "contract_content_changed" in published.stdout), published.stdout
