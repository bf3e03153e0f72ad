"""Reading, writing and merging pact files."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path

import pytest

import accord
from accord.errors import (
    ContractDefinitionError,
    PactFileLockError,
    PactFormatError,
    UnsupportedVersionError,
)
from accord.filelocking import LockTimeout, exclusive_lock
from accord.model import (
    AsynchronousMessage,
    Body,
    HttpRequest,
    HttpResponse,
    MessageContents,
    Pact,
    ProviderState,
    SpecVersion,
    SynchronousHttp,
)
from accord.pactfile import (
    iter_pact_files,
    lock_path,
    pact_file_name,
    read_pact,
    render_pact,
    write_pact,
)


def http(description: str, *states: str, path: str = "/", status: int = 200) -> SynchronousHttp:
    return SynchronousHttp(
        description=description,
        provider_states=tuple(ProviderState(s) for s in states),
        request=HttpRequest(method="GET", path=path),
        response=HttpResponse(status=status, body=Body.of_json({"ok": True})),
    )


def pact(*interactions, version=SpecVersion.V3, consumer="web", provider="api") -> Pact:
    return Pact(consumer=consumer, provider=provider, interactions=tuple(interactions),
                spec_version=version)


# --------------------------------------------------------------------------- names


def test_file_name():
    assert pact_file_name("web", "users-api") == "web-users-api.json"
    assert pact_file_name("a/b", "c\\d") == "a_b-c_d.json"


# --------------------------------------------------------------------------- reading


def test_malformed_json_names_the_file_line_and_column(tmp_path):
    file = tmp_path / "bad.json"
    file.write_text('{\n  "consumer": {"name": "a"},\n  "provider": \n}\n')
    with pytest.raises(PactFormatError) as info:
        read_pact(file)
    message = str(info.value)
    assert str(file) in message and "malformed JSON" in message
    assert "line 4, column 1" in message


def test_a_pact_missing_its_consumer_names_the_pointer(tmp_path):
    file = tmp_path / "p.json"
    file.write_text(json.dumps({"provider": {"name": "api"}, "interactions": []}))
    with pytest.raises(PactFormatError, match=r"p\.json at /consumer: the pact has no"):
        read_pact(file)


def test_missing_file_and_binary_garbage(tmp_path):
    with pytest.raises(PactFormatError, match="cannot read the pact file"):
        read_pact(tmp_path / "nope.json")
    garbage = tmp_path / "g.json"
    garbage.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(PactFormatError, match="not UTF-8"):
        read_pact(garbage)


def test_utf8_bom_is_accepted(tmp_path):
    file = tmp_path / "bom.json"
    doc = {"consumer": {"name": "a"}, "provider": {"name": "b"}, "interactions": []}
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert read_pact(file).consumer == "a"


# --------------------------------------------------------------------------- writing


def test_write_is_deterministic_sorted_and_ends_with_a_newline(tmp_path):
    p = pact(http("b"), http("a", "z state"), http("a", "a state"))
    first = write_pact(p, tmp_path / "one")
    second = write_pact(pact(*reversed(p.interactions)), tmp_path / "two")
    assert first.read_text() == second.read_text()
    text = first.read_text()
    assert text.endswith("}\n") and '\n  "consumer"' in text
    doc = json.loads(text)
    assert [(i["description"], i.get("providerStates", [{}])[0].get("name"))
            for i in doc["interactions"]] == [("a", "a state"), ("a", "z state"), ("b", None)]
    assert doc["metadata"]["accord"] == {"version": accord.__version__}
    assert doc["metadata"]["pactSpecification"] == {"version": "3.0.0"}
    assert first.name == "web-api.json"


def test_write_creates_the_directory_and_reads_back(tmp_path):
    path = write_pact(pact(http("x")), tmp_path / "deep" / "pacts")
    back = read_pact(path)
    assert back.consumer == "web" and back.interactions[0].description == "x"
    assert back.spec_version is SpecVersion.V3


def test_explicit_version(tmp_path):
    path = write_pact(pact(http("x")), tmp_path, version="4.0")
    doc = json.loads(path.read_text())
    assert doc["metadata"]["pactSpecification"]["version"] == "4.0"
    assert doc["interactions"][0]["type"] == "Synchronous/HTTP"


def test_merge_keeps_others_and_replaces_same_key(tmp_path):
    write_pact(pact(http("a", path="/old"), http("b")), tmp_path)
    path = write_pact(pact(http("a", path="/new"), http("c")), tmp_path)
    merged = read_pact(path)
    assert [i.description for i in merged.interactions] == ["a", "b", "c"]
    assert merged.interactions[0].request.path == "/new"


def test_same_description_different_states_are_different_interactions(tmp_path):
    write_pact(pact(http("a", "s1")), tmp_path)
    path = write_pact(pact(http("a", "s2")), tmp_path)
    assert len(read_pact(path).interactions) == 2


def test_without_merge_the_file_is_replaced(tmp_path):
    write_pact(pact(http("a"), http("b")), tmp_path)
    path = write_pact(pact(http("c")), tmp_path, merge=False)
    assert [i.description for i in read_pact(path).interactions] == ["c"]


def test_merge_upgrades_to_the_newer_version_and_keeps_metadata(tmp_path):
    old = pact(http("a"), version=SpecVersion.V4).replace(metadata={"plugins": [{"name": "x"}]})
    write_pact(old, tmp_path)
    path = write_pact(pact(http("b"), version=SpecVersion.V3), tmp_path)
    doc = json.loads(path.read_text())
    assert doc["metadata"]["pactSpecification"]["version"] == "4.0"
    assert doc["metadata"]["plugins"] == [{"name": "x"}]
    assert {i["description"] for i in doc["interactions"]} == {"a", "b"}


def test_merge_with_a_corrupt_file_fails_instead_of_overwriting(tmp_path):
    file = tmp_path / "web-api.json"
    file.write_text("{ not json")
    with pytest.raises(PactFormatError, match="malformed JSON"):
        write_pact(pact(http("a")), tmp_path)
    assert file.read_text() == "{ not json"


def test_conflicting_duplicates_in_one_write(tmp_path):
    with pytest.raises(ContractDefinitionError, match="'a' with s1"):
        write_pact(pact(http("a", "s1", path="/1"), http("a", "s1", path="/2")), tmp_path)
    assert not (tmp_path / "web-api.json").exists()


def test_identical_duplicates_collapse(tmp_path):
    path = write_pact(pact(http("a"), http("a")), tmp_path)
    assert len(read_pact(path).interactions) == 1


def test_messages_as_v2_are_refused(tmp_path):
    message = AsynchronousMessage(description="m", contents=MessageContents(
        body=Body.of_json({"a": 1})))
    with pytest.raises(UnsupportedVersionError, match="messages need Pact Specification V3"):
        write_pact(pact(message), tmp_path, version="2.0.0")


def test_lock_timeout(tmp_path):
    target = tmp_path / "web-api.json"
    with (exclusive_lock(lock_path(target), timeout=1),
          pytest.raises(PactFileLockError, match=r"could not lock .*another process")):
        write_pact(pact(http("a")), tmp_path, lock_timeout=0.05)
    assert not target.exists()


_HOLD_LOCK = """
import sys, time
from accord.filelocking import exclusive_lock
with exclusive_lock(sys.argv[1], timeout=5):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(lock: Path, seconds: float) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(lock), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    return holder


def _stop(holder: subprocess.Popen[str]) -> None:
    holder.kill()
    holder.wait()
    assert holder.stdout is not None
    holder.stdout.close()


def test_another_process_holding_the_lock_makes_a_writer_wait(tmp_path):
    lock = lock_path(tmp_path / "web-api.json")
    holder = _hold_lock(lock, 0.5)
    try:
        with pytest.raises(LockTimeout), exclusive_lock(lock, timeout=0.05):
            pass
        started = time.monotonic()
        write_pact(pact(http("a")), tmp_path, lock_timeout=30)  # waits for the holder
        assert time.monotonic() - started > 0.1
        assert holder.wait(30) == 0
    finally:
        _stop(holder)
    assert [i.description for i in read_pact(tmp_path / "web-api.json").interactions] == ["a"]


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    lock = lock_path(tmp_path / "web-api.json")
    _stop(_hold_lock(lock, 60))
    assert lock.exists()  # the file stays; the lock went with the process
    write_pact(pact(http("a")), tmp_path, lock_timeout=1)


def test_writing_what_the_file_already_holds_leaves_it_alone(tmp_path):
    path = write_pact(pact(http("a")), tmp_path)
    before = path.stat()
    assert write_pact(pact(http("a")), tmp_path) == path
    assert write_pact(pact(http("a")), tmp_path, merge=False) == path
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    write_pact(pact(http("b")), tmp_path)
    assert path.stat().st_ino != before.st_ino  # replaced, not rewritten in place


def test_a_synced_write_gives_the_same_file(tmp_path):
    first = write_pact(pact(http("a")), tmp_path / "plain").read_text()
    assert write_pact(pact(http("a")), tmp_path / "synced", sync=True).read_text() == first


def test_no_temporary_files_are_left_behind(tmp_path):
    write_pact(pact(http("a")), tmp_path)
    write_pact(pact(http("b")), tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["web-api.json"]  # the lock lives in the temporary directory


def test_render_matches_what_is_written(tmp_path):
    p = pact(http("a")).replace(metadata={"accord": {"version": accord.__version__}})
    path = write_pact(p, tmp_path, merge=False)
    assert path.read_text() == render_pact(p)


def _worker(directory: str, index: int) -> None:
    for n in range(5):
        write_pact(pact(http(f"worker {index} interaction {n}")), directory)


def test_parallel_writers_lose_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(str(tmp_path), i)) for i in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    merged = read_pact(tmp_path / "web-api.json")
    assert len(merged.interactions) == 20


# --------------------------------------------------------------------------- listing


def test_iter_pact_files(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.json").write_text("{}")
    (tmp_path / ".web-api.json.123.tmp").write_text("{}")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_pact_files(tmp_path)]
    assert found == ["a.json", "sub/b.json"]
    assert [p.name for p in iter_pact_files(tmp_path, recursive=False)] == ["a.json"]
    assert list(iter_pact_files(tmp_path / "a.json")) == [tmp_path / "a.json"]
    with pytest.raises(PactFormatError, match="no such pact file or directory"):
        list(iter_pact_files(tmp_path / "missing"))


def test_official_fixtures_are_found():
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "official"
    assert len(list(iter_pact_files(fixtures))) == 4


def test_pact_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    mask = os.umask(0o022)
    try:
        path = write_pact(pact(http("a")), tmp_path)
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


@pytest.mark.parametrize("fixture", sorted(
    (Path(__file__).resolve().parents[1] / "fixtures" / "official").glob("*.json")),
    ids=lambda p: p.stem)
def test_rendering_spliced_interactions_is_plain_json_of_the_pact(fixture: Path) -> None:
    from accord.model import dump_pact

    loaded = read_pact(fixture)
    for version in ("3.0.0", "4.0") if loaded.spec_version.value != "4.0" else ("4.0",):
        expected = json.dumps(dump_pact(loaded, version), indent=2, sort_keys=True,
                              ensure_ascii=False) + "\n"
        assert render_pact(loaded, version) == expected
        assert render_pact(loaded, version) == expected  # and again, from the cache


def test_a_file_changed_by_another_writer_is_read_again(tmp_path):
    path = write_pact(pact(http("a")), tmp_path)
    other = json.loads(path.read_text())
    other["interactions"].append({"description": "from elsewhere",
                                  "request": {"method": "GET", "path": "/x"},
                                  "response": {"status": 204}})
    path.write_text(json.dumps(other))  # as another process would
    write_pact(pact(http("b")), tmp_path)
    names = [i["description"] for i in json.loads(path.read_text())["interactions"]]
    assert names == ["a", "b", "from elsewhere"]


def test_merging_keeps_the_plugins_of_both_files(tmp_path):
    csv = {"name": "csv", "version": "0.0.6"}
    protobuf = {"name": "protobuf", "version": "0.3.0"}
    write_pact(pact(http("a")).replace(metadata={"plugins": [csv]}), tmp_path)
    path = write_pact(pact(http("b")).replace(metadata={"plugins": [protobuf]}), tmp_path)
    assert json.loads(path.read_text())["metadata"]["plugins"] == [csv, protobuf]


def test_locks_live_in_the_temporary_directory_tempfile_would_choose(tmp_path, monkeypatch):
    import tempfile

    default = Path(tempfile.gettempdir()) / "accord-pact-locks"
    assert lock_path(tmp_path / "a.json").parent == default
    (tmp_path / "tmp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    assert lock_path(tmp_path / "a.json").parent == tmp_path / "tmp" / "accord-pact-locks"
    monkeypatch.setenv("TMPDIR", str(tmp_path / "missing"))  # skipped, as tempfile skips it
    assert lock_path(tmp_path / "a.json").parent == default


def test_merging_into_what_this_process_wrote_gives_the_text_a_fresh_merge_gives(tmp_path):
    """Merging into the file this process wrote last skips re-reading, re-sorting and
    re-rendering it; a file touched in between (as by another writer) is read and merged from
    scratch. Both must write the same text, step by step."""
    import os

    steps = [
        [http("b")],
        [http("a")],
        [http("c", "state 1")],
        [http("b", status=500)],                                  # replaces b
        [http("a2", "s"), http("a1", "s"), http("a", "s")],       # several at once
        [http("c", "state 1", path="/changed"), http("0")],       # replaces c, adds 0
        [http("c", "state 1", "state 2")],                        # a different key than c
        [http("a1", "s"), http("a1", "s")],                       # identical duplicates
    ]
    fast, fresh = tmp_path / "fast", tmp_path / "fresh"
    for step in steps:
        one = pact(*step, version=SpecVersion.V4)
        fast_path = write_pact(one, fast)
        fresh_path = write_pact(one, fresh)
        assert fast_path.read_text() == fresh_path.read_text()
        stat = fresh_path.stat()
        os.utime(fresh_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    descriptions = [i["description"] for i in json.loads(fast_path.read_text())["interactions"]]
    assert descriptions == ["0", "a", "a", "a1", "a2", "b", "c", "c"]
    assert render_pact(read_pact(fast_path)) == fast_path.read_text()
    for _ in range(2):  # the second merges nothing into an empty file this process wrote
        empty = write_pact(pact(version=SpecVersion.V4), tmp_path / "empty")
        assert empty.read_text() == render_pact(read_pact(empty))
        assert json.loads(empty.read_text())["interactions"] == []


def test_preparing_an_interaction_checks_the_version_and_writes_the_same_text(tmp_path):
    from accord.pactfile import prepare_interaction

    message = AsynchronousMessage(description="m", contents=MessageContents())
    with pytest.raises(UnsupportedVersionError):
        prepare_interaction(message, SpecVersion.V2)
    prepared = [http("a"), http("b", "state")]
    for interaction in prepared:
        prepare_interaction(interaction, SpecVersion.V3)
    path = write_pact(pact(*prepared), tmp_path)
    fresh = pact(http("a"), http("b", "state"))  # equal interactions, never prepared
    assert path.read_text() == render_pact(
        fresh.replace(metadata={"accord": {"version": accord.__version__}}))
