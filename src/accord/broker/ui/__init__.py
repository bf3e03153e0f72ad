# ruff: noqa: E501  (HTML fragments are kept on one line)
"""A minimal HTML UI: the integrations with their latest verification status, and the matrix.

Served when a browser asks for HTML (the official broker shares paths between UI and API and
chooses by the Accept header); every other client gets HAL+JSON.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from starlette.responses import HTMLResponse, Response

from accord.broker.api.routing import ApiError, Ctx
from accord.broker.storage import pacts_repo, repo

__all__ = ["UI_PATHS", "index_page", "matrix_page", "wants_html"]

API_TYPES = (
    "application/hal+json",
    "application/problem+json",
    "application/json",
    "text/csv",
    "application/yaml",
    "text/plain",
)

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{padding:.4rem .6rem;border-bottom:1px solid #ddd;text-align:left}
th{background:#f5f5f5}.ok{color:#fff;background:#2e7d32}.bad{color:#fff;background:#c62828}
.unknown{background:#eee}.pill{padding:.1rem .5rem;border-radius:.6rem;font-size:.85rem}
a{color:#1565c0;text-decoration:none}
"""


def wants_html(accept: str | None) -> bool:
    if not accept or accept.strip() == "*/*":
        return False
    accept = accept.lower()
    return "text/html" in accept and not any(t in accept for t in API_TYPES)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )


def _pill(success: bool | None) -> str:
    if success is None:
        return "<span class='pill unknown'>unverified</span>"
    return (
        "<span class='pill ok'>verified</span>"
        if success
        else "<span class='pill bad'>failed</span>"
    )


def index_page(ctx: Ctx) -> Response:
    rows = []
    for pub in pacts_repo.latest_publications_for_provider(ctx.conn, None):
        consumer = repo.pacticipant_by_id(ctx.conn, pub.consumer_id).name
        provider = repo.pacticipant_by_id(ctx.conn, pub.provider_id).name
        ver = pacts_repo.latest_verification_for_pact_version(ctx.conn, pub.pact_version_id)
        matrix = (
            ctx.base
            + f"/matrix?q[][pacticipant]={quote(consumer)}&q[][pacticipant]={quote(provider)}&latestby=cvpv"
        )
        pact = ctx.url("pacts", "provider", provider, "consumer", consumer, "latest")
        rows.append(
            f"<tr><td>{escape(consumer)}</td><td>{escape(provider)}</td>"
            f"<td><a href='{escape(pact)}'>{escape(pub.consumer_version_number)}</a></td>"
            f"<td>{escape(str(pub.created_at)[:19])}</td>"
            f"<td>{_pill(None if ver is None else bool(ver.success))}"
            f"{' by ' + escape(ver.provider_version_number) if ver else ''}</td>"
            f"<td><a href='{escape(matrix)}'>matrix</a></td></tr>"
        )
    table = (
        (
            "<table><tr><th>Consumer</th><th>Provider</th><th>Latest pact</th><th>Published</th>"
            "<th>Latest verification</th><th></th></tr>" + "".join(rows) + "</table>"
        )
        if rows
        else ("<p>No pacts have been published yet.</p>")
    )
    return _page("accord Pact Broker", table)


def matrix_page(ctx: Ctx) -> Response:
    from accord.broker.api import matrix as matrix_api

    try:
        response = matrix_api.get_matrix(ctx)
    except ApiError as err:
        return _page("Matrix", f"<p>{escape(str(err.body))}</p>")
    import json

    data: dict[str, Any] = json.loads(bytes(response.body))
    rows = []
    for r in data["matrix"]:
        pv = r["provider"]["version"]
        vr = r["verificationResult"]
        rows.append(
            f"<tr><td>{escape(r['consumer']['name'])}</td><td>{escape(r['consumer']['version']['number'])}</td>"
            f"<td>{escape(r['provider']['name'])}</td><td>{escape(pv['number']) if pv else '-'}</td>"
            f"<td>{_pill(vr['success'] if vr else None)}{' (ignored)' if r.get('ignored') else ''}</td></tr>"
        )
    summary = data["summary"]
    verdict = {True: "Deployable", False: "Not deployable", None: "Unknown"}[summary["deployable"]]
    body = (
        f"<p><b>{verdict}</b></p><pre>{escape(summary['reason'])}</pre>"
        "<table><tr><th>Consumer</th><th>Version</th><th>Provider</th><th>Version</th><th>Result</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    return _page("Matrix", body)


UI_PATHS = {"/": index_page, "/matrix": matrix_page}
