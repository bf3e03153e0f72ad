"""successful verifications by branch (read by pacts for verification), filled from the history

Revision ID: 0005_branch_verifications
Revises: 0004_heads
Create Date: 2026-12-07 00:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_branch_verifications"
down_revision = "0004_heads"
branch_labels = None
depends_on = None

TABLE = "branch_verifications"


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{TABLE}_{column}_{table}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("verification_id", sa.Integer(), nullable=False),
        sa.Column("branch_version_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("wip", sa.Boolean(), nullable=False),
        _fk("verification_id", "verifications"),
        _fk("branch_version_id", "branch_versions"),
        _fk("pact_version_id", "pact_versions"),
        _fk("branch_id", "branches"),
        sa.PrimaryKeyConstraint("verification_id", "branch_version_id", name=op.f(f"pk_{TABLE}")),
    )
    op.create_index(
        op.f(f"ix_{TABLE}_pact_version_id_branch_id_wip"),
        TABLE,
        ["pact_version_id", "branch_id", "wip"],
        unique=False,
    )
    # backfill: every successful verification by a version on a branch, once per branch
    op.execute(
        f"INSERT INTO {TABLE} "
        "(verification_id, branch_version_id, pact_version_id, branch_id, wip) "
        "SELECT v.id, bv.id, v.pact_version_id, bv.branch_id, v.wip "
        "FROM verifications v JOIN branch_versions bv ON bv.version_id = v.provider_version_id "
        "WHERE v.success"
    )


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{TABLE}_pact_version_id_branch_id_wip"), table_name=TABLE)
    op.drop_table(TABLE)
