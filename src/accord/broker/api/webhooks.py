"""Webhooks (placeholder until the full implementation lands)."""

from __future__ import annotations

from typing import Any

from accord.broker.api.routing import Ctx, Router


class WebhookRunner:
    def __init__(self, engine: Any, config: Any) -> None:
        self.engine = engine
        self.config = config


def trigger_for_publication(
    ctx: Ctx, events: list[str], consumer: Any, provider: Any, version: Any, pact_version: Any
) -> list[str]:
    return []


def trigger_for_verification(
    ctx: Ctx,
    consumer: Any,
    provider: Any,
    pact_version: Any,
    provider_version: Any,
    verification: Any,
    metadata: dict,
) -> None:
    return None


def register(router: Router) -> None:
    return None
