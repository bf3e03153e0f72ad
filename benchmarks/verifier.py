"""Verifier benchmark: accord against the official Rust verifier (`pact verifier`), side by side.

    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/verifier.py          # 300 interactions
    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/verifier.py --quick  # 60 interactions

One pact (V3; JSON bodies with type, integer, decimal and regex matchers, query parameters and
request headers; every 25th response a ~100 KB body with an array of records under
``$.records[*]`` rules) is verified against one provider: a small ASGI app that answers
every interaction from a table, served by uvicorn (httptools) in a separate process on
127.0.0.1, so the verifier under test does not share its interpreter. Measured, wall time of a
whole verification, best of ``--repeat`` runs:

* the official verifier: ``pact verifier --file … --hostname 127.0.0.1 --port …`` (a process);
* accord over HTTP to the same server (in this process, as ``Verifier.verify()`` runs in CI);
* accord in process: the same app handed to ``add_transport(app=…)`` (ASGI, no server).
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
from pathlib import Path
from typing import Any

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

ROOT = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- the pact


def _record(i: int, j: int) -> dict[str, Any]:
    return {"id": j, "sku": f"SKU-{i:04d}-{j:05d}", "name": f"record {j} of item {i}",
            "price": round(10 + j * 0.25, 2), "tags": ["red", "large"], "active": j % 2 == 0}


def make_pact(n: int) -> dict[str, Any]:
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


def run_official(pact_file: Path, port: int) -> tuple[float, str]:
    exe = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")
    if exe is None:
        return float("nan"), "pact CLI not found"
    env = {**os.environ, "PACT_DO_NOT_TRACK": "true"}
    started = time.perf_counter()
    proc = subprocess.run([exe, "verifier", "--file", str(pact_file), "--hostname", "127.0.0.1",
                           "--port", str(port), "--provider-name", "bench-provider",
                           "--no-colour"], capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    return elapsed, "passed" if proc.returncode == 0 else f"exit {proc.returncode}"


def run_accord(pact_file: Path, *, url: str | None = None, app: Any = None) -> tuple[float, str]:
    from accord import Verifier

    started = time.perf_counter()
    verifier = Verifier("bench-provider").add_source(pact_file)
    verifier.add_transport(url=url) if url else verifier.add_transport(app=app)
    result = verifier.verify(raises=False)
    elapsed = time.perf_counter() - started
    return elapsed, "passed" if result.ok else result.summary()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 interactions, one run each")
    parser.add_argument("--interactions", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--serve", nargs=2, metavar=("PACT", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    n = args.interactions or (60 if args.quick else 300)
    repeat = args.repeat or (1 if args.quick else 3)
    with tempfile.TemporaryDirectory() as tmp:
        pact_file = Path(tmp) / "bench-consumer-bench-provider.json"
        pact_file.write_text(json.dumps(make_pact(n)))
        size = pact_file.stat().st_size
        port = _free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(pact_file),
                                   str(port)])
        try:
            _wait(port)
            url = f"http://127.0.0.1:{port}"
            app = make_app(pact_file)
            runs: dict[str, list[float]] = {"official": [], "accord-http": [], "accord-asgi": []}
            status: dict[str, str] = {}
            run_accord(pact_file, url=url)  # warm imports once, as a test session would
            for _ in range(repeat):
                t, status["official"] = run_official(pact_file, port)
                runs["official"].append(t)
                t, status["accord-http"] = run_accord(pact_file, url=url)
                runs["accord-http"].append(t)
                t, status["accord-asgi"] = run_accord(pact_file, app=app)
                runs["accord-asgi"].append(t)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"verifier benchmark: {n} interactions ({n // 25} with ~100 KB bodies), pact file "
          f"{size / 1e6:.1f} MB, best of {repeat}")
    official = min(runs["official"])
    print(f"{'verifier':<34}{'wall s':>9}{'interactions/s':>16}{'vs official':>13}  result")
    labels = {"official": "official pact verifier (Rust, HTTP)",
              "accord-http": "accord over HTTP",
              "accord-asgi": "accord in process (ASGI)"}
    for key, label in labels.items():
        best = min(runs[key])
        ratio = official / best if best else float("nan")
        print(f"{label:<34}{best:>9.3f}{n / best:>16.0f}{ratio:>12.2f}x  {status[key]}")


if __name__ == "__main__":
    main()
