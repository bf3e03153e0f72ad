"""Verifier benchmark: accord against the official Rust verifier (`pact verifier`), side by side.

    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/verifier.py          # 300 and 1,000
    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/verifier.py --quick  # 300 interactions

One pact (V3; JSON bodies with type, integer, decimal and regex matchers, query parameters and
request headers; every 25th response a ~100 KB body with an array of records under
``$.records[*]`` rules) is verified against a provider in a separate process on 127.0.0.1
that answers every interaction from a table. Every row is a whole process (the official
``pact verifier`` against ``accord verify``, or a Python process verifying in process), so the
times include start-up and the peak RSS of each is measured:

* no state-change URL: the provider is a uvicorn (httptools) app;
* with a state-change URL: every interaction has a provider state, and the provider is Python's
  ``http.server`` (HTTP/1.1 keep-alive; it writes an answer's head and body in two sends
  without TCP_NODELAY, as many small providers do), which also serves the state-change URL;
* in process: accord calls the same ASGI app directly (no server); the official verifier has
  no in-process mode, so its HTTP run is the comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from _measure import Measured, bench_env, compile_accord, ratio, run_process

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- the pact


def _record(i: int, j: int) -> dict[str, Any]:
    return {"id": j, "sku": f"SKU-{i:04d}-{j:05d}", "name": f"record {j} of item {i}",
            "price": round(10 + j * 0.25, 2), "tags": ["red", "large"], "active": j % 2 == 0}


def make_pact(n: int, states: bool = False) -> dict[str, Any]:
    interactions = []
    for i in range(n):
        large = i % 25 == 24
        if large:
            body: dict[str, Any] = {"item": i, "records": [_record(i, j) for j in range(700)]}
            rules = {
                "$.body.item": {"match": "integer"},
                "$.body.records": {"match": "type", "min": 1},
                "$.body.records[*].id": {"match": "integer"},
                "$.body.records[*].sku": {"match": "regex", "regex": "SKU-\\d{4}-\\d{5}"},
                "$.body.records[*].price": {"match": "decimal"},
                "$.body.records[*].name": {"match": "type"},
            }
        else:
            body = {"id": i, "name": f"item {i}", "price": 9.99 + i, "currency": "EUR",
                    "tags": ["a", "b", "c"], "stock": {"warehouse": "north", "count": i * 3},
                    "updated": "2024-05-01T10:11:12"}
            rules = {
                "$.body.id": {"match": "integer"},
                "$.body.name": {"match": "type"},
                "$.body.price": {"match": "decimal"},
                "$.body.currency": {"match": "regex", "regex": "[A-Z]{3}"},
                "$.body.tags": {"match": "type", "min": 1},
                "$.body.stock.count": {"match": "integer"},
                "$.header.Content-Type": {"match": "regex",
                                          "regex": "application/json.*"},
            }
        interactions.append({
            "description": f"a request for item {i:04d}",
            **({"providerStates": [{"name": "an item exists", "params": {"id": i}}]}
               if states else {}),
            "request": {"method": "GET", "path": f"/items/{i}",
                        "query": {"view": ["full"], "lang": ["en"]},
                        "headers": {"Accept": "application/json", "X-Client": "bench"}},
            "response": {"status": 200, "headers": {"Content-Type": "application/json"},
                         "body": body, "matchingRules": rules},
        })
    return {"consumer": {"name": "bench-consumer"}, "provider": {"name": "bench-provider"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "3.0.0"}}}


# --------------------------------------------------------------------------- the provider


def make_app(pact_file: Path) -> Any:
    """An ASGI app answering each interaction's request with its response, from a table."""
    pact = json.loads(pact_file.read_text())
    table: dict[str, tuple[int, bytes]] = {}
    for item in pact["interactions"]:
        resp = item["response"]
        table[item["request"]["path"]] = (resp["status"], json.dumps(resp["body"]).encode())
    not_found = (404, b'{"error": "not found"}')

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        status, body = table.get(scope["path"], not_found)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return app


def serve(pact_file: Path, port: int) -> None:
    import uvicorn

    uvicorn.run(make_app(pact_file), host="127.0.0.1", port=port, log_level="error",
                http="httptools", access_log=False, lifespan="off")


def serve_stdlib(pact_file: Path, port: int) -> None:
    """The same table from Python's ``http.server``, plus a state-change endpoint."""
    pact = json.loads(pact_file.read_text())
    table: dict[str, bytes] = {}
    for item in pact["interactions"]:
        table[item["request"]["path"]] = json.dumps(item["response"]["body"]).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            body = table.get(self.path.split("?", 1)[0])
            self._answer(200, body) if body else self._answer(404, b"{}")

        def do_POST(self) -> None:  # the state-change URL
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(200, b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the provider did not start")


# --------------------------------------------------------------------------- the runs


def run_official(pact_file: Path, port: int, state_url: str | None = None) -> Measured:
    exe = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")
    if exe is None:
        raise RuntimeError("the pact CLI (pact-python-cli) is not installed")
    extra = ["--state-change-url", state_url] if state_url else []
    return run_process([exe, "verifier", "--file", str(pact_file), "--hostname", "127.0.0.1",
                        "--port", str(port), "--provider-name", "bench-provider",
                        "--no-colour", *extra], env=bench_env())


def run_accord_cli(pact_file: Path, url: str, state_url: str | None = None) -> Measured:
    extra = ["--state-change-url", state_url] if state_url else []
    return run_process([sys.executable, "-m", "accord", "verify", str(pact_file),
                        "--provider-base-url", url, "-n", "bench-provider", *extra],
                       env=bench_env())


IN_PROCESS = """
import sys
sys.path.insert(0, {here!r})
from pathlib import Path
from accord import Verifier
from verifier import make_app
pact_file = Path({pact!r})
result = Verifier("bench-provider").add_source(pact_file).add_transport(
    app=make_app(pact_file)).verify(raises=False)
sys.exit(0 if result.ok else 1)
"""


def run_accord_in_process(pact_file: Path) -> Measured:
    code = IN_PROCESS.format(here=str(Path(__file__).parent), pact=str(pact_file))
    return run_process([sys.executable, "-c", code], env=bench_env())


def _best(runs: list[Measured], what: str) -> Measured:
    failed = [r for r in runs if r.returncode]
    if failed:
        raise RuntimeError(f"{what} failed: {failed[0].stdout[-1500:]} {failed[0].stderr[-1500:]}")
    return min(runs, key=lambda r: r.wall)


class _Provider:
    def __init__(self, mode: str, pact_file: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen([sys.executable, __file__, mode, str(pact_file),
                                      str(self.port)])
        _wait(self.port)
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def bench_size(n: int, repeat: int, tmp: Path) -> list[tuple[str, Measured, Measured]]:
    plain = tmp / f"plain-{n}.json"
    plain.write_text(json.dumps(make_pact(n)))
    stated = tmp / f"states-{n}.json"
    stated.write_text(json.dumps(make_pact(n, states=True)))
    rows: list[tuple[str, Measured, Measured]] = []
    uvicorn_provider = _Provider("--serve", plain)
    stdlib_provider = _Provider("--serve-stdlib", stated)
    try:
        runs: dict[str, list[Measured]] = {k: [] for k in (
            "official", "accord", "official-states", "accord-states", "accord-asgi")}
        state_url = stdlib_provider.url + "/_pact/state"
        for _ in range(repeat):  # interleaved, so a busy spell hits both alike
            runs["official"].append(run_official(plain, uvicorn_provider.port))
            runs["accord"].append(run_accord_cli(plain, uvicorn_provider.url))
            runs["official-states"].append(
                run_official(stated, stdlib_provider.port, state_url))
            runs["accord-states"].append(
                run_accord_cli(stated, stdlib_provider.url, state_url))
            runs["accord-asgi"].append(run_accord_in_process(plain))
        best = {k: _best(v, k) for k, v in runs.items()}
        rows.append((f"{n} interactions, HTTP, no state-change URL", best["accord"],
                     best["official"]))
        rows.append((f"{n} interactions, HTTP, state-change URL", best["accord-states"],
                     best["official-states"]))
        rows.append((f"{n} interactions, accord in process (ASGI)", best["accord-asgi"],
                     best["official"]))
    finally:
        uvicorn_provider.close()
        stdlib_provider.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 interactions, one run each")
    parser.add_argument("--interactions", type=int, nargs="*", default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--serve", nargs=2, metavar=("PACT", "PORT"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-stdlib", nargs=2, metavar=("PACT", "PORT"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    if args.serve_stdlib:
        serve_stdlib(Path(args.serve_stdlib[0]), int(args.serve_stdlib[1]))
        return
    compile_accord()
    sizes = args.interactions or ([300] if args.quick else [300, 1000])
    repeat = args.repeat or (1 if args.quick else 2)
    started = time.perf_counter()
    rows: list[tuple[str, Measured, Measured]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            print(f"... {n} interactions", file=sys.stderr, flush=True)
            rows.extend(bench_size(n, repeat, Path(tmp)))
    print(f"verifier benchmark: best of {repeat}; every 25th interaction has a ~100 KB body")
    print(f"{'':<46}{'accord s':>9}{'official s':>11}{'accord/off':>11}"
          f"{'RSS MB':>8}{'off RSS':>8}{'CPU s':>7}{'off CPU':>8}")
    for label, ours, theirs in rows:
        print(f"{label:<46}{ours.wall:>9.2f}{theirs.wall:>11.2f}"
              f"{ratio(ours.wall, theirs.wall):>11}{ours.rss_mb:>8.0f}{theirs.rss_mb:>8.0f}"
              f"{ours.cpu:>7.2f}{theirs.cpu:>8.2f}")
    print(f"({time.perf_counter() - started:.0f} s in all; each row is a whole process: "
          f"start-up included; CPU: the verifier process's user + system time)")


if __name__ == "__main__":
    main()
