"""Engine creation, migrations and the per-request transaction with retry.

SQLite runs in WAL mode with a busy timeout; write transactions start with
``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade. On both backends a
transaction that loses a race (unique violation, serialization failure, locked database)
is retried from the start, which keeps get-or-create free of duplicates across processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

__all__ = ["DEFAULT_DATABASE_URL", "make_engine", "migrate", "run_in_transaction"]

DEFAULT_DATABASE_URL = "sqlite:///./accord-broker.sqlite3"
T = TypeVar("T")


def normalise_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use psycopg 3 for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _retryable(exc: DBAPIError) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if isinstance(exc, OperationalError) and ("locked" in text or "busy" in text):
        return True
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01", "23505")


def run_in_transaction(
    engine: Engine, fn: Callable[[Connection], T], *, write: bool, attempts: int = 8
) -> T:
    """Run ``fn`` in one transaction, retrying when it lost a race with another writer."""
    for attempt in range(attempts):
        with engine.connect() as conn:
            conn.info["write"] = write
            try:
                with conn.begin():
                    return fn(conn)
            except DBAPIError as exc:
                if attempt == attempts - 1 or not _retryable(exc):
                    raise
            finally:
                conn.info["write"] = False
        time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def migrate(engine: Engine) -> None:
    """Bring the schema up to date with the Alembic migrations shipped in this package."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
