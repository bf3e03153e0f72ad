"""The stored successful verifications by branch (``storage.branch_verifications``) stay equal to
the ones computed from the verifications and branch versions through every operation that can
change one: recording a verification, a version joining a branch (before or after it verified),
deleting a branch version, a branch, a version, a pact or a pacticipant, cleaning; the
migration fills them from the history; and pending and WIP read them."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from accord.broker.storage.branch_verifications import computed_rows, stored_rows
from accord.broker.storage.clean import clean
from accord.broker.storage.schema import (
    branch_versions,
    branches,
    pact_versions,
    pacticipants,
    verifications,
    versions,
)

from .helpers import database_at, publish, verify


def _rows(client) -> set[tuple[str, str, bool]]:
    """Stored rows as (pact content, provider branch, wip), after checking that they equal
    the computed ones; a content is named by the interaction its pact has ("c1")."""
    with client.app.engine.connect() as conn:
        stored = stored_rows(conn)
        assert stored == computed_rows(conn)
        contents = {
            pv: json.loads(content)["interactions"][0]["description"]
            for pv, content in conn.execute(select(pact_versions.c.id, pact_versions.c.content))
        }
        names = dict(conn.execute(select(branches.c.id, branches.c.name)).all())
    return {(contents[pv], names[b], wip) for _, _, pv, b, wip in stored}


def _pending(client, branch: str = "main") -> bool:
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": branch,
        "includePendingStatus": True,
    }
    response = client.post("/pacts/provider/Bar/for-verification", json=body)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["pacts"][0]["verificationProperties"]["pending"]


def test_a_successful_verification_is_stored_per_branch_of_its_provider_version(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    verify(client, "Foo", "1", "Bar", "p1", success=False, branch="main")
    assert _rows(client) == set()
    verify(client, "Foo", "1", "Bar", "p2", branch="main")
    assert _rows(client) == {("a", "main", False)}
    assert client.put("/pacticipants/Bar/branches/rel/versions/p2", json={}).status_code in (
        200,
        201,
    )
    assert _rows(client) == {("a", "main", False), ("a", "rel", False)}
    assert _pending(client, "rel") is False


def test_a_version_that_joins_the_branch_after_verifying_counts(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    # the provider branch exists (created now), the verifying version is not on it yet
    assert client.put("/pacticipants/Bar/branches/main/versions/p0", json={}).status_code in (
        200,
        201,
    )
    verify(client, "Foo", "1", "Bar", "p1")
    assert _rows(client) == set()
    assert _pending(client) is True
    assert client.put("/pacticipants/Bar/branches/main/versions/p1", json={}).status_code in (
        200,
        201,
    )
    assert _rows(client) == {("a", "main", False)}
    assert _pending(client) is False
    # and WIP leaves it out once the branch verified it
    body = {
        "consumerVersionSelectors": [{"tag": "none"}],
        "providerVersionBranch": "main",
        "includeWipPactsSince": "2020-01-01",
    }
    found = client.post("/pacts/provider/Bar/for-verification", json=body).json()
    assert found["_embedded"]["pacts"] == []


def test_deletions_remove_the_rows_by_cascade(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    publish(client, "Foo", "2", "Bar", "b", branch="main")
    verify(client, "Foo", "1", "Bar", "p1", branch="main")
    verify(client, "Foo", "2", "Bar", "p2", branch="main")
    assert client.put("/pacticipants/Bar/branches/rel/versions/p1", json={}).status_code in (
        200,
        201,
    )
    assert _rows(client) == {("a", "main", False), ("a", "rel", False), ("b", "main", False)}
    assert client.delete("/pacticipants/Bar/branches/main/versions/p1").status_code in (200, 204)
    assert _rows(client) == {("a", "rel", False), ("b", "main", False)}
    assert client.delete("/pacticipants/Bar/branches/rel").status_code in (200, 204)
    assert _rows(client) == {("b", "main", False)}
    assert client.delete("/pacticipants/Bar/versions/p2").status_code in (200, 204)
    assert _rows(client) == set()
    verify(client, "Foo", "2", "Bar", "p3", branch="main")
    assert _rows(client) == {("b", "main", False)}
    # the content and its verifications outlive the consumer version; the pacticipant not
    assert client.delete("/pacticipants/Foo/versions/2").status_code in (200, 204)
    assert _rows(client) == {("b", "main", False)}
    verify(client, "Foo", "1", "Bar", "p4", branch="main")
    assert client.delete("/pacticipants/Foo").status_code in (200, 204)
    assert _rows(client) == set()


def test_clean_keeps_the_rows_correct(client):
    for n in range(1, 5):
        publish(client, "Foo", str(n), "Bar", f"c{n}", branch="main")
        verify(client, "Foo", str(n), "Bar", f"p{n}", branch="main")
    with client.app.engine.begin() as conn:
        conn.execute(update(versions).values(created_at=datetime.now(UTC) - timedelta(days=400)))
    assert clean(client.app.engine).versions_deleted > 0
    assert ("c4", "main", False) in _rows(client)


def test_random_operations_keep_stored_rows_equal_to_computed(client):
    """A seeded random sequence of everything that can add or remove a row."""
    rng = random.Random(7)
    numbers, branch_names = ["1", "2", "3"], ["main", "feat"]
    provider_versions = ["p1", "p2", "p3", "p4"]
    for n in numbers:
        publish(client, "Foo", n, "Bar", f"c{n}", branch="main")
    for step in range(80):
        number, pv = rng.choice(numbers), rng.choice(provider_versions)
        branch = rng.choice(branch_names)
        op = rng.randrange(7)
        if op <= 2:
            if client.get(f"/pacts/provider/Bar/consumer/Foo/version/{number}").status_code != 200:
                publish(client, "Foo", number, "Bar", f"c{number}", branch="main")
            verify(client, "Foo", number, "Bar", pv, success=rng.random() < 0.8,
                   branch=rng.choice([None, branch]))
            response = None
        elif op == 3:
            response = client.put(f"/pacticipants/Bar/branches/{branch}/versions/{pv}", json={})
        elif op == 4:
            response = client.delete(f"/pacticipants/Bar/branches/{branch}/versions/{pv}")
        elif op == 5:
            target = rng.choice([f"versions/{pv}", f"branches/{branch}"])
            response = client.delete(f"/pacticipants/Bar/{target}")
        else:
            response = client.delete(f"/pacticipants/Foo/versions/{number}")
        assert response is None or response.status_code < 500, (step, op, response.text)
        _rows(client)  # asserts stored == computed after every step
    with client.app.engine.connect() as conn:
        assert computed_rows(conn)  # the sequence left some rows to compare


def test_the_migration_fills_the_rows_from_the_existing_history(tmp_path):
    """Upgrading a database with history to 0005 fills the rows (SQLite)."""
    import accord.broker.storage.db as db

    engine = database_at(tmp_path / "old.sqlite3", "0004_heads")
    with engine.connect() as conn:
        ts = datetime(2026, 1, 1, tzinfo=UTC)
        times = {"created_at": ts, "updated_at": ts}
        conn.execute(insert(pacticipants), [{"id": 1, "name": "Foo", **times},
                                            {"id": 2, "name": "Bar", **times}])
        conn.execute(insert(versions), [
            {"id": 1, "pacticipant_id": 1, "number": "1", **times},
            {"id": 2, "pacticipant_id": 2, "number": "p1", **times},
            {"id": 3, "pacticipant_id": 2, "number": "p2", **times},
        ])
        conn.execute(insert(branches), [{"id": 1, "pacticipant_id": 2, "name": "main", **times},
                                        {"id": 2, "pacticipant_id": 2, "name": "rel", **times}])
        link = {"pacticipant_id": 2, "created_at": ts}
        conn.execute(insert(branch_versions), [
            {"id": 1, "branch_id": 1, "branch_name": "main", "version_id": 2, **link},
            {"id": 2, "branch_id": 2, "branch_name": "rel", "version_id": 2, **link},
            {"id": 3, "branch_id": 1, "branch_name": "main", "version_id": 3, **link},
        ])
        conn.execute(insert(pact_versions).values(
            id=1, consumer_id=1, provider_id=2, sha="s", content="{}", created_at=ts))
        result = {"pact_version_id": 1, "provider_id": 2, "consumer_id": 1,
                  "execution_date": ts, "created_at": ts}
        conn.execute(insert(verifications), [
            {"id": 1, "provider_version_id": 2, "success": True, "wip": False, **result},
            {"id": 2, "provider_version_id": 3, "success": False, "wip": False, **result},
            {"id": 3, "provider_version_id": 3, "success": True, "wip": True, **result},
        ])
        conn.commit()
    db.migrate(engine)
    with engine.connect() as conn:
        assert stored_rows(conn) == {(1, 1, 1, 1, False), (1, 2, 1, 2, False), (3, 3, 1, 1, True)}
        assert stored_rows(conn) == computed_rows(conn)
    engine.dispose()
