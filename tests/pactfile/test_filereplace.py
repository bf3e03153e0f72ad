"""accord.filereplace: a file's content replaced atomically, by a rename or (Linux) an
exchange, with the rename whenever the exchange cannot be done."""

from __future__ import annotations

import errno
import os
import sys
import threading
from pathlib import Path

import pytest

from accord.filereplace import Exchanger, Renameat2, libc_renameat2, replace_file

LINUX = sys.platform.startswith("linux")


class Recorded:
    """A renameat2 that records what it was asked and answers ``code`` (None: the real one)."""

    def __init__(self, code: int | None = None) -> None:
        self.code = code
        self.calls: list[tuple[bytes, bytes]] = []
        self.answers: list[int] = []
        self.loads = 0

    def load(self) -> Renameat2:
        self.loads += 1
        real = libc_renameat2() if self.code is None else None

        def renameat2(old: bytes, new: bytes) -> int:
            self.calls.append((old, new))
            answer = real(old, new) if real is not None else self.code
            assert answer is not None
            self.answers.append(answer)
            return answer

        return renameat2


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_new_file_is_renamed_into_place(tmp_path: Path) -> None:
    recorded = Recorded()
    path = tmp_path / "a.json"
    stat = replace_file(path, b"new", exists=False, exchanger=Exchanger(recorded.load))
    assert path.read_bytes() == b"new"
    assert (stat.st_ino, stat.st_size) == (path.stat().st_ino, 3)
    assert recorded.calls == []  # nothing to swap with
    assert files(tmp_path) == ["a.json"]


@pytest.mark.skipif(not LINUX, reason="renameat2 is Linux's")
def test_an_existing_file_is_swapped_with_the_new_one(tmp_path: Path) -> None:
    recorded = Recorded()
    exchanger = Exchanger(recorded.load)
    path = tmp_path / "a.json"
    path.write_bytes(b"old content")
    for n in range(3):
        before = path.stat().st_ino
        stat = replace_file(path, f"content {n}".encode(), exchanger=exchanger)
        assert path.read_bytes() == f"content {n}".encode()
        assert path.stat().st_ino == stat.st_ino != before  # a new file, not rewritten
        assert files(tmp_path) == ["a.json"]  # the temporary name, holding the old text, went
    assert recorded.answers == [0, 0, 0]
    assert recorded.loads == 1 and exchanger.supported
    assert all(new == os.fsencode(path) for _, new in recorded.calls)


def test_a_synced_write_renames(tmp_path: Path) -> None:
    recorded = Recorded()
    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    replace_file(path, b"synced", sync=True, exchanger=Exchanger(recorded.load))
    assert path.read_bytes() == b"synced"
    assert recorded.calls == [] and files(tmp_path) == ["a.json"]


@pytest.mark.parametrize("code", [errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP])
def test_a_system_that_cannot_exchange_gets_the_rename_and_is_not_asked_again(
        tmp_path: Path, code: int) -> None:
    recorded = Recorded(code)
    exchanger = Exchanger(recorded.load, supported=True)
    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    replace_file(path, b"first", exchanger=exchanger)
    assert path.read_bytes() == b"first"
    assert not exchanger.supported
    replace_file(path, b"second", exchanger=exchanger)
    assert path.read_bytes() == b"second"
    assert len(recorded.calls) == 1
    assert files(tmp_path) == ["a.json"]


def test_another_refusal_falls_back_for_that_write_only(tmp_path: Path) -> None:
    recorded = Recorded(errno.ENOENT)  # as when the file went away meanwhile
    exchanger = Exchanger(recorded.load, supported=True)
    path = tmp_path / "a.json"
    for n in range(2):
        replace_file(path, f"{n}".encode(), exchanger=exchanger)
        assert path.read_bytes() == f"{n}".encode()
    assert len(recorded.calls) == 2 and exchanger.supported
    assert files(tmp_path) == ["a.json"]


@pytest.mark.skipif(not LINUX, reason="renameat2 is Linux's")
def test_a_file_believed_there_but_missing_is_renamed_into_place(tmp_path: Path) -> None:
    recorded = Recorded()
    exchanger = Exchanger(recorded.load)
    path = tmp_path / "a.json"
    replace_file(path, b"new", exists=True, exchanger=exchanger)
    assert path.read_bytes() == b"new"
    assert recorded.answers == [errno.ENOENT] and exchanger.supported
    assert files(tmp_path) == ["a.json"]


@pytest.mark.parametrize("error", [AttributeError("no renameat2"), OSError("no libc")])
def test_a_c_library_without_renameat2_gets_the_rename(tmp_path: Path,
                                                       error: Exception) -> None:
    def load() -> Renameat2:
        raise error

    exchanger = Exchanger(load, supported=True)
    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    replace_file(path, b"new", exchanger=exchanger)
    assert path.read_bytes() == b"new" and not exchanger.supported
    assert files(tmp_path) == ["a.json"]


def test_a_failure_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    def load() -> Renameat2:
        def interrupted(old: bytes, new: bytes) -> int:
            raise KeyboardInterrupt

        return interrupted

    path = tmp_path / "a.json"
    path.write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        replace_file(path, b"new", exchanger=Exchanger(load, supported=True))
    assert path.read_bytes() == b"old"
    assert files(tmp_path) == ["a.json"]


def test_missing_directories_are_made(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c.json"
    replace_file(path, b"x", exists=False)
    assert path.read_bytes() == b"x"


@pytest.mark.parametrize("exchanging", [True, False], ids=["exchange", "rename"])
def test_readers_never_see_part_of_a_file(tmp_path: Path, exchanging: bool) -> None:
    path = tmp_path / "a.json"
    contents = [b"a" * 300_000, b"b" * 200_000 + b"\n"]
    path.write_bytes(contents[1])
    exchanger = Exchanger(supported=LINUX) if exchanging else Exchanger(supported=False)
    done = threading.Event()
    seen: list[bytes] = []
    wrong: list[int] = []

    def read() -> None:
        while not done.is_set():
            data = path.read_bytes()
            if data not in contents:
                wrong.append(len(data))
            elif not seen or seen[-1] != data:
                seen.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for n in range(300):
            replace_file(path, contents[n % 2], exchanger=exchanger)
    finally:
        done.set()
        reader.join()
    assert wrong == []
    assert len(seen) >= 2  # the reader saw both contents while they changed
    assert exchanger.supported is (exchanging and LINUX)
    assert files(tmp_path) == ["a.json"]


def test_content_in_many_pieces_is_written_whole(tmp_path: Path) -> None:
    pieces = [f"{n},".encode() for n in range(5000)]  # more than one writev may take
    path = tmp_path / "a.json"
    stat = replace_file(path, pieces, exists=False)
    assert path.read_bytes() == b"".join(pieces)
    assert stat.st_size == len(b"".join(pieces))
