"""Broker test fixtures: every test runs against SQLite and, when ACCORD_TEST_POSTGRES_URL is
set (CI sets it), against PostgreSQL too."""

from __future__ import annotations

import os
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
HAL = {"Accept": "application/hal+json"}


def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


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
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'broker.sqlite3'}"
    assert PG_URL is not None
    _reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def make_client(database_url: str) -> Iterator[Any]:
    apps: list[Any] = []

    def factory(**config: Any) -> TestClient:
        app = create_app(BrokerConfig(database_url=database_url, **config))
        apps.append(app)
        return TestClient(app, base_url="http://broker", headers=HAL)

    yield factory
    for app in apps:
        app.engine.dispose()


@pytest.fixture
def client(make_client: Any) -> TestClient:
    return make_client()
