"""Verification results."""

from __future__ import annotations

from .helpers import publish, verify


def test_publish_and_read_verification_results(client):
    publish(client, "Foo", "1", "Bar")
    result = verify(client, "Foo", "1", "Bar", "p1", success=False)
    assert result["providerApplicationVersion"] == "p1" and result["success"] is False
    assert result["_links"]["self"]["href"].startswith(
        "http://broker/pacts/provider/Bar/consumer/Foo/pact-version/"
    )
    assert client.get(result["_links"]["self"]["href"]).json()["success"] is False
    latest = client.get(
        "/pacts/provider/Bar/consumer/Foo/latest/verification-results/latest"
    ).json()
    assert latest["providerApplicationVersion"] == "p1"
    summary = client.get("/verification-results/consumer/Foo/version/1/latest").json()
    assert summary["providerSummary"] == {"successful": [], "failed": ["Bar"], "unknown": []}
    assert client.get("/pacticipants/Bar/versions/p1").status_code == 200


def test_verification_validation(client):
    publish(client, "Foo", "1", "Bar")
    doc = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
    href = doc["_links"]["pb:publish-verification-results"]["href"]
    response = client.post(href, json={"providerApplicationVersion": "1"})
    assert response.status_code == 400 and "success" in response.json()["errors"]
    assert client.post(href, json={"success": True}).status_code == 400
    assert (
        client.post(
            href, json={"success": True, "providerApplicationVersion": "1", "buildUrl": "not a url"}
        ).status_code
        == 400
    )
    missing = href.replace(doc["_links"]["pb:pact-version"]["name"], "0" * 40)
    assert (
        client.post(missing, json={"success": True, "providerApplicationVersion": "1"}).status_code
        == 404
    )


def test_test_results_are_stored_raw(client):
    publish(client, "Foo", "1", "Bar")
    doc = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()
    body = {
        "success": True,
        "providerApplicationVersion": "2",
        "testResults": [{"interactionId": "x", "success": True}],
        "verifiedBy": {"implementation": "accord", "version": "0.1"},
    }
    result = client.post(doc["_links"]["pb:publish-verification-results"]["href"], json=body).json()
    assert (
        result["testResults"] == body["testResults"] and result["verifiedBy"] == body["verifiedBy"]
    )
