"""The broker's tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Ordering: a version's ``id`` is its creation order (the broker-wide "order"), and a
verification's ``id`` is its broker-wide "number". One row per (consumer version, provider)
in ``pact_publications``: a new revision updates the row in place, so concurrent publishers
can never create duplicates. Pact content is de-duplicated in ``pact_versions`` by SHA.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

__all__ = ["metadata"]

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

TS = DateTime(timezone=True)


def _fk(table: str) -> ForeignKey:
    return ForeignKey(f"{table}.id", ondelete="CASCADE")


pacticipants = Table(
    "pacticipants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("display_name", String(255)),
    Column("repository_url", Text),
    Column("repository_name", String(255)),
    Column("repository_namespace", String(255)),
    Column("main_branch", String(255)),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

labels = Table(
    "labels",
    metadata,
    Column("pacticipant_id", Integer, _fk("pacticipants"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("created_at", TS, nullable=False),
)

versions = Table(
    "versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("number", String(255), nullable=False),
    Column("build_url", Text),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("pacticipant_id", "number"),
    Index(None, "pacticipant_id", "id"),
)

branches = Table(
    "branches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("pacticipant_id", "name"),
)

branch_versions = Table(
    "branch_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_id", Integer, _fk("branches"), nullable=False),
    Column("version_id", Integer, _fk("versions"), nullable=False),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("branch_name", String(255), nullable=False),
    Column("auto_created", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("branch_id", "version_id"),
    Index(None, "version_id"),
    Index(None, "pacticipant_id", "branch_name", "version_id"),
)

tags = Table(
    "tags",
    metadata,
    Column("version_id", Integer, _fk("versions"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("created_at", TS, nullable=False),
    Index(None, "pacticipant_id", "name", "version_id"),
)

#: the head of every branch and every tag of a pacticipant (its greatest version id), kept by
#: the storage functions that add or remove branch versions, tags and versions
#: (``storage.heads``) in the same transaction, so that pacts for verification reads ~1,000
#: heads instead of computing each one. ``kind`` is "branch" or "tag".
heads = Table(
    "heads",
    metadata,
    Column("pacticipant_id", Integer, _fk("pacticipants"), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("version_id", Integer, _fk("versions"), nullable=False),
    Index(None, "version_id"),
)

pact_versions = Table(
    "pact_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("consumer_id", Integer, _fk("pacticipants"), nullable=False),
    Column("provider_id", Integer, _fk("pacticipants"), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("content", Text, nullable=False),
    Column("interactions_count", Integer, nullable=False, server_default=text("0")),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("consumer_id", "provider_id", "sha"),
)

pact_publications = Table(
    "pact_publications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("consumer_version_id", Integer, _fk("versions"), nullable=False),
    Column("consumer_id", Integer, _fk("pacticipants"), nullable=False),
    Column("provider_id", Integer, _fk("pacticipants"), nullable=False),
    Column("pact_version_id", Integer, _fk("pact_versions"), nullable=False),
    Column("revision_number", Integer, nullable=False, server_default=text("1")),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("consumer_version_id", "provider_id"),
    Index(None, "consumer_id", "provider_id", "consumer_version_id"),
    Index(None, "provider_id", "created_at"),
    Index(None, "pact_version_id"),
)

integrations = Table(
    "integrations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("consumer_id", Integer, _fk("pacticipants"), nullable=False),
    Column("provider_id", Integer, _fk("pacticipants"), nullable=False),
    Column("created_at", TS, nullable=False),
    Column("contract_data_updated_at", TS, nullable=False),
    UniqueConstraint("consumer_id", "provider_id"),
    Index(None, "provider_id"),
)

verifications = Table(
    "verifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pact_version_id", Integer, _fk("pact_versions"), nullable=False),
    Column("provider_version_id", Integer, _fk("versions"), nullable=False),
    Column("provider_id", Integer, _fk("pacticipants"), nullable=False),
    Column("consumer_id", Integer, _fk("pacticipants"), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("build_url", Text),
    Column("test_results", Text),
    Column("verified_by", Text),
    Column("wip", Boolean, nullable=False, server_default=text("false")),
    Column("pact_pending", Boolean),
    Column("metadata", Text),
    Column("tag_names", Text),
    Column("execution_date", TS, nullable=False),
    Column("created_at", TS, nullable=False),
    Index(None, "pact_version_id", "provider_version_id", "id"),
    Index(None, "provider_id", "provider_version_id", "success", "wip", "pact_version_id"),
    Index(None, "provider_version_id"),
)

#: the publication, for each provider, at the head of every branch and tag (``heads`` joined to
#: ``pact_publications``, with the version number and the content's SHA), kept with ``heads``
#: by ``storage.heads`` and removed with the publication, version or content by cascade. Pacts
#: for verification reads a provider's ~1,000 WIP candidates from it by one index range, where
#: looking up each head's publication cost a probe per head.
head_pacts = Table(
    "head_pacts",
    metadata,
    Column("pacticipant_id", Integer, _fk("pacticipants"), primary_key=True),
    Column("kind", String(10), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("provider_id", Integer, _fk("pacticipants"), primary_key=True),
    Column("publication_id", Integer, _fk("pact_publications"), nullable=False),
    Column("version_id", Integer, _fk("versions"), nullable=False),
    Column("pact_version_id", Integer, _fk("pact_versions"), nullable=False),
    Column("version_number", String(255), nullable=False),
    Column("sha", String(64), nullable=False),
    Column("published_at", TS, nullable=False),
    Index(None, "provider_id", "pacticipant_id", "version_id", "kind", "name"),
    Index(None, "publication_id"),
    Index(None, "version_id"),
    Index(None, "pact_version_id"),
)

#: a successful verification by a provider version on a branch: one row per (verification,
#: branch version of its provider version), added when either is (``storage.branch_verifications``,
#: in that transaction) and removed with either by cascade. Pacts for verification asks "was this
#: content verified on the provider branch" of ~1,000 heads per request: here that is one probe
#: by (pact version, branch), instead of the content's verifications and each one's branches.
branch_verifications = Table(
    "branch_verifications",
    metadata,
    Column("verification_id", Integer, _fk("verifications"), primary_key=True),
    Column("branch_version_id", Integer, _fk("branch_versions"), primary_key=True),
    Column("pact_version_id", Integer, _fk("pact_versions"), nullable=False),
    Column("branch_id", Integer, _fk("branches"), nullable=False),
    Column("wip", Boolean, nullable=False),
    Index(None, "pact_version_id", "branch_id", "wip"),
)

environments = Table(
    "environments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("display_name", String(255)),
    Column("production", Boolean, nullable=False),
    Column("contacts", Text),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

deployed_versions = Table(
    "deployed_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False, unique=True),
    Column("version_id", Integer, _fk("versions"), nullable=False),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("environment_id", Integer, _fk("environments"), nullable=False),
    Column("target", String(255)),
    Column("target_for_index", String(255), nullable=False, server_default=text("''")),
    Column("currently_deployed", Boolean, nullable=False),
    Column("auto_created", Boolean, nullable=False, server_default=text("false")),
    Column("undeployed_at", TS),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Index(None, "version_id"),
    Index(
        "uq_deployed_versions_current",
        "pacticipant_id",
        "environment_id",
        "target_for_index",
        unique=True,
        sqlite_where=text("currently_deployed"),
        postgresql_where=text("currently_deployed"),
    ),
)

released_versions = Table(
    "released_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False, unique=True),
    Column("version_id", Integer, _fk("versions"), nullable=False),
    Column("pacticipant_id", Integer, _fk("pacticipants"), nullable=False),
    Column("environment_id", Integer, _fk("environments"), nullable=False),
    Column("support_ended_at", TS),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    UniqueConstraint("version_id", "environment_id"),
    Index(None, "environment_id", "pacticipant_id"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False, unique=True),
    Column("description", Text),
    Column("consumer_id", Integer, _fk("pacticipants")),
    Column("consumer_label", String(255)),
    Column("provider_id", Integer, _fk("pacticipants")),
    Column("provider_label", String(255)),
    Column("events", Text, nullable=False),
    Column("request", Text, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
)

triggered_webhooks = Table(
    "triggered_webhooks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("uuid", String(64), nullable=False, unique=True),
    Column("webhook_uuid", String(64), nullable=False),
    Column("event_name", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("context", Text),
    Column("logs", Text),
    Column("consumer_id", Integer, _fk("pacticipants")),
    Column("provider_id", Integer, _fk("pacticipants")),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    # durable delivery: how many attempts were made, when the next is due (none: not to be
    # sent), and the lease of the worker that claimed it (expired leases are claimed again)
    Column("attempts_made", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", TS),
    Column("claimed_until", TS),
    Column("claim_token", String(64)),
    Index(None, "webhook_uuid"),
    Index(None, "next_attempt_at"),
)

#: one row per delivery attempt of a triggered webhook; credentials are masked before storing
webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("triggered_webhook_id", Integer, _fk("triggered_webhooks"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("success", Boolean, nullable=False),
    Column("method", String(16), nullable=False),
    Column("url", Text, nullable=False),
    Column("status", Integer),
    Column("error", Text),
    Column("response_excerpt", Text),
    Column("log", Text, nullable=False),
    Column("started_at", TS, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Index(None, "triggered_webhook_id", "number"),
)

#: a provider version's published contract (an OpenAPI document, PactFlow's bi-directional
#: contract testing) with the provider's own test result against it; one per provider version,
#: a new publication replaces it
provider_contracts = Table(
    "provider_contracts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_id", Integer, _fk("pacticipants"), nullable=False),
    Column("provider_version_id", Integer, _fk("versions"), nullable=False, unique=True),
    Column("specification", String(50), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("content", Text, nullable=False),
    Column("sha", String(64), nullable=False),
    Column("self_verification_success", Boolean),
    Column("self_verification_content", Text),
    Column("self_verification_content_type", String(255)),
    Column("self_verification_format", String(255)),
    Column("verifier", String(255)),
    Column("verifier_version", String(255)),
    Column("build_url", Text),
    Column("created_at", TS, nullable=False),
    Column("updated_at", TS, nullable=False),
    Index(None, "provider_id", "provider_version_id"),
)

#: the comparison of one pact content with one provider contract content, cached by both SHAs
contract_comparisons = Table(
    "contract_comparisons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("provider_contract_id", Integer, _fk("provider_contracts"), nullable=False),
    Column("contract_sha", String(64), nullable=False),
    Column("pact_version_id", Integer, _fk("pact_versions"), nullable=False),
    Column("success", Boolean, nullable=False),
    Column("report", Text, nullable=False),
    Column("created_at", TS, nullable=False),
    UniqueConstraint("provider_contract_id", "pact_version_id", "contract_sha"),
    Index(None, "pact_version_id"),
)
