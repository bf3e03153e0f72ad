"""The Pact Broker's client commands (publish, can-i-deploy, record-deployment, …) for any
Pact Broker, ours or the official one.

Usage::

    from accord.broker_client import BrokerClient

    with BrokerClient("http://localhost:9292", token="...") as broker:
        broker.publish_contracts([pact_dict], version="abc123", branch="main")
        result = broker.can_i_deploy([("Foo", "abc123")], to_environment="production")
        print(result["summary"]["deployable"])

The HTTP side (relations by their ``pb:`` names, templates, auth, retries, error messages) is
:class:`accord.hal.HalClient`'s; errors raise :class:`accord.errors.BrokerError` with the
broker's own message.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from urllib.parse import urlencode

from accord.errors import BrokerError
from accord.hal import HalClient, expand
from accord.model.jsontypes import JsonMapping, JsonObject, JsonValue

__all__ = ["BrokerClient", "expand"]


class BrokerClient(HalClient):
    """The broker's client commands over one HAL client; one instance per broker, reusable
    across calls (``with BrokerClient(url) as broker: …``)."""

    # -- publishing ---------------------------------------------------------------------------

    def publish_contracts(
        self,
        pacts: Sequence[JsonMapping | str | Path],
        *,
        version: str,
        branch: str | None = None,
        tags: Sequence[str] = (),
        build_url: str | None = None,
        merge: bool = False,
    ) -> list[JsonObject]:
        """Publish pacts (documents or file paths), one request per consumer."""
        by_consumer: dict[str, list[JsonMapping]] = {}
        for item in pacts:
            pact = item if isinstance(item, Mapping) else json.loads(Path(item).read_text("utf-8"))
            by_consumer.setdefault(pact["consumer"]["name"], []).append(pact)
        results = []
        for consumer, items in by_consumer.items():
            body: JsonObject = {
                "pacticipantName": consumer,
                "pacticipantVersionNumber": version,
                "tags": list(tags),
                "contracts": [
                    {
                        "consumerName": consumer,
                        "providerName": p["provider"]["name"],
                        "specification": "pact",
                        "contentType": "application/json",
                        "content": base64.b64encode(json.dumps(p).encode()).decode(),
                        "onConflict": "merge" if merge else "overwrite",
                    }
                    for p in items
                ],
            }
            if branch:
                body["branch"] = branch
            if build_url:
                body["buildUrl"] = build_url
            results.append(self.request("POST", self.relation("pb:publish-contracts"), body))
        return results

    # -- provider side ------------------------------------------------------------------------

    def pacts_for_verification(
        self,
        provider: str,
        *,
        selectors: Sequence[JsonMapping] = (),
        provider_branch: str | None = None,
        provider_tags: Sequence[str] = (),
        include_pending: bool = False,
        include_wip_since: str | None = None,
    ) -> list[JsonObject]:
        """The pacts the broker selects for ``provider`` (``broker-api.md`` §2b), each with
        its ``self`` link and, when the broker gives them, its ``verificationProperties``.
        Brokers older than that relation give their latest pact per consumer."""
        index = self.index()
        url = self.link(index, "pb:provider-pacts-for-verification", provider=provider) or \
            self.link(index, "beta:provider-pacts-for-verification", provider=provider)
        if url is None:
            return self._latest_provider_pacts(provider)
        body: JsonObject = {
            "consumerVersionSelectors": list(selectors),
            "includePendingStatus": include_pending,
        }
        if provider_branch:
            body["providerVersionBranch"] = provider_branch
        if provider_tags:
            body["providerVersionTags"] = list(provider_tags)
        if include_wip_since:
            body["includeWipPactsSince"] = include_wip_since
        found = self.request("POST", url, body, allow_404=True) or {}
        return list((found.get("_embedded") or {}).get("pacts") or [])

    def _latest_provider_pacts(self, provider: str) -> list[JsonObject]:
        url = self.link(self.index(), "pb:latest-provider-pacts", provider=provider)
        if url is None:
            raise BrokerError(f"the Pact Broker at {self._shown(self.base_url)} offers neither "
                              "pb:provider-pacts-for-verification nor pb:latest-provider-pacts")
        links = (self.get(url, allow_404=True) or {}).get("_links") or {}
        items = links.get("pb:pacts") or links.get("pacts") or []
        return [{"_links": {"self": {"href": str(i["href"])}}} for i in items
                if isinstance(i, Mapping) and "href" in i]

    def fetch_pact(self, url: str) -> JsonObject:
        return self.get(url)

    def record_provider_version(
        self, pact: JsonMapping, version: str, *, branch: str | None = None,
        tags: Sequence[str] = (),
    ) -> None:
        """Put the provider ``version`` on ``branch`` and give it ``tags``, through the pact's
        ``pb:provider`` (before publishing verification results for it)."""
        if not branch and not tags:
            return
        provider_href = self.link(pact, "pb:provider")
        if provider_href is None:
            raise BrokerError("the pact has no pb:provider relation, so the provider branch "
                              "and tags cannot be recorded")
        provider = self.get(provider_href)
        if branch:
            url = self.link(provider, "pb:branch-version", branch=branch, version=version)
            if url is None:
                raise BrokerError("the Pact Broker has no pb:branch-version relation: provider "
                                  "branches need Pact Broker 2.86.0 or later")
            self.request("PUT", url, {})
        for tag in tags:
            url = self.link(provider, "pb:version-tag", version=version, tag=tag)
            if url is None:
                raise BrokerError("the Pact Broker has no pb:version-tag relation for "
                                  "provider tags")
            self.request("PUT", url, {})

    def publish_verification_results(
        self,
        pact: JsonMapping,
        *,
        provider_version: str,
        success: bool,
        test_results: JsonValue = None,
        build_url: str | None = None,
        provider_branch: str | None = None,
        provider_tags: Sequence[str] = (),
        verified_by: JsonMapping | None = None,
    ) -> JsonObject:
        """Attach the branch and tags to the provider version, then POST the result."""
        self.record_provider_version(pact, provider_version, branch=provider_branch,
                                     tags=provider_tags)
        href = self.link(pact, "pb:publish-verification-results")
        if href is None:
            raise BrokerError("the pact has no pb:publish-verification-results relation")
        body: JsonObject = {"success": success, "providerApplicationVersion": provider_version}
        if build_url:
            body["buildUrl"] = build_url
        if test_results is not None:
            body["testResults"] = test_results
        body["verifiedBy"] = dict(verified_by or {"implementation": "accord"})
        return self.request("POST", href, body)

    # -- can-i-deploy -------------------------------------------------------------------------

    def matrix(self, query: list[tuple[str, str]]) -> JsonObject:
        return self.get("/matrix?" + urlencode(query))

    def can_i_deploy(
        self,
        selectors: Sequence[tuple[str, str | None]],
        *,
        to_environment: str | None = None,
        to_tag: str | None = None,
        main_branch: bool = False,
        latest_tag: str | None = None,
        branch: str | None = None,
        ignore: Sequence[tuple[str, str | None]] = (),
        retry_while_unknown: int = 0,
        retry_interval: float = 10.0,
    ) -> JsonObject:
        """Ask the matrix; ``selectors`` are (pacticipant, version or None for latest)."""
        query: list[tuple[str, str]] = []
        for name, version in selectors:
            query.append(("q[][pacticipant]", name))
            if version:
                query.append(("q[][version]", version))
            else:
                query.append(("q[][latest]", "true"))
                if latest_tag:
                    query.append(("q[][tag]", latest_tag))
                if branch:
                    query.append(("q[][branch]", branch))
                if main_branch:  # the latest version from its own main branch, as the CLIs
                    query.append(("q[][mainBranch]", "true"))
        query.append(("latestby", "cvpv" if to_environment or len(selectors) > 1 else "cvp"))
        if to_tag:
            query += [("latest", "true"), ("tag", to_tag)]
        elif len(selectors) == 1 and not to_environment:
            query.append(("latest", "true"))
        if to_environment:
            query.append(("environment", to_environment))
        for name, version in ignore:
            query.append(("ignore[][pacticipant]", name))
            if version:
                query.append(("ignore[][version]", version))
        for attempt in range(retry_while_unknown + 1):
            result = self.matrix(query)
            if not result.get("summary", {}).get("unknown") or attempt == retry_while_unknown:
                return result
            time.sleep(retry_interval)
        return result

    # -- versions, tags, environments, deployments --------------------------------------------

    def describe_version(
        self, pacticipant: str, version: str | None = None, latest_tag: str | None = None
    ) -> JsonObject | None:
        if version:
            url = self.relation("pb:pacticipant-version", pacticipant=pacticipant, version=version)
        elif latest_tag:
            url = self.relation("pb:latest-tagged-version", pacticipant=pacticipant, tag=latest_tag)
        else:
            url = self.relation("pb:latest-version", pacticipant=pacticipant)
        return self.get(url, allow_404=True)

    def create_version_tag(
        self, pacticipant: str, version: str, tag: str, *, auto_create_version: bool = False
    ) -> JsonObject:
        if not auto_create_version and self.describe_version(pacticipant, version) is None:
            raise BrokerError(f"Version {version} of {pacticipant} does not exist", status=404)
        url = self.relation(
            "pb:pacticipant-version-tag", pacticipant=pacticipant, version=version, tag=tag
        )
        return self.request("PUT", url, {})

    def create_environment(
        self, name: str, *, display_name: str | None = None, production: bool = False
    ) -> JsonObject:
        body: JsonObject = {"name": name, "production": production}
        if display_name:
            body["displayName"] = display_name
        return self.request("POST", self.relation("pb:environments"), body)

    def environments(self) -> list[JsonObject]:
        data = self.get(self.relation("pb:environments"))
        return list(data.get("_embedded", {}).get("environments", []))

    def _environment(self, name: str) -> JsonObject:
        for env in self.environments():
            if env.get("name") == name:
                return env
        raise BrokerError(f"No environment found with name '{name}'", status=404)

    def _version_link(self, pacticipant: str, version: str, rel: str, environment: str) -> str:
        data = self.describe_version(pacticipant, version)
        if data is None:
            raise BrokerError(f"Version {version} of {pacticipant} not found", status=404)
        for entry in data.get("_links", {}).get(rel, []):
            if entry.get("name") == environment:
                return entry["href"]
        self._environment(environment)
        raise BrokerError(f"Cannot {rel} of {pacticipant} {version} to {environment}")

    def record_deployment(
        self,
        pacticipant: str,
        version: str,
        environment: str,
        application_instance: str | None = None,
    ) -> JsonObject:
        href = self._version_link(pacticipant, version, "pb:record-deployment", environment)
        body = {"applicationInstance": application_instance, "target": application_instance}
        return self.request("POST", href, body)

    def record_release(self, pacticipant: str, version: str, environment: str) -> JsonObject:
        href = self._version_link(pacticipant, version, "pb:record-release", environment)
        return self.request("POST", href, {})

    def record_undeployment(
        self, pacticipant: str, environment: str, application_instance: str | None = None
    ) -> list[JsonObject]:
        env = self._environment(environment)
        href = env["_links"]["pb:currently-deployed-deployed-versions"]["href"]
        data = self.get(href + "?" + urlencode({"pacticipant": pacticipant}))
        records = data.get("_embedded", {}).get("deployedVersions", [])
        if application_instance is not None:
            records = [r for r in records if r.get("applicationInstance") == application_instance]
        if not records:
            raise BrokerError(
                f"{pacticipant} is not currently deployed to {environment}"
                + (
                    f" (application instance {application_instance})"
                    if application_instance
                    else ""
                )
            )
        return [
            self.request(
                "PATCH",
                r["_links"]["self"]["href"],
                {"currentlyDeployed": False},
                content_type="application/merge-patch+json",
            )
            for r in records
        ]

    def record_support_ended(
        self, pacticipant: str, version: str, environment: str
    ) -> list[JsonObject]:
        env = self._environment(environment)
        href = env["_links"]["pb:currently-supported-released-versions"]["href"]
        query = urlencode({"pacticipant": pacticipant, "version": version})
        data = self.get(href + "?" + query)
        records = data.get("_embedded", {}).get("releasedVersions", [])
        if not records:
            raise BrokerError(f"{pacticipant} {version} is not currently released in {environment}")
        return [
            self.request(
                "PATCH",
                r["_links"]["self"]["href"],
                {"currentlySupported": False},
                content_type="application/merge-patch+json",
            )
            for r in records
        ]
