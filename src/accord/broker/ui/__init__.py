"""The broker's read-only web UI: server-rendered HTML (Jinja2, a little CSS, no JavaScript).

Served when a browser asks for HTML. The official broker shares paths between UI and API and
chooses by the Accept header; every other client keeps getting HAL+JSON. Pages: the
integrations (``/``), pacticipants and their versions, a readable pact at every single-pact
URL, the matrix (generic and per integration, with filters), environments and a can-i-deploy
form. Links are built from the request's base URL, so a sub-path behind a proxy works.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from starlette.responses import Response

from accord.broker.api.routing import ApiError, Ctx, Router
from accord.broker.ui import contract_page, pages

__all__ = ["match_page", "not_found_page", "wants_html"]

log = logging.getLogger("accord.broker.ui")

API_TYPES = (
    "application/hal+json",
    "application/problem+json",
    "application/json",
    "text/csv",
    "application/yaml",
    "text/plain",
)


def wants_html(accept: str | None) -> bool:
    """True for a browser's Accept header; API clients (and ``*/*``) get JSON."""
    if not accept or accept.strip() == "*/*":
        return False
    accept = accept.lower()
    return "text/html" in accept and not any(t in accept for t in API_TYPES)


def _guarded(handler: Callable[[Ctx], Response]) -> Callable[[Ctx], Response]:
    """Errors become HTML pages for people, with the status the API would give."""

    def run(ctx: Ctx) -> Response:
        try:
            return handler(ctx)
        except pages.UiError as err:
            return pages.error_page(ctx, err)
        except ApiError as err:
            body = err.body
            message = body.get("error") if isinstance(body, dict) else None
            if isinstance(message, dict):
                message = message.get("message")
            return pages.error_page(
                ctx,
                pages.UiError(err.status, "Something is wrong", str(message or body)),
            )
        except Exception:  # a bug: log it, show a page without a traceback
            reference = uuid.uuid4().hex[:10]
            log.exception("UI error reference %s", reference)
            return pages.error_page(
                ctx,
                pages.UiError(
                    500,
                    "Something went wrong",
                    f"The broker could not show this page (error reference {reference}; "
                    "see its log).",
                ),
            )

    run.__name__ = handler.__name__
    return run


def _router() -> Router:
    router = Router()
    router.add("/", GET=_guarded(pages.index_page))
    router.add("/pacticipants", GET=_guarded(pages.pacticipants_page))
    router.add("/pacticipants/{pacticipant}", GET=_guarded(pages.pacticipant_page))
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    for suffix, handler in pages.PACT_PAGES.items():
        router.add(pair + suffix, GET=_guarded(handler))
    router.add("/matrix", GET=_guarded(pages.matrix_page))
    router.add(
        "/matrix/provider/{provider}/consumer/{consumer}",
        GET=_guarded(pages.integration_matrix_page),
    )
    router.add("/environments", GET=_guarded(pages.environments_page))
    router.add("/can-i-deploy", GET=_guarded(pages.can_i_deploy_page))
    router.add(
        "/contracts/bi-directional/provider/{provider}/version/{version}/provider-contract",
        GET=_guarded(contract_page.provider_contract_page),
    )
    return router


ROUTER = _router()


def match_page(path: str) -> tuple[Callable[[Ctx], Response], dict[str, str]] | None:
    """The page handler and its path parameters for a raw path, or None."""
    found = ROUTER.match(path)
    if found is None:
        return None
    route, params = found
    return route.methods["GET"], params


def not_found_page(ctx: Ctx) -> Response:
    """For a browser asking for a path that is neither a page nor a resource."""
    return pages.error_page(
        ctx, pages.UiError(404, "Not found", "There is nothing at this address.")
    )
