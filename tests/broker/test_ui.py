"""The minimal HTML UI, chosen by the Accept header like the official broker."""

from __future__ import annotations

from .helpers import publish, verify

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_index_page_lists_integrations_with_status(client):
    publish(client, "Foo", "1", "Bar")
    verify(client, "Foo", "1", "Bar", "p1", success=False)
    page = client.get("/", headers=BROWSER)
    assert page.headers["content-type"].startswith("text/html")
    assert "Foo" in page.text and "Bar" in page.text and "failed" in page.text
    assert client.get("/").headers["content-type"].startswith("application/hal+json")
    assert (
        client.get("/", headers={"Accept": "*/*"})
        .headers["content-type"]
        .startswith("application/hal+json")
    )


def test_matrix_page(client):
    publish(client, "Foo", "1", "Bar")
    verify(client, "Foo", "1", "Bar", "p1")
    page = client.get(
        "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv", headers=BROWSER
    )
    assert page.status_code == 200 and "Deployable" in page.text and "verified" in page.text
    assert (
        "Pacticipant Nope not found"
        in client.get("/matrix?q[][pacticipant]=Nope", headers=BROWSER).text
    )
