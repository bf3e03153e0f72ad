"""stored branch and tag heads (read by pacts for verification), filled from the history

Revision ID: 0004_heads
Revises: 0003_provider_contracts
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_heads"
down_revision = "0003_provider_contracts"
branch_labels = None
depends_on = None


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_heads_{column}_{table}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "heads",
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        _fk("pacticipant_id", "pacticipants"),
        _fk("version_id", "versions"),
        sa.PrimaryKeyConstraint("pacticipant_id", "kind", "name", name=op.f("pk_heads")),
    )
    op.create_index(op.f("ix_heads_version_id"), "heads", ["version_id"], unique=False)
    # backfill: the greatest version of every branch and of every tag
    op.execute(
        "INSERT INTO heads (pacticipant_id, kind, name, version_id) "
        "SELECT pacticipant_id, 'branch', branch_name, MAX(version_id) FROM branch_versions "
        "GROUP BY pacticipant_id, branch_name "
        "UNION ALL "
        "SELECT pacticipant_id, 'tag', name, MAX(version_id) FROM tags "
        "GROUP BY pacticipant_id, name"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_heads_version_id"), table_name="heads")
    op.drop_table("heads")
