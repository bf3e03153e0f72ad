"""Stored facts stay right when two transactions change what they derive from at once.

On PostgreSQL each transaction derives the stored rows (``branch_verifications``,
``head_pacts``) from what it can see, which is not the other's uncommitted work; without
``heads.hold_version`` a provider version put on a branch while it records a successful
verification left no row (its pact would look pending again: failures no longer failing the
build), and a consumer version put on ``main`` while its pact was published left the main
branch without that pact (the verifier would not fetch it). Here transaction A makes one
change and stays open while transaction B, in a thread, makes the other; then A commits.
(On SQLite the second writer waits for the database lock, so the same steps run in turn.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from accord.broker.storage import repo
from accord.broker.storage.branch_verifications import computed_rows, stored_rows
from accord.broker.storage.heads import computed_head_pacts, stored_head_pacts
from accord.broker.storage.pacts_repo import get_or_create_pact_version, save_publication
from accord.broker.storage.verifications_repo import create_verification

from .helpers import pact, publish


def _race(client, first: Callable[[Connection], None], second: Callable[[Connection], None]
          ) -> None:
    """``first`` in an open transaction; ``second`` in another, in a thread, started while
    the first is still open; then the first commits and the second finishes."""
    engine = client.app.engine
    failures: list[BaseException] = []

    def run_second() -> None:
        try:
            with engine.begin() as conn:
                second(conn)
        except BaseException as exc:  # reported by the test below
            failures.append(exc)

    with engine.connect() as conn:
        transaction = conn.begin()
        first(conn)
        if engine.dialect.name == "postgresql":
            thread = threading.Thread(target=run_second)
            thread.start()
            time.sleep(0.3)  # the second transaction is at its derivation now, or waiting
            transaction.commit()
            thread.join(30)
            assert not thread.is_alive()
        else:  # one writer at a time: the second waits for the first's commit
            transaction.commit()
            run_second()
    assert failures == []


def _ids(client, pacticipant: str, version: str) -> tuple[Any, Any]:
    with client.app.engine.connect() as conn:
        found = repo.find_pacticipant(conn, pacticipant)
        assert found is not None
        number = repo.find_version(conn, found.id, version)
        assert number is not None
        return found, number


def test_a_verification_recorded_while_its_version_joins_a_branch_is_stored(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    # the provider version exists (it verified on another branch), not yet on "main"
    assert client.put("/pacticipants/Bar/branches/feature/versions/p1", json={}).status_code in (
        200, 201)
    provider, provider_version = _ids(client, "Bar", "p1")
    consumer, _ = _ids(client, "Foo", "1")
    with client.app.engine.connect() as conn:
        pact_version_id = conn.exec_driver_sql(
            "SELECT pact_version_id FROM pact_publications").scalar_one()

    def join_branch(conn: Connection) -> None:
        assert repo.add_branch_version(conn, provider, provider_version, "main")

    def verify(conn: Connection) -> None:
        create_verification(conn, pact_version_id=pact_version_id,
                            provider_version_id=provider_version.id, provider_id=provider.id,
                            consumer_id=consumer.id, success=True, wip=False)

    _race(client, join_branch, verify)
    with client.app.engine.connect() as conn:
        stored = stored_rows(conn)
        assert stored == computed_rows(conn)
    assert len(stored) == 2  # the verification, on each branch of its provider version


def test_a_pact_published_while_its_version_joins_main_is_at_the_head(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    # version 2 exists (tagged), with no pact yet and not on "main"
    assert client.put("/pacticipants/Foo/versions/2/tags/dev", json={}).status_code in (200, 201)
    consumer, version = _ids(client, "Foo", "2")
    with client.app.engine.connect() as conn:
        bar = repo.find_pacticipant(conn, "Bar")
        assert bar is not None

    def join_main(conn: Connection) -> None:
        assert repo.add_branch_version(conn, consumer, version, "main")

    def publish_pact(conn: Connection) -> None:
        content = pact("Foo", "Bar", "b")
        pact_version = get_or_create_pact_version(conn, consumer.id, bar.id, "sha-b", content)
        save_publication(conn, consumer.id, bar.id, version.id, pact_version.id)

    _race(client, join_main, publish_pact)
    with client.app.engine.connect() as conn:
        stored = stored_head_pacts(conn)
        assert stored == computed_head_pacts(conn)
    body = {"consumerVersionSelectors": [{"mainBranch": True}]}
    answer = client.post("/pacts/provider/Bar/for-verification", json=body)
    assert answer.status_code == 200, answer.text
    names = [p["_links"]["self"]["name"] for p in answer.json()["_embedded"]["pacts"]]
    assert len(names) == 1 and "(2)" in names[0], names  # version 2's pact, at main's head
