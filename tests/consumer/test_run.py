"""The consumer's public doors (issue 12): a ``PactRun`` per configuration, ``auto_write``
as an argument, builders served and recorded through public methods, and a pytest session
that leaves the process's run as it found it."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from _user_pacts import exercise, get_user

from accord.consumer import Pact, PactRun, default_run


def _paths(path: Path) -> list[str]:
    return [i["request"]["path"] for i in json.loads(path.read_text())["interactions"]]


def test_two_runs_live_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACCORD_PACT_DIR", raising=False)
    before = default_run().pact_dir
    first, second = PactRun(tmp_path / "one"), PactRun(tmp_path / "two")
    for run, uid in ((first, 1), (second, 2)):
        pact = Pact("web", "users-api", run=run)
        get_user(pact, uid)
        exercise(pact, uid)
    assert not (tmp_path / "one").exists()  # deferred: the test may still write it
    assert first.write_deferred() == [tmp_path / "one" / "web-users-api.json"]
    assert second.write_deferred() == [tmp_path / "two" / "web-users-api.json"]
    assert _paths(tmp_path / "one" / "web-users-api.json") == ["/users/1"]
    assert _paths(tmp_path / "two" / "web-users-api.json") == ["/users/2"]
    assert default_run().pact_dir == before  # the process's run was not touched


def test_replacing_an_interaction_is_noticed_within_one_run_only(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "accord.consumer")
    for uid, run in ((1, PactRun()), (2, PactRun())):
        pact = Pact("web", "users-api", pact_dir=tmp_path, run=run)
        get_user(pact, uid)
        exercise(pact, uid)
    assert "replaces a different one" not in caplog.text
    shared = PactRun()
    for uid in (1, 2):
        pact = Pact("web", "users-api", pact_dir=tmp_path, run=shared)
        get_user(pact, uid)
        exercise(pact, uid)
    assert "replaces a different one" in caplog.text


def test_auto_write_false_records_without_writing(tmp_path: Path) -> None:
    run = PactRun(tmp_path / "run")
    pact = Pact("web", "users-api", pact_dir=tmp_path / "mine", auto_write=False, run=run)
    get_user(pact, 3)
    exercise(pact, 3)
    assert [i.description for i in pact.recorded] == ["a request for a user"]
    assert not (tmp_path / "mine").exists()
    assert run.write_deferred() == []
    assert run.write_pacts([pact]) == [tmp_path / "mine" / "web-users-api.json"]


def test_served_builders_are_used_and_not_served_again(tmp_path: Path) -> None:
    pact = Pact("web", "users-api", pact_dir=tmp_path)
    get_user(pact, 4)
    exercise(pact, 4)
    (pact.upon_receiving("a request for another user").with_request("GET", "/users/5")
         .will_respond_with(200).with_body({"id": 5}))
    exercise(pact, 5)  # only the new interaction is served: the first is used
    assert sorted(_paths(tmp_path / "web-users-api.json")) == ["/users/4", "/users/5"]


def test_a_pytest_session_with_pact_dir_leaves_the_process_run_as_it_was(
        pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_one="""
        from accord.consumer import default_run

        def test_sees_the_option():
            assert default_run().pact_dir == "out"
    """)
    before = default_run().pact_dir
    result = pytester.runpytest_inprocess("--pact-dir", "out", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert default_run().pact_dir == before


def test_write_file_into_the_pact_dir_after_serve_does_not_write_again(tmp_path: Path) -> None:
    pact = Pact("web", "users-api", pact_dir=tmp_path, run=PactRun())
    get_user(pact, 6)
    exercise(pact, 6)  # written here, as the serve() block passed
    written = (tmp_path / "web-users-api.json").stat()
    assert pact.write_file(tmp_path) == tmp_path / "web-users-api.json"  # pact-python habit
    again = (tmp_path / "web-users-api.json").stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    assert _paths(tmp_path / "web-users-api.json") == ["/users/6"]


def test_pacts_without_a_pact_dir_are_written_together_at_the_end(tmp_path: Path) -> None:
    run = PactRun(tmp_path)
    for uid in range(3):
        pact = Pact("web", "users-api", run=run)
        (pact.upon_receiving(f"a request for user {uid}").with_request("GET", f"/users/{uid}")
             .will_respond_with(200).with_body({"id": uid}))
        exercise(pact, uid)
    assert not list(tmp_path.iterdir())  # nothing written during the run
    assert run.write_deferred() == [tmp_path / "web-users-api.json"]
    assert _paths(tmp_path / "web-users-api.json") == ["/users/0", "/users/1", "/users/2"]
