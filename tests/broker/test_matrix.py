# ruff: noqa: E501  (official reason texts are compared verbatim)
"""The matrix and can-i-deploy."""

from __future__ import annotations

from .helpers import create_environment, deploy, publish, verify


def matrix(client, query):
    response = client.get("/matrix?" + query)
    assert response.status_code == 200, response.text
    return response.json()


def test_two_versions_verified(client):
    publish(client, "Foo", "1.2.3", "Bar")
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6")
    body = matrix(
        client,
        "q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=4.5.6&latestby=cvpv",
    )
    assert body["summary"] == {
        "deployable": True,
        "reason": "All required verification results are published and successful",
        "success": 1,
        "failed": 0,
        "unknown": 0,
    }
    row = body["matrix"][0]
    assert (
        row["consumer"]["version"]["number"] == "1.2.3"
        and row["provider"]["version"]["number"] == "4.5.6"
    )
    assert row["verificationResult"]["success"] is True and row["pact"]["createdAt"]
    assert body["notices"] == [
        {
            "type": "success",
            "text": "All required verification results are published and successful",
        }
    ]


def test_unknown_pacticipant_is_400_with_list_of_errors(client):
    response = client.get(
        "/matrix?q[][pacticipant]=Wiffle&q[][version]=1.2.3&q[][pacticipant]=Meep&q[][version]=9.9.9&latestby=cvpv"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "Pacticipant Wiffle not found",
        "Pacticipant Meep not found",
    ]


def test_unknown_version_is_not_deployable(client):
    publish(client, "Foo", "1.2.3", "Bar")
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6")
    body = matrix(
        client,
        "q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][version]=9.9.9&latestby=cvpv",
    )
    assert body["summary"]["deployable"] is False
    assert "9.9.9" in body["summary"]["reason"]


def test_only_consumer_version_with_latest_uses_latest_provider(client):
    publish(client, "Foo", "1.2.3", "Bar")
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6", success=False)
    verify(client, "Foo", "1.2.3", "Bar", "5.6.7", success=True)
    body = matrix(client, "q[][pacticipant]=Foo&q[][version]=1.2.3&latestby=cvp&latest=true")
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["5.6.7"]
    assert body["summary"]["deployable"] is True
    assert body["summary"]["reason"].startswith(
        "WARN: It is recommended to specify the environment"
    )


def test_latest_tagged_provider(client):
    publish(client, "Foo", "1.2.3", "Bar")
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6", tags=["prod"])
    verify(client, "Foo", "1.2.3", "Bar", "5.6.7", success=False)
    body = matrix(
        client, "q[][pacticipant]=Foo&q[][version]=1.2.3&latestby=cvp&latest=true&tag=prod"
    )
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["4.5.6"]
    assert body["summary"]["deployable"] is True
    explicit = matrix(
        client,
        "q[][pacticipant]=Foo&q[][version]=1.2.3&q[][pacticipant]=Bar&q[][latest]=true&q[][tag]=prod&latestby=cvpv",
    )
    assert explicit["summary"]["deployable"] is True


def test_failed_verification_says_no(client):
    publish(client, "Foo", "1.2.4", "Bar")
    verify(client, "Foo", "1.2.4", "Bar", "9.9.9", success=False)
    body = matrix(
        client,
        "q[][pacticipant]=Foo&q[][version]=1.2.4&q[][pacticipant]=Bar&q[][latest]=true&latestby=cvpv",
    )
    assert body["summary"]["deployable"] is False
    assert body["summary"]["failed"] == 1
    assert (
        "The verification for the pact between version 1.2.4 of Foo and the latest version of Bar (9.9.9) failed"
        in body["summary"]["reason"]
    )


def test_all_versions_and_success_filter(client):
    publish(client, "Foo", "1.2.3", "Bar", "a")
    publish(client, "Foo", "1.2.4", "Bar", "b")
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6")
    verify(client, "Foo", "1.2.4", "Bar", "9.9.9", success=False)
    body = matrix(client, "q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv")
    assert len(body["matrix"]) == 2
    ok = matrix(client, "q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv&success[]=true")
    assert [r["verificationResult"]["success"] for r in ok["matrix"]] == [True]


def test_ignore(client):
    publish(client, "Foo", "1.2.3", "Bar", "a", tags=["prod"])
    publish(client, "Foo", "3.4.5", "Bar", "b", tags=["prod"])
    verify(client, "Foo", "1.2.3", "Bar", "4.5.6")
    verify(client, "Foo", "3.4.5", "Bar", "4.5.6", success=False)
    base = (
        "q[][pacticipant]=Bar&q[][version]=4.5.6&q[][pacticipant]=Foo&q[][tag]=prod&latestby=cvpv"
    )
    assert matrix(client, base)["summary"]["deployable"] is False
    body = matrix(client, base + "&ignore[][pacticipant]=Foo&ignore[][version]=3.4.5")
    assert body["summary"]["deployable"] is True and body["summary"]["ignored"] == 1
    ignored = {r["consumer"]["version"]["number"]: r.get("ignored", False) for r in body["matrix"]}
    assert ignored == {"1.2.3": False, "3.4.5": True}


def test_can_i_deploy_to_environment(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar")
    publish(client, "Foo", "1", "Baz")
    no_provider = client.get(
        "/can-i-deploy?pacticipant=Foo&version=1&environment=production"
    ).json()["summary"]
    assert no_provider["deployable"] is None and no_provider["unknown"] == 2
    assert (
        "a version of Bar currently in production (no version is currently recorded as deployed/released in this environment)"
        in no_provider["reason"]
    )
    verify(client, "Foo", "1", "Bar", "b1")
    client.put("/pacticipants/Baz/versions/z1", json={})
    deploy(client, "Bar", "b1", env)
    deploy(client, "Baz", "z1", env)
    summary = client.get("/can-i-deploy?pacticipant=Foo&version=1&environment=production").json()[
        "summary"
    ]
    assert summary["deployable"] is None and summary["success"] == 1 and summary["unknown"] == 1
    ignored = matrix(
        client,
        "q[][pacticipant]=Foo&q[][version]=1&latestby=cvpv&environment=production&ignore[][pacticipant]=Baz",
    )
    assert ignored["summary"]["deployable"] is True and ignored["summary"]["ignored"] == 1
    verify(client, "Foo", "1", "Baz", "z1")
    assert (
        client.get("/can-i-deploy?pacticipant=Foo&version=1&environment=production").json()[
            "summary"
        ]["deployable"]
        is True
    )


def test_provider_can_i_deploy_checks_deployed_consumers(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar")
    deploy(client, "Foo", "1", env)
    client.put("/pacticipants/Bar/versions/b2", json={})
    summary = matrix(
        client, "q[][pacticipant]=Bar&q[][version]=b2&latestby=cvpv&environment=production"
    )["summary"]
    assert summary["deployable"] is None
    verify(client, "Foo", "1", "Bar", "b2")
    assert (
        matrix(client, "q[][pacticipant]=Bar&q[][version]=b2&latestby=cvpv&environment=production")[
            "summary"
        ]["deployable"]
        is True
    )


def test_can_i_merge_main_branch(client):
    client.post("/pacticipants", json={"name": "Bar", "mainBranch": "main"})
    publish(client, "Foo", "2", "Bar")
    summary = matrix(
        client, "q[][pacticipant]=Foo&q[][version]=2&latestby=cvp&latest=true&mainBranch=true"
    )["summary"]
    assert (
        summary["reason"]
        == "There is no verified pact between version 2 of Foo and the latest version of Bar from the main branch (no versions exist for this branch)"
    )
    verify(client, "Foo", "2", "Bar", "m1", branch="main")
    assert (
        matrix(
            client, "q[][pacticipant]=Foo&q[][version]=2&latestby=cvp&latest=true&mainBranch=true"
        )["summary"]["deployable"]
        is True
    )


def test_can_i_deploy_validation(client):
    response = client.get("/can-i-deploy?pacticipant=Foo")
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "version": ["is missing"],
        "pacticipant": ["does not match an existing pacticipant"],
        "base": ["Must specify either an environment or a 'to' tag."],
    }
    publish(client, "Foo", "1", "Bar")
    nope = client.get("/can-i-deploy?pacticipant=Foo&version=1&environment=nope")
    assert nope.status_code == 400
    assert nope.json()["errors"] == {"environment": ["with name 'nope' does not exist"]}
    both = client.get("/can-i-deploy?pacticipant=Foo&version=1&environment=nope&to=prod").json()
    assert "Cannot specify both a 'to' tag and an environment." in both["errors"]["base"]


def test_text_plain_matrix(client):
    publish(client, "Foo", "1", "Bar")
    verify(client, "Foo", "1", "Bar", "2")
    response = client.get(
        "/matrix?q[][pacticipant]=Foo&q[][version]=1&latestby=cvp&latest=true",
        headers={"Accept": "text/plain"},
    )
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text.startswith("CONSUMER | C_VERSION | REVISION | PROVIDER | P_VERSION")
    assert "\nFoo      | 1         | 1        | Bar      | 2         | 1      | true   \n" in (
        response.text
    )
    assert "\n\nDeployable: true\nReason: WARN: It is recommended" in response.text


def test_badges(client):
    publish(client, "Foo", "1", "Bar")
    badge = client.get("/pacts/provider/Bar/consumer/Foo/latest/badge.svg")
    assert badge.headers["content-type"].startswith("image/svg+xml") and "unknown" in badge.text
    verify(client, "Foo", "1", "Bar", "p1")
    assert "verified" in client.get("/pacts/provider/Bar/consumer/Foo/latest/badge").text


def test_no_dependencies(client):
    client.put("/pacticipants/Lonely/versions/1", json={})
    summary = matrix(client, "q[][pacticipant]=Lonely&q[][version]=1&latestby=cvp&latest=true")[
        "summary"
    ]
    assert summary["deployable"] is True
    assert summary["reason"].endswith("There are no missing dependencies")


def test_tag_to_tag_and_branch_to_environment_urls(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar", tags=["dev"], branch="main")
    verify(client, "Foo", "1", "Bar", "b1", tags=["prod"])
    deploy(client, "Bar", "b1", env)
    body = client.get("/pacticipants/Foo/latest-version/dev/can-i-deploy/to/prod").json()
    assert body["summary"]["deployable"] is True
    assert body["summary"]["reason"].startswith(
        "WARN: It is recommended to specify the version number"
    )
    by_branch = client.get(
        "/pacticipants/Foo/branches/main/latest-version/can-i-deploy/to-environment/production"
    )
    assert by_branch.json()["summary"]["deployable"] is True


# -- a specified selector that matches no version is a "no" (pact_broker ResolvedSelector) ------


def _no(client, query):
    body = matrix(client, query)
    assert body["summary"]["deployable"] is False, body["summary"]
    return body


def test_selectors_matching_nothing_say_no_with_the_official_reasons(client):
    create_environment(client)
    publish(client, "web", "w1", "api", branch="main", tags=["dev"])
    client.post("/pacticipants", json={"name": "svc"})
    env = "&latestby=cvpv&environment=production"
    warn = "WARN: It is recommended to specify the version number (rather than the tag or branch) of the pacticipant you wish to deploy to avoid race conditions. Without a version number, this result will not be reliable."
    cases = {
        "q[][pacticipant]=web&q[][latest]=true&q[][tag]=nosuchtag": "No version with tag nosuchtag exists for web",
        "q[][pacticipant]=web&q[][tag]=nosuchtag": "No version with tag nosuchtag exists for web",
        "q[][pacticipant]=web&q[][branch]=nosuchbranch": "No version of web from branch nosuchbranch exists",
        "q[][pacticipant]=web&q[][latest]=true&q[][branch]=nosuchbranch": "No version of web from branch nosuchbranch exists",
        "q[][pacticipant]=svc&q[][mainBranch]=true&q[][latest]=true": "No version of svc from the main branch exists",
        "q[][pacticipant]=api&q[][latest]=true": "No pacts or verifications have been published for api",
        "q[][pacticipant]=web&q[][environment]=production": "No version of web is currently recorded as deployed or released in environment production",
    }
    for selector, reason in cases.items():
        body = _no(client, selector + env)
        assert body["summary"]["reason"] == warn + "\n" + reason, selector
        assert body["notices"] == [
            {"type": "warning", "text": warn},
            {"type": "error", "text": reason},
        ]
        assert body["summary"]["unknown"] == 0 and body["matrix"] == []
    version = _no(client, "q[][pacticipant]=web&q[][version]=nosuchversion" + env)
    assert version["notices"] == [
        {
            "type": "error",
            "text": "No pacts or verifications have been published for version nosuchversion of web",
        }
    ]
    # the same through /can-i-deploy; the URL forms answer 404 for a version that does not exist
    cid = client.get("/can-i-deploy?pacticipant=web&version=nope&environment=production").json()
    assert cid["summary"]["deployable"] is False
    assert (
        client.get("/pacticipants/web/latest-version/nosuchtag/can-i-deploy/to/prod").status_code
        == 404
    )
    url = "/pacticipants/web/branches/{}/latest-version/can-i-deploy/to-environment/{}"
    assert client.get(url.format("nosuchbranch", "production")).status_code == 404
    assert client.get(url.format("main", "nosuchenv")).status_code == 404
    assert client.get(url.format("main", "production")).status_code == 200


def test_an_ignored_pacticipant_that_matches_nothing_is_not_a_no(client):
    publish(client, "web", "w1", "api")
    body = matrix(
        client,
        "q[][pacticipant]=web&q[][latest]=true&q[][tag]=nosuchtag&latestby=cvp&latest=true&ignore[][pacticipant]=web",
    )
    assert body["summary"]["deployable"] is True
    assert body["notices"][-1] == {"type": "success", "text": "There are no missing dependencies"}


def test_a_second_selector_matching_nothing_says_no(client):
    publish(client, "web", "w1", "api")
    verify(client, "web", "w1", "api", "a1")
    body = _no(
        client,
        "q[][pacticipant]=web&q[][version]=w1&q[][pacticipant]=api&q[][latest]=true&q[][tag]=prod&latestby=cvpv",
    )
    assert body["summary"]["reason"] == "No version with tag prod exists for api"


def test_versions_in_an_environment_are_described_one_by_one(client):
    env = create_environment(client)
    publish(client, "web", "w1", "api")
    verify(client, "web", "w1", "api", "a1")
    verify(client, "web", "w1", "api", "a2", success=False)
    deploy(client, "api", "a1", env, instance="blue")
    deploy(client, "api", "a2", env, instance="green")
    body = matrix(
        client, "q[][pacticipant]=web&q[][version]=w1&latestby=cvpv&environment=production"
    )
    assert body["summary"]["deployable"] is False
    assert body["summary"]["reason"] == (
        "The verification for the pact between version w1 of web and one of the versions of api currently in production (a2) failed"
    )
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["a2", "a1"]
    one = matrix(
        client,
        "q[][pacticipant]=web&q[][version]=w1&q[][pacticipant]=api&q[][environment]=production&latestby=cvpv&ignore[][pacticipant]=api&ignore[][version]=a1",
    )
    assert (
        "The verification for the pact between version w1 of web and one of the versions of api currently in production (a2) failed"
        in one["summary"]["reason"]
    )
    assert one["summary"]["ignored"] == 1 and one["matrix"][-1]["ignored"] is True


def test_branch_selectors_say_the_version_or_one_of_the_versions(client):
    create_environment(client)
    publish(client, "web", "w1", "api", branch="feat")
    body = matrix(
        client, "q[][pacticipant]=web&q[][branch]=feat&latestby=cvpv&environment=production"
    )
    assert body["summary"]["deployable"] is None
    assert (
        "between the version of web from branch feat (w1) and a version of api"
        in (body["summary"]["reason"])
    )
    publish(client, "web", "w2", "api", branch="feat")
    body = matrix(
        client, "q[][pacticipant]=web&q[][branch]=feat&latestby=cvpv&environment=production"
    )
    reasons = body["summary"]["reason"].splitlines()
    assert reasons[0].startswith("WARN: It is recommended to specify the version number")
    assert reasons[1].startswith(
        "There is no verified pact between one of the versions of web from branch feat (w2)"
    )
    assert reasons[2].startswith(
        "There is no verified pact between one of the versions of web from branch feat (w1)"
    )
    assert [n["type"] for n in body["notices"]] == ["warning", "error", "error"]


def test_ignore_selectors_that_do_not_exist_are_warnings(client):
    publish(client, "web", "w1", "api")
    verify(client, "web", "w1", "api", "a1")
    body = matrix(
        client,
        "q[][pacticipant]=web&q[][version]=w1&latestby=cvp&latest=true&ignore[][pacticipant]=nope&ignore[][pacticipant]=api&ignore[][version]=zz",
    )
    assert body["summary"]["deployable"] is True and body["summary"]["ignored"] == 0
    assert [n["text"] for n in body["notices"]] == [
        "WARN: Cannot ignore any version of nope (no such pacticipant exists)",
        "WARN: Cannot ignore version zz of api (no such version exists)",
        "WARN: It is recommended to specify the environment into which you are deploying. Without the environment, this result will not be reliable.",
        "All required verification results are published and successful",
    ]


def test_official_validation_messages(client):
    create_environment(client)
    publish(client, "web", "w1", "api")
    cases = {
        "q[][pacticipant]=web&q[][version]=w1&q[][latest]=true": "A version number and latest flag cannot both be specified for web",
        "q[][pacticipant]=web&q[][version]=w1&latest=true&environment=production": "Cannot specify both latest=true and an environment.",
        "q[][pacticipant]=web&q[][version]=w1&tag=prod&environment=production": "Cannot specify more than one of tag, environment and mainBranch.",
        "q[][pacticipant]=web&q[][version]=w1&ignore[][version]=1": "Please specify the pacticipant name to ignore",
    }
    for query, error in cases.items():
        response = client.get("/matrix?" + query)
        assert response.status_code == 400, query
        assert error in response.json()["errors"], response.json()
