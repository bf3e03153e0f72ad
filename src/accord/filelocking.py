"""An exclusive lock between processes on a lock file: what lets parallel test workers
(pytest-xdist) merge into one pact file without losing each other's interactions.

``flock`` on POSIX and ``msvcrt.locking`` on Windows, the calls the ``filelock`` package
makes, so the two exclude each other; written here because importing that package cost a
consumer test's process ~10 ms (``decimal``, ``secrets``, ``platform``, ``logging``)::

    with exclusive_lock("/tmp/x.lock", timeout=60):
        ...  # no other process holds the lock here

The lock is the open file's, so it is released when the process dies, however it dies: a
lock file left behind is never stale.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["LockTimeout", "exclusive_lock"]


class LockTimeout(Exception):
    """The lock was not free within the time allowed."""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import errno
    import fcntl

    _BUSY = frozenset({errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK})

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in _BUSY:
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _open(path: str) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        # a lock file another user made (a shared temporary directory): flock needs no write
        return os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        # its folder is missing (a temporary directory cleaned while the process ran)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)


@contextmanager
def exclusive_lock(path: str | os.PathLike[str], timeout: float) -> Iterator[None]:
    """Hold the lock on ``path`` (created when missing, with its folder) for the ``with``
    block.

    Waits up to ``timeout`` seconds (a negative one: for ever), then raises ``LockTimeout``.
    """
    fd = _open(os.fspath(path))
    try:
        deadline = time.monotonic() + timeout
        pause = 0.001
        while not _try_lock(fd):
            left = deadline - time.monotonic()
            if timeout >= 0 and left <= 0:
                raise LockTimeout(os.fspath(path))
            time.sleep(pause if timeout < 0 else min(pause, left))
            pause = min(pause * 2, 0.05)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)
