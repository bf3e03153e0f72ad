"""Repository for saved webhooks and the triggered-webhook rows the API shows (the delivery
queue itself is ``webhook_queue``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, null, or_, select, update

from accord.broker.storage.schema import triggered_webhooks, webhooks

__all__ = [
    "any_webhook",
    "any_webhook_between",
    "delete_webhook",
    "enabled_webhook_events",
    "enabled_webhooks",
    "find_triggered",
    "find_webhook",
    "list_webhooks",
    "recent_triggered_for_pact",
    "save_webhook",
]


def find_webhook(conn: Connection, uuid: str) -> Row | None:
    return conn.execute(select(webhooks).where(webhooks.c.uuid == uuid)).first()


def save_webhook(
    conn: Connection, uuid: str, existing_id: int | None, values: Mapping[str, object]
) -> Row:
    """Insert (``existing_id`` None) or update the webhook, and read it back."""
    if existing_id is None:
        conn.execute(webhooks.insert().values(uuid=uuid, created_at=values["updated_at"], **values))
    else:
        conn.execute(update(webhooks).where(webhooks.c.id == existing_id).values(**values))
    return conn.execute(select(webhooks).where(webhooks.c.uuid == uuid)).one()


def delete_webhook(conn: Connection, webhook_id: int) -> None:
    conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))


def list_webhooks(
    conn: Connection, consumer_id: int | None = None, provider_id: int | None = None
) -> list[Row]:
    query = select(webhooks).order_by(webhooks.c.id)
    if consumer_id is not None:
        query = query.where(webhooks.c.consumer_id == consumer_id)
    if provider_id is not None:
        query = query.where(webhooks.c.provider_id == provider_id)
    return list(conn.execute(query))


def enabled_webhooks(conn: Connection) -> list[Row]:
    return list(conn.execute(select(webhooks).where(webhooks.c.enabled.is_(True))))


def enabled_webhook_events(conn: Connection) -> list[str]:
    """The raw ``events`` JSON of every enabled webhook."""
    return list(
        conn.execute(select(webhooks.c.events).where(webhooks.c.enabled.is_(True))).scalars()
    )


def any_webhook(conn: Connection) -> bool:
    return conn.execute(select(webhooks.c.id).limit(1)).first() is not None


def find_triggered(conn: Connection, uuid: str) -> Row | None:
    return conn.execute(select(triggered_webhooks).where(triggered_webhooks.c.uuid == uuid)).first()


def recent_triggered_for_pact(
    conn: Connection, consumer_id: int, provider_id: int, limit: int = 50
) -> list[Row]:
    """The newest triggered webhooks of one consumer and provider, newest first."""
    tw = triggered_webhooks
    return list(
        conn.execute(
            select(tw)
            .where(tw.c.consumer_id == consumer_id, tw.c.provider_id == provider_id)
            .order_by(tw.c.id.desc())
            .limit(limit)
        )
    )


def any_webhook_between(
    conn: Connection,
    consumer_id: int,
    consumer_labels: list[str],
    provider_id: int,
    provider_labels: list[str],
) -> bool:
    """Any webhook (enabled or not) for this integration, by name, label or for everyone."""

    def side(id_col: Any, label_col: Any, pid: int, labels: list[str]) -> Any:
        return or_(
            id_col == pid,
            and_(id_col.is_(null()), or_(label_col.is_(null()), label_col.in_(labels))),
        )

    query = select(webhooks.c.id).where(
        side(webhooks.c.consumer_id, webhooks.c.consumer_label, consumer_id, consumer_labels),
        side(webhooks.c.provider_id, webhooks.c.provider_label, provider_id, provider_labels),
    )
    return conn.execute(query.limit(1)).first() is not None
