"""Environments, deployments, releases."""

from __future__ import annotations

from .helpers import create_environment, deploy, publish


def test_environment_crud_and_named_links(client):
    env = create_environment(client, "test", production=False)
    assert env["name"] == "test" and env["production"] is False
    listing = client.get("/environments").json()
    assert listing["_links"]["pb:environments"] == [
        {"title": "Environment", "name": "test", "href": env["_links"]["self"]["href"]}
    ]
    assert client.get("/environments?name=nope").json()["_embedded"]["environments"] == []
    uuid = env["uuid"]
    updated = client.put(
        f"/environments/{uuid}", json={"name": "test", "displayName": "Test", "production": False}
    )
    assert updated.status_code == 200 and updated.json()["displayName"] == "Test"
    assert (
        client.post("/environments", json={"name": "test", "production": True}).status_code == 400
    )
    assert (
        client.post("/environments", json={"name": "has space", "production": True}).status_code
        == 400
    )
    assert client.post("/environments", json={"name": "x"}).json()["errors"]["production"]
    assert client.delete(f"/environments/{uuid}").status_code == 204
    assert client.get(f"/environments/{uuid}").status_code == 404


def test_record_deployment_replaces_previous_version_of_same_instance(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar")
    publish(client, "Foo", "2", "Bar", "other")
    version = client.get("/pacticipants/Foo/versions/1").json()
    assert version["_links"]["pb:record-deployment"][0]["name"] == "production"
    first = deploy(client, "Foo", "1", env)
    assert (
        first["currentlyDeployed"] is True
        and first["_embedded"]["environment"]["name"] == "production"
    )
    deploy(client, "Foo", "2", env)
    current = client.get(
        f"/environments/{env['uuid']}/deployed-versions/currently-deployed?pacticipant=Foo"
    ).json()
    assert [
        d["_embedded"]["version"]["number"] for d in current["_embedded"]["deployedVersions"]
    ] == ["2"]
    deploy(client, "Foo", "1", env, "blue")
    current = client.get(
        f"/environments/{env['uuid']}/deployed-versions/currently-deployed?pacticipant=Foo"
    ).json()
    assert sorted(
        d["_embedded"]["version"]["number"] for d in current["_embedded"]["deployedVersions"]
    ) == ["1", "2"]


def test_record_deployment_does_not_auto_create_versions(client):
    env = create_environment(client)
    response = client.post(
        f"/pacticipants/Foo/versions/9/deployed-versions/environment/{env['uuid']}", json={}
    )
    assert response.status_code == 404


def test_undeploy_with_merge_patch(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar")
    record = deploy(client, "Foo", "1", env, "customer-1")
    href = record["_links"]["self"]["href"]
    response = client.patch(
        href,
        json={"currentlyDeployed": False},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200
    assert response.json()["currentlyDeployed"] is False and response.json()["undeployedAt"]
    again = client.patch(
        href,
        json={"currentlyDeployed": True},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert again.status_code == 422
    current = client.get(
        f"/environments/{env['uuid']}/deployed-versions/currently-deployed?pacticipant=Foo"
    ).json()
    assert current["_embedded"]["deployedVersions"] == []


def test_release_and_support_ended(client):
    env = create_environment(client)
    publish(client, "Foo", "1", "Bar")
    href = f"/pacticipants/Foo/versions/1/released-versions/environment/{env['uuid']}"
    first = client.post(href, json={})
    assert first.status_code == 201 and first.json()["currentlySupported"] is True
    assert client.post(href, json={}).status_code == 200
    supported = client.get(
        f"/environments/{env['uuid']}/released-versions/currently-supported?pacticipant=Foo&version=1"
    ).json()
    record = supported["_embedded"]["releasedVersions"][0]
    ended = client.patch(
        record["_links"]["self"]["href"],
        json={"currentlySupported": False},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert ended.status_code == 200 and ended.json()["currentlySupported"] is False
    assert client.post(href, json={}).json()["currentlySupported"] is True


def test_tag_named_like_environment_records_deployment(client):
    env = create_environment(client, "prod")
    publish(client, "Foo", "1", "Bar")
    client.put("/pacticipants/Foo/versions/1/tags/prod", json={})
    current = client.get(f"/environments/{env['uuid']}/deployed-versions/currently-deployed").json()
    assert len(current["_embedded"]["deployedVersions"]) == 1


def test_an_environment_without_a_display_name_gets_one_as_the_official_broker_makes_it(client):
    env = create_environment(client, "production")
    assert env["displayName"] == "Production"
    links = env["_links"]
    assert (
        links["pb:currently-deployed-deployed-versions"]["title"]
        == "Versions currently deployed to Production environment"
    )
    assert (
        links["pb:currently-supported-released-versions"]["title"]
        == "Versions released and supported in Production environment"
    )
    assert create_environment(client, "pre-prod", production=False)["displayName"] == "Pre Prod"
    blank = client.post(
        "/environments", json={"name": "my_test", "displayName": " ", "production": False}
    )
    assert blank.json()["displayName"] == "My Test"
    put = client.put(
        "/environments/" + env["uuid"], json={"name": "production", "production": True}
    )
    assert put.json()["displayName"] == "Production"
    # listed by display name, ignoring case
    client.post("/environments", json={"name": "z", "displayName": "aaa", "production": False})
    names = [e["name"] for e in client.get("/environments").json()["_embedded"]["environments"]]
    assert names == ["z", "my_test", "pre-prod", "production"]


def test_a_version_lists_its_pacts_deployments_and_releases_like_the_official_decorator(client):
    env = create_environment(client, "production")
    publish(client, "Foo", "1", "bar")
    publish(client, "Foo", "1", "Alpha")
    deploy(client, "Foo", "1", env, instance="blue")
    release = client.post(
        f"/pacticipants/Foo/versions/1/released-versions/environment/{env['uuid']}", json={}
    )
    assert release.status_code == 201
    links = client.get("/pacticipants/Foo/versions/1").json()["_links"]
    assert links["pb:pact-versions"] == [
        {
            "title": "Pact",
            "name": "Pact between Foo (1) and Alpha",
            "href": "http://broker/pacts/provider/Alpha/consumer/Foo/version/1",
        },
        {
            "title": "Pact",
            "name": "Pact between Foo (1) and bar",
            "href": "http://broker/pacts/provider/bar/consumer/Foo/version/1",
        },
    ]
    [deployed] = links["pb:deployed-environments"]
    assert deployed["title"] == "Version deployed to Production"
    assert deployed["name"] == "Production" and deployed["currently_deployed"] is True
    assert deployed["application_instance"] == "blue"
    assert client.get(deployed["href"]).status_code == 200
    [released] = links["pb:released-environments"]
    assert released["title"] == "Version released to Production"
    assert released["currently_supported"] is True
    assert client.get(released["href"]).status_code == 200
    assert links["pb:record-deployment"] == [
        {
            "title": "Record deployment to Production",
            "name": "production",
            "href": f"http://broker/pacticipants/Foo/versions/1/deployed-versions/environment/{env['uuid']}",
        }
    ]
    assert links["pb:record-release"][0]["title"] == "Record release to Production"
    assert links["pb:tag"]["href"] == "http://broker/pacticipants/Foo/versions/1/tags/{tag}"
    assert links["curies"][0]["href"] == "http://broker/doc/{rel}?context=version"
    publish(client, "Foo", "2", "bar", branch="main")
    embedded = client.get("/pacticipants/Foo/versions/2").json()["_embedded"]
    assert embedded["branches"] == embedded["branchVersions"]
    assert embedded["branches"][0]["_links"]["self"] == {
        "title": "Branch version",
        "name": "main",
        "href": "http://broker/pacticipants/Foo/branches/main/versions/2",
    }
    listed = client.get("/pacticipants/Foo/versions").json()["_embedded"]["versions"][-1]
    assert listed["_links"]["pb:deployed-environments"] == [deployed]
