"""Wall time and peak memory of one child process, for the side-by-side benchmarks."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    wall: float  # seconds, from spawning the process to its exit
    rss_mb: float  # its peak resident set size
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # its user + system CPU seconds (all its threads)


def run_process(cmd: Sequence[str], *, env: Mapping[str, str] | None = None,
                timeout: float = 600) -> Measured:
    """Run ``cmd`` and measure it: ``os.wait4`` gives this one child's peak RSS (a
    process's own ``ru_maxrss``, not the maximum over all children so far)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err,
                                env=dict(env) if env is not None else None)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(wall, usage.ru_maxrss / 1024, proc.returncode,
                        out.read().decode(errors="replace"), err.read().decode(errors="replace"),
                        usage.ru_utime + usage.ru_stime)


def compile_accord() -> None:
    """Byte-compile accord once, as installing it does (this machine sets
    PYTHONDONTWRITEBYTECODE, and a cold start that compiles every module says nothing)."""
    import compileall

    import accord

    compileall.compile_dir(str(Path(accord.__file__).parent), quiet=1)


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}x" if theirs else "n/a"


def bench_env() -> dict[str, str]:
    return {**os.environ, "PACT_DO_NOT_TRACK": "true"}
