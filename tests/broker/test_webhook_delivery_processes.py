"""Durable delivery with real broker processes: a killed broker's retries are finished by the
next one, and two brokers over one PostgreSQL database deliver every event exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from accord.broker.storage.schema import triggered_webhooks

from .conftest import PG_URL
from .helpers import pact, publish_body
from .live import free_port
from .webhook_target import Target

pytestmark = pytest.mark.slow


@contextmanager
def broker_process(database_url: str, retry_schedule: str) -> Iterator[tuple[str, Any]]:
    """``accord broker serve`` allowed to call 127.0.0.1 over http."""
    port = free_port()
    command = [
        sys.executable, "-m", "accord", "broker", "serve", "--port", str(port),
        "--database-url", database_url,
        "--webhook-scheme-whitelist", "https http",
        "--webhook-host-whitelist", "127.0.0.1",
        "--webhook-retry-schedule", retry_schedule,
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_BROKER_")}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield wait_for_start(f"http://127.0.0.1:{port}", proc, log), proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(15)


def wait_for_start(url: str, proc: Any, log: Any) -> str:
    for _ in range(600):
        try:
            if httpx.get(url + "/diagnostic/status/heartbeat").status_code == 200:
                return url
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"the broker exited: {log.read().decode()}")
        time.sleep(0.05)
    pytest.fail("the broker did not start")


def statuses(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(triggered_webhooks.c.status)).scalars())
    finally:
        engine.dispose()


def wait_until(check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


def create_hook(broker: str, target: Target) -> None:
    created = httpx.post(
        broker + "/webhooks",
        json={
            "events": [{"name": "contract_published"}],
            "request": {
                "method": "POST",
                "url": target.url + "/${pactbroker.consumerVersionNumber}",
            },
        },
    )
    assert created.status_code == 201, created.text


def publish_version(broker: str, version: str) -> None:
    body = publish_body("Foo", version, [pact("Foo", "Bar", f"request {version}")])
    assert httpx.post(broker + "/contracts/publish", json=body).status_code == 200


def test_a_killed_broker_leaves_its_retries_to_the_next_one(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'broker.sqlite3'}"
    with Target(status=503) as target:
        with broker_process(database_url, "2 2 2 2") as (first, proc):
            create_hook(first, target)
            publish_version(first, "1")
            assert target.wait_for(1)
            # the attempt is recorded after the target answered: kill only once it is
            wait_until(lambda: statuses(database_url) == ["retrying"])
            proc.send_signal(signal.SIGKILL)  # mid-retry: the next attempt is 2 s away
            proc.wait(10)
        assert statuses(database_url) == ["retrying"]
        target.status = 200
        time.sleep(2.5)
        assert len(target.received) == 1  # nothing lives on in memory
        with broker_process(database_url, "2 2 2 2"):
            wait_until(lambda: statuses(database_url) == ["success"])
            time.sleep(1)
    assert [r["path"] for r in target.received] == ["/1", "/1"]  # one failure, one delivery


@pytest.fixture
def own_postgres_database() -> Iterator[str]:
    """A database of this test's own (several engineers share the PostgreSQL server)."""
    if PG_URL is None:
        pytest.skip("ACCORD_TEST_POSTGRES_URL is not set (no PostgreSQL server)")
    base = make_url(PG_URL)
    name = f"accord_wh_{uuidlib.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_two_brokers_over_one_postgres_database_deliver_each_event_once(own_postgres_database):
    url = own_postgres_database
    events = 30
    with (
        Target(delay=0.05) as target,
        broker_process(url, "1 1 1") as (first, _),
        broker_process(url, "1 1 1") as (second, _),
    ):
        create_hook(first, target)
        for n in range(events):
            publish_version(first if n % 2 else second, str(n))
        wait_until(lambda: statuses(url).count("success") == events, timeout=60)
        time.sleep(1.5)  # time for a duplicate to show up, if there were one
    paths = Counter(r["path"] for r in target.received)
    assert paths == Counter(f"/{n}" for n in range(events))
