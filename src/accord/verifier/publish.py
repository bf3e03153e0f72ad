"""Publishing verification results to a broker through the official relations.

Per pact (``broker-api.md`` §2c): with a provider branch, follow the pact's ``pb:provider`` and
``PUT`` its ``pb:branch-version``; ``PUT`` ``pb:version-tag`` for each provider tag; then ``POST``
``{success, providerApplicationVersion, buildUrl, verifiedBy, testResults}`` to the pact's
``pb:publish-verification-results``. Branch and tags are attached once per broker and run
(``BrokerClient.record_provider_version``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field

from accord import __version__
from accord.errors import BrokerError
from accord.model.jsontypes import JsonObject
from accord.model.valueclass import dataclass
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
    body: JsonObject = {
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
                client.record_provider_version(loaded.links, options.version,
                                               branch=options.branch, tags=options.tags)
                prepared.add(key)
            reply = client.request("POST", publish_href, verification_body(options, results))
        except BrokerError as exc:
            outcome.publish_errors.append(f"{loaded.source}: {exc}")
            continue
        self_href = client.link(reply, "self")
        outcome.published.append(client.url(self_href) if self_href else
                                 client.url(publish_href))
