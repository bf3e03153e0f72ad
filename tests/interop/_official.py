"""Helpers for running the official Pact tools from pact-python-cli: the verifier (the Rust
core behind ``pact verifier``) against a provider served by uvicorn on 127.0.0.1 in a thread,
and the official mock and stub servers (``pact mock``, ``pact stub``) serving pact files.

``run_verifier`` always asks for the verifier's JSON report (``--json``) and returns it parsed,
so tests assert on interaction results and mismatch paths rather than on exit codes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PACT_BIN",
    "ProviderThread",
    "VerifierRun",
    "message_metadata_header",
    "official_mock",
    "official_stub",
    "run_verifier",
]

PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")


def message_metadata_header(metadata: Mapping[str, Any]) -> dict[str, str]:
    """The ``Pact-Message-Metadata`` header of the message-provider protocol (base64 JSON)."""
    encoded = base64.b64encode(json.dumps(dict(metadata)).encode()).decode("ascii")
    return {"Pact-Message-Metadata": encoded}


class ProviderThread:
    """An ASGI app on uvicorn in a daemon thread (context manager; ``.url``, ``.port``).

    The listening socket is bound here (no free-port race) with TCP_NODELAY, which accepted
    connections inherit, so keep-alive requests never wait on Nagle's algorithm.
    """

    def __init__(self, app: Any) -> None:
        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="error", lifespan="off", http="httptools")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ProviderThread:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the provider did not start")
            time.sleep(0.005)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self._sock.close()


@dataclass
class VerifierRun:
    """One run of the official verifier: exit code, console output and the JSON report."""

    returncode: int
    stdout: str
    stderr: str
    report: dict[str, Any]

    @property
    def results(self) -> dict[str, str]:
        """Interaction description → the verifier's result (``Success``, ``Error`` ...)."""
        return {r["description"]: r["result"] for r in self.report.get("interactionResults", [])}

    def mismatches(self, description: str) -> list[dict[str, Any]]:
        """The mismatches the verifier reported for one interaction (``[]`` if none)."""
        found: list[dict[str, Any]] = []
        for error in self.report.get("errors", []):
            if error["interaction"].endswith(f" - {description}"):
                found.extend(error["mismatch"].get("mismatches", []))
        return found

    def where(self, description: str) -> set[tuple[str, str]]:
        """``(type, path-or-key)`` of each mismatch of one interaction."""
        return {(m["type"], m.get("path") or m.get("key") or "")
                for m in self.mismatches(description)}

    def text(self) -> str:
        return f"exit {self.returncode}\n{self.stdout}\n{self.stderr}"


def run_verifier(pact_files: Sequence[Path], port: int, report_dir: Path, *,
                 state_change_url: str | None = None, provider_name: str | None = None,
                 extra: Iterable[str] = ()) -> VerifierRun:
    """Run ``pact verifier`` over ``pact_files`` against 127.0.0.1:``port``."""
    assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is not installed"
    report = report_dir / f"verifier-report-{time.monotonic_ns()}.json"
    command = [PACT_BIN, "verifier", "--hostname", "127.0.0.1", "--port", str(port),
               "--no-colour", "--json", str(report)]
    for path in pact_files:
        command += ["-f", str(path)]
    if state_change_url:
        command += ["--state-change-url", state_change_url]
    if provider_name:
        command += ["--provider-name", provider_name]
    command += list(extra)
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    data = json.loads(report.read_text()) if report.exists() else {}
    return VerifierRun(done.returncode, done.stdout, done.stderr, data)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def official_mock(pact_file: Path, workdir: Path) -> Iterator[str]:
    """The official mock server (``pact mock start`` + ``pact mock create -f``) serving one
    pact file; yields its base URL. ``pact mock create`` passes the pact through the V3
    model, so V4-only body attributes are lost on the way: use ``official_stub`` for V4."""
    assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is not installed"
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    master_port = _free_port()
    master = subprocess.Popen(
        [PACT_BIN, "mock", "--port", str(master_port), "--host", "127.0.0.1", "start",
         "--no-file-log"], cwd=workdir, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(master_port, master, "pact mock start")
        done = subprocess.run(
            [PACT_BIN, "mock", "create", "--port", str(master_port), "--host", "127.0.0.1",
             "-f", str(pact_file)], cwd=workdir, env=env, capture_output=True, text=True,
            timeout=60, check=False)
        found = re.search(r"started on port (\d+)", done.stdout)
        assert found, f"pact mock create failed:\n{done.stdout}\n{done.stderr}"
        yield f"http://127.0.0.1:{found.group(1)}"
    finally:
        _stop(master)


@contextmanager
def official_stub(pact_files: Sequence[Path], workdir: Path) -> Iterator[str]:
    """The official stub server (``pact stub``), which reads pacts of every version with
    pact_models as the verifier does and serves their responses; yields its base URL."""
    assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is not installed"
    port = _free_port()
    command = [PACT_BIN, "stub", "--port", str(port)]
    for path in pact_files:
        command += ["--file", str(path)]
    proc = subprocess.Popen(command, cwd=workdir, env={**os.environ, "PACT_DO_NOT_TRACK": "true"},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, proc, "pact stub")
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)
