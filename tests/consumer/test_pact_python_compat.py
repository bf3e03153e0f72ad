"""pact-python behaviours the consumer DSL keeps for code ported with only the import changed
(each checked against pact-python 4.2 as installed from PyPI)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from _user_pacts import exercise, get_user

from accord.consumer import Pact
from accord.errors import ContractDefinitionError


def _paths(directory: Path) -> list[str]:
    document = json.loads((directory / "web-users-api.json").read_text())
    return [i["request"]["path"] for i in document["interactions"]]


def test_identical_interactions_from_separate_pacts_merge_quietly(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(2):  # a fresh Pact per test, the same declaration
        pact = Pact("web-same", "users-api")
        get_user(pact, 1)
        exercise(pact, 1)
        pact.write_file(tmp_path)
    assert json.loads((tmp_path / "web-same-users-api.json").read_text())["interactions"]
    assert "replaces" not in caplog.text


def test_a_parametrized_test_reusing_a_description_keeps_the_last_one(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """pact-python (the Rust core) replaces the interaction when it writes the file."""
    for uid in (1, 2):
        pact = Pact("web", "users-api")
        get_user(pact, uid)
        exercise(pact, uid)  # no Python warning: suites run with -W error pass as before
        pact.write_file(tmp_path)
    assert _paths(tmp_path) == ["/users/2"]
    assert "replaces a different one" in caplog.text


def test_two_different_interactions_with_one_description_in_one_pact_still_fail() -> None:
    pact = Pact("web", "users-api")
    get_user(pact, 1)
    get_user(pact, 2)
    with pytest.raises(ContractDefinitionError, match="declared twice"):
        pact.serve().__enter__()


def test_a_pact_is_written_once_where_the_user_asks(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.consumer.builder import write_deferred

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    pact = Pact("web", "users-api")
    get_user(pact, 1)
    exercise(pact, 1)
    pact.write_file(tmp_path / "mine")
    assert write_deferred() == []
    assert sorted(p.name for p in cwd.rglob("*")) == []
    assert [p.name for p in (tmp_path / "mine").iterdir() if not p.name.startswith(".")] == [
        "web-users-api.json"]


def test_without_write_file_the_pact_goes_to_the_configured_directory_at_the_end(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from accord.consumer.builder import write_deferred

    monkeypatch.setenv("ACCORD_PACT_DIR", str(tmp_path / "configured"))
    pact = Pact("web", "users-api")
    get_user(pact, 3)
    exercise(pact, 3)
    assert not (tmp_path / "configured").exists()  # not yet: the test may still write it
    assert write_deferred() == [tmp_path / "configured" / "web-users-api.json"]
    assert _paths(tmp_path / "configured") == ["/users/3"]


def test_without_write_file_or_a_configured_directory_nothing_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from accord.consumer.builder import write_deferred

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACCORD_PACT_DIR", raising=False)
    pact = Pact("web-unwritten", "users-api")
    get_user(pact, 4)
    exercise(pact, 4)
    assert write_deferred() == []
    assert list(tmp_path.iterdir()) == []
    assert "web-unwritten-users-api: 1 interaction(s) passed but the pact was never written" \
        in caplog.text


def test_matchers_keep_pact_python_defaults_and_formats() -> None:
    from accord import generate, match

    assert match.datetime().rules[0].params == {"format": "yyyy-MM-dd'T'HH:mm:ssZ"}
    offset = match.datetime("2024-01-01T10:00:00+01:00", format="%Y-%m-%dT%H:%M:%S%:z")
    assert offset.rules[0].params == {"format": "yyyy-MM-dd'T'HH:mm:ssXXX"}
    assert match.time("2:30 PM", format="%I:%M %p").rules[0].params == {"format": "hh:mm a"}
    assert generate.regex(regex=r"\d+").rules[0].params == {"regex": r"\d+"}
    with pytest.raises(ContractDefinitionError, match="once"):
        generate.regex(r"\d", regex=r"\w")


def test_with_matching_rules_takes_matchers_and_json_text(tmp_path: Path) -> None:
    from accord import match

    pact = Pact("web", "users-api", pact_dir=tmp_path)
    (pact.upon_receiving("a picture").with_request("GET", "/picture")
         .will_respond_with(200)
         .with_binary_body(b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg")
         .with_matching_rules({"body": {"$": match.content_type("image/jpeg")}})
         .with_matching_rules('{"header": {"X-Id": {"matchers": [{"match": "regex", '
                              '"regex": "\\\\d+"}]}}}'))
    (pact.upon_receiving("an event", "Async").with_body({"id": 1}, "application/json")
         .with_matching_rules({"body": {"$.id": match.integer(1)}})
         .with_generators({"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 9}}}))
    http, event = pact.interactions()
    rules = http.response.matching_rules.categories
    assert rules["body"]["$"].rules[0].to_json() == {"match": "contentType", "value": "image/jpeg"}
    assert rules["header"]["X-Id"].rules[0].to_json() == {"match": "regex", "regex": r"\d+"}
    assert event.contents.matching_rules.categories["body"]["$.id"].rules[0].kind == "integer"
    assert event.contents.generators.categories["body"]["$.id"].kind == "RandomInt"


def test_serve_takes_pact_pythons_arguments_and_its_url_has_parts(tmp_path: Path) -> None:
    from accord.types import URL

    pact = Pact("web-serve", "users-api", pact_dir=tmp_path)
    get_user(pact, 5)
    with pact.serve(addr="127.0.0.1", port=0, raises=True, verbose=False) as srv:
        assert isinstance(srv.url, URL) and isinstance(srv.url, str)
        assert (srv.url.scheme, srv.url.host, srv.url.path) == ("http", "127.0.0.1", "/")
        assert srv.url.port == srv.port and str(srv.url) == f"http://127.0.0.1:{srv.port}"
        assert srv / "users/5" == f"{srv.url}/users/5"
        assert (srv.url / "users" / "5").path == "/users/5"
        assert httpx.get(str(srv.url / "users/5")).json() == {"id": 5}


def test_serve_without_raising_keeps_the_mismatches() -> None:
    from accord.error import MismatchesError

    pact = Pact("web-mismatch", "users-api")
    get_user(pact, 6)
    with pact.serve(raises=False) as srv:
        httpx.get(f"{srv.url}/users/7")
    assert not srv.matched and srv.mismatches
    again = Pact("web-missing", "users-api")
    get_user(again, 6)
    with pytest.raises(MismatchesError) as caught, again.serve():
        pass
    assert caught.value.mismatches[0]["type"] == "missing-request"


def test_with_specification_v1_is_written_as_v2(tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    for version in ("V1", "V1.1"):
        pact = Pact("web", "users-api", pact_dir=tmp_path).with_specification(version)
        assert f"{version} pacts are written as V2" in caplog.text
        get_user(pact, 8)
        exercise(pact, 8)
        pact.write_file(tmp_path, overwrite=True)
        document = json.loads((tmp_path / "web-users-api.json").read_text())
        assert document["metadata"]["pactSpecification"]["version"] == "2.0.0"


def test_lenient_ranges_read_min_max_and_size_as_pact_python_does(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from accord import match

    strict = match.int(50, min=1, max=9)
    assert len(strict.rules) == 2 and "outside" in (strict.check() or "")
    monkeypatch.setenv("ACCORD_LENIENT_RANGES", "1")
    lenient = match.int(50, min=1, max=9)
    assert [r.kind for r in lenient.rules] == ["integer"] and lenient.check() is None
    sized = match.str("abc", size=5)
    assert [r.kind for r in sized.rules] == ["type"] and sized.check() is None
    match.lenient_ranges(False)  # the call wins over the environment
    try:
        assert len(match.number(5, min=1, max=9).rules) == 2
    finally:
        match.lenient_ranges(None)


def test_unknown_mismatch_json_is_a_generic_mismatch() -> None:
    from accord.error import GenericMismatch, Mismatch, RequestMismatch

    odd = Mismatch.from_dict({"type": "SomethingNew", "detail": 1})
    assert isinstance(odd, GenericMismatch) and odd.type == "SomethingNew" and odd["detail"] == 1
    nested = Mismatch.from_dict({"type": "request-mismatch", "method": "GET", "path": "/",
                                 "mismatches": [{"type": "HeaderMismatch", "key": "Accept",
                                                 "expected": "a", "actual": "b",
                                                 "mismatch": "differs"}]})
    assert isinstance(nested, RequestMismatch)
    (header,) = nested.mismatches
    assert (header.type, header.key, str(header)) == ("HeaderMismatch", "Accept",
                                                      "HeaderMismatch: differs")
