"""Publishing verification results to a broker through the official relations.

Per pact (``broker-api.md`` §2c): with a provider branch, follow the pact's ``pb:provider`` and
``PUT`` its ``pb:branch-version``; ``PUT`` ``pb:version-tag`` for each provider tag; then ``POST``
``{success, providerApplicationVersion, buildUrl, verifiedBy, testResults}`` to the pact's
``pb:publish-verification-results``. Branch and tags are attached once per broker and run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accord import __version__
from accord.errors import BrokerError
from accord.model.jsontypes import JsonObject
from accord.verifier.results import InteractionResult, VerificationResult
from accord.verifier.sources import LoadedPact

__all__ = ["PublishOptions", "publish_results", "verification_body"]


@dataclass
class PublishOptions:
    """The provider version the results are published for."""

    version: str
    branch: str | None = None
    tags: Sequence[str] = field(default_factory=tuple)
    build_url: str | None = None


def verification_body(options: PublishOptions,
                      results: Sequence[InteractionResult]) -> JsonObject:
    body: dict[str, Any] = {
        "success": all(r.ok for r in results),
        "providerApplicationVersion": options.version,
        "verifiedBy": {"implementation": "accord", "version": __version__},
        "testResults": [r.broker_test_result() for r in results],
    }
    if options.build_url:
        body["buildUrl"] = options.build_url
    return body


def publish_results(options: PublishOptions,
                    plan: Sequence[tuple[LoadedPact, Sequence[InteractionResult]]],
                    outcome: VerificationResult) -> None:
    """Publish one verification result per broker pact; errors go to ``publish_errors``."""
    prepared: set[tuple[object, str]] = set()  # (client, provider), by the client itself
    for loaded, results in plan:
        client = loaded.broker
        if client is None:
            continue
        publish_href = client.link(loaded.links, "pb:publish-verification-results")
        if publish_href is None:
            outcome.publish_errors.append(
                f"{loaded.source} has no pb:publish-verification-results relation")
            continue
        try:
            key = (client, loaded.pact.provider)
            if key not in prepared:
                _attach_branch_and_tags(client, loaded, options)
                prepared.add(key)
            reply = client.request("POST", publish_href, verification_body(options, results))
        except BrokerError as exc:
            outcome.publish_errors.append(f"{loaded.source}: {exc}")
            continue
        self_href = client.link(reply or {}, "self")
        outcome.published.append(client.url(self_href) if self_href else
                                 client.url(publish_href))


def _attach_branch_and_tags(client: Any, loaded: LoadedPact, options: PublishOptions) -> None:
    if not options.branch and not options.tags:
        return
    provider_href = client.link(loaded.links, "pb:provider")
    if provider_href is None:
        raise BrokerError(f"{loaded.source} has no pb:provider relation, so the provider "
                          "branch and tags cannot be recorded")
    pacticipant = client.get(provider_href) or {}
    if options.branch:
        href = client.link(pacticipant, "pb:branch-version", branch=options.branch,
                           version=options.version)
        if href is None:
            raise BrokerError("the broker has no pb:branch-version relation: provider "
                              "branches need Pact Broker 2.86.0 or later")
        client.request("PUT", href, {})
    for tag in options.tags:
        href = client.link(pacticipant, "pb:version-tag", version=options.version, tag=tag)
        if href is None:
            raise BrokerError("the broker has no pb:version-tag relation for provider tags")
        client.request("PUT", href, {})
