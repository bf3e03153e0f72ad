"""Run `accord mock` as a subprocess and wait until it prints its URL."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from typing import IO


class AccordMock:
    """An `accord mock` process whose output is drained by background threads."""

    def __init__(self, args: list[str]):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from accord.cli import main; main()", "mock", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._out: list[str] = []
        self._err: list[str] = []
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._drain, args=(self.proc.stdout, self._out, True)),
            threading.Thread(target=self._drain, args=(self.proc.stderr, self._err, False)),
        ]
        for t in self._threads:
            t.daemon = True
            t.start()

    def _drain(self, stream: IO[str], into: list[str], announce: bool) -> None:
        for line in stream:
            into.append(line)
            if announce:
                self.lines.put(line)
        if announce:
            self.lines.put(None)

    @property
    def output(self) -> str:
        return "".join(self._out)

    def send_signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 15) -> tuple[str, str]:
        """Wait for the process to exit; (all stdout, all stderr)."""
        try:
            self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for t in self._threads:
                t.join(5)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
        return "".join(self._out), "".join(self._err)

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode


def start_accord_mock(args: list[str], timeout: float = 30) -> tuple[AccordMock, str]:
    """Start `accord mock ARGS` and return it with the URL it listens on."""
    mock = AccordMock(args)
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = mock.lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        found = re.search(r"listening on (\S+)", line)
        if found:
            if found.group(1).startswith("https://"):
                mock.lines.get(timeout=5)  # the certificate line follows at once
            return mock, found.group(1)
    mock.proc.kill()
    out, err = mock.finish()
    raise AssertionError(f"accord mock did not start:\n{out}\n{err}")
