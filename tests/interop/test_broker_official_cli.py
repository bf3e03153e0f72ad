"""The official Pact CLIs (``pact broker …`` and ``pact verifier`` from pact-python-cli) against
``accord broker serve`` for real: publish, versions, environments, deployments, releases,
can-i-deploy in its forms, and the verifier fetching pacts for verification and publishing."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.interop

PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_broker(tmp: Path, **env_vars: str) -> Iterator[str]:
    """``accord broker serve`` on a free port with a SQLite file in ``tmp``."""
    if PACT_BIN is None:
        pytest.fail("the official `pact` binary (pact-python-cli) is not installed")
    port = free_port()
    env = {
        **os.environ,
        "ACCORD_BROKER_DATABASE_URL": f"sqlite:///{tmp / 'broker.sqlite3'}",
        **env_vars,
    }
    command = [sys.executable, "-m", "accord", "broker", "serve", "--port", str(port)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/diagnostic/status/heartbeat").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        else:
            pytest.fail("accord broker did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_broker(tmp_path_factory.mktemp("broker")) as url:
        yield url


def pact_cli(broker: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert PACT_BIN is not None
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    command = [PACT_BIN, *args]
    if args[0] == "broker":
        command += ["-b", broker]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def write_pact(directory: Path, consumer: str, provider: str, body: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    doc = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a request for things",
                "request": {"method": "GET", "path": "/things"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": body,
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    path = directory / f"{consumer}-{provider}.json"
    path.write_text(json.dumps(doc))
    return path


class Provider:
    """A stdlib HTTP provider answering /things with a configurable body."""

    def __init__(self, body: Any) -> None:
        self.body = body
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                data = json.dumps(outer.body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def verify(
    broker: str, provider: Provider, provider_version: str, *extra: str, name: str = "Bar"
) -> subprocess.CompletedProcess[str]:
    return pact_cli(
        broker,
        "verifier",
        "-b",
        broker,
        "-n",
        name,
        "--provider-version",
        provider_version,
        "--publish",
        "--hostname",
        "127.0.0.1",
        "--port",
        str(provider.port),
        *extra,
    )


def test_the_ci_loop_with_official_tools(broker: str, tmp_path: Path) -> None:
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Foo", "Bar", {"id": 1})
    published = pact_cli(
        broker,
        "broker",
        "publish",
        str(pacts),
        "--consumer-app-version",
        "c1",
        "--branch",
        "main",
        "--tag",
        "dev",
        "--build-url",
        "https://ci/1",
    )
    assert published.returncode == 0, published.stderr + published.stdout
    assert "Created Foo version c1 with branch main and tags dev" in published.stdout
    again = pact_cli(
        broker, "broker", "publish", str(pacts), "--consumer-app-version", "c1", "--branch", "main"
    )
    assert again.returncode == 0
    write_pact(pacts, "Foo", "Bar", {"id": 2})
    conflict = pact_cli(
        broker, "broker", "publish", str(pacts), "--consumer-app-version", "c1", "--branch", "main"
    )
    assert conflict.returncode != 0
    assert "Cannot change the content of the pact" in conflict.stdout + conflict.stderr
    write_pact(pacts, "Foo", "Bar", {"id": 1})

    assert (
        pact_cli(
            broker,
            "broker",
            "create-environment",
            "--name",
            "production",
            "--display-name",
            "Production",
            "--production",
        ).returncode
        == 0
    )
    listed = pact_cli(broker, "broker", "list-environments")
    assert "production" in listed.stdout

    provider = Provider({"id": 1})
    try:
        run = verify(
            broker,
            provider,
            "p1",
            "--provider-branch",
            "main",
            "--consumer-version-selectors",
            '{"mainBranch":true}',
            "--consumer-version-selectors",
            '{"deployedOrReleased":true}',
            "--enable-pending",
            "--include-wip-pacts-since",
            "2020-01-01",
            "--build-url",
            "https://ci/2",
        )
        assert run.returncode == 0, run.stdout + run.stderr
        assert "latest version from the main branch 'main' (c1)" in run.stdout
    finally:
        provider.close()
    assert httpx.get(broker + "/pacticipants/Bar/branches/main/versions/p1").status_code == 200

    cid = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "c1",
        "--pacticipant",
        "Bar",
        "--version",
        "p1",
    )
    assert cid.returncode == 0, cid.stdout + cid.stderr
    assert "Computer says yes" in cid.stdout

    to_env = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "c1",
        "--to-environment",
        "production",
    )
    assert to_env.returncode == 1 and "currently in production" in to_env.stdout

    assert (
        pact_cli(
            broker,
            "broker",
            "record-deployment",
            "--pacticipant",
            "Bar",
            "--version",
            "p1",
            "--environment",
            "production",
        ).returncode
        == 0
    )
    to_env = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "c1",
        "--to-environment",
        "production",
        "--retry-while-unknown",
        "1",
        "--retry-interval",
        "1",
    )
    assert to_env.returncode == 0, to_env.stdout + to_env.stderr

    as_json = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "c1",
        "--to-environment",
        "production",
        "--output",
        "json",
    )
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["summary"]["deployable"] is True

    by_branch = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--branch",
        "main",
        "--to-environment",
        "production",
    )
    assert by_branch.returncode == 0, by_branch.stdout + by_branch.stderr

    unknown = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "nope",
        "--to-environment",
        "production",
    )
    assert unknown.returncode == 1

    merge = pact_cli(broker, "broker", "can-i-merge", "--pacticipant", "Foo", "--version", "c1")
    assert merge.returncode == 0, merge.stdout + merge.stderr

    pacts_listed = pact_cli(broker, "broker", "get-pacts", "--provider", "Bar")
    assert pacts_listed.returncode == 0, pacts_listed.stdout + pacts_listed.stderr
    assert "Foo" in pacts_listed.stdout
    states = pact_cli(broker, "broker", "provider-states", "list", "--provider", "Bar")
    assert states.returncode == 0, states.stdout + states.stderr

    # a pact fetched by URL (as from a webhook) publishes its results to its own link
    provider = Provider({"id": 1})
    try:
        by_url = pact_cli(
            broker,
            "verifier",
            "--url",
            broker + "/pacts/provider/Bar/consumer/Foo/version/c1",
            "--broker-url",
            broker,
            "--provider-name",
            "Bar",
            "--publish",
            "--provider-version",
            "p-url",
            "--hostname",
            "127.0.0.1",
            "--port",
            str(provider.port),
        )
        assert by_url.returncode == 0, by_url.stdout + by_url.stderr
    finally:
        provider.close()
    assert httpx.get(broker + "/pacticipants/Bar/versions/p-url").status_code == 200


def test_a_breaking_provider_change_says_no_and_pending_does_not_fail(
    broker: str, tmp_path: Path
) -> None:
    # its own pair, so that it does not depend on the other tests: c1 verified on main first
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Fizz", "Buzz", {"id": 1})
    published = pact_cli(
        broker, "broker", "publish", str(pacts), "--consumer-app-version", "c1", "--branch", "main"
    )
    assert published.returncode == 0, published.stdout + published.stderr
    good = Provider({"id": 1})
    try:
        first = verify(
            broker,
            good,
            "p-good",
            "--provider-branch",
            "main",
            "--consumer-version-selectors",
            '{"mainBranch":true}',
            name="Buzz",
        )
        assert first.returncode == 0, first.stdout + first.stderr
    finally:
        good.close()
    assert (
        pact_cli(
            broker,
            "broker",
            "publish",
            str(pacts),
            "--consumer-app-version",
            "c2",
            "--branch",
            "feat-new",
        ).returncode
        == 0
    )
    provider = Provider({"id": "not a number"})
    try:
        # c2 has the same content as c1, already verified on main: not pending, so the failure fails
        run = verify(
            broker,
            provider,
            "p-broken",
            "--provider-branch",
            "main",
            "--consumer-version-selectors",
            '{"branch":"feat-new"}',
            "--enable-pending",
            name="Buzz",
        )
        assert run.returncode != 0
        write_pact(pacts, "Fizz", "Buzz", {"id": 1, "extra": "new field"})
        assert (
            pact_cli(
                broker,
                "broker",
                "publish",
                str(pacts),
                "--consumer-app-version",
                "c3",
                "--branch",
                "feat-new",
            ).returncode
            == 0
        )
        pending = verify(
            broker,
            provider,
            "p-broken2",
            "--provider-branch",
            "main",
            "--consumer-version-selectors",
            '{"branch":"feat-new"}',
            "--enable-pending",
            name="Buzz",
        )
        assert pending.returncode == 0, pending.stdout + pending.stderr
        assert "pending" in pending.stdout
    finally:
        provider.close()
    cid = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Fizz",
        "--version",
        "c2",
        "--pacticipant",
        "Buzz",
        "--version",
        "p-broken",
    )
    assert cid.returncode == 1
    assert "failed" in cid.stdout


def test_versions_tags_releases_and_undeployment(broker: str) -> None:
    created = pact_cli(
        broker,
        "broker",
        "create-or-update-version",
        "--pacticipant",
        "Svc",
        "--version",
        "v1",
        "--branch",
        "feat/x",
        "--tag",
        "t1",
    )
    assert created.returncode == 0, created.stdout + created.stderr
    version = httpx.get(broker + "/pacticipants/Svc/versions/v1").json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["feat/x"]
    assert {t["name"] for t in version["_embedded"]["tags"]} == {"t1"}
    assert (
        pact_cli(
            broker,
            "broker",
            "create-version-tag",
            "--pacticipant",
            "Svc",
            "--version",
            "v1",
            "--tag",
            "prod",
        ).returncode
        == 0
    )
    described = pact_cli(
        broker, "broker", "describe-version", "--pacticipant", "Svc", "--version", "v1"
    )
    assert described.returncode == 0 and "v1" in described.stdout
    assert pact_cli(broker, "broker", "create-environment", "--name", "staging").returncode == 0
    deployed = pact_cli(
        broker,
        "broker",
        "record-deployment",
        "--pacticipant",
        "Svc",
        "--version",
        "v1",
        "--environment",
        "staging",
        "--application-instance",
        "blue",
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    undeployed = pact_cli(
        broker,
        "broker",
        "record-undeployment",
        "--pacticipant",
        "Svc",
        "--environment",
        "staging",
        "--application-instance",
        "blue",
    )
    assert undeployed.returncode == 0, undeployed.stdout + undeployed.stderr
    released = pact_cli(
        broker,
        "broker",
        "record-release",
        "--pacticipant",
        "Svc",
        "--version",
        "v1",
        "--environment",
        "staging",
    )
    assert released.returncode == 0, released.stdout + released.stderr
    ended = pact_cli(
        broker,
        "broker",
        "record-support-ended",
        "--pacticipant",
        "Svc",
        "--version",
        "v1",
        "--environment",
        "staging",
    )
    assert ended.returncode == 0, ended.stdout + ended.stderr
    deleted = pact_cli(
        broker, "broker", "delete-branch", "--pacticipant", "Svc", "--branch", "feat/x"
    )
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert httpx.get(broker + "/pacticipants/Svc/branches/feat%2Fx").status_code == 404
    pacticipant = pact_cli(
        broker,
        "broker",
        "create-or-update-pacticipant",
        "--name",
        "Svc",
        "--display-name",
        "Service",
        "--main-branch",
        "main",
        "--repository-url",
        "https://git/svc",
    )
    assert pacticipant.returncode == 0, pacticipant.stdout + pacticipant.stderr
    assert httpx.get(broker + "/pacticipants/Svc").json()["mainBranch"] == "main"
    assert "Svc" in pact_cli(broker, "broker", "list-pacticipants").stdout
    assert pact_cli(broker, "broker", "list-latest-pact-versions").returncode == 0


def test_no_selectors_provider_tags_and_more_can_i_deploy_forms(
    broker: str, tmp_path: Path
) -> None:
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Qux", "Quux", {"id": 1})
    assert (
        pact_cli(
            broker,
            "broker",
            "publish",
            str(pacts),
            "--consumer-app-version",
            "q1",
            "--branch",
            "main",
            "--tag",
            "prod",
        ).returncode
        == 0
    )
    provider = Provider({"id": 1})
    try:
        # no selectors: the verifier uses pb:latest-provider-pacts and its `pacts` links
        plain = verify(broker, provider, "p-plain", "--provider-tags", "main", name="Quux")
        assert plain.returncode == 0, plain.stdout + plain.stderr
        tagged = verify(
            broker,
            provider,
            "p-tagged",
            "--provider-tags",
            "main",
            "--consumer-version-selectors",
            '{"tag":"prod","latest":true}',
            "--enable-pending",
            name="Quux",
        )
        assert tagged.returncode == 0, tagged.stdout + tagged.stderr
    finally:
        provider.close()
    version = httpx.get(broker + "/pacticipants/Quux/versions/p-tagged").json()
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["main"]
    assert (
        pact_cli(
            broker,
            "broker",
            "create-version-tag",
            "--pacticipant",
            "Quux",
            "--version",
            "p-tagged",
            "--tag",
            "prod",
        ).returncode
        == 0
    )
    to_tag = pact_cli(
        broker, "broker", "can-i-deploy", "--pacticipant", "Qux", "--version", "q1", "--to", "prod"
    )
    assert to_tag.returncode == 0, to_tag.stdout + to_tag.stderr
    latest = pact_cli(
        broker, "broker", "can-i-deploy", "--pacticipant", "Qux", "--latest", "prod", "--to", "prod"
    )
    assert latest.returncode == 0, latest.stdout + latest.stderr
    ignoring = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Qux",
        "--version",
        "q1",
        "--pacticipant",
        "Quux",
        "--version",
        "never-verified",
        "--ignore",
        "Quux",
    )
    assert ignoring.returncode == 0, ignoring.stdout + ignoring.stderr
    not_ignoring = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Qux",
        "--version",
        "q1",
        "--pacticipant",
        "Quux",
        "--version",
        "never-verified",
    )
    assert not_ignoring.returncode == 1
    dry_run = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Qux",
        "--version",
        "q1",
        "--pacticipant",
        "Quux",
        "--version",
        "never-verified",
        "--dry-run",
    )
    assert dry_run.returncode == 0


def accord_cli(broker: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accord", "broker", *args, "--broker-base-url", broker]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_can_i_deploy_says_no_when_a_selector_matches_nothing(broker: str, tmp_path: Path) -> None:
    """Both the official CLI and ours exit 1 with the official reason (it used to say yes)."""
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Nix", "NixApi", {"id": 1})
    published = pact_cli(
        broker, "broker", "publish", str(pacts), "-a", "n1", "--branch", "main", "-t", "dev"
    )
    assert published.returncode == 0, published.stdout + published.stderr
    created = pact_cli(broker, "broker", "create-environment", "--name", "nixenv")
    assert created.returncode == 0, created.stdout + created.stderr
    cases = [
        (("-a", "Nix", "--latest", "nosuchtag"), "No version with tag nosuchtag exists for Nix"),
        (
            ("-a", "Nix", "--branch", "nosuchbranch"),
            "No version of Nix from branch nosuchbranch exists",
        ),
        (
            ("-a", "Nix", "--version", "nosuchversion"),
            "No pacts or verifications have been published for version nosuchversion of Nix",
        ),
        (("-a", "NixApi", "--latest"), "No pacts or verifications have been published for NixApi"),
        (("-a", "NoSuchApp", "--latest"), "Pacticipant NoSuchApp not found"),
        (("-a", "NoSuchApp", "--version", "1"), "Pacticipant NoSuchApp not found"),
    ]
    for selector, reason in cases:
        for run in (pact_cli, accord_cli):
            prefix = ("broker",) if run is pact_cli else ()
            done = run(broker, *prefix, "can-i-deploy", *selector, "--to-environment", "nixenv")
            output = done.stdout + done.stderr
            assert done.returncode != 0, (run.__name__, selector, output)
            assert "Computer says yes" not in output and reason in output, (run.__name__, output)
    # a selector that does match is still answered from the matrix, not refused
    dev = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "-a",
        "Nix",
        "--latest",
        "dev",
        "--to-environment",
        "nixenv",
    )
    assert dev.returncode == 1
    assert (
        "There is no verified pact between the latest version of Nix with tag dev (n1) and a"
        " version of NixApi currently in nixenv" in dev.stdout
    )
    assert (
        "the version of Nix from branch main (n1)"
        in pact_cli(
            broker,
            "broker",
            "can-i-deploy",
            "-a",
            "Nix",
            "--branch",
            "main",
            "--to-environment",
            "nixenv",
        ).stdout
    )


def test_webhook_commands(broker: str) -> None:
    for name in ("Hooked", "HookTarget"):
        httpx.post(broker + "/pacticipants", json={"name": name})
    created = pact_cli(
        broker,
        "broker",
        "create-webhook",
        "https://ci.example/build",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"url":"${pactbroker.pactUrl}"}',
        "--consumer",
        "Hooked",
        "--provider",
        "HookTarget",
        "--contract-content-changed",
        "--description",
        "trigger build",
    )
    assert created.returncode == 0, created.stdout + created.stderr
    hooks = httpx.get(broker + "/webhooks").json()["_embedded"]["webhooks"]
    assert any(h.get("description") == "trigger build" for h in hooks), hooks
    assert PACT_BIN is not None
    generated = subprocess.run(
        [PACT_BIN, "broker", "generate-uuid"],
        capture_output=True,
        text=True,
        env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
        timeout=60,
    )
    uuid = generated.stdout.strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", uuid), generated.stdout + generated.stderr
    upsert = pact_cli(
        broker,
        "broker",
        "create-or-update-webhook",
        "https://ci.example/other",
        "-X",
        "POST",
        "--uuid",
        uuid,
        "--provider-verification-published",
        "--description",
        "upserted",
    )
    assert upsert.returncode == 0, upsert.stdout + upsert.stderr
    assert httpx.get(f"{broker}/webhooks/{uuid}").json()["description"] == "upserted"
    deleted = pact_cli(broker, "broker", "delete-webhook", "--uuid", uuid)
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    assert httpx.get(f"{broker}/webhooks/{uuid}").status_code == 404


@pytest.fixture(scope="module")
def secured_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve_broker(
        tmp_path_factory.mktemp("secured"),
        ACCORD_BROKER_USERNAME="writer",
        ACCORD_BROKER_PASSWORD="w-secret",
        ACCORD_BROKER_READ_ONLY_USERNAME="reader",
        ACCORD_BROKER_READ_ONLY_PASSWORD="r-secret",
        ACCORD_BROKER_WRITE_TOKENS="write-token",
        ACCORD_BROKER_READ_TOKENS="read-token",
        ACCORD_BROKER_PUBLIC_HEARTBEAT="true",  # serve_broker waits on it without credentials
    ) as url:
        yield url


def test_basic_auth_and_bearer_tokens_with_official_tools(
    secured_broker: str, tmp_path: Path
) -> None:
    broker = secured_broker
    pacts = tmp_path / "pacts"
    write_pact(pacts, "Foo", "Bar", {"id": 1})
    anonymous = pact_cli(
        broker, "broker", "publish", str(pacts), "--consumer-app-version", "1", "--branch", "main"
    )
    assert anonymous.returncode != 0
    read_only = pact_cli(
        broker,
        "broker",
        "publish",
        str(pacts),
        "--consumer-app-version",
        "1",
        "--branch",
        "main",
        "-u",
        "reader",
        "-p",
        "r-secret",
    )
    assert read_only.returncode != 0
    writer = pact_cli(
        broker,
        "broker",
        "publish",
        str(pacts),
        "--consumer-app-version",
        "1",
        "--branch",
        "main",
        "-u",
        "writer",
        "-p",
        "w-secret",
    )
    assert writer.returncode == 0, writer.stdout + writer.stderr
    token = pact_cli(
        broker,
        "broker",
        "publish",
        str(pacts),
        "--consumer-app-version",
        "2",
        "--branch",
        "main",
        "-k",
        "write-token",
    )
    assert token.returncode == 0, token.stdout + token.stderr
    listed = pact_cli(broker, "broker", "list-pacticipants", "-k", "read-token")
    assert listed.returncode == 0 and "Foo" in listed.stdout
    provider = Provider({"id": 1})
    try:
        # the read-only user may fetch pacts for verification (publishing needs the writer)
        fetched = pact_cli(
            broker,
            "verifier",
            "-b",
            broker,
            "-n",
            "Bar",
            "--user",
            "reader",
            "--password",
            "r-secret",
            "--consumer-version-selectors",
            '{"mainBranch":true}',
            "--hostname",
            "127.0.0.1",
            "--port",
            str(provider.port),
        )
        assert fetched.returncode == 0, fetched.stdout + fetched.stderr
        published = pact_cli(
            broker,
            "verifier",
            "-b",
            broker,
            "-n",
            "Bar",
            "-t",
            "write-token",
            "--consumer-version-selectors",
            '{"mainBranch":true}',
            "--publish",
            "--provider-version",
            "p1",
            "--provider-branch",
            "main",
            "--hostname",
            "127.0.0.1",
            "--port",
            str(provider.port),
        )
        assert published.returncode == 0, published.stdout + published.stderr
    finally:
        provider.close()
    deployable = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        "Foo",
        "--version",
        "2",
        "--pacticipant",
        "Bar",
        "--version",
        "p1",
        "-u",
        "reader",
        "-p",
        "r-secret",
    )
    assert deployable.returncode == 0, deployable.stdout + deployable.stderr


class WebhookTarget:
    """Records the bodies webhooks POST to it, on 127.0.0.1."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.bodies.append(self.rfile.read(length).decode())
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                return None

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_test_webhook_fills_the_template_from_the_latest_pact(
    broker: str, tmp_path: Path
) -> None:
    target = WebhookTarget()
    template = (
        '{"consumer":"${pactbroker.consumerName}","version":"${pactbroker.consumerVersionNumber}",'
        '"url":"${pactbroker.pactUrl}"}'
    )
    webhook_args = [
        "create-or-update-webhook", target.url + "/hook", "-X", "POST", "-d", template,
        "--consumer", "Tested", "--provider", "TestTarget", "--contract-published",
        "--uuid", "4e7b0c0e-7c7e-4b7e-9a7e-0c0e7c7e4b7e",
    ]  # fmt: skip
    try:
        # the shared broker has the default whitelists: 127.0.0.1 over http is refused
        refused = pact_cli(broker, "broker", *webhook_args)
        assert refused.returncode != 0
        assert "scheme must be https" in refused.stdout + refused.stderr
        whitelisted = {
            "ACCORD_BROKER_WEBHOOK_SCHEME_WHITELIST": "https http",
            "ACCORD_BROKER_WEBHOOK_HOST_WHITELIST": "127.0.0.1",
        }
        (tmp_path / "hooks").mkdir()
        with serve_broker(tmp_path / "hooks", **whitelisted) as local:
            pacts = tmp_path / "pacts"
            for version, body in (("1.0.0", {"id": 1}), ("1.0.1", {"id": 2})):
                write_pact(pacts, "Tested", "TestTarget", body)
                published = pact_cli(
                    local, "broker", "publish", str(pacts), "--consumer-app-version", version
                )
                assert published.returncode == 0, published.stdout + published.stderr
            target.bodies.clear()  # the contract_published events of the publications
            created = pact_cli(local, "broker", *webhook_args)
            assert created.returncode == 0, created.stdout + created.stderr
            tested = pact_cli(
                local, "broker", "test-webhook", "--uuid", "4e7b0c0e-7c7e-4b7e-9a7e-0c0e7c7e4b7e"
            )
            assert tested.returncode == 0, tested.stdout + tested.stderr
            sent = json.loads(target.bodies[-1])
            assert sent["consumer"] == "Tested" and sent["version"] == "1.0.1"
            assert sent["url"].startswith(
                local + "/pacts/provider/TestTarget/consumer/Tested/pact-version/"
            )
    finally:
        target.close()
