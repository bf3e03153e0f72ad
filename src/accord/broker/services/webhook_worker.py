"""The background worker that delivers triggered webhooks from the database queue.

Every broker process runs one worker thread (started with the app, or by the first webhook
it triggers). It claims due rows one at a time, sends them, records each attempt and
schedules the next one from the retry schedule, so deliveries survive restarts and several
processes over one database share the work without sending an event twice.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from accord.broker.services.webhook_sender import Attempt, not_sent, send_webhook
from accord.broker.services.webhooks import render_request
from accord.broker.storage import webhook_queue
from accord.broker.storage.db import run_in_transaction

if TYPE_CHECKING:  # the configuration imports the services
    from accord.broker.config import BrokerConfig

__all__ = ["WebhookWorker", "next_state"]

log = logging.getLogger("accord.broker.webhooks")


def next_state(
    attempts_made: int, success: bool, schedule: tuple[float, ...], at: datetime
) -> tuple[str, datetime | None]:
    """Status and next attempt time after ``attempts_made`` attempts (the official rule:
    one attempt plus one retry per entry of the schedule)."""
    if success:
        return "success", None
    if attempts_made > len(schedule):
        return "failure", None
    return "retrying", at + timedelta(seconds=schedule[attempts_made - 1])


class WebhookWorker:
    """Delivers due webhooks of one database; ``config`` is read afresh for every attempt."""

    def __init__(self, engine: Engine, config: BrokerConfig, poll_interval: float = 1.0) -> None:
        self.engine = engine
        self.config = config
        self.poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        with self._lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(
                    target=self._loop, name="accord-webhooks", daemon=True
                )
                self._thread.start()

    def wake(self) -> None:
        """Look at the queue now (a webhook was just triggered)."""
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # the database may be away for a while: try again later
                log.warning("webhook worker: could not process the queue", exc_info=True)
            self._wake.wait(self.poll_interval)
            self._wake.clear()

    def run_due(self) -> int:
        """Deliver every due webhook, one claim at a time; the number of attempts made."""
        made = 0
        while not self._stop.is_set():
            if not run_in_transaction(
                self.engine, lambda c: webhook_queue.has_due(c, datetime.now(UTC)), write=False
            ):
                return made
            if not self.run_one():
                return made
            made += 1
        return made

    def run_one(self) -> bool:
        """Claim, send and record one due webhook; False when none could be claimed."""
        token = uuidlib.uuid4().hex
        policy = self.config.webhook_policy()
        lease = timedelta(seconds=policy.timeout * 6 + 30)
        row = run_in_transaction(
            self.engine,
            lambda c: webhook_queue.claim_due(c, datetime.now(UTC), lease, token),
            write=True,
        )
        if row is None:
            return False
        webhook = run_in_transaction(
            self.engine, lambda c: webhook_queue.webhook_for(c, row.webhook_uuid), write=False
        )
        if webhook is None:  # deleted since it was triggered: as the official broker, stop
            attempt = not_sent(row.uuid, "the webhook was deleted")
            number = row.attempts_made + 1
            run_in_transaction(
                self.engine,
                lambda c: self._record(c, row.id, token, number, attempt, "failure", None),
                write=True,
            )
            return True
        # rendered now, from the webhook as it is now (a corrected URL applies to retries)
        request = render_request(json.loads(webhook.request), json.loads(row.context or "{}"))
        attempt = send_webhook(request, policy)
        number = row.attempts_made + 1
        status, next_at = next_state(
            number, attempt.success, tuple(self.config.webhook_retry_schedule), datetime.now(UTC)
        )
        run_in_transaction(
            self.engine,
            lambda c: self._record(c, row.id, token, number, attempt, status, next_at),
            write=True,
        )
        log.info("webhook %s attempt %d: %s", row.uuid, number, status)
        return True

    @staticmethod
    def _record(
        conn: Any,
        triggered_id: int,
        token: str,
        number: int,
        attempt: Attempt,
        status: str,
        next_at: datetime | None,
    ) -> None:
        webhook_queue.record_attempt(
            conn,
            triggered_id,
            number=number,
            success=attempt.success,
            method=attempt.method,
            url=attempt.url,
            status=attempt.status,
            error=attempt.error,
            response_excerpt=attempt.excerpt,
            log=attempt.log(),
            started_at=attempt.started_at,
            duration_ms=attempt.duration_ms,
        )
        if not webhook_queue.finish(
            conn,
            triggered_id,
            token,
            status=status,
            attempts_made=number,
            next_attempt_at=next_at,
            at=datetime.now(UTC),
        ):
            log.warning("webhook attempt recorded after its lease expired (id %s)", triggered_id)
