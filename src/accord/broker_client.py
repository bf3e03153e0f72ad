"""A HAL client for any Pact Broker (ours or the official one).

Usage::

    from accord.broker_client import BrokerClient

    with BrokerClient("http://localhost:9292", token="...") as broker:
        broker.publish_contracts([pact_dict], version="abc123", branch="main")
        result = broker.can_i_deploy([("Foo", "abc123")], to_environment="production")
        print(result["summary"]["deployable"])

Relations are looked up in the index by their ``pb:`` names and templates expanded with
percent-encoded values, as the official clients do. 5xx answers and connection errors are
retried with exponential back-off; 4xx answers raise :class:`accord.errors.BrokerError`
with the broker's own message.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from accord.errors import BrokerError
from accord.tlscontext import client_ssl_context

__all__ = ["BrokerClient", "expand"]

HAL = "application/hal+json, application/json"


def expand(template: str, **values: Any) -> str:
    """Fill ``{name}`` placeholders with percent-encoded values (``/`` becomes ``%2F``)."""

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            return match.group(0)
        return quote(str(values[key]), safe="")

    return re.sub(r"\{(\w+)\}", sub, template)


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason_phrase
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, dict):
            return "; ".join(
                f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in errors.items()
            )
        if isinstance(errors, list):
            return "; ".join(map(str, errors))
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("message"))
        if error:
            return str(error)
        notices = body.get("notices")
        if notices:
            return "\n".join(n.get("text", "") for n in notices if isinstance(n, dict))
    return json.dumps(body)[:500]


class BrokerClient:
    """Talks HAL to a Pact Broker; one instance per broker, reusable across calls."""

    def __init__(
        self,
        base_url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Accept": HAL}
        auth = None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif username:
            auth = httpx.BasicAuth(username, password or "")
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(
            headers=headers,
            auth=auth,
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
            verify=client_ssl_context(),
        )
        self._index: dict[str, Any] | None = None

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- plumbing -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        json_body: Any = None,
        content_type: str = "application/json",
        allow: Iterable[int] = (),
    ) -> httpx.Response:
        """Send one request, retrying 5xx and connection failures; raise on other errors."""
        if url.startswith("/"):
            url = self.base_url + url
        data = None if json_body is None else json.dumps(json_body).encode()
        headers = {"Content-Type": content_type} if data is not None else {}
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            try:
                response = self._http.request(method, url, content=data, headers=headers)
            except httpx.TransportError as exc:
                last = exc
            else:
                if response.status_code < 500:
                    if response.status_code >= 400 and response.status_code not in allow:
                        raise BrokerError(
                            f"{method} {url} failed ({response.status_code}): "
                            f"{_error_text(response)}",
                            status=response.status_code,
                            url=url,
                        )
                    return response
                last = BrokerError(
                    f"{method} {url} failed ({response.status_code}): {_error_text(response)}",
                    status=response.status_code,
                    url=url,
                )
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        if isinstance(last, BrokerError):
            raise last
        raise BrokerError(f"Could not reach the Pact Broker at {url}: {last}", url=url)

    def get_json(self, url: str, *, allow: Iterable[int] = ()) -> dict[str, Any] | None:
        response = self.request("GET", url, allow=allow)
        if response.status_code in allow and response.status_code >= 400:
            return None
        return response.json()

    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = self.get_json(self.base_url + "/") or {}
        return self._index

    def link(self, rel: str, **values: Any) -> str:
        links = self.index().get("_links", {})
        entry = links.get(rel)
        if not isinstance(entry, dict) or "href" not in entry:
            raise BrokerError(f"The Pact Broker at {self.base_url} has no {rel} relation")
        return expand(entry["href"], **values)

    # -- publishing ---------------------------------------------------------------------------

    def publish_contracts(
        self,
        pacts: Sequence[dict[str, Any] | str | Path],
        *,
        version: str,
        branch: str | None = None,
        tags: Sequence[str] = (),
        build_url: str | None = None,
        merge: bool = False,
    ) -> list[dict[str, Any]]:
        """Publish pacts (dicts or file paths), one request per consumer."""
        by_consumer: dict[str, list[dict[str, Any]]] = {}
        for item in pacts:
            pact = item if isinstance(item, dict) else json.loads(Path(item).read_text("utf-8"))
            by_consumer.setdefault(pact["consumer"]["name"], []).append(pact)
        results = []
        for consumer, items in by_consumer.items():
            body: dict[str, Any] = {
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
            response = self.request("POST", self.link("pb:publish-contracts"), json_body=body)
            results.append(response.json())
        return results

    # -- provider side ------------------------------------------------------------------------

    def pacts_for_verification(
        self,
        provider: str,
        *,
        selectors: Sequence[dict[str, Any]] = (),
        provider_branch: str | None = None,
        provider_tags: Sequence[str] = (),
        include_pending: bool = False,
        include_wip_since: str | None = None,
    ) -> list[dict[str, Any]]:
        url = self.link("pb:provider-pacts-for-verification", provider=provider)
        body: dict[str, Any] = {
            "consumerVersionSelectors": list(selectors),
            "includePendingStatus": include_pending,
        }
        if provider_branch:
            body["providerVersionBranch"] = provider_branch
        if provider_tags:
            body["providerVersionTags"] = list(provider_tags)
        if include_wip_since:
            body["includeWipPactsSince"] = include_wip_since
        response = self.request("POST", url, json_body=body, allow=(404,))
        if response.status_code == 404:
            return []
        return list(response.json().get("_embedded", {}).get("pacts", []))

    def fetch_pact(self, url: str) -> dict[str, Any]:
        return self.get_json(url) or {}

    def publish_verification_results(
        self,
        pact: dict[str, Any],
        *,
        provider_version: str,
        success: bool,
        test_results: Any = None,
        build_url: str | None = None,
        provider_branch: str | None = None,
        provider_tags: Sequence[str] = (),
        verified_by: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Attach the branch and tags to the provider version, then POST the result."""
        links = pact.get("_links", {})
        if provider_branch or provider_tags:
            provider = self.get_json(links["pb:provider"]["href"]) or {}
            plinks = provider.get("_links", {})
            if provider_branch:
                href = plinks.get("pb:branch-version", {}).get("href")
                if not href:
                    raise BrokerError("The Pact Broker does not support provider branches")
                url = expand(href, branch=provider_branch, version=provider_version)
                self.request("PUT", url, json_body={})
            for tag in provider_tags:
                url = expand(plinks["pb:version-tag"]["href"], version=provider_version, tag=tag)
                self.request("PUT", url, json_body={})
        href = next(
            (v["href"] for k, v in links.items() if k.lower() == "pb:publish-verification-results"),
            None,
        )
        if href is None:
            raise BrokerError("The pact has no pb:publish-verification-results link")
        body: dict[str, Any] = {"success": success, "providerApplicationVersion": provider_version}
        if build_url:
            body["buildUrl"] = build_url
        if test_results is not None:
            body["testResults"] = test_results
        body["verifiedBy"] = verified_by or {"implementation": "accord"}
        return self.request("POST", href, json_body=body).json()

    # -- can-i-deploy -------------------------------------------------------------------------

    def matrix(self, query: list[tuple[str, str]]) -> dict[str, Any]:
        return self.request("GET", self.base_url + "/matrix?" + urlencode(query)).json()

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
    ) -> dict[str, Any]:
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
    ) -> dict[str, Any] | None:
        if version:
            url = self.link("pb:pacticipant-version", pacticipant=pacticipant, version=version)
        elif latest_tag:
            url = self.link("pb:latest-tagged-version", pacticipant=pacticipant, tag=latest_tag)
        else:
            url = self.link("pb:latest-version", pacticipant=pacticipant)
        return self.get_json(url, allow=(404,))

    def create_version_tag(
        self, pacticipant: str, version: str, tag: str, *, auto_create_version: bool = False
    ) -> dict[str, Any]:
        if not auto_create_version and self.describe_version(pacticipant, version) is None:
            raise BrokerError(f"Version {version} of {pacticipant} does not exist", status=404)
        url = self.link(
            "pb:pacticipant-version-tag", pacticipant=pacticipant, version=version, tag=tag
        )
        return self.request("PUT", url, json_body={}).json()

    def create_environment(
        self, name: str, *, display_name: str | None = None, production: bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name, "production": production}
        if display_name:
            body["displayName"] = display_name
        return self.request("POST", self.link("pb:environments"), json_body=body).json()

    def environments(self) -> list[dict[str, Any]]:
        data = self.get_json(self.link("pb:environments")) or {}
        return list(data.get("_embedded", {}).get("environments", []))

    def _environment(self, name: str) -> dict[str, Any]:
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
    ) -> dict[str, Any]:
        href = self._version_link(pacticipant, version, "pb:record-deployment", environment)
        body = {"applicationInstance": application_instance, "target": application_instance}
        return self.request("POST", href, json_body=body).json()

    def record_release(self, pacticipant: str, version: str, environment: str) -> dict[str, Any]:
        href = self._version_link(pacticipant, version, "pb:record-release", environment)
        return self.request("POST", href, json_body={}).json()

    def record_undeployment(
        self, pacticipant: str, environment: str, application_instance: str | None = None
    ) -> list[dict[str, Any]]:
        env = self._environment(environment)
        href = env["_links"]["pb:currently-deployed-deployed-versions"]["href"]
        data = self.get_json(href + "?" + urlencode({"pacticipant": pacticipant})) or {}
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
                json_body={"currentlyDeployed": False},
                content_type="application/merge-patch+json",
            ).json()
            for r in records
        ]

    def record_support_ended(
        self, pacticipant: str, version: str, environment: str
    ) -> list[dict[str, Any]]:
        env = self._environment(environment)
        href = env["_links"]["pb:currently-supported-released-versions"]["href"]
        query = urlencode({"pacticipant": pacticipant, "version": version})
        data = self.get_json(href + "?" + query) or {}
        records = data.get("_embedded", {}).get("releasedVersions", [])
        if not records:
            raise BrokerError(f"{pacticipant} {version} is not currently released in {environment}")
        return [
            self.request(
                "PATCH",
                r["_links"]["self"]["href"],
                json_body={"currentlySupported": False},
                content_type="application/merge-patch+json",
            ).json()
            for r in records
        ]
