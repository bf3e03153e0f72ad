"""Consumer tests with an XML body: matchers on elements, attributes and text.

``accord.consumer.xml`` builds the expected document: ``xml.element(tag, *children,
attrs={...}, text=...)``, with matchers anywhere a value goes and ``.each(min=...)`` for
repeated elements. The mock server answers with the example document; the provider must send
XML that satisfies the rules (any id, any name, one or more hobbies).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from xml_example.consumer import UserClient, UserNotFound

from accord import Pact, match
from accord.consumer import xml


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    return Pact("xml-web", "xml-users-api", pact_dir=pact_dir)


def test_get_a_user_as_xml(pact: Pact) -> None:
    user = xml.element(
        "user",
        xml.element("name", text=match.string("Alice")),
        xml.element("hobbies", xml.element("hobby", text=match.string("chess")).each(min=1)),
        attrs={"id": match.integer(123)},
    )
    (
        pact.upon_receiving("a request for a user as XML")
        .given("a user exists", id=123, name="Alice")
        .with_request("GET", "/users/123")
        .with_header("Accept", "application/xml")
        .will_respond_with(200)
        .with_body(user, content_type="application/xml")
    )

    with pact.serve() as server, UserClient(server.url) as client:
        got = client.get_user(123)

    assert got.id == 123
    assert got.name == "Alice"
    assert got.hobbies == ("chess",)


def test_a_missing_user(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for a missing user as XML")
        .given("no user exists", id=404)
        .with_request("GET", "/users/404")
        .with_header("Accept", "application/xml")
        .will_respond_with(404)
    )

    with (
        pact.serve() as server,
        UserClient(server.url) as client,
        pytest.raises(UserNotFound),
    ):
        client.get_user(404)
