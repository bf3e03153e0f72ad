"""The broker's ASGI application: auth, routing, one transaction per request, errors as data.

Usage::

    from accord.broker import create_app, BrokerConfig
    app = create_app(BrokerConfig(database_url="sqlite:///broker.sqlite3"))
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from accord.broker.api import (
    auth,
    badges,
    deployments,
    environments,
    for_verification,
    forwarding,
    index,
    integrations,
    limits,
    matrix,
    metrics,
    pact_diffs,
    pact_lists,
    pacticipants,
    pacts,
    provider_contracts,
    provider_states,
    publish,
    verifications,
    versions,
    webhooks,
)
from accord.broker.api.hal import BROKER_VERSION, hal_response, json_response
from accord.broker.api.routing import (
    PUBLIC_BADGE,
    READ,
    WRITE,
    ApiError,
    Ctx,
    Handler,
    Router,
    validation_error,
)
from accord.broker.config import BrokerConfig
from accord.broker.names import InvalidName, check_name
from accord.broker.services.webhook_worker import WebhookWorker
from accord.broker.storage.db import make_engine, migrate, run_in_transaction
from accord.broker.ui import match_page, not_found_page, wants_html

__all__ = ["BrokerApp", "create_app"]

log = logging.getLogger("accord.broker")
#: POSTs that only read the database; webhook executions must not hold SQLite's write lock
#: while they wait for the webhook's target
READ_ONLY_POSTS = ("/for-verification", "/execute")


def build_router() -> Router:
    router = Router()
    for module in (
        index,
        pacticipants,
        versions,
        publish,
        pacts,
        pact_lists,
        integrations,
        metrics,
        provider_states,
        pact_diffs,
        verifications,
        for_verification,
        environments,
        deployments,
        matrix,
        badges,
        webhooks,
        provider_contracts,
    ):
        module.register(router)
    return router


class BrokerApp:
    """ASGI callable; cheap to create once the schema exists."""

    def __init__(self, config: BrokerConfig, engine: Engine | None = None) -> None:
        self.config = config
        self.engine = engine or make_engine(config.database_url)
        if config.migrate_on_start:
            migrate(self.engine)
        self.router = build_router()
        self.webhook_worker = WebhookWorker(self.engine, config)

    def start_webhooks(self) -> None:
        """Deliver queued webhooks from now on (those left by a stopped broker too)."""
        if self.config.run_webhooks:
            self.webhook_worker.start()

    def close(self) -> None:
        """Stop the webhook worker and close the database connections."""
        self.webhook_worker.stop()
        self.engine.dispose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    self.start_webhooks()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await run_in_threadpool(self.webhook_worker.stop)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self.handle(request)
        response.headers["Vary"] = "Accept"
        response.headers["X-Pact-Broker-Version"] = BROKER_VERSION
        await response(scope, receive, send)

    def base_url(self, request: Request) -> str:
        """The URL links start with: the configured one, else the request's own address.

        ``X-Forwarded-Proto/-Host/-Port/-Prefix`` are believed only from a proxy the operator
        named (``forwarded_allow_ips``): from anyone else they could point every link, and
        the ``pactUrl`` webhooks deliver to CI, at a host of the sender's choosing.
        """
        if self.config.base_url:
            return self.config.base_url.rstrip("/")
        headers = request.headers
        root = request.scope.get("root_path", "").rstrip("/")
        host = headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        if not forwarding.trusted(request.scope.get("client"), self.config.forwarded_allow_ips):
            return f"{request.url.scheme}://{host}{root}"
        scheme = headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        if scheme not in ("http", "https"):
            scheme = request.url.scheme
        host = headers.get("x-forwarded-host", "").split(",")[0].strip() or host
        port = headers.get("x-forwarded-port", "").split(",")[0].strip()
        if port.isdigit() and ":" not in host and port not in ("443", "80"):
            host = f"{host}:{port}"
        prefix = headers.get("x-forwarded-prefix", "").split(",")[0].strip().rstrip("/") or root
        return f"{scheme}://{host}{prefix}"

    async def handle(self, request: Request) -> Response:
        """Route the request, check who may call it, then answer with a UI page, the API
        handler in one transaction, or an error as data."""
        method = request.method.upper()
        path = _route_path(request)
        found = self.router.match(path)
        badge = found is not None and found[0].access_for(method) == PUBLIC_BADGE
        # a badge is an image whatever the browser accepts (as in the official broker)
        browser = method == "GET" and not badge and wants_html(request.headers.get("accept"))
        ui_page = match_page(path) if browser else None
        # the route table says who may call what; a path nobody serves needs a reader
        required = found[0].access_for(method) if found is not None else READ
        if ui_page is not None:
            required = READ
        refused = self._refusal(request, required)
        if refused is not None:
            return refused
        if ui_page is not None:
            return await self._page(ui_page[0], request, ui_page[1])
        if found is None:
            if browser:
                return await self._page(not_found_page, request, {})
            return hal_response(
                {"error": "The requested document was not found on this server."}, 404
            )
        route, params = found
        if method == "OPTIONS":
            allow = ", ".join(sorted(set(route.methods) | {"OPTIONS"}))
            return Response(
                status_code=200, headers={"Allow": allow, "Access-Control-Allow-Methods": allow}
            )
        handler = route.methods.get(method) or (
            route.methods.get("GET") if method == "HEAD" else None
        )
        if handler is None:
            return hal_response({"error": f"Method {method} is not allowed here"}, 405)
        write = required == WRITE and not path.endswith(READ_ONLY_POSTS)
        return await self._call(handler, request, params, write)

    def _refusal(self, request: Request, required: str) -> Response | None:
        """401 without credentials, 403 with too few rights, ``None`` when allowed."""
        level = auth.access_level(self.config, request.headers.get("authorization"))
        if auth.allowed(self.config, required, level):
            return None
        return hal_response(
            {"error": "Authentication required" if level is None else "Not authorised"},
            401 if level is None else 403,
            headers={"WWW-Authenticate": 'Basic realm="Restricted area"'},
        )

    async def _page(self, page: Handler, request: Request, params: dict[str, str]) -> Response:
        """A UI page: read only, no body."""
        return await run_in_threadpool(
            self._run, page, request, params, b"", self.base_url(request), False
        )

    async def _call(
        self, handler: Handler, request: Request, params: dict[str, str], write: bool
    ) -> Response:
        """Read the body within its limit and run the handler; errors become answers."""
        try:
            body = await limits.read_body(request, self.config.max_body_bytes)
        except limits.BodyTooLarge as err:
            return limits.too_large_response(err, str(request.url))
        base = self.base_url(request)
        try:
            for key, value in params.items():  # PostgreSQL cannot even look up a NUL
                if isinstance(value, str) and "\x00" in value:
                    check_name(value, key.replace("_", " "), key)
            return await run_in_threadpool(self._run, handler, request, params, body, base, write)
        except ApiError as err:
            return _api_error_response(request, err)
        except InvalidName as err:
            return _api_error_response(request, validation_error({err.field: [err.message]}))
        except DataError:  # e.g. a value longer than its column on PostgreSQL
            log.warning("database refused a value", exc_info=True)
            return hal_response(
                {
                    "error": {
                        "message": "A value in the request is too long or holds characters "
                        "the database cannot store."
                    }
                },
                400,
            )
        except Exception:  # a bug: log it, tell the client without a traceback
            reference = uuid.uuid4().hex[:10]
            log.exception("error reference %s", reference)
            return hal_response(
                {
                    "error": {
                        "message": "An error occurred on the broker; see its log.",
                        "reference": reference,
                    }
                },
                500,
            )

    def _run(
        self,
        handler: Handler,
        request: Request,
        params: dict[str, str],
        body: bytes,
        base: str,
        write: bool,
    ) -> Response:
        after: list[Callable[[], None]] = []

        def work(conn: Connection) -> Response:
            after.clear()
            ctx = Ctx(request, params, body, base, conn, self.config, self, after_commit=after)
            return handler(ctx)

        try:
            response = run_in_transaction(self.engine, work, write=write)
        except DBAPIError:
            log.exception("database error")
            raise
        for callback in after:
            threading.Thread(target=callback, daemon=True).start()
        return response


def _route_path(request: Request) -> str:
    """The request's path as the routes spell it: undecoded, without the query or the
    mount point (``root_path``)."""
    raw_path = request.scope.get("raw_path") or request.scope["path"].encode()
    path = raw_path.decode("latin-1").split("?", 1)[0]
    root = request.scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path


def _api_error_response(request: Request, err: ApiError) -> Response:
    """The error's own answer, or problem details for clients that ask for them."""
    if "application/problem+json" in request.headers.get("accept", ""):
        return problem_response(err, str(request.url))
    return err.response()


def problem_response(err: ApiError, instance: str) -> Response:
    """RFC 9457 problem details, for clients that ask for ``application/problem+json``."""
    body = err.body if isinstance(err.body, dict) else {}
    errors = body.get("errors")
    messages: list[str] = []
    if isinstance(errors, dict):
        messages = [
            f"{k} {m}" if not str(m).startswith(k) else str(m)
            for k, v in errors.items()
            for m in (v if isinstance(v, list) else [v])
        ]
    elif isinstance(errors, list):
        messages = [str(m) for m in errors]
    elif body.get("error"):
        error = body["error"]
        messages = [str(error.get("message") if isinstance(error, dict) else error)]
    titles = {
        400: "Validation errors",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        413: "Content too large",
        415: "Unsupported media type",
        422: "Unprocessable entity",
    }
    slug = titles.get(err.status, "error").lower().replace(" ", "-")
    problem = {
        "title": titles.get(err.status, "Error"),
        "type": "https://pact-broker/problems/" + slug,
        "detail": "; ".join(messages) or titles.get(err.status, "Error"),
        "status": err.status,
        "instance": instance,
        "errors": [
            {
                "type": "https://pact-broker/problems/invalid-body-property-value",
                "title": "Validation error",
                "detail": m,
                "status": err.status,
            }
            for m in messages
        ],
    }
    return json_response(problem, err.status, "application/problem+json;charset=utf-8")


def create_app(config: BrokerConfig | None = None, engine: Engine | None = None) -> BrokerApp:
    return BrokerApp(config or BrokerConfig.from_env(), engine)
