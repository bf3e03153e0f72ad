"""Replacing a file's content atomically: what lets a reader never see half a pact file.

``replace_file`` writes the new content to a hidden temporary file beside the target and
renames it over the target, so a reader opens the old file or the new one, never part of one,
and a process killed at any moment leaves one of them whole (and at worst a hidden
``.{name}.*.tmp`` file). With ``sync=True`` the content is flushed to the disk before the
rename, so that not even a machine crash can leave the file empty::

    replace_file(Path("pacts/web-users.json"), data)              # a test's write
    replace_file(Path("pacts/web-users.json"), data, sync=True)   # the end of a run

A write that is not synced over an existing file swaps the two files on Linux
(``renameat2(RENAME_EXCHANGE)``) and then deletes the temporary name, which holds the old
content by then. Readers see the same atomic switch. The point is speed: ext4 starts writing a
file back as soon as it is renamed *over* another one (``auto_da_alloc``), ~0.15 ms a write, a
tenth of a consumer test that writes its pact as it passes; an exchange does not trigger that.
The trade: without that early write-back, a machine crash (not a process kill) within the
next seconds may leave the file empty, as it may after any write that is not synced (a plain
rename over it only nearly rules that out, and a new file never had that help). Systems or
file systems without the call (other kernels, some network and overlay file systems) get the
plain rename; the first refusal is remembered.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = ["Exchanger", "libc_renameat2", "replace_file"]

Renameat2 = Callable[[bytes, bytes], int]  # (old path, new path) -> 0 or an errno

# errnos meaning "this system or file system cannot exchange": never try again (any other
# refusal, e.g. a missing target, falls back for that write only)
_UNSUPPORTED = frozenset({errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP})


def libc_renameat2() -> Renameat2:
    """C library's ``renameat2`` with ``RENAME_EXCHANGE`` (Linux), through ``ctypes``:
    imported here, on the first write over a file, since ``ctypes`` costs a process ~1 ms.
    Raises ``OSError`` or ``AttributeError`` when there is no such function."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    call = libc.renameat2
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                     ctypes.c_uint]
    call.restype = ctypes.c_int
    at_fdcwd, rename_exchange = -100, 2

    def renameat2(old: bytes, new: bytes) -> int:
        if call(at_fdcwd, old, at_fdcwd, new, rename_exchange) == 0:
            return 0
        return ctypes.get_errno() or errno.EIO

    return renameat2


class Exchanger:
    """Swaps two files atomically when the system can, and remembers when it cannot.

    ``load`` gives the ``renameat2`` to call (``libc_renameat2`` by default, loaded on first
    use); a test passes its own to see the fallback."""

    def __init__(self, load: Callable[[], Renameat2] = libc_renameat2, *,
                 supported: bool | None = None) -> None:
        self._load = load
        self._call: Renameat2 | None = None
        self.supported = sys.platform.startswith("linux") if supported is None else supported

    def exchange(self, a: str, b: str) -> bool:
        """Swap the files at ``a`` and ``b``; False when that was not done (the caller renames
        instead), and for good when the system cannot."""
        if not self.supported:
            return False
        if self._call is None:
            try:
                self._call = self._load()
            except (OSError, AttributeError):
                self.supported = False
                return False
        code = self._call(os.fsencode(a), os.fsencode(b))
        if code in _UNSUPPORTED:
            self.supported = False
        return code == 0


_EXCHANGER = Exchanger()


def replace_file(path: Path, data: bytes | Sequence[bytes], *, sync: bool = False,
                 exists: bool = True, exchanger: Exchanger | None = None) -> os.stat_result:
    """Give ``path`` the content ``data`` atomically; returns the new file's ``stat``.

    ``data``: the bytes, or pieces of them (written as they are, not joined first).

    ``exists``: whether ``path`` is believed to be a file (an exchange needs one to swap with;
    when there is none after all, the plain rename is used; never pass it for a directory).
    Missing directories are made. ``exchanger``: the process's own by default."""
    folder = os.fspath(path.parent)
    prefix = os.path.join(folder, f".{path.name}.")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = f"{prefix}{os.urandom(6).hex()}.tmp"
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies: an ordinary file
        except FileExistsError:
            continue
        except FileNotFoundError:
            if os.path.isdir(folder):
                raise
            os.makedirs(folder, exist_ok=True)
            continue
        break
    try:
        try:
            _write(fd, [data] if isinstance(data, bytes) else data)
            if sync:
                os.fsync(fd)
            stat = os.fstat(fd)
        finally:
            os.close(fd)
        swap = exchanger if exchanger is not None else _EXCHANGER
        if exists and not sync and swap.exchange(tmp, os.fspath(path)):
            with contextlib.suppress(OSError):  # the old content, no longer reachable
                os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return stat


_IOV_MAX = 1024  # what Linux and the BSDs allow a writev; POSIX guarantees 16


def _write(fd: int, chunks: Sequence[bytes]) -> None:
    writev = getattr(os, "writev", None)
    step = _IOV_MAX if writev is not None else 1
    for start in range(0, len(chunks), step):
        batch = chunks[start:start + step]
        done = writev(fd, batch) if writev is not None else os.write(fd, batch[0])
        if done < sum(map(len, batch)):  # a short write (a signal, a full disk): the rest
            rest = memoryview(b"".join(batch))[done:]
            while rest:
                rest = rest[os.write(fd, rest):]
