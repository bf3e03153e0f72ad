"""``/metrics``: how many pacticipants, pacts, versions and verification results the broker
holds."""

from __future__ import annotations

from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.routing import Ctx, Router
from accord.broker.storage import metrics_repo


def metrics(ctx: Ctx) -> Response:
    count = metrics_repo.row_counts(ctx.conn)
    return hal_response(
        {
            "pacticipants": {"count": count["pacticipants"]},
            "pactPublications": {"count": count["pact_publications"]},
            "pactVersions": {"count": count["pact_versions"]},
            "verificationResults": {"count": count["verifications"]},
            "pacticipantVersions": {"count": count["versions"]},
        }
    )


def register(router: Router) -> None:
    router.add("/metrics", GET=metrics)


__all__ = ["register"]
