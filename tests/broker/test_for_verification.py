"""Pacts for verification: selectors, merging, pending and WIP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from .helpers import create_environment, deploy, publish, verify

URL = "/pacts/provider/Bar/for-verification"


def pacts(client, **body):
    response = client.post(URL, json=body)
    assert response.status_code == 200, response.text
    return response.json()["_embedded"]["pacts"]


def versions_of(items):
    return [i["_links"]["self"]["name"] for i in items]


def test_get_without_parameters_is_cheap_and_has_self(client):
    publish(client, "Foo", "1", "Bar")
    body = client.get(URL).json()
    assert body["_links"]["self"]["href"] == "http://broker" + URL
    assert client.get("/pacts/provider/Nope/for-verification").status_code == 404
    # the POST, and a consumer that is no provider, are not found either
    assert client.post("/pacts/provider/Nope/for-verification", json={}).status_code == 404
    assert client.post("/pacts/provider/Foo/for-verification", json={}).json()["_embedded"] == {
        "pacts": []
    }


def test_main_branch_selector_uses_the_head_version(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    publish(client, "Foo", "2", "Bar", "b", branch="main")
    publish(client, "Foo", "3", "Bar", "c", branch="feat")
    items = pacts(client, consumerVersionSelectors=[{"mainBranch": True}])
    assert versions_of(items) == ["Pact between Foo (2) and Bar"]
    assert items[0]["shortDescription"] == "latest from main branch"
    assert "pending" not in items[0]["verificationProperties"]
    assert items[0]["verificationProperties"]["notices"][0]["text"].endswith(
        "latest version from the main branch 'main' (2)"
    )
    # head without a pact for this provider gives nothing
    publish(client, "Foo", "4", "Other", branch="main")
    assert pacts(client, consumerVersionSelectors=[{"mainBranch": True}]) == []


def test_branch_tag_latest_and_consumer_selectors(client):
    publish(client, "Foo", "1", "Bar", "a", branch="feat/x", tags=["prod"])
    publish(client, "Foo", "2", "Bar", "b", branch="main", tags=["prod"])
    publish(client, "Baz", "1", "Bar", "c", branch="main")
    assert versions_of(pacts(client, consumerVersionSelectors=[{"branch": "feat/x"}])) == [
        "Pact between Foo (1) and Bar"
    ]
    assert len(pacts(client, consumerVersionSelectors=[{"tag": "prod"}])) == 2
    latest_prod = pacts(client, consumerVersionSelectors=[{"tag": "prod", "latest": True}])
    assert versions_of(latest_prod) == ["Pact between Foo (2) and Bar"]
    assert latest_prod[0]["shortDescription"] == "latest with tag prod"
    fallback = pacts(
        client, consumerVersionSelectors=[{"tag": "nope", "latest": True, "fallbackTag": "prod"}]
    )
    assert versions_of(fallback) == ["Pact between Foo (2) and Bar"]
    assert len(pacts(client, consumerVersionSelectors=[{"latest": True}])) == 2
    only_baz = pacts(client, consumerVersionSelectors=[{"latest": True, "consumer": "Baz"}])
    assert versions_of(only_baz) == ["Pact between Baz (1) and Bar"]
    matching = pacts(
        client, consumerVersionSelectors=[{"matchingBranch": True}], providerVersionBranch="feat/x"
    )
    assert versions_of(matching) == ["Pact between Foo (1) and Bar"]


def test_same_content_is_merged_with_every_selector(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["prod"])
    items = pacts(
        client, consumerVersionSelectors=[{"mainBranch": True}, {"tag": "prod", "latest": True}]
    )
    assert len(items) == 1
    assert items[0]["shortDescription"] == "latest from main branch, latest with tag prod"


def test_deployed_and_released_selectors(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar", "a")
    publish(client, "Foo", "2", "Bar", "b")
    deploy(client, "Foo", "1", env)
    items = pacts(client, consumerVersionSelectors=[{"deployedOrReleased": True}])
    assert versions_of(items) == ["Pact between Foo (1) and Bar"]
    assert items[0]["shortDescription"] == "deployed to production"
    assert pacts(client, consumerVersionSelectors=[{"released": True}]) == []
    client.post(
        f"/pacticipants/Foo/versions/2/released-versions/environment/{env['uuid']}", json={}
    )
    assert len(pacts(client, consumerVersionSelectors=[{"environment": "production"}])) == 2


def test_default_selectors_without_any(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    publish(client, "Foo", "2", "Bar", "b", branch="feat")
    publish(client, "Baz", "1", "Bar", "c")
    publish(client, "Baz", "2", "Bar", "d")
    items = pacts(client, consumerVersionSelectors=[])
    assert sorted(versions_of(items)) == [
        "Pact between Baz (2) and Bar",
        "Pact between Foo (1) and Bar",
    ]


def test_pending_by_branch(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    }
    first = pacts(client, **body)[0]["verificationProperties"]
    assert first["pending"] is True
    whens = [n["when"] for n in first["notices"]]
    assert whens[:2] == ["before_verification", "before_verification"]
    assert "after_verification:success_true_published_true" in whens
    verify(client, "Foo", "1", "Bar", "p1", success=False, branch="main")
    assert pacts(client, **body)[0]["verificationProperties"]["pending"] is True
    verify(client, "Foo", "1", "Bar", "p2", success=True, branch="main")
    props = pacts(client, **body)[0]["verificationProperties"]
    assert props["pending"] is False
    assert (
        "previously been successfully verified by a version of Bar from branch 'main'"
        in props["notices"][1]["text"]
    )
    # a new provider branch created after that verification is also not pending
    assert (
        pacts(client, **{**body, "providerVersionBranch": "feat-new"})[0]["verificationProperties"][
            "pending"
        ]
        is False
    )


def test_pending_by_tags_and_without_either(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    tagged = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionTags": ["dev"],
        "includePendingStatus": True,
    }
    assert pacts(client, **tagged)[0]["verificationProperties"]["pending"] is True
    verify(client, "Foo", "1", "Bar", "p1", tags=["dev"])
    assert pacts(client, **tagged)[0]["verificationProperties"]["pending"] is False
    plain = {"consumerVersionSelectors": [{"mainBranch": True}], "includePendingStatus": True}
    assert pacts(client, **plain)[0]["verificationProperties"]["pending"] is False


def test_wip_pacts(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    publish(client, "Foo", "2", "Bar", "b", branch="feat-1")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2000-01-01",
    }
    items = pacts(client, **body)
    assert versions_of(items) == ["Pact between Foo (1) and Bar", "Pact between Foo (2) and Bar"]
    wip = items[1]["verificationProperties"]
    assert wip["wip"] is True and wip["pending"] is True
    assert "work in progress" in wip["notices"][0]["text"]
    assert "wip" not in items[0]["verificationProperties"]
    # no provider branch or tags: no WIP pacts
    assert (
        len(
            pacts(
                client,
                consumerVersionSelectors=[{"mainBranch": True}],
                includeWipPactsSince="2000-01-01",
            )
        )
        == 1
    )
    # once verified on the provider branch (outside WIP), it is no longer WIP
    verify(client, "Foo", "2", "Bar", "p1", branch="main")
    assert len(pacts(client, **body)) == 1
    # published after the date only
    assert (
        len(
            pacts(
                client,
                **{**body, "includeWipPactsSince": "2999-01-01", "providerVersionBranch": "other"},
            )
        )
        == 1
    )


def test_wip_pacts_left_out_only_when_verified_successfully_on_the_provider_branch(client):
    """The heads statement leaves verified contents out in SQL: exactly those that the
    pending rules count as verified by the provider branch outside WIP mode."""
    publish(client, "Foo", "1", "Bar", "a", branch="feat-1")
    publish(client, "Foo", "2", "Bar", "b", branch="feat-2", tags=["t"])
    publish(client, "Foo", "3", "Bar", "c", branch="feat-3")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2000-01-01",
    }
    verify(client, "Foo", "1", "Bar", "p1", branch="main")  # on the branch: not WIP
    verify(client, "Foo", "2", "Bar", "p2", branch="other")  # another branch: still WIP
    verify(client, "Foo", "3", "Bar", "p3", success=False, branch="main")  # failed: still WIP
    assert versions_of(pacts(client, **body)) == [
        "Pact between Foo (2) and Bar",
        "Pact between Foo (3) and Bar",
    ]
    # a provider branch that does not exist: any successful verification counts
    assert versions_of(pacts(client, **{**body, "providerVersionBranch": "new"})) == [
        "Pact between Foo (3) and Bar"
    ]


def test_wip_verification_is_recorded_as_wip(client):
    publish(client, "Foo", "2", "Bar", "b", branch="feat-1")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2000-01-01",
    }
    item = pacts(client, **body)[0]
    doc = client.get(item["_links"]["self"]["href"]).json()
    client.put("/pacticipants/Bar/branches/main/versions/p1", json={})
    assert (
        client.post(
            doc["_links"]["pb:publish-verification-results"]["href"],
            json={"success": True, "providerApplicationVersion": "p1"},
        ).status_code
        == 201
    )
    # a WIP verification does not take it out of WIP
    assert len(pacts(client, **body)) == 1


def test_validation(client):
    publish(client, "Foo", "1", "Bar")
    bad = client.post(URL, json={"consumerVersionSelectors": [{"mainBranch": True, "tag": "x"}]})
    assert bad.status_code == 400
    assert bad.json()["errors"]["consumerVersionSelectors"]
    assert (
        client.post(URL, json={"consumerVersionSelectors": [{"matchingBranch": True}]}).status_code
        == 400
    )
    assert client.post(URL, json={"includePendingStatus": "yes"}).status_code == 400
    assert client.post(URL, json={"includeWipPactsSince": "not a date"}).status_code == 400
    assert (
        client.post(
            URL, json={"consumerVersionSelectors": [{"deployed": True, "tag": "x"}]}
        ).status_code
        == 400
    )


def test_deprecated_get_form(client):
    publish(client, "Foo", "1", "Bar", tags=["prod"])
    body = client.get(
        URL + "?consumer_version_selectors[][tag]=prod&consumer_version_selectors[][latest]=true"
    ).json()
    assert len(body["_embedded"]["pacts"]) == 1
    assert (
        "deprecated"
        in body["_embedded"]["pacts"][0]["verificationProperties"]["notices"][0]["text"]
    )


# -- the inclusion reason lists the selectors as the official VerifiablePactMessages does -------


def _reason(item):
    text = item["verificationProperties"]["notices"][0]["text"]
    return text.split(":\n", 1)[1].splitlines()


def test_inclusion_reason_groups_and_orders_the_selectors(client):
    prod = create_environment(client, "production")
    test = create_environment(client, "test", production=False)
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["prod"])
    deploy(client, "Foo", "1", prod)
    deploy(client, "Foo", "1", test)
    selectors = [
        {"deployed": True},
        {"tag": "prod", "latest": True},
        {"mainBranch": True},
        {"branch": "main"},
        {"latest": True},
        {"environment": "production"},
        {"tag": "prod"},
    ]
    [item] = pacts(client, consumerVersionSelectors=selectors)
    text = item["verificationProperties"]["notices"][0]["text"]
    assert "the consumer versions matching the following criteria:\n" in text
    assert _reason(item) == [
        "    * latest version of a consumer that has a pact with Bar (1)",
        "    * latest version from branch 'main' (1)",
        "    * latest version tagged 'prod' (1)",
        "    * all consumer versions tagged 'prod' (1)",
        # non-production environments first, both on one line
        "    * consumer version(s) currently deployed to test (1) and production (1)",
        "    * latest version from the main branch 'main' (1)",
        "    * a consumer version in environment production (1)",
    ]


def test_inclusion_reason_for_a_named_consumer_and_a_fallback_branch(client):
    env = create_environment(client, "production")
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    deploy(client, "Foo", "1", env)
    [item] = pacts(
        client,
        consumerVersionSelectors=[
            {"consumer": "Foo", "environment": "production"},
            {"consumer": "Foo", "deployed": True},
            {"branch": "feat", "fallbackBranch": "main"},
        ],
    )
    assert _reason(item) == [
        "    * latest version from branch 'main' (fallback branch used as no pact was found from"
        " branch 'feat') (1)",
        "    * version(s) of Foo currently deployed to production (1)",
        "    * Foo version in environment production (1)",
    ]
    assert "latest from branch main" in item["shortDescription"].split(", ")


def test_a_wip_pact_on_two_branches_says_both_have_the_same_content(client):
    publish(client, "Foo", "1", "Bar", "a", branch="main")
    publish(client, "Foo", "2", "Bar", "b", branch="feat-1")
    publish(client, "Foo", "3", "Bar", "b", branch="feat-2")
    items = pacts(
        client,
        consumerVersionSelectors=[{"mainBranch": True}],
        providerVersionBranch="main",
        includePendingStatus=True,
        includeWipPactsSince="2000-01-01",
    )
    text = items[1]["verificationProperties"]["notices"][0]["text"]
    assert (
        "it is the pact for the latest versions of Foo from branches 'feat-1' and 'feat-2'"
        " (both have the same content) and it has not yet been successfully verified by a version"
        " of Bar from branch 'main'" in text
    ), text


def test_wip_since_is_compared_as_an_instant_whatever_its_offset(client):
    """The date is compared in the database as a point in time: a time 30 minutes before
    the publication written at +05:00 (which reads later than the UTC clock) includes the
    pact, and 30 minutes after it written at -05:00 (which reads earlier) leaves it out."""
    publish(client, "Foo", "2", "Bar", "b", branch="feat-1")
    published = datetime.now(UTC)
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    }

    def since(delta: timedelta, hours: int) -> str:
        return (published + delta).astimezone(timezone(timedelta(hours=hours))).isoformat()

    before = pacts(client, **body, includeWipPactsSince=since(timedelta(minutes=-30), 5))
    assert versions_of(before) == ["Pact between Foo (2) and Bar"]
    assert before[0]["verificationProperties"]["wip"] is True
    assert pacts(client, **body, includeWipPactsSince=since(timedelta(minutes=30), -5)) == []


def test_the_body_is_compact_json_with_shared_notices_written_in_full(client):
    """The body is written from pieces (shared pending notices encoded once): it is exactly
    the compact JSON of the document it holds, and every pact has its notices in full."""
    import json

    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["prod"])
    publish(client, "Foo", "2", "Bar", "b", branch="feat")
    publish(client, "Baz", "1", "Bar", "é \"quoted\"\n", branch="main")
    verify(client, "Baz", "1", "Bar", "p1", branch="main")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
        "includeWipPactsSince": "2020-01-01",
    }
    get = URL + (
        "?consumer_version_selectors[][tag]=prod&consumer_version_selectors[][latest]=true"
        "&provider_version_tags[]=main&include_pending_status=true"
    )
    for response in (client.post(URL, json=body), client.post(URL, json={}), client.get(get)):
        assert response.status_code == 200, response.text
        document = response.json()
        compact = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        assert response.content == compact.encode()
        for item in document["_embedded"]["pacts"]:
            assert item["verificationProperties"]["notices"][0]["when"] == "before_verification"
    items = client.post(URL, json=body).json()["_embedded"]["pacts"]
    states = {(i["verificationProperties"]["pending"], i["verificationProperties"].get("wip"))
              for i in items}
    assert states == {(True, None), (False, None), (True, True)}
    pending = [i for i in items if i["verificationProperties"]["pending"]]
    assert all(len(i["verificationProperties"]["notices"]) == 6 for i in pending)


def test_pending_with_selectors_judged_in_their_statements_and_others(client):
    """Main-branch and deployment selectors judge pending in their own statements; a tag
    selector's pacts are judged apart; both agree on a content they share."""
    publish(client, "Foo", "1", "Bar", "a", branch="main", tags=["prod"])
    publish(client, "Baz", "1", "Bar", "b", branch="dev", tags=["prod"])
    publish(client, "Qux", "1", "Bar", "c", branch="main")
    verify(client, "Foo", "1", "Bar", "p1", branch="main")
    verify(client, "Baz", "1", "Bar", "p2", branch="other")
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}, {"tag": "prod"}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    }
    found = {
        item["_links"]["self"]["name"]: item["verificationProperties"]["pending"]
        for item in pacts(client, **body)
    }
    assert found == {
        "Pact between Foo (1) and Bar": False,  # both selectors, verified on main
        "Pact between Baz (1) and Bar": True,  # the tag only, verified on another branch
        "Pact between Qux (1) and Bar": True,  # main branch, never verified
    }
