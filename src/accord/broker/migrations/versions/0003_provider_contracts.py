"""provider contracts (bi-directional contract testing) and their comparisons with pacts

Revision ID: 0003_provider_contracts
Revises: 0002_webhook_delivery
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_provider_contracts"
down_revision = "0002_webhook_delivery"
branch_labels = None
depends_on = None


def _fk(column: str, table: str, owner: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{table}.id"], name=op.f(f"fk_{owner}_{column}_{table}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    ts = sa.DateTime(timezone=True)
    op.create_table(
        "provider_contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("specification", sa.String(length=50), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("self_verification_success", sa.Boolean(), nullable=True),
        sa.Column("self_verification_content", sa.Text(), nullable=True),
        sa.Column("self_verification_content_type", sa.String(length=255), nullable=True),
        sa.Column("self_verification_format", sa.String(length=255), nullable=True),
        sa.Column("verifier", sa.String(length=255), nullable=True),
        sa.Column("verifier_version", sa.String(length=255), nullable=True),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("created_at", ts, nullable=False),
        sa.Column("updated_at", ts, nullable=False),
        _fk("provider_id", "pacticipants", "provider_contracts"),
        _fk("provider_version_id", "versions", "provider_contracts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_contracts")),
        sa.UniqueConstraint(
            "provider_version_id", name=op.f("uq_provider_contracts_provider_version_id")
        ),
    )
    op.create_index(
        op.f("ix_provider_contracts_provider_id_provider_version_id"),
        "provider_contracts",
        ["provider_id", "provider_version_id"],
        unique=False,
    )
    op.create_table(
        "contract_comparisons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_contract_id", sa.Integer(), nullable=False),
        sa.Column("contract_sha", sa.String(length=64), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_at", ts, nullable=False),
        _fk("provider_contract_id", "provider_contracts", "contract_comparisons"),
        _fk("pact_version_id", "pact_versions", "contract_comparisons"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_comparisons")),
        sa.UniqueConstraint(
            "provider_contract_id",
            "pact_version_id",
            "contract_sha",
            name=op.f("uq_contract_comparisons_provider_contract_id_pact_version_id_contract_sha"),
        ),
    )
    op.create_index(
        op.f("ix_contract_comparisons_pact_version_id"),
        "contract_comparisons",
        ["pact_version_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_contract_comparisons_pact_version_id"), table_name="contract_comparisons"
    )
    op.drop_table("contract_comparisons")
    op.drop_index(
        op.f("ix_provider_contracts_provider_id_provider_version_id"),
        table_name="provider_contracts",
    )
    op.drop_table("provider_contracts")
