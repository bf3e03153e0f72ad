"""The real-world pact files of tests/data/real-world load in the OFFICIAL verifier (``pact
verifier``, the Rust core) and in accord, and both give the same verdicts against a provider
that honours them (with values other than the examples, so the rules decide).

The Ruby V1 file is the exception the official core does not interpret: it loads it but reads
a ``Pact::Term`` as a JSON text (so it cannot verify it); accord reads the terms as the Ruby
tools did, which the provider honouring the regexes shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _official import PACT_BIN, ProviderThread, run_verifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from accord import Verifier

pytestmark = pytest.mark.interop
assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is missing"

DATA = Path(__file__).resolve().parents[1] / "data" / "real-world"


async def things(_: Request) -> JSONResponse:
    return JSONResponse({"data": [{"id": 9, "name": "z"}, {"id": 10, "name": "y"}],
                         "meta": {"page": 2, "size": 5}, "total": 1})


async def order(_: Request) -> JSONResponse:
    return JSONResponse({"id": 5, "ref": "abc"})


async def valid_date(request: Request) -> JSONResponse:
    if not request.query_params.get("date"):
        return JSONResponse({"error": "validDate is required"}, status_code=400,
                            headers={"Content-Type": "application/json; charset=utf-8"})
    return JSONResponse({"test": "NO", "validDate": "2020-01-02T03:04:05+01:00", "count": 3,
                         "items": [{"id": 2, "kind": "film"}, {"id": 3, "kind": "book"},
                                   {"id": 4, "kind": "film"}]},
                        headers={"Content-Type": "application/json; charset=utf-8"})


APP = Starlette(routes=[Route("/things", things), Route("/orders/1", order),
                        Route("/provider/validDate", valid_date)])


def accord_verdicts(path: Path, url: str, provider: str) -> dict[str, bool]:
    result = Verifier(provider).add_source(path).add_transport(url=url).verify(raises=False)
    assert not result.source_failures, result.report()
    return {r.description: r.ok for r in result.results}


@pytest.mark.parametrize(("name", "provider"), [
    ("rootless-rule-paths.json", "api"),
    ("pact-js-v2-bracket-headers.json", "api"),
    ("v2-with-generators.json", "api"),
])
def test_official_verifier_and_accord_agree(name: str, provider: str, tmp_path: Path) -> None:
    with ProviderThread(APP) as server:
        official = run_verifier([DATA / name], server.port, tmp_path)
        ours = accord_verdicts(DATA / name, server.url, provider)
    assert official.results, official.text()  # the official verifier loaded the file
    assert {d: r == "OK" for d, r in official.results.items()} == ours, official.text()
    assert all(ours.values())


def test_ruby_terms_load_in_the_official_verifier_and_are_honoured_by_accord(
        tmp_path: Path) -> None:
    path = DATA / "ruby-v1-pact-term.json"
    with ProviderThread(APP) as server:
        official = run_verifier([path], server.port, tmp_path)
        ours = accord_verdicts(path, server.url, "DateProvider")
    assert set(official.results) == {"a request for a valid date", "a request without a date"}
    assert official.results["a request without a date"] == "OK", official.text()
    assert ours == {"a request for a valid date": True, "a request without a date": True}


def test_a_provider_breaking_a_ruby_term_fails_in_accord(tmp_path: Path) -> None:
    async def wrong(_: Any) -> JSONResponse:
        return JSONResponse({"test": "NO", "validDate": "soon", "count": 3,
                             "items": [{"id": 2, "kind": "film"}, {"id": 3, "kind": "book"}]})

    app = Starlette(routes=[Route("/provider/validDate", wrong)])
    with ProviderThread(app) as server:
        result = Verifier("DateProvider").add_source(DATA / "ruby-v1-pact-term.json") \
            .add_transport(url=server.url).filter("valid date").verify(raises=False)
    (only,) = result.results
    assert {m.path for m in only.mismatches} == {"$.validDate"}
