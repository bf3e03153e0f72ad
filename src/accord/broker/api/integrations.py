"""Integrations (consumer and provider pairs with a pact): listing them, and deleting one with
its pacts and verification results."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response

from accord.broker.api.hal import hal_response
from accord.broker.api.pacts import require_pair
from accord.broker.api.render import pacticipant_url
from accord.broker.api.routing import Ctx, Router
from accord.broker.clock import iso
from accord.broker.storage import pacts_repo


def integrations(ctx: Ctx) -> Response:
    items = []
    for row in pacts_repo.integration_rows(ctx.conn):
        c, p = row.consumer_name, row.provider_name
        items.append(
            {
                "consumer": {"name": c, "_links": {"self": {"href": pacticipant_url(ctx, c)}}},
                "provider": {"name": p, "_links": {"self": {"href": pacticipant_url(ctx, p)}}},
                "createdAt": iso(row.created_at),
                "_links": {
                    "pb:dashboard": {
                        "href": ctx.base
                        + f"/dashboard/provider/{quote(p, safe='')}/consumer/{quote(c, safe='')}"
                    },
                    "pb:matrix": {
                        "title": f"Matrix of pacts/verification results for {c} and {p}",
                        "href": ctx.url("matrix", "provider", p, "consumer", c),
                    },
                    "pb:group": {"href": ctx.url("groups", c)},
                    "pb:delete_integration": {
                        "href": ctx.url("integrations", "provider", p, "consumer", c)
                    },
                },
            }
        )
    return hal_response(
        {
            "_embedded": {"integrations": items},
            "_links": {"self": {"href": ctx.url("integrations")}},
        }
    )


def delete_integration(ctx: Ctx) -> Response:
    consumer, provider = require_pair(ctx)
    pacts_repo.delete_integration(ctx.conn, consumer.id, provider.id)
    return Response(status_code=204)


def register(router: Router) -> None:
    router.add("/integrations", GET=integrations)
    router.add("/integrations/provider/{provider}/consumer/{consumer}", DELETE=delete_integration)


__all__ = ["register"]
