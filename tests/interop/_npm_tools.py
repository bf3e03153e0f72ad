"""The official Pact tools from npm, run against ``accord broker serve`` on 127.0.0.1.

``scripts/npm_tools.sh`` installs them, as pinned by ``tests/interop/js/package-lock.json``, into
``$ACCORD_NPM_TOOLS`` (default ``.npm-tools/`` in the repository): the Ruby ``pact-broker`` client
and ``pact-provider-verifier`` that ``@pact-foundation/pact-cli`` bundles with a standalone Ruby,
and pact-js (``@pact-foundation/pact`` with the Rust core inside ``@pact-foundation/pact-core``).
A missing tool fails the test with the command that installs it.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = [
    "JS_DIR",
    "NPM_TOOLS",
    "StubProvider",
    "ToolRun",
    "accord_broker",
    "node_modules",
    "npm_tool",
    "ok",
    "pact_broker",
    "run_command",
    "run_npm_tool",
    "write_pact",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
JS_DIR = Path(__file__).resolve().parent / "js"
NPM_TOOLS = Path(os.environ.get("ACCORD_NPM_TOOLS") or REPO_ROOT / ".npm-tools")
_INSTALL_HINT = (
    "run `bash scripts/npm_tools.sh` (it installs tests/interop/js/package-lock.json into "
    "$ACCORD_NPM_TOOLS, default .npm-tools/ in the repository)"
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def node_modules() -> Path:
    """The installed ``node_modules`` (the test fails if the tools are not installed)."""
    found = NPM_TOOLS / "node_modules"
    if not (found / "@pact-foundation" / "pact").is_dir():
        pytest.fail(f"pact-js is not installed in {found}: {_INSTALL_HINT}", pytrace=False)
    if shutil.which("node") is None:
        pytest.fail("node is not on PATH: the pact-js interop tests need Node.js", pytrace=False)
    return found


def npm_tool(name: str) -> Path:
    """The executable ``name`` (the test fails if it is not installed).

    For the Ruby tools this is the standalone's own launcher inside the platform package
    (``@pact-foundation/pact-cli-<os>-<cpu>/standalone/<…>/pact/bin``), which the
    ``node_modules/.bin`` shim would start through a second process (node) on every call.
    """
    standalone = sorted(NPM_TOOLS.glob(
        f"node_modules/@pact-foundation/pact-cli-*/standalone/*/pact/bin/{name}"))
    path = standalone[0] if standalone else NPM_TOOLS / "node_modules" / ".bin" / name
    if not path.exists():
        pytest.fail(f"the official `{name}` is not installed at {path}: {_INSTALL_HINT}",
                    pytrace=False)
    return path


@dataclass
class ToolRun:
    """One run of an official tool: exit code and its console output without colours."""

    returncode: int
    stdout: str
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout + self.stderr

    def text(self) -> str:
        return f"exit {self.returncode}\n{self.out}"


def run_npm_tool(name: str, *args: str, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None, timeout: float = 120) -> ToolRun:
    """Run ``node_modules/.bin/<name> args…`` with tracking off and colours stripped."""
    return run_command([str(npm_tool(name)), *args], env=env, cwd=cwd, timeout=timeout)


def pact_broker(broker: str, *args: str) -> ToolRun:
    """``pact-broker <command> args… --broker-base-url <broker>`` (the official Ruby client)."""
    return run_npm_tool("pact-broker", *args, "--broker-base-url", broker)


def ok(run: ToolRun) -> ToolRun:
    """``run``, after checking that it exited 0 (its output is the failure message)."""
    assert run.returncode == 0, run.text()
    return run


def run_command(command: list[str], *, env: Mapping[str, str] | None = None,
                cwd: Path | None = None, timeout: float = 120) -> ToolRun:
    """Run ``command`` (in a scratch directory unless ``cwd``) with tracking off."""
    full_env = {**os.environ, "PACT_DO_NOT_TRACK": "true", **(env or {})}
    for inherited in ("PACT_BROKER_BASE_URL", "PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME",
                      "PACT_BROKER_PASSWORD"):
        if env is None or inherited not in env:
            full_env.pop(inherited, None)
    if cwd is None:
        # the tools write logs into their working directory (pact-provider-verifier: log/)
        with tempfile.TemporaryDirectory(prefix="accord-npm-tool-") as scratch:
            return run_command(command, env=env, cwd=Path(scratch), timeout=timeout)
    done = subprocess.run(command, capture_output=True, text=True, env=full_env, cwd=cwd,
                          timeout=timeout, check=False)
    return ToolRun(done.returncode, _ANSI.sub("", done.stdout), _ANSI.sub("", done.stderr))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def accord_broker(tmp: Path, settings: Mapping[str, str] | None = None) -> Iterator[str]:
    """``accord broker serve`` on a free 127.0.0.1 port with a SQLite file in ``tmp``, and
    ``settings`` (``ACCORD_BROKER_…`` environment variables) on top of the defaults.

    A port taken between choosing and binding it makes the server exit; then another is tried.
    """
    env = {**os.environ, "ACCORD_BROKER_DATABASE_URL": f"sqlite:///{tmp / 'broker.sqlite3'}",
           **(settings or {})}
    for _attempt in range(5):
        port = _free_port()
        command = [sys.executable, "-m", "accord", "broker", "serve", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            if _wait_for_heartbeat(url, proc):
                yield url
                return
        finally:
            proc.terminate()
            proc.wait(10)
    pytest.fail("`accord broker serve` did not start")


def _wait_for_heartbeat(url: str, proc: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(url + "/diagnostic/status/heartbeat").status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    return False


def write_pact(directory: Path, consumer: str, provider: str, body: Any, *,
               state: str = "things exist", path: str = "/things") -> Path:
    """A one-interaction V2 pact file ``<consumer>-<provider>.json`` (overwritten)."""
    directory.mkdir(parents=True, exist_ok=True)
    doc = {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [{
            "description": f"a request for {path}",
            "providerState": state,
            "request": {"method": "GET", "path": path},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                         "body": body},
        }],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    file = directory / f"{consumer}-{provider}.json"
    file.write_text(json.dumps(doc))
    return file


class StubProvider:
    """A stdlib HTTP provider on 127.0.0.1 (context manager; ``.url``).

    ``GET <path>`` answers ``routes[path]`` as JSON (404 otherwise); ``POST /_pact/state`` records
    the provider-state call (the JSON body, or the query string) in ``.states``.
    """

    STATE_PATH = "/_pact/state"

    def __init__(self, routes: Mapping[str, Any]) -> None:
        self.routes: dict[str, Any] = dict(routes)
        self.states: list[Any] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                if path in outer.routes:
                    self._answer(200, outer.routes[path])
                else:
                    self._answer(404, {"error": f"no route {path}"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path.split("?", 1)[0] != outer.STATE_PATH:
                    self._answer(404, {"error": "not found"})
                    return
                outer.states.append(json.loads(raw) if raw.strip() else self.path)
                self._answer(200, {})

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return None

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def state_url(self) -> str:
        return self.url + self.STATE_PATH

    def __enter__(self) -> StubProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)
