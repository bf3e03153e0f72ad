"""Jinja2 rendering for the UI: one environment, autoescaping on, links built like the API's."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

from accord.broker.api.routing import Ctx
from accord.broker.clock import now

__all__ = ["ago", "page", "query_url", "utc"]


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive UTC datetimes; make every time aware."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def ago(value: datetime | None, reference: datetime | None = None) -> str:
    """How long ago, in the largest whole unit ("3 minutes ago")."""
    when = utc(value)
    if when is None:
        return ""
    seconds = int(((reference or now()) - when).total_seconds())
    if seconds < 60:
        return "just now" if seconds >= -5 else "in the future"
    for size, unit in (
        (86400 * 365, "year"),
        (86400 * 30, "month"),
        (86400, "day"),
        (3600, "hour"),
        (60, "minute"),
    ):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"  # unreachable: the loop ends at minutes


def stamp(value: datetime | None) -> str:
    when = utc(value)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else ""


def isotime(value: str | None) -> str:
    """An ISO-8601 time from the API's JSON, shown like :func:`stamp`."""
    if not value:
        return ""
    try:
        return stamp(datetime.fromisoformat(value))
    except ValueError:
        return value


def query_url(base: str, pairs: list[tuple[str, str]]) -> str:
    """``base?k=v&…`` keeping Rack's brackets readable (``q[][pacticipant]``)."""
    if not pairs:
        return base
    return base + "?" + urlencode(pairs, safe="[]")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("accord.broker.ui", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ago"] = ago
    env.filters["stamp"] = stamp
    env.filters["isotime"] = isotime
    return env


def page(ctx: Ctx, template: str, status: int = 200, **values: object) -> HTMLResponse:
    """Render ``template`` with the links helpers every page uses."""
    html = (
        _environment()
        .get_template(template)
        .render(
            base=ctx.base,
            url=ctx.url,
            query_url=query_url,
            auth=bool(ctx.config.auth_enabled),
            **values,
        )
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
