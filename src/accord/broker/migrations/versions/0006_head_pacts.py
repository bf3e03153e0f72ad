"""the publications at every branch and tag head (read by pacts for verification), filled from
the history

Revision ID: 0006_head_pacts
Revises: 0005_branch_verifications
Create Date: 2026-12-07 00:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_head_pacts"
down_revision = "0005_branch_verifications"
branch_labels = None
depends_on = None

TABLE = "head_pacts"
INDEXES = {
    "provider_id_pacticipant_id_version_id_kind_name": [
        "provider_id",
        "pacticipant_id",
        "version_id",
        "kind",
        "name",
    ],
    "publication_id": ["publication_id"],
    "version_id": ["version_id"],
    "pact_version_id": ["pact_version_id"],
}


def _fk(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{TABLE}_{column}_{table}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.String(length=255), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        _fk("pacticipant_id", "pacticipants"),
        _fk("provider_id", "pacticipants"),
        _fk("publication_id", "pact_publications"),
        _fk("version_id", "versions"),
        _fk("pact_version_id", "pact_versions"),
        sa.PrimaryKeyConstraint(
            "pacticipant_id", "kind", "name", "provider_id", name=op.f(f"pk_{TABLE}")
        ),
    )
    for suffix, columns in INDEXES.items():
        op.create_index(op.f(f"ix_{TABLE}_{suffix}"), TABLE, columns, unique=False)
    # backfill: every head joined to its publications
    op.execute(
        f"INSERT INTO {TABLE} (pacticipant_id, kind, name, provider_id, publication_id, "
        "version_id, pact_version_id, version_number, sha, published_at) "
        "SELECT h.pacticipant_id, h.kind, h.name, pp.provider_id, pp.id, h.version_id, "
        "pp.pact_version_id, v.number, pv.sha, pp.created_at FROM heads h "
        "JOIN pact_publications pp ON pp.consumer_version_id = h.version_id "
        "JOIN versions v ON v.id = h.version_id "
        "JOIN pact_versions pv ON pv.id = pp.pact_version_id"
    )


def downgrade() -> None:
    for suffix in INDEXES:
        op.drop_index(op.f(f"ix_{TABLE}_{suffix}"), table_name=TABLE)
    op.drop_table(TABLE)
