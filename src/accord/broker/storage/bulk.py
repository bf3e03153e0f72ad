"""Set-based lookups by a list of ids, cheap on both backends.

On PostgreSQL a list is sent as ONE array parameter (``col = ANY(:ids)``): the statement
text stays the same whatever the length, so it is compiled, parsed and planned once instead
of growing by a bind parameter per id. SQLite has no arrays and binds cheaply in process, so
there it is a plain ``IN`` in chunks below SQLite's variable limit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, Integer, Table, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY

__all__ = ["dialect_insert", "id_chunks", "id_in", "ids_bound"]

# SQLite binds at most 32,766 variables per statement since 3.32 (999 before).
SQLITE_CHUNK = 5000 if sqlite3.sqlite_version_info >= (3, 32, 0) else 400


def id_in(conn: Connection, column: ColumnElement, ids: Iterable[int]) -> ColumnElement[bool]:
    """``column`` is one of ``ids``."""
    values = list(dict.fromkeys(ids))
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    return column.in_(values)


def ids_bound(dialect: str, column: ColumnElement, name: str) -> ColumnElement[bool]:
    """``column`` is one of the ids given as parameter ``name`` when the statement runs (a
    list): for statements built once and run many times. Meant for short lists (the
    consumers of one provider), since SQLite gets no chunks here."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def id_chunks(conn: Connection, ids: Iterable[int]) -> list[list[int]]:
    """``ids`` without duplicates, split so that each part fits one statement."""
    values = list(dict.fromkeys(ids))
    if not values:
        return []
    if conn.dialect.name == "postgresql":
        return [values]
    return [values[i : i + SQLITE_CHUNK] for i in range(0, len(values), SQLITE_CHUNK)]


def dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ``ON CONFLICT`` (``.on_conflict_do_nothing`` /
    ``.on_conflict_do_update``): get-or-create in one statement, safe against a concurrent
    writer without a retry. SQLite and PostgreSQL spell it the same way."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)
