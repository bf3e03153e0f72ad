"""Broker test fixtures: every test runs against SQLite and, when ACCORD_TEST_POSTGRES_URL is
set (CI sets it), against PostgreSQL too."""

from __future__ import annotations

import os
import shutil
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from accord.broker import BrokerConfig, create_app
from accord.broker.storage.db import make_engine

PG_URL = os.environ.get("ACCORD_TEST_POSTGRES_URL")
_PG_WORKER_URL: str | None = None


def _postgres_url() -> str:
    """The test database: under pytest-xdist each worker gets its own (created on first use),
    since every test empties the tables it uses."""
    global _PG_WORKER_URL
    assert PG_URL is not None
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return PG_URL
    if _PG_WORKER_URL is None:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        base = make_url(PG_URL)
        name = f"{base.database}_{worker}"
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": name}).first()
            if found is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        _PG_WORKER_URL = base.set(database=name).render_as_string(hide_password=False)
    return _PG_WORKER_URL
HAL = {"Accept": "application/hal+json"}


_PG_MIGRATED = False


def _reset_postgres(url: str) -> None:
    """Migrate once per session, then empty every table (fast enough for each test)."""
    global _PG_MIGRATED
    from sqlalchemy import text

    from accord.broker.storage.db import migrate
    from accord.broker.storage.schema import metadata

    engine = make_engine(url)
    if not _PG_MIGRATED:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        migrate(engine)
        _PG_MIGRATED = True
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A migrated SQLite file, copied for each test (migrating takes longer than a test)."""
    from accord.broker.storage.db import migrate

    path = tmp_path_factory.mktemp("template") / "broker.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    PG_URL is None,
                    reason="ACCORD_TEST_POSTGRES_URL is not set (no PostgreSQL server)",
                ),
            ],
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Any, sqlite_template: Any) -> str:
    if request.param == "sqlite":
        target = tmp_path / "broker.sqlite3"
        shutil.copyfile(sqlite_template, target)
        return f"sqlite:///{target}"
    url = _postgres_url()
    _reset_postgres(url)
    return url


@pytest.fixture
def make_client(database_url: str) -> Iterator[Any]:
    apps: list[Any] = []

    def factory(**config: Any) -> TestClient:
        app = create_app(BrokerConfig(database_url=database_url, **config))
        apps.append(app)
        return TestClient(app, base_url="http://broker", headers=HAL)

    yield factory
    for app in apps:
        app.close()


@pytest.fixture
def client(make_client: Any) -> TestClient:
    return make_client()


@pytest.fixture
def clean_broker_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ACCORD_BROKER_* settings from outside, and none left behind by ``broker serve``
    (which hands its settings to the workers through the environment)."""
    for name in [*os.environ, "ACCORD_BROKER_DATABASE_URL", "ACCORD_BROKER_BASE_URL",
                 "ACCORD_BROKER_FORWARDED_ALLOW_IPS", "ACCORD_BROKER_MAX_BODY_SIZE",
                 "ACCORD_BROKER_MAX_JSON_DEPTH", "ACCORD_BROKER_MIGRATE"]:
        if name.startswith("ACCORD_BROKER_"):
            monkeypatch.delenv(name, raising=False)
    return monkeypatch
