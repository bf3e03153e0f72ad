"""The whole Pact loop on one machine, narrated: ``python -m accord.demo``.

1. A consumer test declares what the ``demo-web`` client needs from ``demo-users-api`` and
   runs the real client against accord's mock server: the pact file is written.
2. A broker (``accord broker serve``, SQLite in a temporary folder) is started and the pact
   is published to it as version 1.0.0 of the consumer, on branch ``main``.
3. The provider (version 1.0.0) verifies the pacts the broker selects for it, and publishes
   the results; it is recorded as deployed to ``production``.
4. ``can-i-deploy`` the consumer 1.0.0 to production: yes; it is recorded as deployed too.
5. A breaking provider change (2.0.0 renames ``name`` to ``full_name``) fails verification;
   ``can-i-deploy`` it to production: no, with the reason.

Exits 0 when every step turned out as described, 1 otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
import httpx

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from accord.broker_client import BrokerClient
    from accord.verifier.results import VerificationResult

CONSUMER, PROVIDER = "demo-web", "demo-users-api"


# -- the consumer's code ---------------------------------------------------------------------------
class UsersClient:
    """The consumer's real HTTP client: the code the contract protects."""

    def __init__(self, base_url: str):
        self.http = httpx.Client(base_url=base_url, timeout=5)

    def user_name(self, user_id: int) -> str | None:
        response = self.http.get(f"/users/{user_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return str(response.json()["name"])


# -- the provider's code ---------------------------------------------------------------------------
def users_api(users: dict[int, str], *, name_field: str = "name") -> ASGIApp:
    """A minimal ASGI users service; ``name_field`` lets the demo break the contract."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        parts = scope["path"].strip("/").split("/")
        found = len(parts) == 2 and parts[0] == "users" and parts[1].isdigit()
        user_id = int(parts[1]) if found else None
        if user_id in users:
            status, body = 200, {"id": user_id, name_field: users[user_id]}
        else:
            status, body = 404, {"error": "not found"}
        payload = json.dumps(body).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": payload})

    return app


# -- the steps -------------------------------------------------------------------------------------
def say(step: str, text: str) -> None:
    click.echo(click.style(f"\n[{step}] ", fg="cyan", bold=True) + click.style(text, bold=True))


def detail(text: str) -> None:
    click.echo("    " + text.replace("\n", "\n    "))


def consumer_test(pact_dir: Path) -> Path:
    from accord import Pact, match

    pact = Pact(CONSUMER, PROVIDER, pact_dir=pact_dir)
    (pact.upon_receiving("a request for user 42")
         .given("user 42 exists", id=42)
         .with_request("GET", "/users/42")
         .will_respond_with(200)
         .with_body({"id": match.integer(42), "name": match.string("Ada Lovelace")}))
    (pact.upon_receiving("a request for a missing user")
         .given("no user 7 exists")
         .with_request("GET", "/users/7")
         .will_respond_with(404))
    with pact.serve() as server:
        client = UsersClient(server.url)
        assert client.user_name(42) == "Ada Lovelace"
        assert client.user_name(7) is None
    return pact_dir / f"{CONSUMER}-{PROVIDER}.json"  # written when the serve() block passed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker_server(workdir: Path) -> Iterator[str]:
    port = free_port()
    database = f"sqlite:///{workdir / 'broker.sqlite3'}"
    log = (workdir / "broker.log").open("w")
    command = [sys.executable, "-m", "accord", "broker", "serve", "--port", str(port),
               "--database-url", database]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                log_text = (workdir / "broker.log").read_text()
                raise click.ClickException(f"the broker stopped:\n{log_text}")
            try:
                if httpx.get(url + "/diagnostic/status/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise click.ClickException("the broker did not start within 30 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def verify(broker_url: str, version: str, name_field: str) -> VerificationResult:
    from accord import Verifier
    from accord.verifier.api import BrokerSelectorBuilder

    users: dict[int, str] = {}
    selectors = Verifier(PROVIDER).broker_source(broker_url, selector=True, use_env=False)
    assert isinstance(selectors, BrokerSelectorBuilder)
    verifier = (
        selectors.consumer_version(main_branch=True)
        .consumer_version(deployed_or_released=True)
        .build()
        .add_transport(app=users_api(users, name_field=name_field))
        .set_publish_options(version=version, branch="main")
    )

    @verifier.state("user 42 exists")
    def user_exists(id: int = 42) -> None:
        users[int(id)] = "Ada Lovelace"

    @verifier.state("no user 7 exists")
    def no_user() -> None:
        users.pop(7, None)

    return verifier.verify(raises=False)


def can_i_deploy(broker: BrokerClient, pacticipant: str, version: str) -> tuple[bool, str]:
    answer = broker.can_i_deploy([(pacticipant, version)], to_environment="production")
    summary = answer.get("summary", {})
    return bool(summary.get("deployable")), str(summary.get("reason", ""))


def run(workdir: Path) -> bool:
    from accord.broker_client import BrokerClient

    say("1/5", f"consumer test: {CONSUMER} runs its real client against accord's mock server")
    pact_file = consumer_test(workdir / "pacts")
    interactions = json.loads(pact_file.read_text())["interactions"]
    detail(f"pact written: {pact_file} ({len(interactions)} interactions)")

    say("2/5", "start a broker (SQLite) and publish the pact")
    with broker_server(workdir) as url, BrokerClient(url) as broker:
        detail(f"broker listening on {url}")
        broker.publish_contracts([pact_file], version="1.0.0", branch="main")
        detail(f"published {CONSUMER} 1.0.0 (branch main)")
        broker.create_environment("production", production=True)

        say("3/5", f"provider {PROVIDER} 1.0.0 verifies the pacts the broker selects for it")
        result = verify(url, "1.0.0", name_field="name")
        detail(result.summary())
        good = result.ok and len(result.passed) == len(interactions) and bool(result.published)
        broker.record_deployment(PROVIDER, "1.0.0", "production")
        detail(f"recorded {PROVIDER} 1.0.0 as deployed to production")

        say("4/5", f"can-i-deploy {CONSUMER} 1.0.0 --to-environment production")
        yes, reason = can_i_deploy(broker, CONSUMER, "1.0.0")
        detail(("YES: " if yes else "NO: ") + reason)
        broker.record_deployment(CONSUMER, "1.0.0", "production")
        detail(f"recorded {CONSUMER} 1.0.0 as deployed to production")

        say("5/5", f"a breaking change: {PROVIDER} 2.0.0 renames 'name' to 'full_name'")
        broken = verify(url, "2.0.0", name_field="full_name")
        detail(broken.summary())
        for failure in broken.failed:
            detail(f"failed: {failure.name}\n{failure.reason()}")
        no, why = can_i_deploy(broker, PROVIDER, "2.0.0")
        detail(f"can-i-deploy {PROVIDER} 2.0.0 --to-environment production")
        detail(("YES: " if no else "NO: ") + why)

    ok = good and yes and not broken.ok and not no
    click.echo()
    if ok:
        click.secho("Demo complete: the contract let the good version through and stopped the "
                    "breaking one.", fg="green", bold=True)
    else:
        click.secho("Demo did not turn out as expected (see above).", fg="red", bold=True)
    return ok


@click.command()
@click.option("--keep", is_flag=True, help="Keep the working folder (pacts, broker database).")
def main(keep: bool) -> None:
    """Run the whole Pact loop: consumer test, broker, verification, can-i-deploy."""
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    workdir = Path(tempfile.mkdtemp(prefix="accord-demo-"))
    click.echo(f"working folder: {workdir}")
    try:
        ok = run(workdir)
    finally:
        if not keep:
            import shutil

            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
