"""PactFlow's provider-contract API (bi-directional contract testing), as its clients call it.

``pactflow publish-provider-contract`` of the Ruby ``pact-broker`` client follows the index's
``pf:publish-provider-contract`` relation and POSTs the provider version, its branch, tags and
build URL with the contract (an OpenAPI document, Base64) and the provider's own test result
against it; older clients PUT the contract to ``/contracts/provider/{p}/version/{v}``. The
contract is stored as that provider version's and compared with the provider's pacts; the
comparisons are served as HAL and shown in the UI (``pf:ui``).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Row
from starlette.responses import Response

from accord.broker.api.hal import hal_response, seg
from accord.broker.api.publish import check_new_names
from accord.broker.api.render import pact_version_url, pacticipant_url, version_url
from accord.broker.api.routing import Ctx, Router, not_found, validation_error
from accord.broker.clock import iso
from accord.broker.services import contract_comparison as cc
from accord.broker.services.matrix import Row as MatrixRow
from accord.broker.services.publication import version_stored_text
from accord.broker.storage import contracts_repo, deployments_repo, pacts_repo, repo
from accord.model.jsontypes import JsonObject

__all__ = [
    "comparison_json",
    "comparisons",
    "contract_json",
    "contract_url",
    "contract_verification_json",
    "register",
    "require_contract",
    "ui_url",
]


def contract_url(ctx: Ctx, provider: str, number: str) -> str:
    return ctx.url("provider-contracts", "provider", provider, "version", number)


def ui_url(ctx: Ctx, provider: str, number: str) -> str:
    return ctx.url("contracts", "bi-directional", "provider", provider, "version", number,
                   "provider-contract")


def _publish_fields(data: dict[str, Any]) -> tuple[str, str | None, list[str], str | None]:
    errors: dict[str, list[str]] = {}
    number = data.get("pacticipantVersionNumber")
    if not isinstance(number, str) or not number.strip():
        errors["pacticipantVersionNumber"] = ["is required (the provider version number)"]
    branch = data.get("branch")
    if branch is not None and (not isinstance(branch, str) or not branch.strip()):
        errors["branch"] = ["must be a non-blank string"]
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
        errors["tags"] = ["must be a list of non-blank strings"]
    build_url = data.get("buildUrl")
    if build_url is not None and not isinstance(build_url, str):
        errors["buildUrl"] = ["must be a string"]
    if errors:
        raise validation_error(errors)
    return str(number), branch, list(dict.fromkeys(tags)), build_url or None


def _store(ctx: Ctx, provider_name: str, number: str, branch: str | None, tags: list[str],
           build_url: str | None, publication: cc.ContractPublication) -> tuple[Any, Any, bool]:
    check_new_names(ctx, [provider_name])
    provider = repo.get_or_create_pacticipant(ctx.conn, provider_name)
    version, created = repo.get_or_create_version(ctx.conn, provider.id, number)
    repo.set_build_url(ctx.conn, version.id, build_url)
    if branch:
        repo.add_branch_version(ctx.conn, provider, version, branch)
    for tag in tags:
        if repo.add_tag(ctx.conn, provider, version, tag):
            deployments_repo.deploy_for_tag(ctx.conn, provider, version, tag)
    contract = contracts_repo.save_contract(
        ctx.conn, provider.id, version.id, build_url=build_url, **publication.columns())
    return provider, contract, created


def _decode(contract: Any, prefix: str) -> cc.ContractPublication:
    results = None
    if isinstance(contract, dict):
        results = contract.get("selfVerificationResults", contract.get("verificationResults"))
    publication, errors = cc.decode_publication(contract, results, prefix)
    if publication is None:
        raise validation_error(errors)
    return publication


def _comparison_notices(provider: str, number: str, contract: Any,
                        reports: list[dict[str, Any]]) -> list[dict[str, str]]:
    notices: list[dict[str, str]] = []
    problem = cc.document_problem(contract)
    if problem is not None:
        notices.append({"type": "warning", "text": f"The provider contract cannot be compared "
                                                   f"with any pact: {problem}"})
    success = contract.self_verification_success
    if success is None:
        notices.append({"type": "warning", "text": (
            "No self-verification result was given (--verification-success or "
            "--verification-exit-code): can-i-deploy will not count a comparison with this "
            "contract as a verification")})
    elif not success:
        notices.append({"type": "warning", "text": (
            "The provider's self-verification failed: can-i-deploy will count every comparison "
            "with this contract as a failure")})
    if problem is None:
        ok = [r for r in reports if r.get("ok")]
        notices.append({"type": "info", "text": (
            f"Compared with {len(reports)} pact{'s' if len(reports) != 1 else ''} of {provider}'s "
            f"consumers: {len(ok)} compatible, {len(reports) - len(ok)} not compatible")})
        for report in reports:
            if not report.get("ok"):
                consumers = sorted({p["consumer"] for p in report.get("pacts", [])})
                summary = report.get("summary", {})
                errors, unchecked = summary.get("errors", 0), summary.get("unchecked", 0)
                notices.append({"type": "warning", "text": (
                    f"  A pact of {', '.join(consumers) or 'a consumer'} is not compatible: "
                    f"{errors} error{'s' if errors != 1 else ''}, {unchecked} not checked")})
    notices.append({"type": "prompt", "text": "Next steps:"})
    notices.append({"type": "prompt", "text": (
        "  * Check your application is safe to deploy - https://docs.pact.io/can_i_deploy")})
    notices.append({"text": f"       pact-broker can-i-deploy --pacticipant {provider} "
                            f"--version {number} --to-environment <your environment name>"})
    return notices


def publish(ctx: Ctx) -> Response:
    """``POST /provider-contracts/provider/{provider}/publish``, the index's
    ``pf:publish-provider-contract``."""
    data = ctx.json_object()
    provider_name = ctx.params["provider"]
    number, branch, tags, build_url = _publish_fields(data)
    publication = _decode(data.get("contract"), "contract")
    provider, contract, created = _store(ctx, provider_name, number, branch, tags, build_url,
                                         publication)
    reports = cc.compare_contract_with_pacts(ctx.conn, contract)
    notices = [
        {"type": "debug",
         "text": version_stored_text(provider.name, number, created, branch, tags)},
        {"type": "success", "text": f"Successfully published provider contract for "
                                    f"{provider.name} version {number}"},
        {"type": "info", "text": "View the uploaded contract and its comparisons at "
                                 + ui_url(ctx, provider.name, number)},
        *_comparison_notices(provider.name, number, contract, reports),
    ]
    version_href = version_url(ctx, provider.name, number)
    body: dict[str, Any] = {
        "notices": notices,
        "_embedded": {
            "version": {
                "number": number,
                "buildUrl": build_url,
                "_links": {"self": {"href": version_href}},
            },
            "contract": contract_json(ctx, provider.name, contract),
        },
        "_links": {
            "self": {"href": contract_url(ctx, provider.name, number)},
            "pb:pacticipant": {"title": "Pacticipant", "name": provider.name,
                               "href": pacticipant_url(ctx, provider.name)},
            "pb:pacticipant-version": {"title": "Pacticipant version", "name": number,
                                       "href": version_href},
            "pb:pacticipant-version-tags": [
                {"title": "Tag", "name": t, "href": version_href + "/tags/" + seg(t)}
                for t in tags
            ],
            "pb:branch-version": (
                {"title": "Branch version", "name": branch,
                 "href": ctx.url("pacticipants", provider.name, "branches", branch,
                                 "versions", number)}
                if branch else None),
            "pf:provider-contract": {"href": contract_url(ctx, provider.name, number)},
            "pf:ui": {"href": ui_url(ctx, provider.name, number)},
        },
    }
    if not branch:
        del body["_links"]["pb:branch-version"]
    return hal_response(body)


def put_contract(ctx: Ctx) -> Response:
    """``PUT /contracts/provider/{provider}/version/{version}``: the older clients' way."""
    data = ctx.json_object()
    publication = _decode(data, "")
    provider, contract, _ = _store(ctx, ctx.params["provider"], ctx.params["version"], None, [],
                                   None, publication)
    cc.compare_contract_with_pacts(ctx.conn, contract)
    body = contract_json(ctx, provider.name, contract)
    return hal_response(body, 201)


def require_contract(ctx: Ctx) -> tuple[Row, Row]:
    provider = repo.find_pacticipant(ctx.conn, ctx.params["provider"])
    version = repo.find_version(ctx.conn, provider.id, ctx.params["version"]) if provider else None
    contract = contracts_repo.contract_for_version(ctx.conn, version.id) if version else None
    if provider is None or contract is None:
        raise not_found(f"No provider contract for {ctx.params['provider']} version "
                        f"{ctx.params['version']}")
    return provider, contract


def contract_json(ctx: Ctx, provider: str, contract: Row) -> JsonObject:
    number = contract.provider_version_number
    return {
        "providerName": provider,
        "providerVersionNumber": number,
        "specification": contract.specification,
        "contentType": contract.content_type,
        "content": contract.content,
        "sha": contract.sha,
        "buildUrl": contract.build_url,
        "selfVerificationResults": {
            "success": contract.self_verification_success,
            "content": contract.self_verification_content,
            "contentType": contract.self_verification_content_type,
            "format": contract.self_verification_format,
            "verifier": contract.verifier,
            "verifierVersion": contract.verifier_version,
        },
        "createdAt": iso(contract.created_at),
        "updatedAt": iso(contract.updated_at),
        "_links": {
            "self": {"href": contract_url(ctx, provider, number)},
            "pb:provider": {"name": provider, "href": pacticipant_url(ctx, provider)},
            "pb:provider-version": {"name": number, "href": version_url(ctx, provider, number)},
            "pf:comparisons": {"href": contract_url(ctx, provider, number) + "/comparisons"},
            "pf:ui": {"href": ui_url(ctx, provider, number)},
        },
    }


def comparison_json(ctx: Ctx, provider: str, row: Row, consumer: str,
                    consumer_versions: list[str]) -> JsonObject:
    report = json.loads(row.report)
    interactions = [i for p in report.get("pacts", []) for i in p.get("interactions", [])]
    return {
        "consumer": {"name": consumer,
                     "_links": {"self": {"href": pacticipant_url(ctx, consumer)}}},
        "consumerVersionNumbers": consumer_versions,
        "success": bool(row.success),
        "label": cc.BY_CONTRACT_LABEL if row.success else "not compatible with the contract",
        "summary": report.get("summary"),
        "error": report.get("error"),
        "interactions": interactions,
        "comparedAt": iso(row.created_at),
        "_links": {"pb:pact-version": {"href": pact_version_url(ctx, provider, consumer,
                                                                row.pact_sha)}},
    }


def comparisons(ctx: Ctx, provider: Row, contract: Row) -> list[JsonObject]:
    """Every stored comparison of the contract, with the consumer versions of each pact."""
    out = []
    for row in contracts_repo.comparisons_for_contract(ctx.conn, contract):
        consumer = repo.pacticipant_by_id(ctx.conn, row.consumer_id)
        numbers = [p.consumer_version_number
                   for p in pacts_repo.publications_for_pact_version(ctx.conn,
                                                                     row.pact_version_id)]
        out.append(comparison_json(ctx, provider.name, row, consumer.name, numbers))
    return out


def get_contract(ctx: Ctx) -> Response:
    provider, contract = require_contract(ctx)
    return hal_response(contract_json(ctx, provider.name, contract))


def get_comparisons(ctx: Ctx) -> Response:
    provider, contract = require_contract(ctx)
    number = contract.provider_version_number
    return hal_response({
        "providerName": provider.name,
        "providerVersionNumber": number,
        "selfVerificationSuccess": contract.self_verification_success,
        "_embedded": {"comparisons": comparisons(ctx, provider, contract)},
        "_links": {
            "self": {"href": contract_url(ctx, provider.name, number) + "/comparisons"},
            "pf:provider-contract": {"href": contract_url(ctx, provider.name, number)},
        },
    })


def contract_verification_json(ctx: Ctx, row: MatrixRow) -> JsonObject:
    """The matrix row's ``verificationResult`` when a contract comparison stands in for it."""
    v = row.verification
    assert cc.is_contract_verification(v) and row.provider_version is not None  # callers check
    provider, number = row.provider.name, row.provider_version.number
    return {
        "success": bool(v.success),
        "verifiedAt": iso(v.execution_date),
        "bidirectional": True,
        "verifiedBy": {"implementation": "contract comparison (bi-directional)"},
        "notice": v.reason if not v.success else cc.BY_CONTRACT_LABEL,
        "comparison": {"compatible": v.comparison_ok, "selfVerified": v.self_verified,
                       "findings": v.findings},
        "_links": {"self": {"href": contract_url(ctx, provider, number) + "/comparisons",
                            "title": "Contract comparison (not a verification)"},
                   "pf:ui": {"href": ui_url(ctx, provider, number)}},
    }


def register(router: Router) -> None:
    router.add("/provider-contracts/provider/{provider}/publish", POST=publish)
    router.add("/provider-contracts/provider/{provider}/version/{version}", GET=get_contract)
    router.add("/provider-contracts/provider/{provider}/version/{version}/comparisons",
               GET=get_comparisons)
    router.add("/contracts/provider/{provider}/version/{version}", PUT=put_contract,
               GET=get_contract)
    router.add("/contracts/bi-directional/provider/{provider}/version/{version}/provider-contract",
               GET=get_contract)
