"""Provider contracts (PactFlow's bi-directional contract testing) in the broker: publication as
the Ruby client sends it, the comparison with consumer pacts, and what can-i-deploy makes of it.

can-i-deploy must never say yes by mistake: only a compatible comparison plus a successful
self-verification counts, labelled as such, and a real verification always wins.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .helpers import create_environment, deploy, publish_body, verify

USERS_API = """\
openapi: 3.0.3
info: {title: users, version: "1"}
paths:
  /users/{id}:
    get:
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
      responses:
        "200":
          description: a user
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [id, name]
                properties:
                  id: {type: integer}
                  name: {type: string}
"""
#: the same API without the ``name`` field the consumer relies on
USERS_API_WITHOUT_NAME = USERS_API.replace("required: [id, name]", "required: [id]").replace(
    "                  name: {type: string}\n", ""
)


def users_pact(consumer: str = "Web", provider: str = "UsersApi") -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a request for user 1",
                "request": {"method": "GET", "path": "/users/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "name": "Ann"},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def contract_body(
    version: str,
    document: str = USERS_API,
    success: bool | None = True,
    branch: str | None = "main",
    tags: list[str] | None = None,
) -> dict[str, Any]:
    """The body ``pactflow publish-provider-contract`` (pact_broker-client 1.76) POSTs."""
    results: dict[str, Any] = {
        "content": b64("5 tests, 0 failures"),
        "contentType": "text/plain",
        "verifier": "schemathesis",
    }
    if success is not None:
        results["success"] = success
    body: dict[str, Any] = {
        "pacticipantVersionNumber": version,
        "tags": tags or [],
        "buildUrl": "https://ci.example/build/7",
        "contract": {
            "content": b64(document),
            "contentType": "application/yaml",
            "specification": "oas",
            "selfVerificationResults": results,
        },
    }
    if branch:
        body["branch"] = branch
    return body


def publish_contract(client: Any, version: str, provider: str = "UsersApi", **kwargs: Any
                     ) -> dict[str, Any]:
    response = client.post(
        f"/provider-contracts/provider/{provider}/publish",
        json=contract_body(version, **kwargs),
        headers={"Accept": "application/hal+json,application/problem+json"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def publish_pact(client: Any, version: str, pact: dict[str, Any] | None = None) -> None:
    body = publish_body("Web", version, [pact or users_pact()], branch="main")
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 200, response.text


def can_i_deploy(client: Any, consumer_version: str = "c1", provider_version: str = "p1"
                 ) -> dict[str, Any]:
    response = client.get(
        "/matrix?q[][pacticipant]=Web&q[][version]=" + consumer_version
        + "&q[][pacticipant]=UsersApi&q[][version]=" + provider_version + "&latestby=cvpv"
    )
    assert response.status_code == 200, response.text
    return response.json()


def texts(result: dict[str, Any]) -> str:
    return "\n".join(n["text"] for n in result["notices"])


# -- publication ---------------------------------------------------------------------------------


def test_the_index_offers_the_publish_relation(client: Any) -> None:
    link = client.get("/").json()["_links"]["pf:publish-provider-contract"]
    assert link["href"] == "http://broker/provider-contracts/provider/{provider}/publish"
    assert link["templated"] is True


def test_publication_answers_as_the_ruby_client_expects(client: Any) -> None:
    publish_pact(client, "c1")
    body = publish_contract(client, "p1", tags=["dev"])
    assert body["_embedded"]["version"]["number"] == "p1"
    links = body["_links"]
    assert [t["name"] for t in links["pb:pacticipant-version-tags"]] == ["dev"]
    assert links["pb:branch-version"]["href"] == (
        "http://broker/pacticipants/UsersApi/branches/main/versions/p1")
    notices = texts(body)
    assert "Successfully published provider contract for UsersApi version p1" in notices
    assert "1 compatible, 0 not compatible" in notices
    assert all(set(n) <= {"type", "text"} for n in body["notices"])
    # the provider version got its branch, tag and build URL
    version = client.get("/pacticipants/UsersApi/versions/p1").json()
    assert version["buildUrl"] == "https://ci.example/build/7"
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["dev"]
    assert client.get("/pacticipants/UsersApi/branches/main/versions/p1").status_code == 200


def test_the_contract_and_its_comparisons_are_resources(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    contract = client.get("/provider-contracts/provider/UsersApi/version/p1").json()
    assert contract["content"] == USERS_API
    assert contract["contentType"] == "application/yaml"
    assert contract["selfVerificationResults"]["success"] is True
    assert contract["selfVerificationResults"]["content"] == "5 tests, 0 failures"
    assert contract["buildUrl"] == "https://ci.example/build/7"
    comparisons = client.get(contract["_links"]["pf:comparisons"]["href"]).json()
    [only] = comparisons["_embedded"]["comparisons"]
    assert only["consumer"]["name"] == "Web"
    assert only["consumerVersionNumbers"] == ["c1"]
    assert only["success"] is True
    assert only["interactions"][0]["operation"] == "GET /users/{id}"


def test_the_older_put_publication_is_accepted(client: Any) -> None:
    body = {
        "content": b64(USERS_API),
        "contractType": "oas",
        "contentType": "application/yaml",
        "verificationResults": {"success": True, "content": b64("ok"), "format": "text"},
    }
    response = client.put("/contracts/provider/UsersApi/version/p9", json=body)
    assert response.status_code == 201, response.text
    assert response.json()["_links"]["pf:ui"]["href"] == (
        "http://broker/contracts/bi-directional/provider/UsersApi/version/p9/provider-contract")
    stored = client.get("/provider-contracts/provider/UsersApi/version/p9").json()
    assert stored["selfVerificationResults"]["success"] is True


def test_bad_publications_are_refused_with_the_reason(client: Any) -> None:
    url = "/provider-contracts/provider/UsersApi/publish"
    body = contract_body("p1")
    body["contract"]["content"] = "not base64!"
    response = client.post(url, json=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"contract.content": ["is not valid Base64"]}
    body = contract_body("p1")
    body["contract"]["specification"] = "asyncapi"
    errors = client.post(url, json=body).json()["errors"]
    assert "not supported" in errors["contract.specification"][0]
    body = contract_body("p1")
    del body["pacticipantVersionNumber"]
    assert "pacticipantVersionNumber" in client.post(url, json=body).json()["errors"]
    body = contract_body("p1")
    body["contract"]["selfVerificationResults"]["success"] = "yes"
    assert client.post(url, json=body).json()["errors"] == {
        "contract.selfVerificationResults.success": ["must be true or false"]}
    assert client.get("/provider-contracts/provider/UsersApi/version/p1").status_code == 404


def test_an_unreadable_document_is_stored_and_every_comparison_fails(client: Any) -> None:
    publish_pact(client, "c1")
    body = publish_contract(client, "p1", document="openapi: 3.0.3\npaths: [")
    assert "cannot be compared with any pact" in texts(body)
    result = can_i_deploy(client)
    assert result["summary"]["deployable"] is False
    assert "cannot be read" in result["summary"]["reason"]


# -- comparisons at publication of either side ----------------------------------------------------


def test_a_pact_published_after_the_contract_is_compared_at_its_publication(client: Any) -> None:
    publish_contract(client, "p1")
    publish_pact(client, "c1")
    comparisons = client.get(
        "/provider-contracts/provider/UsersApi/version/p1/comparisons").json()
    [only] = comparisons["_embedded"]["comparisons"]
    assert only["success"] is True and only["consumerVersionNumbers"] == ["c1"]


def test_republishing_the_contract_replaces_it_and_its_comparisons(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    body = publish_contract(client, "p1", document=USERS_API_WITHOUT_NAME)
    assert "0 compatible, 1 not compatible" in texts(body)
    comparisons = client.get(
        "/provider-contracts/provider/UsersApi/version/p1/comparisons").json()
    [only] = comparisons["_embedded"]["comparisons"]
    assert only["success"] is False
    findings = only["interactions"][0]["findings"]
    assert any(f["pactLocation"] == "response.body.name" and f["severity"] == "error"
               for f in findings)
    assert can_i_deploy(client)["summary"]["deployable"] is False


# -- the matrix and can-i-deploy -------------------------------------------------------------------


def test_without_a_contract_the_answer_is_unknown_as_before(client: Any) -> None:
    publish_pact(client, "c1")
    client.put("/pacticipants/UsersApi/versions/p1/tags/dev", json={})
    result = can_i_deploy(client)
    assert result["summary"]["deployable"] is None
    assert result["summary"]["unknown"] == 1
    assert "bi-directional" not in json.dumps(result)


def test_compatible_and_self_verified_counts_as_a_labelled_verification(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    result = can_i_deploy(client)
    summary = result["summary"]
    assert summary["deployable"] is True
    assert summary["success"] == 1
    assert "compatible by contract comparison (bi-directional), not verified" in summary["reason"]
    [row] = result["matrix"]
    assert row["provider"]["version"]["number"] == "p1"
    verification = row["verificationResult"]
    assert verification["success"] is True
    assert verification["bidirectional"] is True
    assert verification["notice"] == (
        "compatible by contract comparison (bi-directional), not verified")
    assert verification["_links"]["self"]["href"].endswith(
        "/provider-contracts/provider/UsersApi/version/p1/comparisons")


def test_compatible_but_self_verification_failed_is_a_no(client: Any) -> None:
    publish_pact(client, "c1")
    body = publish_contract(client, "p1", success=False)
    assert "self-verification failed" in texts(body)
    summary = can_i_deploy(client)["summary"]
    assert summary["deployable"] is False
    assert summary["failed"] == 1
    assert "self-verification failed" in summary["reason"]


def test_compatible_without_a_self_verification_result_stays_unknown(client: Any) -> None:
    publish_pact(client, "c1")
    body = publish_contract(client, "p1", success=None)
    assert "No self-verification result was given" in texts(body)
    summary = can_i_deploy(client)["summary"]
    assert summary["deployable"] is None


def test_an_incompatible_contract_is_a_no_with_the_finding(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1", document=USERS_API_WITHOUT_NAME)
    result = can_i_deploy(client)
    summary = result["summary"]
    assert summary["deployable"] is False
    assert "not compatible with the provider contract" in summary["reason"]
    assert "response.body.name" in summary["reason"]
    assert result["matrix"][0]["verificationResult"]["success"] is False


def test_a_real_verification_always_wins(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    verify(client, "Web", "c1", "UsersApi", "p1", success=False)
    result = can_i_deploy(client)
    assert result["summary"]["deployable"] is False
    [row] = result["matrix"]
    assert "bidirectional" not in row["verificationResult"]
    assert "bi-directional" not in result["summary"]["reason"]


def test_can_i_deploy_to_an_environment_counts_the_deployed_providers_contract(
    client: Any,
) -> None:
    production = create_environment(client)
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    deploy(client, "UsersApi", "p1", production)
    summary = client.get(
        "/can-i-deploy?pacticipant=Web&version=c1&environment=production").json()["summary"]
    assert summary["deployable"] is True
    assert "bi-directional" in summary["reason"]
    # a newer, incompatible contract that is not deployed does not matter
    publish_contract(client, "p2", document=USERS_API_WITHOUT_NAME)
    summary = client.get(
        "/can-i-deploy?pacticipant=Web&version=c1&environment=production").json()["summary"]
    assert summary["deployable"] is True
    # deploying it does
    deploy(client, "UsersApi", "p2", production)
    summary = client.get(
        "/can-i-deploy?pacticipant=Web&version=c1&environment=production").json()["summary"]
    assert summary["deployable"] is False


def test_the_provider_can_ask_about_its_consumers(client: Any) -> None:
    production = create_environment(client)
    publish_pact(client, "c1")
    deploy(client, "Web", "c1", production)
    publish_contract(client, "p1")
    summary = client.get(
        "/can-i-deploy?pacticipant=UsersApi&version=p1&environment=production"
    ).json()["summary"]
    assert summary["deployable"] is True
    assert "bi-directional" in summary["reason"]


# -- the UI ---------------------------------------------------------------------------------


def test_the_ui_page_lists_the_comparisons_and_their_findings(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1", document=USERS_API_WITHOUT_NAME)
    page = client.get(
        "/contracts/bi-directional/provider/UsersApi/version/p1/provider-contract",
        headers={"Accept": "text/html"},
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "not compatible" in html
    assert "response.body.name" in html
    assert "a request for user 1" in html
    assert "not that the provider was verified" in html
    missing = client.get(
        "/contracts/bi-directional/provider/UsersApi/version/nope/provider-contract",
        headers={"Accept": "text/html"},
    )
    assert missing.status_code == 404
    assert "has no provider contract" in missing.text


def test_the_matrix_page_labels_a_comparison_as_not_verified(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    html = client.get("/matrix?q[][pacticipant]=Web&q[][pacticipant]=UsersApi",
                      headers={"Accept": "text/html"}).text
    assert "compatible by contract" in html
    assert "not verified" in html
    assert ">verified<" not in html
    assert "/contracts/bi-directional/provider/UsersApi/version/p1/provider-contract" in html


def test_a_message_pact_is_never_compatible_with_an_openapi_contract(client: Any) -> None:
    message_pact = {
        "consumer": {"name": "Web"},
        "provider": {"name": "UsersApi"},
        "messages": [{"description": "a user was created", "contents": {"id": 1}}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    publish_pact(client, "c1", message_pact)
    publish_contract(client, "p1")
    summary = can_i_deploy(client)["summary"]
    assert summary["deployable"] is False
    assert "not compatible with the provider contract" in summary["reason"]
    assert "OpenAPI document describes HTTP only" in summary["reason"]


def test_comparisons_are_kept_by_pact_content_not_by_consumer_version(client: Any) -> None:
    publish_contract(client, "p1")
    publish_pact(client, "c1")
    publish_pact(client, "c2")  # the same content
    comparisons = client.get(
        "/provider-contracts/provider/UsersApi/version/p1/comparisons").json()
    [only] = comparisons["_embedded"]["comparisons"]
    assert sorted(only["consumerVersionNumbers"]) == ["c1", "c2"]
    assert can_i_deploy(client, "c2")["summary"]["deployable"] is True


def test_deleting_the_provider_version_deletes_its_contract(client: Any) -> None:
    publish_pact(client, "c1")
    publish_contract(client, "p1")
    assert client.delete("/pacticipants/UsersApi/versions/p1").status_code == 204
    assert client.get("/provider-contracts/provider/UsersApi/version/p1").status_code == 404
    client.put("/pacticipants/UsersApi/versions/p1/tags/dev", json={})
    assert can_i_deploy(client)["summary"]["deployable"] is None
