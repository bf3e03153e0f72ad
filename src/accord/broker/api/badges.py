# ruff: noqa: E501  (wire-format texts and URLs are kept on one line)
"""SVG badges for the latest verification status and can-i-deploy, rendered locally."""

from __future__ import annotations

from html import escape

from starlette.responses import Response

from accord.broker.api.routing import PUBLIC_BADGE, Ctx, Router
from accord.broker.services.matrix import MatrixError, MatrixQuery, run_matrix
from accord.broker.storage import pacts_repo, repo, verifications_repo

COLOURS = {
    "verified": "#4c1",
    "failed": "#e05d44",
    "changed": "#fe7d37",
    "unknown": "#9f9f9f",
    "yes": "#4c1",
    "no": "#e05d44",
}


def svg(left: str, right: str, colour: str, comment: str = "") -> Response:
    lw, rw = 7 * len(left) + 10, 7 * len(right) + 10
    body = (f"<!-- {escape(comment)} -->\n" if comment else "") + (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{lw + rw}" height="20">'
        f'<rect width="{lw}" height="20" fill="#555"/><rect x="{lw}" width="{rw}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">'
        f'<text x="5" y="14">{escape(left)}</text><text x="{lw + 5}" y="14">{escape(right)}</text></g></svg>'
    )
    return Response(body, media_type="image/svg+xml", headers={"Cache-Control": "no-cache"})


def pact_badge(ctx: Ctx) -> Response:
    consumer = repo.find_pacticipant(ctx.conn, ctx.params["consumer"])
    provider = repo.find_pacticipant(ctx.conn, ctx.params["provider"])
    label = ctx.query.get("label")
    left = {"consumer": ctx.params["consumer"], "provider": ctx.params["provider"]}.get(
        label or "", f"{ctx.params['consumer']}/{ctx.params['provider']}"
    )
    if ctx.query.get("initials") == "true":
        left = "".join(w[:1] for w in left.replace("/", " ").split()).lower()
    status, comment = "unknown", ""
    if consumer and provider:
        tag = ctx.params.get("tag")
        pub = pacts_repo.latest_publication(
            ctx.conn,
            consumer.id,
            provider.id,
            tag=tag,
            untagged=ctx.request.url.path.split("/")[-2] == "latest-untagged",
        )
        if pub is not None:
            ver = verifications_repo.latest_verification_for_pact_version(
                ctx.conn, pub.pact_version_id
            )
            comment = f"consumer version {pub.consumer_version_number}"
            if ver is not None:
                status = "verified" if ver.success else "failed"
                comment += f", provider version {ver.provider_version_number}"
            else:
                previous = [
                    p
                    for p in pacts_repo.publications_between(ctx.conn, consumer.id, provider.id)
                    if p.consumer_version_id < pub.consumer_version_id
                ]
                if any(
                    verifications_repo.latest_verification_for_pact_version(
                        ctx.conn, p.pact_version_id
                    )
                    for p in previous[:5]
                ):
                    status = "changed"
    return svg(left or "pact", status, COLOURS[status], comment)


def can_i_deploy_badge(ctx: Ctx) -> Response:
    pacticipant = repo.find_pacticipant(ctx.conn, ctx.params["pacticipant"])
    label = ctx.query.get("label") or "can-i-deploy"
    if pacticipant is None:
        return svg(label, "unknown", COLOURS["unknown"])
    branch, tag = ctx.params.get("branch"), ctx.params.get("tag")
    version = repo.latest_version(ctx.conn, pacticipant.id, tag=tag, branch=branch)
    if version is None:
        return svg(label, "unknown", COLOURS["unknown"])
    options = (
        {"environment": ctx.params["environment"]}
        if ctx.params.get("environment")
        else (
            {"tag": ctx.params["to"], "latest": True}
            if ctx.params.get("to")
            else {"main_branch": True, "latest": True}
        )
    )
    try:
        result = run_matrix(
            ctx.conn,
            MatrixQuery(
                [{"pacticipant": pacticipant.name, "version": version.number}],
                latestby="cvpv",
                **options,
            ),
        )
    except MatrixError:
        return svg(label, "unknown", COLOURS["unknown"])
    deployable = result.summary["deployable"]
    word = {True: "yes", False: "no", None: "unknown"}[deployable]
    return svg(label, word, COLOURS[word], f"version {version.number}")


#: badges are embedded in READMEs: anonymous when the operator allows public badges
PUBLIC = {"GET": PUBLIC_BADGE}


def register(router: Router) -> None:
    pair = "/pacts/provider/{provider}/consumer/{consumer}"
    for suffix in ("badge", "badge.svg"):
        router.add(f"{pair}/latest/{suffix}", GET=pact_badge, access=PUBLIC)
        router.add(f"{pair}/latest/{{tag}}/{suffix}", GET=pact_badge, access=PUBLIC)
        router.add(f"{pair}/latest-untagged/{suffix}", GET=pact_badge, access=PUBLIC)
        router.add(
            f"/pacticipants/{{pacticipant}}/latest-version/{{tag}}/can-i-deploy/to/{{to}}/{suffix}",
            GET=can_i_deploy_badge,
            access=PUBLIC,
        )
        router.add(
            f"/pacticipants/{{pacticipant}}/branches/{{branch}}/latest-version/can-i-deploy/to-environment/{{environment}}/{suffix}",
            GET=can_i_deploy_badge,
            access=PUBLIC,
        )
        router.add(
            f"/pacticipants/{{pacticipant}}/main-branch/can-i-merge/{suffix}",
            GET=can_i_deploy_badge,
            access=PUBLIC,
        )


__all__ = ["register", "svg"]
