"""Real-world pact files: an interaction that cannot be read fails alone (the rest is
verified), rules left out are shown as notes, and ``accord verify`` takes the provider from
the pact for --pact-url as for files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from accord import Verifier
from accord.cli import main
from accord.verifier import Outcome

from .conftest import get_user, make_starlette, serve, v3_pact, write_pact


def _with_broken(tmp_path: Path) -> Path:
    pact = v3_pact([get_user(1), get_user(2)])
    pact["interactions"].insert(1, {"description": "a broken one", "providerState": "s",
                                    "request": {"method": "GET", "path": "/users/1"},
                                    "response": {"status": "two hundred"}})
    pact["interactions"][2]["response"]["matchingRules"] = {
        "body": {"$.name": {"matchers": [{"match": "fuzzy"}]}}}
    return write_pact(tmp_path, pact)


def test_an_unreadable_interaction_fails_alone_and_the_rest_is_verified(tmp_path: Path) -> None:
    path = _with_broken(tmp_path)
    verifier = Verifier("users-api").add_source(path).add_transport(app=make_starlette())
    result = verifier.verify(raises=False)
    by_name = {r.description: r for r in result.results}
    assert set(by_name) == {"a request for user 1", "a broken one", "a request for user 2"}
    assert by_name["a request for user 1"].ok and by_name["a request for user 2"].ok
    broken = by_name["a broken one"]
    assert broken.outcome is Outcome.ERROR and broken.provider_states == ("s",)
    assert broken.error == (
        f"the interaction could not be read from the pact: {path} at "
        "/interactions/1/response/status: the status must be a number, got 'two hundred'")
    # a rule left out is not silent: the result carries the reason
    (note,) = by_name["a request for user 2"].notes
    assert "/interactions/2/response/matchingRules/body/$.name/matchers/0: unknown matching " \
           "rule 'fuzzy'" in note
    assert not result.ok
    assert "the status must be a number" in result.report()


def test_the_pytest_items_include_the_unreadable_interaction(tmp_path: Path) -> None:
    verifier = Verifier("users-api").add_source(_with_broken(tmp_path)) \
        .add_transport(app=make_starlette())
    items = verifier.interactions()
    assert [i.interaction.description for i in items] == [
        "a request for user 1", "a request for user 2", "a broken one"]


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


def test_cli_pact_url_and_file_need_no_provider_name(tmp_path: Path) -> None:
    path = write_pact(tmp_path, v3_pact([get_user(1)]))
    with serve(make_starlette()) as provider:
        for option in ("--pact-url", "--file"):
            run = _cli("--provider-base-url", provider, option, str(path))
            assert run.exit_code == 0, run.output
            assert "Verifying users-api" in run.output


def test_cli_pact_url_over_http_needs_no_provider_name(tmp_path: Path) -> None:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    document = v3_pact([get_user(1)])

    async def pact(_: Any) -> JSONResponse:
        return JSONResponse(document)

    with serve(Starlette(routes=[Route("/pact.json", pact)])) as pacts, \
            serve(make_starlette()) as provider:
        run = _cli("--provider-base-url", provider, "--pact-url", f"{pacts}/pact.json")
    assert run.exit_code == 0, run.output
    assert "Verifying users-api" in run.output


def test_cli_reports_the_broken_interaction_and_verifies_the_rest(tmp_path: Path) -> None:
    path = _with_broken(tmp_path)
    with serve(make_starlette()) as provider:
        run = _cli("--provider-base-url", provider, "--pact-url", str(path), "--json",
                   str(tmp_path / "report.json"))
    assert run.exit_code == 1, run.output
    report = json.loads((tmp_path / "report.json").read_text())
    statuses = {r["description"]: r["status"] for r in report["interactions"]}
    assert statuses == {"a request for user 1": "passed", "a broken one": "error",
                        "a request for user 2": "passed"}
