"""The broker workflow, end to end, with accord's own broker (an extra of this example).

1. start ``accord broker serve`` on 127.0.0.1 with a SQLite database in a temporary directory;
2. ``accord publish`` the consumer's pact as version 1.0.0 of ``requests-web`` on ``main``;
3. verify the provider with pacts fetched from the broker by consumer version selectors,
   and publish the results as version 2.0.0 of ``fastapi-users-api``;
4. ``accord can-i-deploy`` / ``accord record-deployment`` to production, for both sides;
5. a consumer version with an unverified change is not deployable.

It is skipped (with the reason) only when accord's ``broker`` extra is not installed.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from requests_fastapi_example.provider import UserDb, create_app
from test_provider import INTERACTIONS, provider_states

from accord import Verifier

pytestmark = pytest.mark.skipif(
    not all(importlib.util.find_spec(m) for m in ("sqlalchemy", "starlette", "alembic")),
    reason="accord's broker extra is not installed (pip install -e '.[broker]')",
)

CONSUMER, PROVIDER = "requests-web", "fastapi-users-api"


def accord_command() -> str:
    beside = Path(sys.executable).with_name("accord")
    found = str(beside) if beside.exists() else shutil.which("accord")
    assert found, "the accord command is not installed"
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def broker_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    database = f"sqlite:///{tmp_path / 'broker.sqlite3'}"
    command = [accord_command(), "broker", "serve", "--port", str(port), "--database-url", database]
    log = (tmp_path / "broker.log").open("w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, (tmp_path / "broker.log").read_text()
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the broker did not start within 30 s"
            time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def accord(broker_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run an ``accord`` client command against the broker (exit code not checked)."""
    env = {**os.environ, "PACT_BROKER_BASE_URL": broker_url}
    return subprocess.run(
        [accord_command(), *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_publish_verify_record_and_can_i_deploy(
    broker_url: str, pact_file: Path, tmp_path: Path
) -> None:
    # 2. the consumer's CI publishes its pact
    published = accord(broker_url, "publish", str(pact_file), "-a", "1.0.0", "--branch", "main")
    assert published.returncode == 0, published.stderr
    created = accord(broker_url, "create-environment", "--name", "production", "--production")
    assert created.returncode == 0, created.stderr

    # 3. the provider's CI verifies what the selectors pick, and publishes the results
    store = UserDb()
    verifier = (
        Verifier(PROVIDER)
        .broker_source(broker_url, selector=True)
        .consumer_version(main_branch=True)
        .consumer_version(deployed_or_released=True)
        .include_pending()
        .provider_branch("main")
        .build()
        .add_transport(app=create_app(store))
        .set_publish_options(version="2.0.0", branch="main")
    )
    provider_states(verifier, store)
    result = verifier.verify()  # raises VerificationFailed on failure
    assert len(result.passed) == INTERACTIONS
    assert result.published, "the verification results were published"
    assert not result.publish_errors

    # 4. the provider may go to production (no consumer there yet); record it
    provider_ok = accord(
        broker_url, "can-i-deploy", "-a", PROVIDER, "-e", "2.0.0", "--to-environment", "production"
    )
    assert provider_ok.returncode == 0, provider_ok.stdout + provider_ok.stderr
    deployed = accord(
        broker_url, "record-deployment", "-a", PROVIDER, "-e", "2.0.0", "--environment",
        "production",
    )  # fmt: skip
    assert deployed.returncode == 0, deployed.stderr

    # ... and so may the consumer version that 2.0.0 was verified against
    consumer_ok = accord(
        broker_url, "can-i-deploy", "-a", CONSUMER, "-e", "1.0.0", "--to-environment", "production"
    )
    assert consumer_ok.returncode == 0, consumer_ok.stdout + consumer_ok.stderr
    assert "Computer says yes" in consumer_ok.stdout

    # 5. a consumer version with a new, unverified expectation may not
    changed = json.loads(pact_file.read_text())
    extra = copy.deepcopy(changed["interactions"][0])
    extra["description"] = "a request for a user's avatar"
    extra.pop("key", None)
    extra["request"]["path"] = "/users/123/avatar"
    changed["interactions"].append(extra)
    changed_file = tmp_path / pact_file.name
    changed_file.write_text(json.dumps(changed))
    published = accord(broker_url, "publish", str(changed_file), "-a", "1.1.0", "--branch", "feat")
    assert published.returncode == 0, published.stderr

    consumer_no = accord(
        broker_url, "can-i-deploy", "-a", CONSUMER, "-e", "1.1.0", "--to-environment", "production"
    )
    assert consumer_no.returncode == 1, consumer_no.stdout + consumer_no.stderr
    assert "Computer says no" in consumer_no.stdout
