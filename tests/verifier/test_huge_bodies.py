"""A 10 MB body that does not match is verified and reported quickly, and every report quotes
a bounded excerpt of it (its first characters and its length), never the whole value.

The wall-clock guard is a hang detector (the console report alone used to take minutes on a
10 MB text body); the assertions are about what the reports say.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from rich.console import Console
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from accord import Verifier
from accord.matching.display import EXCERPT_CHARS
from accord.reporting import junit_xml, render_report
from accord.verifier import Outcome

from .conftest import serve, v3_pact, write_pact

SIZE = 10 * 1024 * 1024
HANG_GUARD = 30.0
REPORT_LIMIT = 60_000  # characters (of 10 MB): a line per mismatch, plus bounded body excerpts

BODIES = {
    "text": (b"b" * SIZE, "text/plain"),
    "json": (json.dumps({"data": "b" * SIZE}).encode(), "application/json"),
}


async def big(request: Request) -> Response:
    content, media_type = BODIES[request.path_params["kind"]]
    return Response(content, media_type=media_type)


APP = Starlette(routes=[Route("/big/{kind}", big)])


def _pact(tmp_path: Path) -> Path:
    return write_pact(tmp_path, v3_pact([
        {"description": "a huge text body", "request": {"method": "GET", "path": "/big/text"},
         "response": {"status": 200, "headers": {"Content-Type": "text/plain"},
                      "body": "a" * 16}},
        {"description": "a huge JSON string", "request": {"method": "GET", "path": "/big/json"},
         "response": {"status": 200, "body": {"data": "a" * 16}}},
    ]))


@pytest.mark.parametrize("over", ["in process", "HTTP"])
def test_a_10_mb_mismatch_is_verified_and_reported_with_excerpts(tmp_path: Path,
                                                                 over: str) -> None:
    start = time.monotonic()
    verifier = Verifier("users-api", timeout=20).add_source(_pact(tmp_path))
    if over == "HTTP":
        with serve(APP) as url:
            result = verifier.add_transport(url=url).verify(raises=False)
    else:
        result = verifier.add_transport(app=APP).verify(raises=False)
    console_out = io.StringIO()
    render_report(result, Console(file=console_out, width=120))
    report, junit = result.report(), junit_xml(result)
    assert time.monotonic() - start < HANG_GUARD

    text, data = result.results
    assert text.outcome is Outcome.FAILED and data.outcome is Outcome.FAILED
    [text_mismatch] = text.mismatches
    assert text_mismatch.message == (
        f"Expected body 'aaaaaaaaaaaaaaaa' to match '{'b' * EXCERPT_CHARS}… (10,485,760 chars)' "
        "using equality but did not match")
    [data_mismatch] = data.mismatches
    assert data_mismatch.path == "$.data"
    assert data_mismatch.message.startswith(f"Expected '{'b' * EXCERPT_CHARS}… (10,485,760 "
                                            "chars)' (String) to be equal to 'aaaaaaaaaaaaaaaa'")
    for shown in (report, junit, console_out.getvalue()):
        assert "(10,485,760 chars)" in shown
        assert len(shown) < REPORT_LIMIT
    assert "bytes in all)" in console_out.getvalue()  # the body column says how big it was
