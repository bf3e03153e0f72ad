"""The broker source and result publishing, first against a small fake broker that records
what it is sent, then against accord's own broker service."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accord import Verifier
from accord.hal import HalClient
from accord.verifier.broker_source import BrokerSource

from .conftest import USERS, free_port, get_user, make_starlette, serve, v3_pact

TOKEN = "broker-token"


class FakeBroker:
    """Just the relations the verifier follows, with a log of every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.fail_next = 0  # answer this many requests with 503 first
        self.base = ""
        self.pacts = {
            "sha1": (v3_pact([get_user(1), get_user(2)], "web"), {"pending": False}),
            "sha2": (v3_pact([get_user(1, body={"id": 1, "name": "Al"},
                                       description="new name format")], "mobile"),
                     {"pending": True, "notices": [
                         {"when": "before_verification", "text": "This pact is pending"},
                         {"when": "after_verification:success_false_published_true",
                          "text": "The failure was ignored: pending"}]}),
        }

    def app(self) -> Starlette:
        async def guard(request: Request) -> Response | None:
            body = None
            if request.method in ("POST", "PUT"):
                body = await request.json()
            self.calls.append((request.method, request.url.path, body))
            if request.headers.get("authorization") != f"Bearer {TOKEN}":
                return JSONResponse({"error": "unauthorised"}, status_code=401)
            if self.fail_next:
                self.fail_next -= 1
                return JSONResponse({"error": "busy"}, status_code=503)
            return None

        def hal(data: dict[str, Any], status: int = 200) -> JSONResponse:
            return JSONResponse(data, status_code=status, media_type="application/hal+json")

        async def index(request: Request) -> Response:
            return await guard(request) or hal({"_links": {
                "pb:provider-pacts-for-verification": {
                    "href": f"{self.base}/pacts/provider/{{provider}}/for-verification",
                    "templated": True}}})

        async def for_verification(request: Request) -> Response:
            if (denied := await guard(request)) is not None:
                return denied
            provider = request.path_params["provider"]
            pacts = []
            for sha, (_, props) in self.pacts.items():
                pacts.append({"shortDescription": "latest from main",
                              "verificationProperties": props,
                              "_links": {"self": {"href": f"http://elsewhere.invalid/pacts/"
                                                  f"provider/{provider}/pact-version/{sha}"}}})
            return hal({"_embedded": {"pacts": pacts}, "_links": {"self": {"href": "x"}}})

        async def pact(request: Request) -> Response:
            if (denied := await guard(request)) is not None:
                return denied
            sha = request.path_params["sha"]
            doc = dict(self.pacts[sha][0])
            doc["_links"] = {
                "pb:provider": {"href": f"{self.base}/pacticipants/users-api"},
                "pb:publish-verification-results": {
                    "href": f"{self.base}/pacts/provider/users-api/pact-version/{sha}/"
                            "verification-results"}}
            return hal(doc)

        async def pacticipant(request: Request) -> Response:
            return await guard(request) or hal({"name": "users-api", "_links": {
                "pb:branch-version": {"href": f"{self.base}/pacticipants/users-api/branches/"
                                              "{branch}/versions/{version}", "templated": True},
                "pb:version-tag": {"href": f"{self.base}/pacticipants/users-api/versions/"
                                           "{version}/tags/{tag}", "templated": True}}})

        async def put(request: Request) -> Response:
            return await guard(request) or hal({}, 201)

        async def results(request: Request) -> Response:
            return await guard(request) or hal(
                {"_links": {"self": {"href": f"{self.base}{request.url.path}/1"}}}, 201)

        return Starlette(routes=[
            Route("/", index),
            Route("/pacts/provider/{provider}/for-verification", for_verification,
                  methods=["POST"]),
            Route("/pacts/provider/{provider}/pact-version/{sha}", pact),
            Route("/pacts/provider/{provider}/pact-version/{sha}/verification-results", results,
                  methods=["POST"]),
            Route("/pacticipants/users-api", pacticipant),
            Route("/pacticipants/users-api/{rest:path}", put, methods=["PUT"]),
        ])


@pytest.fixture
def broker() -> Iterator[FakeBroker]:
    fake = FakeBroker()
    with serve(fake.app()) as url:
        fake.base = url
        yield fake


def _verifier(broker: FakeBroker, **kw: Any) -> Verifier:
    builder = Verifier("users-api").add_transport(app=make_starlette()).broker_source(
        broker.base, token=TOKEN, selector=True, backoff=0.01, **kw)
    return (builder.consumer_version(main_branch=True)
            .consumer_version_selectors({"deployed_or_released": True})
            .include_pending().include_wip_since("2024-01-01")
            .provider_branch("main").provider_tags("prod").build())


def test_pacts_for_verification_with_selectors_pending_and_publishing(
        broker: FakeBroker) -> None:
    verifier = _verifier(broker).set_publish_options(
        "1.2.3", branch="main", tags=["prod", "eu"], build_url="https://ci/77")
    result = verifier.verify(raises=False)
    assert result.ok, result.report()  # the mobile pact fails, but it is pending
    assert len(result.results) == 3 and len(result.pending_failures) == 1
    assert result.notices == ["This pact is pending", "The failure was ignored: pending"]
    posted = [c for c in broker.calls if c[0] == "POST"]
    assert posted[0] == ("POST", "/pacts/provider/users-api/for-verification", {
        "consumerVersionSelectors": [{"mainBranch": True}, {"deployedOrReleased": True}],
        "includePendingStatus": True, "providerVersionBranch": "main",
        "providerVersionTags": ["prod"], "includeWipPactsSince": "2024-01-01"})
    puts = [c[1] for c in broker.calls if c[0] == "PUT"]
    assert puts == ["/pacticipants/users-api/branches/main/versions/1.2.3",
                    "/pacticipants/users-api/versions/1.2.3/tags/prod",
                    "/pacticipants/users-api/versions/1.2.3/tags/eu"]
    published = {c[1]: c[2] for c in posted[1:]}
    web = published["/pacts/provider/users-api/pact-version/sha1/verification-results"]
    assert web["success"] is True and web["providerApplicationVersion"] == "1.2.3"
    assert web["buildUrl"] == "https://ci/77"
    assert web["verifiedBy"]["implementation"] == "accord"
    assert [t["interactionDescription"] for t in web["testResults"]] == [
        "a request for user 1", "a request for user 2"]
    mobile = published["/pacts/provider/users-api/pact-version/sha2/verification-results"]
    assert mobile["success"] is False
    assert mobile["testResults"][0]["mismatches"] == [
        {"attribute": "body", "identifier": "$.name",
         "description": mobile["testResults"][0]["mismatches"][0]["description"]}]
    assert len(result.published) == 2


def test_a_pact_url_served_by_a_broker_gets_its_results_published(broker: FakeBroker) -> None:
    result = (Verifier("users-api").add_transport(app=make_starlette())
              .add_source(f"{broker.base}/pacts/provider/users-api/pact-version/sha1",
                          token=TOKEN)
              .set_publish_options("2.0.0").verify(raises=False))
    assert result.ok, result.report()
    assert result.published == [f"{broker.base}/pacts/provider/users-api/pact-version/sha1/"
                                "verification-results/1"]
    (post,) = [c for c in broker.calls if c[0] == "POST"]
    assert post[2]["success"] is True and post[2]["providerApplicationVersion"] == "2.0.0"


def test_hrefs_on_another_host_are_joined_to_the_broker_url() -> None:
    client = HalClient("http://127.0.0.1:9/broker")
    assert client.url("http://elsewhere/pacts/x?y=1") == "http://127.0.0.1:9/pacts/x?y=1"
    assert client.url("http://127.0.0.1:9/broker/a") == "http://127.0.0.1:9/broker/a"
    assert client.link({"_links": {"PB:Thing": {"href": "/t/{a}"}}}, "pb:thing", a="x/y") == \
        "/t/x%2Fy"


def test_broker_calls_are_retried_with_back_off(broker: FakeBroker) -> None:
    broker.fail_next = 2
    result = _verifier(broker).verify(raises=False)
    assert result.ok, result.report()
    assert [c[1] for c in broker.calls[:3]] == ["/", "/", "/"]


def test_broker_errors_are_reported(broker: FakeBroker) -> None:
    result = Verifier("users-api").add_transport(app=make_starlette()).broker_source(
        broker.base, token="wrong", backoff=0.01).verify(raises=False)
    assert not result.ok and result.results == []
    (failure,) = result.source_failures
    assert "HTTP 401" in failure.error and not failure.unreachable


def test_an_unreachable_broker(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    result = Verifier("users-api").add_transport(app=make_starlette()).broker_source(
        url, retries=1, backoff=0.01).verify(raises=False)
    (failure,) = result.source_failures
    assert failure.unreachable and "could not reach the Pact Broker" in failure.error
    assert "(after 2 attempts)" in failure.error


def test_publishing_is_skipped_when_filters_are_applied(broker: FakeBroker) -> None:
    result = _verifier(broker).filter_consumers("web").set_publish_options("1.0").verify()
    assert result.ok
    assert result.notices[-1] == "results were not published because filters were applied"
    assert not [c for c in broker.calls if c[1].endswith("verification-results")]


def test_broker_source_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", "http://broker.example")
    monkeypatch.setenv("PACT_BROKER_USERNAME", "u")
    monkeypatch.setenv("PACT_BROKER_PASSWORD", "p")
    verifier = Verifier("users-api").broker_source()
    (source,) = verifier.config().sources
    assert isinstance(source, BrokerSource)
    assert (source.url, source.username, source.password) == ("http://broker.example", "u", "p")


# ------------------------------------------------------------------ accord's own broker
def test_against_accords_broker(tmp_path: Path) -> None:
    pytest.importorskip("sqlalchemy", reason="the broker extra is not installed")
    from accord.broker import BrokerConfig, create_app

    app = create_app(BrokerConfig(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    pact = v3_pact([get_user(1), get_user(2)], "web")
    try:
        with serve(app) as url:
            published = httpx.post(f"{url}/contracts/publish", json={
                "pacticipantName": "web", "pacticipantVersionNumber": "abc", "branch": "main",
                "contracts": [{"consumerName": "web", "providerName": "users-api",
                               "specification": "pact", "contentType": "application/json",
                               "content": base64.b64encode(json.dumps(pact).encode()).decode()}],
            }, headers={"Accept": "application/hal+json"})
            assert published.status_code == 200, published.text
            verifier = (Verifier("users-api").add_transport(app=make_starlette())
                        .broker_source(url, selector=True)
                        .consumer_version(main_branch=True).include_pending()
                        .provider_branch("main").build()
                        .set_publish_options("9.9.9", branch="main", tags=["prod"]))
            result = verifier.verify(raises=False)
            assert result.ok, result.report()
            assert [r.description for r in result.results] == [
                "a request for user 1", "a request for user 2"]
            assert result.publish_errors == [] and len(result.published) == 1
            latest = httpx.get(result.published[0], headers={"Accept": "application/hal+json"})
            assert latest.status_code == 200
            assert latest.json()["success"] is True
            assert latest.json()["providerApplicationVersion"] == "9.9.9"
            version = httpx.get(f"{url}/pacticipants/users-api/versions/9.9.9",
                                headers={"Accept": "application/hal+json"}).json()
            assert "prod" in json.dumps(version) and "main" in json.dumps(version)
    finally:
        app.engine.dispose()
    assert USERS[1]["name"] == "Alice"


def test_cli_broker_flags(broker: FakeBroker, http_provider: str) -> None:
    from click.testing import CliRunner

    from accord.cli import main

    run = CliRunner().invoke(main, [
        "verify", "--provider-name", "users-api", "--provider-base-url", http_provider,
        "--broker-url", broker.base, "--broker-token", TOKEN,
        "--consumer-version-selectors", '{"mainBranch": true}',
        "--consumer-version-tags", "prod,test", "--enable-pending",
        "--include-wip-pacts-since", "2024-02-03", "--provider-branch", "main",
        "--provider-tags", "v1", "--provider-app-version", "3.1.4",
        "--publish-verification-results", "--build-url", "https://ci/1"])
    assert run.exit_code == 0, run.output
    posted = [c for c in broker.calls if c[0] == "POST"]
    assert posted[0][2] == {
        "consumerVersionSelectors": [{"mainBranch": True}, {"tag": "prod", "latest": True},
                                     {"tag": "test", "latest": True}],
        "includePendingStatus": True, "providerVersionBranch": "main",
        "providerVersionTags": ["v1"], "includeWipPactsSince": "2024-02-03"}
    assert {c[2]["providerApplicationVersion"] for c in posted[1:]} == {"3.1.4"}
    assert {c[2]["buildUrl"] for c in posted[1:]} == {"https://ci/1"}
    assert "published verification results" in run.output
