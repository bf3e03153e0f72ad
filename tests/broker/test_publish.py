# ruff: noqa: E501  (official texts are compared verbatim)
"""Publishing: POST /contracts/publish and the older PUT/PATCH of one pact."""

from __future__ import annotations

from .helpers import pact, publish, publish_body


def test_publish_creates_everything_and_answers_like_the_official_broker(client):
    body = publish(client, "Foo", "1", "Bar", branch="main", tags=["a", "b"])
    texts = [n["text"] for n in body["notices"]]
    assert texts[0] == "Created Foo version 1 with branch main and tags a, b"
    assert "Pact successfully published for Foo version 1 and provider Bar." in texts
    assert any(
        "first time any pact published for this consumer with consumer version tagged a" in t
        for t in texts
    )
    assert body["logs"][0] == {
        "level": "debug",
        "message": texts[0],
        "deprecationWarning": "Replaced by notices",
    }
    links = body["_links"]
    assert links["pb:pacticipant"] == {
        "title": "Pacticipant",
        "name": "Foo",
        "href": "http://broker/pacticipants/Foo",
    }
    assert links["pb:pacticipant-version"]["name"] == "1"
    assert [t["name"] for t in links["pb:pacticipant-version-tags"]] == ["a", "b"]
    assert links["pb:contracts"] == [
        {
            "title": "Pact",
            "name": "Pact between Foo (1) and Bar",
            "href": "http://broker/pacts/provider/Bar/consumer/Foo/version/1",
        }
    ]
    assert body["_embedded"]["version"]["number"] == "1"
    version = client.get("/pacticipants/Foo/versions/1").json()
    assert [b["name"] for b in version["_embedded"]["branchVersions"]] == ["main"]
    assert client.get("/pacticipants/Foo").json()["mainBranch"] == "main"


def test_publish_without_branch_prompts_for_one(client):
    body = publish(client, "Foo", "1", "Bar", tags=["a"])
    assert body["notices"][1]["type"] == "prompt"
    assert "Configure the version branch" in body["notices"][1]["text"]


def test_republishing_identical_content_is_fine(client):
    publish(client, "Foo", "1", "Bar", "x", "y")
    again = client.post(
        "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "y", "x")])
    )
    assert again.status_code == 200


def test_changed_content_for_same_version_is_409_with_notices(client):
    publish(client, "Foo", "1", "Bar", "x")
    response = client.post(
        "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "x", "z")])
    )
    assert response.status_code == 409
    body = response.json()
    assert body["notices"][0]["type"] == "error"
    assert body["notices"][0]["text"].startswith(
        "Cannot change the content of the pact for Foo version 1 and provider Bar"
    )
    assert body["notices"][1]["type"] == "info"
    assert "errors" in body and "contracts" in body["errors"]
    # nothing half-written: the original pact is still there
    doc = client.get("/pacts/provider/Bar/consumer/Foo/version/1").json()
    assert [i["description"] for i in doc["interactions"]] == ["x"]


def test_dangerous_modification_allowed_by_config(make_client):
    client = make_client(allow_dangerous_contract_modification=True)
    publish(client, "Foo", "1", "Bar", "x")
    response = client.post(
        "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "z")])
    )
    assert response.status_code == 200
    assert "warning" in [n["type"] for n in response.json()["notices"]]


def test_merge_adds_interactions(client):
    publish(client, "Foo", "1", "Bar", "x")
    response = client.post(
        "/contracts/publish",
        json=publish_body("Foo", "1", [pact("Foo", "Bar", "y")], on_conflict="merge"),
    )
    assert response.status_code == 200
    doc = client.get("/pacts/provider/Bar/consumer/Foo/version/1").json()
    assert sorted(i["description"] for i in doc["interactions"]) == ["x", "y"]


def test_validation_errors(client):
    body = publish_body("Foo", "1", [pact()])
    del body["pacticipantVersionNumber"]
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 400
    assert response.json()["errors"] == {"pacticipantVersionNumber": ["is missing"]}
    bad = publish_body("Foo", "1", [pact()])
    bad["contracts"][0]["content"] = "not base64!"
    assert client.post("/contracts/publish", json=bad).status_code == 400
    mismatch = publish_body("Foo", "1", [pact("Other", "Bar")])
    errors = client.post("/contracts/publish", json=mismatch).json()["errors"]
    assert "contracts[0]" in errors


def test_malformed_json_is_400_and_wrong_content_type_415(client):
    response = client.post(
        "/contracts/publish", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "error" in response.json()
    response = client.post(
        "/contracts/publish",
        content=b"x=1",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415


def test_nothing_written_when_a_later_contract_conflicts(client):
    publish(client, "Foo", "1", "Bar", "x")
    body = publish_body("Foo", "1", [pact("Foo", "Baz", "q"), pact("Foo", "Bar", "changed")])
    assert client.post("/contracts/publish", json=body).status_code == 409
    assert client.get("/pacticipants/Baz").status_code == 404


def test_old_put_api(client):
    doc = pact("Foo", "Bar", "x")
    response = client.put("/pacts/provider/Bar/consumer/Foo/version/1.0", json=doc)
    assert response.status_code == 201
    assert response.json()["_links"]["pb:publish-verification-results"]
    assert client.put("/pacts/provider/Bar/consumer/Foo/version/1.0", json=doc).status_code == 200
    assert (
        client.put(
            "/pacts/provider/Bar/consumer/Foo/version/1.0", json=pact("Foo", "Bar", "y")
        ).status_code
        == 409
    )
    merged = client.patch(
        "/pacts/provider/Bar/consumer/Foo/version/1.0", json=pact("Foo", "Bar", "y")
    )
    assert merged.status_code == 200
    assert len(merged.json()["interactions"]) == 2
    wrong = client.put("/pacts/provider/Bar/consumer/Foo/version/2", json=pact("Nope", "Bar"))
    assert wrong.status_code == 400


def test_same_content_is_deduplicated(client):
    publish(client, "Foo", "1", "Bar", "x")
    publish(client, "Foo", "2", "Bar", "x")
    one = client.get("/pacts/provider/Bar/consumer/Foo/version/1").json()["_links"][
        "pb:pact-version"
    ]["href"]
    two = client.get("/pacts/provider/Bar/consumer/Foo/version/2").json()["_links"][
        "pb:pact-version"
    ]["href"]
    assert one == two
    assert client.get("/metrics").json()["pactVersions"]["count"] == 1


def test_pact_document_links_and_ids(client):
    publish(client, "Foo", "1", "Bar", "x")
    response = client.get("/pacts/provider/Bar/consumer/Foo/latest")
    assert response.headers["x-pact-consumer-version"] == "1"
    doc = response.json()
    assert next(iter(doc["interactions"][0])) == "_id"
    for rel in (
        "self",
        "pb:consumer",
        "pb:consumer-version",
        "pb:provider",
        "pb:pact-version",
        "pb:latest-pact-version",
        "pb:all-pact-versions",
        "pb:publish-verification-results",
        "pb:diff",
        "pb:tag-version",
        "pb:latest-verification-results",
    ):
        assert rel in doc["_links"], rel
    assert "createdAt" in doc


def test_pact_lists(client):
    publish(client, "Foo", "1", "Bar", "x", tags=["prod"], branch="main")
    publish(client, "Foo", "2", "Bar", "y", branch="feat/x")
    publish(client, "Baz", "1", "Bar", "z")
    latest = client.get("/pacts/latest").json()
    assert len(latest["pacts"]) == 2
    assert latest["pacts"][0]["_embedded"]["consumer"]["_embedded"]["version"]["number"] in (
        "1",
        "2",
    )
    provider = client.get("/pacts/provider/Bar/latest").json()["_links"]
    assert {p["name"] for p in provider["pb:pacts"]} == {"Foo", "Baz"} and provider["pacts"]
    tagged = client.get("/pacts/provider/Bar/latest/prod").json()["_links"]["pb:pacts"]
    assert [p["href"] for p in tagged] == [
        "http://broker/pacts/provider/Bar/consumer/Foo/version/1"
    ]
    assert (
        client.get("/pacts/provider/Bar/consumer/Foo/latest/prod").json()["interactions"][0][
            "description"
        ]
        == "x"
    )
    assert client.get("/pacts/provider/Bar/consumer/Foo/branch/feat%2Fx/latest").status_code == 200
    versions = client.get("/pacts/provider/Bar/consumer/Foo/versions").json()
    assert [p["name"] for p in versions["_links"]["pb:pact-versions"]] == ["Foo", "Foo"]
    assert (
        client.get("/pacts/provider/Bar/consumer/Foo/version/2/previous-distinct").status_code
        == 200
    )
    assert client.get("/pacts/provider/Nope/consumer/Foo/latest").status_code == 404
    assert (
        client.get("/integrations").json()["_embedded"]["integrations"][0]["consumer"]["name"]
        == "Baz"
    )


def test_near_duplicate_pacticipant_name_is_409(client):
    publish(client, "Foo", "1", "PricingService")
    body = publish_body("Foo", "2", [pact("Foo", "pricing-services")])
    response = client.post("/contracts/publish", json=body)
    assert response.status_code == 409
    assert (
        "very similar to the following existing pacticipants:\n* PricingService"
        in response.json()["notices"][0]["text"]
    )
    assert client.get("/pacticipants/pricing-services").status_code == 404
    # an existing name is never a duplicate of itself, and the check can be switched off
    publish(client, "Foo", "3", "PricingService")


def test_duplicate_check_can_be_disabled(make_client):
    client = make_client(check_for_potential_duplicate_pacticipant_names=False)
    publish(client, "Foo", "1", "Pricing")
    publish(client, "Foo", "2", "Pricing Service")


def test_problem_json_errors_on_request(client):
    body = publish_body("Foo", "1", [pact()])
    del body["pacticipantVersionNumber"]
    response = client.post(
        "/contracts/publish", json=body, headers={"Accept": "application/problem+json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Validation errors"
    assert "pacticipantVersionNumber is missing" in problem["detail"]


def test_provider_states_and_diffs(client):
    doc = pact("Foo", "Bar", "x")
    doc["interactions"][0]["providerState"] = "a thing exists"
    client.put("/pacts/provider/Bar/consumer/Foo/version/1", json=doc)
    doc2 = pact("Foo", "Bar", "y")
    doc2["interactions"][0]["providerStates"] = [{"name": "a thing exists", "params": {"id": 1}}]
    client.put("/pacts/provider/Bar/consumer/Foo/version/2", json=doc2)
    states = client.get("/pacts/provider/Bar/provider-states").json()["providerStates"]
    assert states == [{"name": "a thing exists", "consumers": ["Foo"], "params": {"id": 1}}]
    diff = client.get("/pacts/provider/Bar/consumer/Foo/version/2/diff/previous-distinct")
    assert diff.status_code == 200 and '-      "description": "x"' in diff.text
    assert (
        client.get("/pacts/provider/Bar/consumer/Foo/version/2/diff/version/1").status_code == 200
    )


# -- the official texts for each outcome (pact_broker contracts/service.rb, locale/en.yml) --------


def _texts(response):
    assert response.status_code == 200, response.text
    return [(n["type"], n["text"]) for n in response.json()["notices"]]


VERIFY_STEP = (
    "prompt",
    "    * Add Pact verification tests to the Bar build. See https://docs.pact.io/go/provider_verification",
)
WEBHOOK_STEP = (
    "prompt",
    "    * Configure separate Bar pact verification build and webhook to trigger it when the pact content changes. See https://docs.pact.io/go/webhooks",
)


def test_publication_notices_for_new_unchanged_changed_and_merged_content(make_client):
    client = make_client(allow_dangerous_contract_modification=True)
    url = "  View the published pact at http://broker/pacts/provider/Bar/consumer/Foo/version/1"
    new = _texts(
        client.post(
            "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "x")], "main")
        )
    )
    assert new == [
        ("debug", "Created Foo version 1 with branch main"),
        ("success", "Pact successfully published for Foo version 1 and provider Bar."),
        ("debug", url),
        (
            "debug",
            "  Events detected: contract_published, contract_content_changed (first time untagged pact published)",
        ),
        ("prompt", "  Next steps:"),
        VERIFY_STEP,
        WEBHOOK_STEP,
    ]
    same = _texts(
        client.post(
            "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "x")], "main")
        )
    )
    assert same[1:4] == [
        (
            "success",
            "Pact successfully republished for Foo version 1 and provider Bar with no content changes.",
        ),
        ("debug", url),
        (
            "debug",
            "  Events detected: contract_published",
        ),
    ]
    changed = _texts(
        client.post(
            "/contracts/publish", json=publish_body("Foo", "1", [pact("Foo", "Bar", "y")], "main")
        )
    )
    assert changed[1] == (
        "warning",
        "Pact with changed content published over existing content for Foo version 1 and provider Bar. This is not recommended in normal circumstances and may indicate that you have not configured your Pact pipeline correctly. For more information see https://docs.pact.io/go/versioning",
    )
    assert changed[3] == (
        "debug",
        "  Events detected: contract_published, contract_content_changed (pact content modified since previous publication for Foo version 1)",
    )
    merged = _texts(
        client.post(
            "/contracts/publish",
            json=publish_body("Foo", "1", [pact("Foo", "Bar", "z")], "main", on_conflict="merge"),
        )
    )
    assert merged[1] == (
        "success",
        "Pact content merged with existing content for Foo version 1 and provider Bar.",
    )


def test_publication_events_for_tags_and_versions_with_the_same_content(client):
    publish(client, "Foo", "1", "Bar", "x", branch="main", tags=["prod"])
    body = publish(client, "Foo", "2", "Bar", "x", branch="main", tags=["prod"])
    assert (
        "debug",
        "  Events detected: contract_published (pact content is the same as previous version with tag prod and no new tags were applied)",
    ) in [(n["type"], n["text"]) for n in body["notices"]]
    body = publish(client, "Foo", "3", "Bar", "y", branch="main", tags=["prod"])
    assert (
        "  Events detected: contract_published, contract_content_changed (pact content has changed since the last consumer version tagged with prod)"
        in [n["text"] for n in body["notices"]]
    )
    body = publish(client, "Foo", "4", "Bar", "z", branch="main")
    assert (
        "  Events detected: contract_published, contract_content_changed (first time untagged pact published)"
        in [n["text"] for n in body["notices"]]
    )
    body = publish(client, "Foo", "5", "Bar", "w", branch="main")
    assert (
        "  Events detected: contract_published, contract_content_changed (pact content has changed since previous untagged version)"
        in [n["text"] for n in body["notices"]]
    )


def test_next_steps_and_requiring_verification_follow_the_official_conditions(client):
    from .helpers import create_environment, deploy, verify

    publish(client, "Foo", "1", "Bar", "x", branch="main")
    verify(client, "Foo", "1", "Bar", "b1", branch="main")
    body = publish(client, "Foo", "2", "Bar", "y", branch="main")
    texts = [(n["type"], n["text"]) for n in body["notices"]]
    # Bar's main branch head b1 has not verified the new content
    assert (
        "debug",
        "  Events detected: contract_published, contract_requiring_verification_published, contract_content_changed (pact content has changed since previous untagged version)",
    ) in texts
    # a verification exists, so only the webhook step is left
    assert texts[-2:] == [("prompt", "  Next steps:"), WEBHOOK_STEP]
    verify(client, "Foo", "2", "Bar", "b2", branch="main")
    env = create_environment(client)
    deploy(client, "Bar", "b2", env)
    hook = {
        "events": [{"name": "contract_content_changed"}],
        "request": {"method": "POST", "url": "https://example.org/hook"},
    }
    assert client.post("/webhooks", json=hook).status_code == 201
    body = publish(client, "Foo", "2", "Bar", "y", branch="main")
    texts = [(n["type"], n["text"]) for n in body["notices"]]
    assert texts[-2:] == [
        (
            "debug",
            "  Events detected: contract_published",
        ),
        ("debug", "  No enabled webhooks found for the detected events"),
    ]
