"""pact-python's argument names, used by keyword, and its less common calls."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests
from pact import Pact, Verifier, generate, match


def test_interaction_keywords(tmp_path: Path) -> None:
    pact = Pact("dropin-keywords", "dropin-users")
    (
        pact.upon_receiving(description="A keyword request", interaction="HTTP")
        .given("a state", parameters={"n": 1})
        .with_request(method="GET", path="/kw")
        .with_query_parameters(parameters={"q": "1"})
        .with_header(name="X-Trace", value="t-1")
        .add_text_comment(comment="keywords all the way")
        .will_respond_with(status=200)
        .with_body(body={"price": match.like(1.25, generator=generate.float(precision=2))},
                   content_type="application/json")
    )
    with pact.serve() as srv:
        response = requests.get(f"{srv.url}/kw", params={"q": "1"},
                                headers={"X-Trace": "t-1"}, timeout=5)
    assert isinstance(response.json()["price"], float)
    pact.write_file(directory=tmp_path, overwrite=True)
    document = json.loads((tmp_path / "dropin-keywords-dropin-users.json").read_text())
    assert document["interactions"][0]["comments"]["text"] == ["keywords all the way"]


def test_message_metadata_as_json_text() -> None:
    pact = Pact("dropin-metadata", "dropin-events")
    (
        pact.upon_receiving("an event with JSON metadata", "Async")
        .with_body({"id": 1}, "application/json")
        .set_metadata({"partition": "3", "key": '"user-1"'})
    )
    seen: list[dict[str, Any]] = []
    pact.verify(lambda body, metadata: seen.append(metadata), "Async")
    assert seen[0]["partition"] == 3 and seen[0]["key"] == "user-1"


def test_verifier_keywords(tmp_path: Path) -> None:
    verifier = (
        Verifier("dropin-users-api", host="127.0.0.1")
        .add_source(tmp_path)
        .set_request_timeout(timeout=2000)
        .follow_redirects(follow=True)
        .set_coloured_output(enabled=False)
        .add_custom_headers({"X-A": "1"})
        .filter(description="nothing", state="none", no_state=False)
    )
    assert isinstance(verifier, Verifier)


def test_submodule_imports() -> None:
    from pact.generate import AbstractGenerator
    from pact.match import AbstractMatcher
    from pact.types import Message, StateHandlerArgs
    from pact.xml import body, element

    assert isinstance(match.int(1), AbstractMatcher)
    assert isinstance(generate.uuid(), AbstractGenerator)
    pact = Pact("dropin-submodules", "dropin-users")
    (pact.upon_receiving("An XML id").with_request("GET", "/id.xml").will_respond_with(200)
         .with_body(body(element("user", element("id", match.int(1)))), "application/xml"))
    with pact.serve() as srv:
        assert "<id>1</id>" in requests.get(f"{srv.url}/id.xml", timeout=5).text
    message: Message = {"contents": b"x", "metadata": None, "content_type": None}
    state: StateHandlerArgs = {"state": "a", "action": "setup", "parameters": None}
    assert message["contents"] == b"x" and state["action"] == "setup"
