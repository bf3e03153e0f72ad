"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 14:10:30.824548
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Every table of the first release, referenced tables first."""
    _create_pacticipants()
    _create_versions_and_tags()
    _create_branches()
    _create_pact_versions()
    _create_pact_publications()
    _create_verifications()
    _create_deployed_versions()
    _create_released_versions()
    _create_webhooks()


def _create_pacticipants() -> None:
    """Pacticipants with their labels and integrations, and the environments they deploy to."""
    op.create_table(
        "environments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environments")),
        sa.UniqueConstraint("name", name=op.f("uq_environments_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_environments_uuid")),
    )
    op.create_table(
        "pacticipants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("repository_url", sa.Text(), nullable=True),
        sa.Column("repository_name", sa.String(length=255), nullable=True),
        sa.Column("repository_namespace", sa.String(length=255), nullable=True),
        sa.Column("main_branch", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pacticipants")),
        sa.UniqueConstraint("name", name=op.f("uq_pacticipants_name")),
    )
    op.create_table(
        "labels",
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_labels_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pacticipant_id", "name", name=op.f("pk_labels")),
    )
    op.create_table(
        "integrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contract_data_updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_integrations_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_integrations_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integrations")),
        sa.UniqueConstraint(
            "consumer_id", "provider_id", name=op.f("uq_integrations_consumer_id_provider_id")
        ),
    )
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_integrations_provider_id"), ["provider_id"], unique=False
        )


def _create_versions_and_tags() -> None:
    """Pacticipant versions and their tags."""
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=255), nullable=False),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_versions_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint(
            "pacticipant_id", "number", name=op.f("uq_versions_pacticipant_id_number")
        ),
    )
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_versions_pacticipant_id_id"), ["pacticipant_id", "id"], unique=False
        )

    op.create_table(
        "tags",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_tags_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_tags_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", "name", name=op.f("pk_tags")),
    )
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tags_pacticipant_id_name_version_id"),
            ["pacticipant_id", "name", "version_id"],
            unique=False,
        )


def _create_branches() -> None:
    """Branches and the versions on them."""
    op.create_table(
        "branches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_branches_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branches")),
        sa.UniqueConstraint("pacticipant_id", "name", name=op.f("uq_branches_pacticipant_id_name")),
    )
    op.create_table(
        "branch_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("branch_name", sa.String(length=255), nullable=False),
        sa.Column("auto_created", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"],
            ["branches.id"],
            name=op.f("fk_branch_versions_branch_id_branches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_branch_versions_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_branch_versions_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branch_versions")),
        sa.UniqueConstraint(
            "branch_id", "version_id", name=op.f("uq_branch_versions_branch_id_version_id")
        ),
    )
    with op.batch_alter_table("branch_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_branch_versions_pacticipant_id_branch_name_version_id"),
            ["pacticipant_id", "branch_name", "version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_branch_versions_version_id"), ["version_id"], unique=False
        )


def _create_pact_versions() -> None:
    """Pact contents, one row per distinct content of an integration."""
    op.create_table(
        "pact_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("sha", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("interactions_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_pact_versions_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_pact_versions_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_versions")),
        sa.UniqueConstraint(
            "consumer_id",
            "provider_id",
            "sha",
            name=op.f("uq_pact_versions_consumer_id_provider_id_sha"),
        ),
    )


def _create_pact_publications() -> None:
    """Which consumer version published which pact content."""
    op.create_table(
        "pact_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consumer_version_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_pact_publications_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consumer_version_id"],
            ["versions.id"],
            name=op.f("fk_pact_publications_consumer_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pact_version_id"],
            ["pact_versions.id"],
            name=op.f("fk_pact_publications_pact_version_id_pact_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_pact_publications_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pact_publications")),
        sa.UniqueConstraint(
            "consumer_version_id",
            "provider_id",
            name=op.f("uq_pact_publications_consumer_version_id_provider_id"),
        ),
    )
    with op.batch_alter_table("pact_publications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pact_publications_consumer_id_provider_id_consumer_version_id"),
            ["consumer_id", "provider_id", "consumer_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_pact_publications_pact_version_id"), ["pact_version_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pact_publications_provider_id_created_at"),
            ["provider_id", "created_at"],
            unique=False,
        )


def _create_verifications() -> None:
    """Verification results of pact contents by provider versions."""
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pact_version_id", sa.Integer(), nullable=False),
        sa.Column("provider_version_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("build_url", sa.Text(), nullable=True),
        sa.Column("test_results", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.Text(), nullable=True),
        sa.Column("wip", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("pact_pending", sa.Boolean(), nullable=True),
        sa.Column("metadata", sa.Text(), nullable=True),
        sa.Column("tag_names", sa.Text(), nullable=True),
        sa.Column("execution_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_verifications_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pact_version_id"],
            ["pact_versions.id"],
            name=op.f("fk_verifications_pact_version_id_pact_versions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_verifications_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_version_id"],
            ["versions.id"],
            name=op.f("fk_verifications_provider_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
    )
    with op.batch_alter_table("verifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_verifications_pact_version_id_provider_version_id_id"),
            ["pact_version_id", "provider_version_id", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f(
                "ix_verifications_provider_id_provider_version_id_success_wip_pact_version_id"
            ),
            ["provider_id", "provider_version_id", "success", "wip", "pact_version_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_verifications_provider_version_id"),
            ["provider_version_id"],
            unique=False,
        )


def _create_deployed_versions() -> None:
    """Versions deployed to environments."""
    op.create_table(
        "deployed_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=True),
        sa.Column(
            "target_for_index",
            sa.String(length=255),
            server_default=sa.text("('')"),
            nullable=False,
        ),
        sa.Column("currently_deployed", sa.Boolean(), nullable=False),
        sa.Column("auto_created", sa.Boolean(), server_default=sa.text("(false)"), nullable=False),
        sa.Column("undeployed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_deployed_versions_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_deployed_versions_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_deployed_versions_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployed_versions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deployed_versions_uuid")),
    )
    with op.batch_alter_table("deployed_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deployed_versions_version_id"), ["version_id"], unique=False
        )
        batch_op.create_index(
            "uq_deployed_versions_current",
            ["pacticipant_id", "environment_id", "target_for_index"],
            unique=True,
            sqlite_where=sa.text("currently_deployed"),
            postgresql_where=sa.text("currently_deployed"),
        )


def _create_released_versions() -> None:
    """Versions released to environments."""
    op.create_table(
        "released_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("pacticipant_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("support_ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environments.id"],
            name=op.f("fk_released_versions_environment_id_environments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pacticipant_id"],
            ["pacticipants.id"],
            name=op.f("fk_released_versions_pacticipant_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["versions.id"],
            name=op.f("fk_released_versions_version_id_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_released_versions")),
        sa.UniqueConstraint("uuid", name=op.f("uq_released_versions_uuid")),
        sa.UniqueConstraint(
            "version_id",
            "environment_id",
            name=op.f("uq_released_versions_version_id_environment_id"),
        ),
    )
    with op.batch_alter_table("released_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_released_versions_environment_id_pacticipant_id"),
            ["environment_id", "pacticipant_id"],
            unique=False,
        )


def _create_webhooks() -> None:
    """Webhooks and the webhooks triggered by events."""
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("consumer_id", sa.Integer(), nullable=True),
        sa.Column("consumer_label", sa.String(length=255), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("provider_label", sa.String(length=255), nullable=True),
        sa.Column("events", sa.Text(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_webhooks_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_webhooks_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
        sa.UniqueConstraint("uuid", name=op.f("uq_webhooks_uuid")),
    )
    op.create_table(
        "triggered_webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=64), nullable=False),
        sa.Column("webhook_uuid", sa.String(length=64), nullable=False),
        sa.Column("event_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("logs", sa.Text(), nullable=True),
        sa.Column("consumer_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["pacticipants.id"],
            name=op.f("fk_triggered_webhooks_consumer_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["pacticipants.id"],
            name=op.f("fk_triggered_webhooks_provider_id_pacticipants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triggered_webhooks")),
        sa.UniqueConstraint("uuid", name=op.f("uq_triggered_webhooks_uuid")),
    )
    with op.batch_alter_table("triggered_webhooks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_triggered_webhooks_webhook_uuid"), ["webhook_uuid"], unique=False
        )


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("verifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verifications_provider_version_id"))
        batch_op.drop_index(
            batch_op.f(
                "ix_verifications_provider_id_provider_version_id_success_wip_pact_version_id"
            )
        )
        batch_op.drop_index(batch_op.f("ix_verifications_pact_version_id_provider_version_id_id"))

    op.drop_table("verifications")
    with op.batch_alter_table("tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tags_pacticipant_id_name_version_id"))

    op.drop_table("tags")
    with op.batch_alter_table("released_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_released_versions_environment_id_pacticipant_id"))

    op.drop_table("released_versions")
    with op.batch_alter_table("pact_publications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pact_publications_provider_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_pact_publications_pact_version_id"))
        batch_op.drop_index(
            batch_op.f("ix_pact_publications_consumer_id_provider_id_consumer_version_id")
        )

    op.drop_table("pact_publications")
    with op.batch_alter_table("deployed_versions", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_deployed_versions_current",
            sqlite_where=sa.text("currently_deployed"),
            postgresql_where=sa.text("currently_deployed"),
        )
        batch_op.drop_index(batch_op.f("ix_deployed_versions_version_id"))

    op.drop_table("deployed_versions")
    with op.batch_alter_table("branch_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_branch_versions_version_id"))
        batch_op.drop_index(batch_op.f("ix_branch_versions_pacticipant_id_branch_name_version_id"))

    op.drop_table("branch_versions")
    op.drop_table("webhooks")
    with op.batch_alter_table("versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_versions_pacticipant_id_id"))

    op.drop_table("versions")
    with op.batch_alter_table("triggered_webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_triggered_webhooks_webhook_uuid"))

    op.drop_table("triggered_webhooks")
    op.drop_table("pact_versions")
    op.drop_table("labels")
    with op.batch_alter_table("integrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_integrations_provider_id"))

    op.drop_table("integrations")
    op.drop_table("branches")
    op.drop_table("pacticipants")
    op.drop_table("environments")
    # ### end Alembic commands ###
