"""The stored branch and tag heads (``storage.heads``), and the publications at them
(``head_pacts``), stay equal to those computed from the history through every operation that
can move one: publication, republication, branch and tag changes, deleting a version, a
branch, a pact or a pacticipant, and cleaning."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update

from accord.broker.storage.clean import clean
from accord.broker.storage.heads import (
    computed_head_pacts,
    computed_heads,
    recompute_all,
    stored_head_pacts,
    stored_heads,
)
from accord.broker.storage.schema import (
    branch_versions,
    branches,
    pact_publications,
    pact_versions,
    pacticipants,
    tags,
    versions,
)

from .helpers import database_at, publish


def _heads(client) -> dict[tuple[str, str, str], str]:
    """Stored heads as (pacticipant, kind, name) -> version number, after checking that they
    equal the computed ones."""
    with client.app.engine.connect() as conn:
        stored = stored_heads(conn)
        assert stored == computed_heads(conn)
        assert stored_head_pacts(conn) == computed_head_pacts(conn)
        names = dict(conn.execute(select(pacticipants.c.id, pacticipants.c.name)).all())
        numbers = dict(conn.execute(select(versions.c.id, versions.c.number)).all())
    return {(names[p], kind, name): numbers[v] for p, kind, name, v in stored}


def test_publish_and_republish_move_branch_and_tag_heads(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["dev"])
    publish(client, "Foo", "2", "Bar", "b", branch="main")
    publish(client, "Foo", "3", "Bar", "c", branch="feat", tags=["dev"])
    assert _heads(client) == {
        ("Foo", "branch", "main"): "2",
        ("Foo", "branch", "feat"): "3",
        ("Foo", "tag", "dev"): "3",
    }
    # republishing an older version on a branch does not move the head back
    publish(client, "Foo", "1", "Bar", "a", branch="feat", tags=["dev"])
    assert _heads(client)[("Foo", "branch", "feat")] == "3"
    assert _heads(client)[("Foo", "tag", "dev")] == "3"


def test_deleting_versions_branches_and_tags_moves_heads_back(client):
    for n in ("1", "2", "3"):
        publish(client, "Foo", n, "Bar", f"c{n}", branch="main", tags=["dev"])
    publish(client, "Foo", "4", "Bar", "c4", branch="feat")
    assert client.delete("/pacticipants/Foo/versions/3").status_code == 204
    heads = _heads(client)
    assert heads[("Foo", "branch", "main")] == "2" and heads[("Foo", "tag", "dev")] == "2"
    assert client.delete("/pacticipants/Foo/versions/2/tags/dev").status_code in (200, 204)
    assert _heads(client)[("Foo", "tag", "dev")] == "1"
    assert client.delete("/pacticipants/Foo/branches/main/versions/2").status_code in (200, 204)
    assert _heads(client)[("Foo", "branch", "main")] == "1"
    assert client.delete("/pacticipants/Foo/branches/feat").status_code in (200, 204)
    assert ("Foo", "branch", "feat") not in _heads(client)
    # replacing a version's tags (PUT) moves the tag heads too
    assert client.put("/pacticipants/Foo/versions/1", json={"tags": ["qa"]}).status_code == 200
    heads = _heads(client)
    assert ("Foo", "tag", "dev") not in heads and heads[("Foo", "tag", "qa")] == "1"


def test_tags_and_branch_versions_added_directly(client):
    publish(client, "Foo", "1", "Bar", "a")
    publish(client, "Foo", "2", "Bar", "b")
    assert client.put("/pacticipants/Foo/versions/2/tags/prod", json={}).status_code in (200, 201)
    assert client.put("/pacticipants/Foo/versions/1/tags/prod", json={}).status_code in (200, 201)
    put = client.put("/pacticipants/Foo/branches/rel/versions/1", json={})
    assert put.status_code in (200, 201)
    heads = _heads(client)
    assert heads[("Foo", "tag", "prod")] == "2" and heads[("Foo", "branch", "rel")] == "1"


def test_deleting_a_pacticipant_removes_its_heads(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["dev"])
    publish(client, "Baz", "1", "Bar", "a", branch="main")
    assert client.delete("/pacticipants/Foo").status_code in (200, 204)
    assert _heads(client) == {("Baz", "branch", "main"): "1"}


def test_clean_keeps_heads_correct(client):
    for n in range(1, 6):
        publish(client, "Foo", str(n), "Bar", f"c{n}", branch="main", tags=["t" if n < 3 else "u"])
    with client.app.engine.begin() as conn:
        conn.execute(update(versions).values(created_at=datetime.now(UTC) - timedelta(days=400)))
    assert clean(client.app.engine).versions_deleted > 0
    assert _heads(client)[("Foo", "branch", "main")] == "5"


def test_recompute_all_rebuilds_the_stored_heads(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["dev"])
    with client.app.engine.begin() as conn:
        before = stored_heads(conn)
        recompute_all(conn)
        assert stored_heads(conn) == before and len(before) == 2


def test_random_operations_keep_stored_heads_equal_to_computed(make_client):
    """A seeded random sequence of every operation that can move a head or change the
    publication at one: publishing (new, changed or the same content, for two providers),
    tags, branches, and deleting versions, branches, pacts and pacticipants."""
    client = make_client(allow_dangerous_contract_modification=True)  # content may change
    rng = random.Random(13)
    consumers, numbers = ["Foo", "Baz"], [str(n) for n in range(1, 9)]
    branch_names, tag_names = ["main", "feat", "rel"], ["dev", "prod"]
    for step in range(120):
        who, number = rng.choice(consumers), rng.choice(numbers)
        branch, tag = rng.choice(branch_names), rng.choice(tag_names)
        op = rng.randrange(9)
        base = f"/pacticipants/{who}"
        if op <= 2:
            tags = rng.sample(tag_names, rng.randrange(3))
            provider = rng.choice(["Bar", "Qux"])
            publish(
                client,
                who,
                number,
                provider,
                f"{who}{number}{rng.choice('ab')}",
                branch=rng.choice([None, branch]),
                tags=tags,
            )
            response = None
        elif op == 3:
            response = client.put(f"{base}/versions/{number}/tags/{tag}", json={})
        elif op == 4:
            response = client.delete(f"{base}/versions/{number}/tags/{tag}")
        elif op == 5:
            response = client.put(f"{base}/branches/{branch}/versions/{number}", json={})
        elif op == 6:
            response = client.delete(f"{base}/branches/{branch}/versions/{number}")
        elif op == 7:
            provider = rng.choice(["Bar", "Qux"])
            pact_url = f"/pacts/provider/{provider}/consumer/{who}/version/{number}"
            response = client.delete(
                rng.choice([f"{base}/versions/{number}", f"{base}/branches/{branch}", pact_url])
            )
        elif rng.random() < 0.3:
            response = client.delete(base)
        else:
            response = client.put(
                f"{base}/versions/{number}", json={"tags": rng.sample(tag_names, 1)}
            )
        assert response is None or response.status_code < 500, (step, op, response.text)
        _heads(client)  # asserts stored == computed after every step
    with client.app.engine.connect() as conn:
        assert len(stored_heads(conn)) > 0
        assert {row[3] for row in stored_head_pacts(conn)} == {
            pid for pid, in conn.execute(
                select(pacticipants.c.id).where(pacticipants.c.name.in_(["Bar", "Qux"]))
            )
        }  # both providers have pacts at heads at the end


def test_the_migration_fills_heads_from_the_existing_history(tmp_path):
    """Upgrading a database with history to 0004 fills the heads, and 0006 the publications
    at them (SQLite; PostgreSQL runs the same INSERT ... SELECT in the migrations test)."""
    import accord.broker.storage.db as db

    engine = database_at(tmp_path / "old.sqlite3", "0003_provider_contracts")
    with engine.connect() as conn:
        ts = datetime(2026, 1, 1, tzinfo=UTC)
        times = {"created_at": ts, "updated_at": ts}
        conn.execute(insert(pacticipants).values(id=1, name="Foo", **times))
        for n in (1, 2, 3):
            conn.execute(insert(versions).values(id=n, pacticipant_id=1, number=str(n), **times))
        conn.execute(insert(branches).values(id=1, pacticipant_id=1, name="main", **times))
        for n in (1, 3):
            link = {"branch_id": 1, "pacticipant_id": 1, "branch_name": "main", "created_at": ts}
            conn.execute(insert(branch_versions).values(version_id=n, **link))
        for n in (2, 1):
            conn.execute(
                insert(tags).values(version_id=n, name="dev", pacticipant_id=1, created_at=ts)
            )
        conn.execute(insert(pacticipants).values(id=2, name="Bar", **times))
        conn.execute(
            insert(pact_versions).values(
                id=1, consumer_id=1, provider_id=2, sha="s1", content="{}", created_at=ts
            )
        )
        for n in (1, 3):  # a pact at the main branch's head (3), none at the tag's (2)
            conn.execute(
                insert(pact_publications).values(
                    id=n, consumer_version_id=n, consumer_id=1, provider_id=2, pact_version_id=1,
                    **times,
                )
            )
        conn.commit()
    db.migrate(engine)
    with engine.connect() as conn:
        assert stored_heads(conn) == {(1, "branch", "main", 3), (1, "tag", "dev", 2)}
        assert stored_heads(conn) == computed_heads(conn)
        assert [row[:9] for row in stored_head_pacts(conn)] == [
            (1, "branch", "main", 2, 3, 3, 1, "3", "s1")
        ]
        assert stored_head_pacts(conn) == computed_head_pacts(conn)
    engine.dispose()
