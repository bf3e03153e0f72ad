"""Regex rules, accord against the official verifier (``pact verifier``) on the same pact and
provider: a rule whose regex does not compile fails only its own field (the file still
loads, the other interactions pass), Java-only constructs (back-references, look-arounds)
match, and a rule matches the whole value.

A catastrophic pattern (``^(a+)+$`` against 34 a's and a b) is where the two differ: the
official core (Oniguruma, a backtracking engine) hits its retry limit and the whole run aborts;
accord answers at once with a mismatch for that one interaction.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _official import ProviderThread, run_verifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accord import Verifier
from accord.verifier import Outcome

pytestmark = pytest.mark.interop

BODIES = {
    "bad": {"x": "abc", "y": "ok"},
    "good": {"x": "abc"},
    "backref": {"x": "abab"},
    "lookahead": {"x": "abc"},
    "partial": {"x": "abc"},
    "evil": {"x": "a" * 34 + "b"},
}
RULES = {
    "bad": "[a-",
    "backref": r"(ab)\1",
    "lookahead": r"(?=a)abc",
    "partial": "b",
    "evil": "^(a+)+$",
}


def _interaction(name: str) -> dict:
    response: dict = {"status": 200, "headers": {"Content-Type": "application/json"},
                      "body": dict(BODIES[name])}
    if name in RULES:
        response["matchingRules"] = {"body": {"$.x": {"matchers": [
            {"match": "regex", "regex": RULES[name]}]}}}
    if name == "evil":
        response["body"] = {"x": "aaa"}
    return {"description": name, "request": {"method": "GET", "path": f"/{name}"},
            "response": response}


def _write(tmp_path: Path, names: list[str]) -> Path:
    path = tmp_path / "regex-consumer-regex-provider.json"
    path.write_text(json.dumps({
        "consumer": {"name": "regex-consumer"}, "provider": {"name": "regex-provider"},
        "interactions": [_interaction(n) for n in names],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }))
    return path


async def _answer(request: Request) -> JSONResponse:
    return JSONResponse(BODIES[request.path_params["name"]])


APP = Starlette(routes=[Route("/{name}", _answer)])


def _accord(path: Path, url: str) -> dict[str, tuple[Outcome, list[tuple[str, str]]]]:
    result = Verifier("regex-provider", timeout=10).add_source(path).add_transport(url=url) \
        .verify(raises=False)
    return {r.description: (r.outcome, [(m.path, m.message) for m in r.mismatches])
            for r in result.results}


def test_an_invalid_regex_fails_only_its_field_in_both(tmp_path: Path) -> None:
    names = ["bad", "good", "backref", "lookahead", "partial"]
    path = _write(tmp_path, names)
    with ProviderThread(APP) as server:
        official = run_verifier([path], server.port, tmp_path)
        ours = _accord(path, server.url)
    failing = {"bad", "partial"}
    assert official.results == {n: "Error" if n in failing else "OK" for n in names}, \
        official.text()
    assert {n for n, (outcome, _) in ours.items() if outcome is not Outcome.PASSED} == failing
    assert official.where("bad") == {("BodyMismatch", "$.x")}
    [official_bad] = official.mismatches("bad")
    assert "'[a-' is not a valid regular expression" in official_bad["mismatch"]
    assert ours["bad"][1] == [("$.x", "invalid regex '[a-' in matching rule: "
                                      "unterminated character set at position 3")]
    assert ours["partial"][1] == [("$.x", "Expected 'abc' to match 'b'")]


def test_a_catastrophic_regex_fails_its_interaction_where_the_official_run_aborts(
        tmp_path: Path) -> None:
    path = _write(tmp_path, ["evil", "good"])
    with ProviderThread(APP) as server:
        official = run_verifier([path], server.port, tmp_path)
        ours = _accord(path, server.url)
    assert official.returncode != 0
    assert official.results.get("evil") != "OK"
    assert ours["good"] == (Outcome.PASSED, [])
    assert ours["evil"] == (Outcome.FAILED,
                            [("$.x", f"Expected '{'a' * 34}b' to match '^(a+)+$'")])
