"""Cleaning old data keeps what decisions depend on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from sqlalchemy import select, update

from accord.broker.storage.clean import clean
from accord.broker.storage.schema import versions
from accord.cli import main

from .helpers import create_environment, deploy, publish, verify


def _age_everything(app) -> None:
    with app.engine.begin() as conn:
        conn.execute(update(versions).values(created_at=datetime.now(UTC) - timedelta(days=400)))


def test_clean_keeps_heads_tags_deployments_and_latest(client):
    env = create_environment(client)
    for n in range(1, 6):
        publish(client, "Foo", str(n), "Bar", f"content {n}", branch="main")
    publish(client, "Foo", "feat", "Bar", "feature", branch="feat")
    client.put("/pacticipants/Foo/versions/2/tags/prod", json={})
    verify(client, "Foo", "1", "Bar", "b1")
    deploy(client, "Foo", "3", env)
    _age_everything(client.app)
    dry = clean(client.app.engine, dry_run=True)
    assert dry.versions_deleted == 2  # Foo 1 and Foo 4: b1 is the latest of Bar, 5 the main head
    result = clean(client.app.engine)
    with client.app.engine.connect() as conn:
        left = sorted(conn.execute(select(versions.c.number)).scalars())
    assert "2" in left and "3" in left and "5" in left and "feat" in left
    assert "1" not in left and "4" not in left
    assert result.pact_versions_deleted == 2
    assert client.get("/pacts/provider/Bar/consumer/Foo/latest").status_code == 200


def test_clean_command(database_url, tmp_path):
    result = CliRunner().invoke(
        main, ["broker", "clean", "--database-url", database_url, "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "Would delete 0 versions" in result.output
