"""Triggered webhooks as a durable queue in the database.

A worker claims one due row at a time by writing a lease (``claimed_until``, ``claim_token``)
in a short transaction: on PostgreSQL the candidate row is selected ``FOR UPDATE SKIP LOCKED``
so concurrent brokers never claim the same row; on SQLite the write transaction (``BEGIN
IMMEDIATE``) serialises claims. The request is sent outside any transaction, then the attempt
and the new state are written, guarded by the token. A broker that dies mid-attempt leaves a
lease that expires, so another broker takes the row over; nothing lives only in memory.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, or_, select, update

from accord.broker.storage.schema import triggered_webhooks, webhook_attempts, webhooks
from accord.model.jsontypes import JsonMapping

__all__ = [
    "PENDING",
    "attempts_for",
    "claim_due",
    "enqueue",
    "finish",
    "has_due",
    "record_attempt",
    "webhook_for",
]

tw = triggered_webhooks
#: statuses of rows that still have an attempt to make
PENDING = ("not_run", "retrying")


def enqueue(
    conn: Connection,
    *,
    uuid: str,
    webhook_uuid: str,
    event_name: str,
    context: JsonMapping,
    deliver: bool,
    consumer_id: int | None,
    provider_id: int | None,
    at: datetime,
) -> None:
    """Store a triggered webhook, due now; with ``deliver`` False it is logged, never sent."""
    conn.execute(
        tw.insert().values(
            uuid=uuid,
            webhook_uuid=webhook_uuid,
            event_name=event_name,
            status="not_run",
            context=json.dumps(context),
            consumer_id=consumer_id,
            provider_id=provider_id,
            next_attempt_at=at if deliver else None,
            created_at=at,
            updated_at=at,
        )
    )


def _due(at: datetime) -> Any:
    return and_(
        tw.c.status.in_(PENDING),
        tw.c.next_attempt_at.is_not(None),
        tw.c.next_attempt_at <= at,
        or_(tw.c.claimed_until.is_(None), tw.c.claimed_until < at),
    )


def has_due(conn: Connection, at: datetime) -> bool:
    """A cheap read, so idle workers do not take SQLite's write lock every poll."""
    return conn.execute(select(tw.c.id).where(_due(at)).limit(1)).first() is not None


def claim_due(conn: Connection, at: datetime, lease: timedelta, token: str) -> Row | None:
    """Lease the oldest due row to ``token``; None when nothing is due (or all is claimed)."""
    candidate = conn.execute(
        select(tw.c.id)
        .where(_due(at))
        .order_by(tw.c.next_attempt_at, tw.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if candidate is None:
        return None
    claimed = conn.execute(
        update(tw)
        .where(tw.c.id == candidate.id, _due(at))
        .values(claimed_until=at + lease, claim_token=token)
        .returning(*tw.c)
    ).first()
    return claimed


def record_attempt(conn: Connection, triggered_id: int, **values: object) -> None:
    conn.execute(webhook_attempts.insert().values(triggered_webhook_id=triggered_id, **values))


def finish(
    conn: Connection,
    triggered_id: int,
    token: str,
    *,
    status: str,
    attempts_made: int,
    next_attempt_at: datetime | None,
    at: datetime,
) -> bool:
    """Write the outcome and release the lease; False if the lease was lost meanwhile."""
    result = conn.execute(
        update(tw)
        .where(tw.c.id == triggered_id, tw.c.claim_token == token)
        .values(
            status=status,
            attempts_made=attempts_made,
            next_attempt_at=next_attempt_at,
            claimed_until=None,
            claim_token=None,
            updated_at=at,
        )
    )
    return bool(result.rowcount)


def attempts_for(conn: Connection, triggered_id: int) -> list[Row]:
    return list(
        conn.execute(
            select(webhook_attempts)
            .where(webhook_attempts.c.triggered_webhook_id == triggered_id)
            .order_by(webhook_attempts.c.number, webhook_attempts.c.id)
        )
    )


def webhook_for(conn: Connection, webhook_uuid: str) -> Row | None:
    return conn.execute(select(webhooks).where(webhooks.c.uuid == webhook_uuid)).first()
