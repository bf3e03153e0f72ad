"""``accord.broker.asgi:app`` — the broker configured from ``ACCORD_BROKER_*`` variables.

Used by ``accord broker serve`` (and any ASGI server) so several worker processes can each
build the app; migrations run once in the parent before the workers start.
"""

from __future__ import annotations

import os

from accord.broker.app import create_app
from accord.broker.config import BrokerConfig

__all__ = ["app"]

app = create_app(
    BrokerConfig.from_env(
        migrate_on_start=os.environ.get("ACCORD_BROKER_MIGRATE", "true").lower() != "false"
    )
)
