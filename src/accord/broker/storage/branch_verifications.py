"""Which pact contents a provider branch verified successfully (``schema.branch_verifications``):
one row per successful verification and branch version of its provider version. A row is added
when a successful verification is recorded (for the branches its provider version is on) and
when a version joins a branch (for the successful verifications it made), by the repository
functions that make those changes, in their transaction; a row goes with its verification or
its branch version by cascade (deleting a version, a branch, a branch version, a pact, a
pacticipant). So the stored rows always equal ``computed_rows``.

A verification recorded while another transaction puts its provider version on a branch (both
uncommitted at once) would miss its row on PostgreSQL -- the content would look unverified on
that branch, pending once more, its failures no longer failing the build -- were it not for
``heads.hold_version``: both functions hold the provider version's row first, so the second
transaction reads what the first committed.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, Row, Select, delete, select, true

from accord.broker.storage.bulk import dialect_insert
from accord.broker.storage.heads import hold_version
from accord.broker.storage.schema import branch_verifications, branch_versions, verifications

__all__ = [
    "computed_rows",
    "on_branch_version_added",
    "on_verification_recorded",
    "recompute_all",
    "stored_rows",
]

_COLUMNS = ["verification_id", "branch_version_id", "pact_version_id", "branch_id", "wip"]


def _pairs(where: ColumnElement[bool] | None = None) -> Select:
    """(verification, branch version) of every successful verification by a version on a
    branch, in ``_COLUMNS`` order."""
    query = (
        select(
            verifications.c.id,
            branch_versions.c.id,
            verifications.c.pact_version_id,
            branch_versions.c.branch_id,
            verifications.c.wip,
        )
        .join(branch_versions, branch_versions.c.version_id == verifications.c.provider_version_id)
        .where(verifications.c.success.is_(True))
    )
    return query.where(where) if where is not None else query.where(true())


def _insert(conn: Connection, rows: Select) -> None:
    stmt = dialect_insert(conn, branch_verifications).from_select(_COLUMNS, rows)
    conn.execute(stmt.on_conflict_do_nothing())


def on_verification_recorded(conn: Connection, verification: Row) -> None:
    """A verification was recorded: if it succeeded, one row per branch of its provider version."""
    if verification.success:
        hold_version(conn, verification.provider_version_id)
        _insert(conn, _pairs(verifications.c.id == verification.id))


def on_branch_version_added(conn: Connection, version_id: int, branch_id: int) -> None:
    """Version ``version_id`` joined branch ``branch_id``: one row per successful verification
    it made (none for a consumer version: one statement that finds nothing)."""
    hold_version(conn, version_id)
    _insert(
        conn,
        _pairs(
            (branch_versions.c.version_id == version_id)
            & (branch_versions.c.branch_id == branch_id)
        ),
    )


def recompute_all(conn: Connection) -> None:
    """Every row again, from the verifications and branch versions (after bulk loading)."""
    conn.execute(delete(branch_verifications))
    _insert(conn, _pairs())


def stored_rows(conn: Connection) -> set[tuple[int, int, int, int, bool]]:
    """Every stored row, as (verification, branch version, pact version, branch, wip)."""
    rows = conn.execute(select(*(branch_verifications.c[c] for c in _COLUMNS)))
    return {(v, bv, pv, b, bool(wip)) for v, bv, pv, b, wip in rows}


def computed_rows(conn: Connection) -> set[tuple[int, int, int, int, bool]]:
    """The rows computed from the history, as ``stored_rows`` gives them."""
    return {(v, bv, pv, b, bool(wip)) for v, bv, pv, b, wip in conn.execute(_pairs())}
