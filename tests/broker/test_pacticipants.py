"""Pacticipants, versions, tags, branches and labels."""

from __future__ import annotations

from .helpers import publish


def test_create_get_patch_pacticipant(client):
    assert client.get("/pacticipants/Foo").status_code == 404
    created = client.post(
        "/pacticipants",
        json={
            "name": "Foo",
            "displayName": "Foo App",
            "mainBranch": "main",
            "repositoryUrl": "https://git/foo",
        },
    )
    assert created.status_code == 201
    assert created.headers["location"] == "http://broker/pacticipants/Foo"
    body = client.get("/pacticipants/Foo").json()
    assert body["displayName"] == "Foo App" and body["mainBranch"] == "main"
    for rel in (
        "pb:versions",
        "pb:version-tag",
        "pb:branch-version",
        "pb:label",
        "pb:can-i-deploy-badge",
    ):
        assert rel in body["_links"]
    assert body["_links"]["pb:branch-version"]["templated"] is True
    patched = client.patch(
        "/pacticipants/Foo",
        json={"repositoryUrl": "https://git/new"},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200 and patched.json()["repositoryUrl"] == "https://git/new"
    assert patched.json()["displayName"] == "Foo App"
    assert client.post("/pacticipants", json={"name": "Foo"}).status_code == 409
    assert client.post("/pacticipants", json={}).status_code == 400


def test_patch_creates_missing_pacticipant_and_put_does_not(client):
    assert client.put("/pacticipants/New", json={"displayName": "x"}).status_code == 404
    response = client.patch("/pacticipants/Pricing%20Service", json={"repositoryUrl": "http://x"})
    assert response.status_code == 201
    assert response.json()["name"] == "Pricing Service"


def test_list_pacticipants_paginated(client):
    for name in ("A", "B", "C"):
        client.post("/pacticipants", json={"name": name})
    body = client.get("/pacticipants?pageSize=2").json()
    assert [p["name"] for p in body["_embedded"]["pacticipants"]] == ["A", "B"]
    assert body["page"] == {"number": 1, "size": 2, "totalElements": 3, "totalPages": 2}
    assert "next" in body["_links"]
    assert [p["name"] for p in body["pacticipants"]] == ["A", "B"]
    assert body["_links"]["pb:pacticipants"][0]["name"] == "A"


def test_delete_pacticipant_cascades(client):
    publish(client, "Foo", "1", "Bar")
    assert client.delete("/pacticipants/Foo").status_code == 204
    assert client.get("/pacticipants/Foo").status_code == 404
    assert client.get("/pacts/latest").json()["pacts"] == []


def test_tags_auto_create_and_answer_201_then_200(client):
    first = client.put("/pacticipants/Condor/versions/1.3.0/tags/prod", json={})
    assert first.status_code == 201
    assert first.json()["name"] == "prod"
    assert first.headers["location"].endswith("/pacticipants/Condor/versions/1.3.0/tags/prod")
    assert client.put("/pacticipants/Condor/versions/1.3.0/tags/prod", json={}).status_code == 200
    assert client.get("/pacticipants/Condor/versions/1.3.0/tags/prod").status_code == 200
    assert client.delete("/pacticipants/Condor/versions/1.3.0/tags/prod").status_code == 204
    assert client.get("/pacticipants/Condor/versions/1.3.0/tags/prod").status_code == 404


def test_latest_version_and_latest_tagged_version(client):
    client.put("/pacticipants/Condor/versions/1.2.3/tags/production", json={})
    client.put("/pacticipants/Condor/versions/1.2.4", json={})
    assert client.get("/pacticipants/Condor/latest-version").json()["number"] == "1.2.4"
    assert client.get("/pacticipants/Condor/latest-version/production").json()["number"] == "1.2.3"
    assert client.get("/pacticipants/Condor/latest-version/nope").status_code == 404


def test_version_put_empty_body_then_get(client):
    response = client.put(
        "/pacticipants/Foo/versions/1", content=b"", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201
    assert (
        client.put("/pacticipants/Foo/versions/1", json={"buildUrl": "http://ci"}).status_code
        == 200
    )
    body = client.get("/pacticipants/Foo/versions/1").json()
    assert body["buildUrl"] == "http://ci"
    for rel in ("pb:record-deployment", "pb:record-release"):
        assert body["_links"][rel] == []
    versions = client.get("/pacticipants/Foo/versions").json()
    assert [v["number"] for v in versions["_embedded"]["versions"]] == ["1"]
    assert client.get("/pacticipants/Foo/versions/2").status_code == 404


def test_branch_versions_and_heads(client):
    assert client.put("/pacticipants/Foo/branches/main/versions/1", json={}).status_code == 201
    assert client.put("/pacticipants/Foo/branches/main/versions/1", json={}).status_code == 200
    client.put("/pacticipants/Foo/branches/main/versions/2", json={})
    assert client.get("/pacticipants/Foo/branches/main/latest-version").json()["number"] == "2"
    v1 = client.get("/pacticipants/Foo/versions/1").json()["_embedded"]["branchVersions"]
    assert v1 == [{"name": "main", "latest": False, "_links": v1[0]["_links"]}]
    branches = client.get("/pacticipants/Foo/branches").json()["_embedded"]["branches"]
    assert [b["name"] for b in branches] == ["main"]
    assert client.get("/pacticipants/Foo").json()["mainBranch"] == "main"
    assert client.delete("/pacticipants/Foo/branches/main").status_code == 204
    assert client.delete("/pacticipants/Foo/branches/main").status_code == 404


def test_first_tag_becomes_branch_of_a_fresh_version(client):
    client.put("/pacticipants/Foo/versions/1/tags/feat-x", json={})
    assert client.get("/pacticipants/Foo/branches/feat-x").status_code == 200


def test_labels(client):
    client.post("/pacticipants", json={"name": "Foo"})
    assert client.put("/pacticipants/Foo/labels/team-a", json={}).status_code == 201
    assert client.get("/pacticipants/Foo/labels/team-a").status_code == 200
    assert [
        p["name"]
        for p in client.get("/pacticipants/label/team-a").json()["_embedded"]["pacticipants"]
    ] == ["Foo"]
    assert client.get("/pacticipants/Foo").json()["_embedded"]["labels"][0]["name"] == "team-a"
    assert client.delete("/pacticipants/Foo/labels/team-a").status_code == 204


def test_pacticipant_links_name_it_and_list_its_deployments(client):
    from .helpers import create_environment, deploy

    publish(client, "foo", "1", "Bar")
    env = create_environment(client, "production")
    deploy(client, "foo", "1", env)
    links = client.get("/pacticipants/foo").json()["_links"]
    assert links["pb:version-tag"]["title"] == "Get, create or delete a tag for a version of foo"
    assert links["pb:branch-version"]["title"] == "Get or add/create a version for a branch of foo"
    assert links["pb:label"]["title"] == "Get, create or delete a label for foo"
    assert links["pb:can-i-deploy-badge"]["title"] == "Can I Deploy foo badge"
    assert (
        links["pb:can-i-deploy-branch-to-environment-badge"]["title"]
        == "Can I Deploy foo from branch to environment badge"
    )
    [deployed] = links["pb:deployed-environments"]
    assert deployed["title"] == "Version deployed to Production"
    assert deployed["name"] == "Production" and deployed["currently_deployed"] is True
    assert client.get(deployed["href"]).json()["currentlyDeployed"] is True
