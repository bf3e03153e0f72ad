"""Raw-path routing and the request context handed to every resource handler.

Starlette routes on the decoded path, which would split a branch named ``feat%2Fx``; this
router splits ``scope["raw_path"]`` on ``/`` and unquotes each segment. A route with more
literal segments wins over one with placeholders. Handlers are plain functions run in a
worker thread inside one database transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Connection
from starlette.requests import Request
from starlette.responses import Response

from accord import jsonlimits
from accord.broker.api.hal import hal_response, json_response, seg
from accord.broker.api.rack_query import parse_nested_query
from accord.jsonlimits import JsonLimitError
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "ACCESS_LEVELS",
    "PUBLIC_BADGE",
    "PUBLIC_HEARTBEAT",
    "READ",
    "WRITE",
    "ApiError",
    "Ctx",
    "Handler",
    "Route",
    "Router",
    "not_found",
    "validation_error",
]

Handler = Callable[["Ctx"], Response]

#: Who may call a route with a method. The route table is the only place this is decided:
#: ``Router.add`` gives GET (and HEAD/OPTIONS) ``READ`` and every other method ``WRITE``
#: unless the route says otherwise (``access=``).
READ = "read"
WRITE = "write"
#: Anonymous when the operator allows public badges (``public_badges``), else ``READ``.
PUBLIC_BADGE = "public-badge"
#: Anonymous when the operator allows a public heartbeat (``public_heartbeat``), else ``READ``.
PUBLIC_HEARTBEAT = "public-heartbeat"
ACCESS_LEVELS = (READ, WRITE, PUBLIC_BADGE, PUBLIC_HEARTBEAT)
_DEFAULT_ACCESS = {"GET": READ, "HEAD": READ, "OPTIONS": READ}


class ApiError(Exception):
    """An error answer for the client (never a traceback)."""

    def __init__(self, status: int, body: JsonValue, content_type: str | None = None) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = body
        self.content_type = content_type

    def response(self) -> Response:
        if self.body is None:
            return Response(status_code=self.status)
        if self.content_type:
            return json_response(self.body, self.status, self.content_type)
        return hal_response(self.body, self.status)


def not_found(message: str = "The requested document was not found on this server.") -> ApiError:
    return ApiError(404, {"error": message})


def validation_error(errors: dict[str, list[str]] | list[str], status: int = 400) -> ApiError:
    return ApiError(status, {"errors": errors})


@dataclass
class Ctx:
    request: Request
    params: dict[str, str]
    body: bytes
    base: str
    conn: Connection
    config: Any
    services: Any = None
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    _query: dict | None = None

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def query(self) -> JsonObject:
        if self._query is None:
            self._query = parse_nested_query(self.request.scope.get("query_string", b"").decode())
        return self._query

    def url(self, *segments: object) -> str:
        return self.base + "".join("/" + seg(s) for s in segments)

    def json(self, *, required: bool = True) -> JsonValue:
        content_type = self.request.headers.get("content-type", "application/json").lower()
        if not self.body.strip():
            if required:
                raise validation_error({"body": ["A JSON body is required"]})
            return {}
        if "json" not in content_type:
            raise ApiError(415, {"error": f"Unsupported content type {content_type}"})
        try:
            return jsonlimits.loads(self.body, max_depth=self.config.max_json_depth)
        except JsonLimitError as exc:
            raise ApiError(400, {"error": {"message": f"JSON body refused: {exc}"}}) from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise ApiError(400, {"error": {"message": f"Error parsing JSON body: {exc}"}}) from None

    def json_object(self, *, required: bool = True) -> JsonObject:
        data = self.json(required=required)
        if not isinstance(data, dict):
            raise validation_error({"body": ["The body must be a JSON object"]})
        return data


@dataclass
class Route:
    methods: dict[str, Handler]
    pattern: list[str]
    access: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return "/" + "/".join(self.pattern)

    def access_for(self, method: str) -> str:
        """The access level a request needs: HEAD as GET, OPTIONS as a read, and a method the
        route does not serve (405) as a write, so that nobody learns more than they may."""
        method = method.upper()
        if method == "HEAD" and "GET" in self.methods:
            method = "GET"
        if method in self.access:
            return self.access[method]
        return READ if method == "OPTIONS" else WRITE


class Router:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, ...], Route] = {}

    def add(self, path: str, *, access: dict[str, str] | None = None, **methods: Handler) -> None:
        """Register handlers by method; ``access`` overrides the default level per method."""
        pattern = [p for p in path.strip("/").split("/") if p]
        key = tuple(pattern)
        route = self.routes.setdefault(key, Route({}, pattern))
        overrides = {m.upper(): level for m, level in (access or {}).items()}
        unknown = set(overrides) - {m.upper() for m in methods}
        if unknown or not set(overrides.values()) <= set(ACCESS_LEVELS):
            raise ValueError(f"route {path}: bad access declaration {access!r}")
        for method, handler in methods.items():
            method = method.upper()
            route.methods[method] = handler
            route.access[method] = overrides.get(method, _DEFAULT_ACCESS.get(method, WRITE))

    def match(self, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        segments = [unquote(s) for s in raw_path.strip("/").split("/") if s != ""]
        best: tuple[tuple[int, ...], Route, dict[str, str]] | None = None
        for route in self.routes.values():
            if len(route.pattern) != len(segments):
                continue
            params: dict[str, str] = {}
            score: list[int] = []
            for pat, value in zip(route.pattern, segments, strict=True):
                if pat.startswith("{") and pat.endswith("}"):
                    params[pat[1:-1]] = value
                    score.append(0)
                elif pat == value:
                    score.append(1)
                else:
                    break
            else:
                key = tuple(score)
                if best is None or key > best[0]:
                    best = (key, route, params)
        if best is None:
            return None
        return best[1], best[2]
