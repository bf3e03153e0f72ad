"""Provider verification of the XML contract against the Flask app, in process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xml_example.provider import User, create_app

from accord import Verifier

INTERACTIONS = 2


def xml_verifier(pact_file: Path, users: dict[int, User]) -> Verifier:
    verifier = Verifier("xml-users-api").add_source(pact_file).add_transport(app=create_app(users))

    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> None:
        users[params["id"]] = User(
            params["id"], params["name"], "alice@example.com", ["climbing", "go"]
        )

    @verifier.state("no user exists")
    def no_user_exists(params: dict[str, Any]) -> None:
        users.pop(params["id"], None)

    return verifier


def test_the_flask_app_sends_the_xml_the_consumer_reads(pact_file: Path) -> None:
    result = xml_verifier(pact_file, {}).verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS


def test_a_user_without_hobbies_breaks_the_contract(pact_file: Path) -> None:
    """The consumer asked for at least one <hobby>."""
    users: dict[int, User] = {}
    verifier = xml_verifier(pact_file, users)

    @verifier.state("a user exists")
    def a_user_exists(params: dict[str, Any]) -> None:
        users[params["id"]] = User(params["id"], params["name"])

    result = verifier.verify(raises=False)

    assert [r.description for r in result.failed] == ["a request for a user as XML"]
    report = result.report()
    assert "hobbies" in report and "at least 1" in report  # the <hobbies> element, now empty
