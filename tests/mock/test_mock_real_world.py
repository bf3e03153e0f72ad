"""Real-world pact files in the mock server: a V1 Ruby pact with ``Pact::Term`` matchers is
served with its examples and matched with its regexes; an interaction that cannot be read is
named on stderr and the others are served."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

import httpx
from mock_process import start_accord_mock

from accord.mock import MockSession
from accord.model import HttpRequest
from accord.pactfile import read_pact

DATA = Path(__file__).resolve().parents[1] / "data" / "real-world"


def test_ruby_terms_are_served_and_matched_in_process() -> None:
    session = MockSession.from_pacts([read_pact(DATA / "ruby-v1-pact-term.json")])
    served = session.handle(HttpRequest(method="GET", path="/provider/validDate",
                                        query={"date": ("2018-11-29",)},
                                        headers={"Authorization": ("Bearer k9",)}))
    assert served.result.ok, served.result.render()
    assert served.status == 200 and json.loads(served.body)["count"] == 5
    refused = session.handle(HttpRequest(method="GET", path="/provider/validDate",
                                         query={"date": ("2018-11-29",)},
                                         headers={"Authorization": ("Basic k9",)}))
    assert not refused.result.ok
    assert [m.path for m in refused.result.mismatches] == ["Authorization"]


def test_cli_serves_the_readable_interactions_and_names_the_broken_one(tmp_path: Path) -> None:
    doc = json.loads((DATA / "ruby-v1-pact-term.json").read_text())
    doc["interactions"].append({"description": "garbled", "request": {"method": 7},
                                "response": {"status": 200}})
    doc["interactions"][1]["response"]["matchingRules"] = {"$.body.error": {"match": "nope"}}
    path = tmp_path / "ruby.json"
    path.write_text(json.dumps(doc))
    shutil.copy(DATA / "SOURCES.md", tmp_path / "SOURCES.md")  # not JSON: ignored
    proc, url = start_accord_mock([str(path)])
    try:
        answer = httpx.get(url + "/provider/validDate?date=2018-11-29",
                           headers={"Authorization": "Bearer abc"})
        missing = httpx.get(url + "/provider/validDate?date=")
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.finish()
    assert answer.status_code == 200
    assert answer.json()["validDate"] == "2018-11-29T15:45:45+00:00"
    assert missing.status_code == 400
    assert "serving 2 interactions" in out
    assert (f"warning: not serving 'garbled': {path} at /interactions/2/request/method: the "
            "method must be a string, got a number") in err
    assert (f"warning: {path} at /interactions/1/response/matchingRules/$.body.error: unknown "
            "matching rule 'nope'") in err
    assert "Traceback" not in err
