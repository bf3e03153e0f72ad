"""Merging into a pact file keeps the interactions of it that could not be read, as found,
unless the pact being written replaces them."""

from __future__ import annotations

import json
from pathlib import Path

from accord.model import HttpRequest, Pact, SpecVersion, SynchronousHttp
from accord.pactfile import read_pact, write_pact

BROKEN = {"description": "broken", "request": {"method": 5}, "response": {"status": 200}}


def _existing(directory: Path) -> Path:
    path = directory / "c-p.json"
    path.write_text(json.dumps({
        "consumer": {"name": "c"}, "provider": {"name": "p"},
        "interactions": [{"description": "old", "request": {"path": "/old"},
                          "response": {"status": 200}}, BROKEN],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}}))
    return path


def _pact(description: str) -> Pact:
    return Pact(consumer="c", provider="p", spec_version=SpecVersion.V3, interactions=(
        SynchronousHttp(description=description, request=HttpRequest(path="/new")),))


def test_merging_keeps_unreadable_interactions_as_found(tmp_path: Path) -> None:
    path = write_pact(_pact("new"), _existing(tmp_path).parent)
    written = json.loads(path.read_text())
    assert BROKEN in written["interactions"]
    assert sorted(i["description"] for i in written["interactions"]) == ["broken", "new", "old"]
    again = read_pact(path)
    assert [u.description for u in again.unreadable] == ["broken"]


def test_an_interaction_written_again_replaces_its_unreadable_version(tmp_path: Path) -> None:
    path = write_pact(_pact("broken"), _existing(tmp_path).parent)
    written = json.loads(path.read_text())
    assert BROKEN not in written["interactions"]
    assert read_pact(path).unreadable == ()
