"""Mock server benchmark: accord against pact-python (the official Rust mock server), side by side.

    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/mock_server.py          # ~2 minutes
    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/mock_server.py --quick  # ~20 seconds

Both servers serve the *same* pact: it is written by pact-python and read by accord. Measured:

(a) start-up: a fresh interpreter importing the library, starting a server and getting its
    first answer (cold); then, in a warm process, start-to-listening and a whole consumer
    test's cycle (start, one request, stop);
(b) per-request latency with N = 25, 100, 400 interactions in one server, requesting the
    last interaction, one keep-alive connection (the client runs in the same process, as a
    consumer test does);
(c) requests/second with one interaction under keep-alive, from a separate client process
    (one thread driving 4 raw-socket keep-alive connections with ``selectors``, a bounded
    number of requests; the median of three interleaved rounds): identical requests, and
    distinct ones (a unique X-Request-Id header each); and the server's CPU time per request
    over the same runs (both servers run in the benchmark's process), which a busy machine
    disturbs less than requests/second.

accord remembers which interactions an identical request matched (matching is pure), so (b)
sends a unique header with every request to measure real matching, and (c) shows both.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from _measure import bench_env, compile_accord, ratio, run_process

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
logging.getLogger("pact").setLevel(logging.CRITICAL)  # its FFI warns per interaction

REQUEST_HEADERS = {"Accept": "application/json", "X-Client": "bench"}


# --------------------------------------------------------------------------- the client


class RawClient:
    """A minimal HTTP/1.1 keep-alive client: so the client costs little next to the server."""

    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.host = f"{host}:{port}"

    def request_bytes(self, path: str, request_id: int | None = None) -> bytes:
        """The request; with ``request_id`` an ``X-Request-Id`` header makes it unique."""
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{k}: {v}" for k, v in REQUEST_HEADERS.items()]
        if request_id is not None:
            lines.append(f"X-Request-Id: {request_id}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def send(self, raw: bytes) -> tuple[int, bytes]:
        self.sock.sendall(raw)
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buf += chunk
        head, _, body = buf.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection mid-body")
            body += chunk
        return status, body

    def close(self) -> None:
        self.sock.close()


def load_client(host: str, port: int, path: str, connections: int, count: int, distinct: bool
                ) -> None:
    """Entry point of the separate load process: prints {"elapsed", "count", "errors",
    "cpu"} (``cpu``: the client's own CPU seconds, to show what it takes from the server).

    One thread drives every connection through ``selectors`` (each connection sends its next
    request when its answer is complete): a thread per connection would spend much of the
    machine on switching threads under the GIL, CPU the server under test then lacks."""
    import selectors

    per_connection = count // connections
    clients = [RawClient(host, port) for _ in range(connections)]
    plan: list[list[bytes]] = []
    for n, client in enumerate(clients):
        raw = client.request_bytes(path)
        client.send(raw)  # connect and warm up before the clock starts
        client.sock.setblocking(False)
        plan.append([client.request_bytes(path, n * per_connection + i)
                     for i in range(per_connection)] if distinct else [raw] * per_connection)
    selector = selectors.DefaultSelector()
    sent = [0] * connections
    buffers = [b""] * connections
    errors = 0
    done = 0
    cpu0 = time.process_time()
    start = time.perf_counter()
    for n, client in enumerate(clients):
        selector.register(client.sock, selectors.EVENT_READ, n)
        client.sock.send(plan[n][0])
        sent[n] = 1
    while done < connections:
        for key, _ in selector.select():
            n = key.data
            sock = clients[n].sock
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            buf = buffers[n] + chunk
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                buffers[n] = buf
                continue
            length = _content_length(buf[:end])
            if len(buf) < end + 4 + length:
                buffers[n] = buf
                continue
            if buf[9:12] != b"200":
                errors += 1
            buffers[n] = buf[end + 4 + length:]
            if sent[n] < per_connection:
                sock.send(plan[n][sent[n]])
                sent[n] += 1
            else:
                selector.unregister(sock)
                done += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    for client in clients:
        client.close()
    print(json.dumps({"elapsed": elapsed, "count": per_connection * connections,
                      "errors": errors, "cpu": cpu}))


def _content_length(head: bytes) -> int:
    at = head.lower().find(b"\r\ncontent-length:")
    if at < 0:
        return 0
    stop = head.find(b"\r\n", at + 2)
    return int(head[at + 17:stop if stop >= 0 else len(head)])


# --------------------------------------------------------------------------- the pacts


def official_pact(n: int, consumer: str = "bench-web") -> Any:
    """N interactions GET /items/{i}, written with pact-python's API."""
    from pact import Pact, match

    pact = Pact(consumer, "bench-items").with_specification("V4")
    for i in range(n):
        (
            pact.upon_receiving(f"a request for item {i}")
            .given("items exist", count=n)
            .with_request("GET", f"/items/{i}")
            .with_header("Accept", "application/json")
            .will_respond_with(200)
            .with_header("Content-Type", "application/json")
            .with_body({"id": match.int(i), "name": match.str(f"item {i}"),
                        "tags": match.each_like(match.str("new")),
                        "price": match.decimal(9.99)})
        )
    return pact


class Contender:
    """Starts one implementation's mock server for a pact (as a context manager)."""

    name = ""

    def serve(self, n: int) -> AbstractContextManager[tuple[str, int]]:
        raise NotImplementedError


class Accord(Contender):
    name = "accord"

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.pacts: dict[int, Any] = {}

    def pact(self, n: int) -> Any:
        if n not in self.pacts:
            directory = self.tmp / f"accord-{n}"
            directory.mkdir(exist_ok=True)
            official = official_pact(n, consumer=f"bench-web-{n}")
            from accord.pactfile import read_pact

            official.write_file(directory, overwrite=True)
            (file,) = directory.glob("*.json")
            self.pacts[n] = read_pact(file)
        return self.pacts[n]

    def serve(self, n: int) -> AbstractContextManager[tuple[str, int]]:
        from contextlib import contextmanager

        from accord.mock import MockServer

        pact = self.pact(n)

        @contextmanager
        def cm():  # type: ignore[no-untyped-def]
            with MockServer(pact) as server:
                yield ("127.0.0.1", server.port)

        return cm()


class Official(Contender):
    name = "pact-python"

    def __init__(self) -> None:
        self.pacts: dict[int, Any] = {}

    def serve(self, n: int) -> AbstractContextManager[tuple[str, int]]:
        from contextlib import contextmanager

        if n not in self.pacts:
            self.pacts[n] = official_pact(n, consumer=f"bench-web-{n}")
        pact = self.pacts[n]

        @contextmanager
        def cm():  # type: ignore[no-untyped-def]
            with pact.serve(addr="127.0.0.1", raises=False, verbose=False) as server:
                yield ("127.0.0.1", server.port)

        return cm()


# --------------------------------------------------------------------------- measurements


def suite(name: str, tests: int, directory: Path) -> float:
    """Seconds for a consumer suite of ``tests`` tests, each with its own Pact of one
    interaction, served, requested once and merged into one pact file (as suites do).

    ``accord`` writes each test's pact as its ``serve()`` block passes (``pact_dir``), as
    pact-python's tests do with ``write_file``; ``accord-at-end`` writes them all at the end
    of the run, as the pytest fixture (or ``--pact-dir`` without ``pact_dir``) does."""
    import http.client

    directory.mkdir()
    run = None
    if name == "accord-at-end":
        from accord.consumer import PactRun

        run = PactRun(directory)
    started = time.perf_counter()
    for i in range(tests):
        if name.startswith("accord"):
            from accord import Pact as AccordPact
            from accord import match as amatch

            pact = AccordPact("suite-web", "suite-items", run=run,
                              pact_dir=None if run is not None else directory)
            body = {"id": amatch.integer(i), "name": amatch.string(f"item {i}")}
        else:
            from pact import Pact as OfficialPact
            from pact import match as omatch

            pact = OfficialPact("suite-web", "suite-items").with_specification("V4")
            body = {"id": omatch.int(i), "name": omatch.str(f"item {i}")}
        (pact.upon_receiving(f"a request for item {i}").with_request("GET", f"/items/{i}")
             .will_respond_with(200).with_body(body))
        if name.startswith("accord"):
            server_cm = pact.serve()
        else:
            server_cm = pact.serve(addr="127.0.0.1", raises=False, verbose=False)
        with server_cm as server:
            connection = http.client.HTTPConnection("127.0.0.1", server.port)
            connection.request("GET", f"/items/{i}")
            connection.getresponse().read()
            connection.close()
        if not name.startswith("accord"):  # accord writes on a successful serve() by itself
            pact.write_file(directory, overwrite=False)
    if run is not None:
        run.write_deferred()
    elapsed = time.perf_counter() - started
    (file,) = directory.glob("*.json")
    assert len(json.loads(file.read_text())["interactions"]) == tests, name
    return elapsed


COLD = {
    "accord": """
        import http.client, sys
        from accord import Pact, match
        pact = Pact("c", "p", pact_dir=sys.argv[1])
        (pact.upon_receiving("d").with_request("GET", "/items/0").will_respond_with(200)
             .with_body({"id": match.integer(1)}))
        with pact.serve() as server:
            c = http.client.HTTPConnection("127.0.0.1", server.port)
            c.request("GET", "/items/0"); r = c.getresponse(); r.read(); assert r.status == 200
    """,
    "pact-python": """
        import http.client, sys
        from pact import Pact, match
        pact = Pact("c", "p").with_specification("V4")
        (pact.upon_receiving("d").with_request("GET", "/items/0").will_respond_with(200)
             .with_body({"id": match.int(1)}, "application/json"))
        with pact.serve(addr="127.0.0.1", raises=False, verbose=False) as server:
            c = http.client.HTTPConnection("127.0.0.1", server.port)
            c.request("GET", "/items/0"); r = c.getresponse(); r.read(); assert r.status == 200
        pact.write_file(sys.argv[1], overwrite=False)
    """,
}


def cold_starts(runs: int, tmp: Path) -> dict[str, tuple[float, float]]:
    """Median seconds and peak RSS (MB) of a fresh interpreter that imports the library,
    declares one interaction, serves it, makes one request, writes the pact and exits; the
    two libraries take turns, so that a busy spell of the machine slows both alike."""
    times: dict[str, list[float]] = {name: [] for name in COLD}
    rss: dict[str, list[float]] = {name: [] for name in COLD}
    for i in range(runs):
        for name in COLD:
            directory = tmp / f"cold-{name}-{i}"
            out = run_process([sys.executable, "-c", textwrap.dedent(COLD[name]),
                               str(directory)], env=bench_env(), timeout=120)
            if out.returncode:
                raise RuntimeError(f"{name} cold start failed: {out.stderr[-2000:]}")
            times[name].append(out.wall)
            rss[name].append(out.rss_mb)
    return {name: (statistics.median(times[name]), statistics.median(rss[name]))
            for name in COLD}


def suite_process(name: str, tests: int, directory: Path) -> tuple[float, float]:
    """A consumer suite in a process of its own: (seconds the tests took, peak RSS MB)."""
    out = run_process([sys.executable, __file__, "--suite", name, str(tests), str(directory)],
                      env=bench_env(), timeout=1800)
    if out.returncode:
        raise RuntimeError(f"{name} suite failed: {out.stderr[-2000:]}")
    return float(out.stdout.strip().splitlines()[-1]), out.rss_mb


def warm_start(contender: Contender, runs: int) -> tuple[float, float]:
    """Median seconds (start to listening, whole cycle: start + one request + stop)."""
    with contender.serve(1):  # warm up imports and caches
        pass
    starts, cycles = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        cm = contender.serve(1)
        host, port = cm.__enter__()
        t1 = time.perf_counter()
        client = RawClient(host, port)
        status, _ = client.send(client.request_bytes("/items/0"))
        assert status == 200, status
        client.close()
        cm.__exit__(None, None, None)
        t2 = time.perf_counter()
        starts.append(t1 - t0)
        cycles.append(t2 - t0)
    return statistics.median(starts), statistics.median(cycles)


def latency(contender: Contender, n: int, budget: float, max_requests: int,
            batch: int = 10) -> float:
    """Median seconds per request for the last of N interactions, on one connection
    (medians of batches, so that a busy machine's hiccups do not count). Every request
    carries a unique X-Request-Id, so each one is really matched."""
    with contender.serve(n) as (host, port):
        client = RawClient(host, port)
        path = f"/items/{n - 1}"
        status, _ = client.send(client.request_bytes(path, 0))
        assert status == 200, (contender.name, n, status)
        batches: list[float] = []
        count, start = 0, time.perf_counter()
        while count < max_requests and (count < 3 or time.perf_counter() - start < budget):
            size = min(batch, max_requests - count)
            raws = [client.request_bytes(path, count + i + 1) for i in range(size)]
            t0 = time.perf_counter()
            for raw in raws:
                status, _ = client.send(raw)
                assert status == 200, (contender.name, n, status)
            batches.append((time.perf_counter() - t0) / size)
            count += size
        client.close()
    return statistics.median(batches)


def throughput(contender: Contender, connections: int, count: int, distinct: bool
               ) -> tuple[float, float, float]:
    """(requests per second, server CPU µs per request, client CPU µs per request) with one
    interaction, from a separate client process. Both servers run in this process (accord's
    event-loop thread; pact-python's Rust server through its FFI), so this process's CPU
    time over the run is the server's: a measure a busy machine disturbs less than req/s."""
    with contender.serve(1) as (host, port):
        cpu0 = time.process_time()
        out = subprocess.run(
            [sys.executable, __file__, "--load", f"{host}:{port}", "--threads",
             str(connections), "--count", str(count), *(["--distinct"] if distinct else [])],
            capture_output=True, text=True, check=True, timeout=300)
        server_cpu = time.process_time() - cpu0
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["errors"]:
        raise RuntimeError(f"{contender.name}: {result['errors']} failed requests")
    n = result["count"]
    return n / result["elapsed"], server_cpu / n * 1e6, result["cpu"] / n * 1e6


# --------------------------------------------------------------------------- the table


def row(label: str, ours: float, theirs: float, unit: str,
        rss: tuple[float, float] | None = None) -> str:
    """One line: both values, accord's as a multiple of the official one (time: lower is
    better; req/s: higher is better), and both peak RSS when the row ran as processes."""
    fmt = "{:>12,.0f}" if unit == "req/s" else "{:>12.2f}"
    memory = f"{rss[0]:>9.0f}{rss[1]:>9.0f}" if rss else f"{'':>9}{'':>9}"
    return (f"{label:<44}{fmt.format(ours)}{fmt.format(theirs)}  {unit:<6}"
            f"{ratio(ours, theirs):>9}{memory}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a ~20 second smoke run")
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--suite", nargs=3, metavar=("NAME", "TESTS", "DIR"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=4, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=20000, help=argparse.SUPPRESS)
    parser.add_argument("--distinct", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        host, port = args.load.rsplit(":", 1)
        load_client(host, int(port), "/items/0", args.threads, args.count, args.distinct)
        return 0
    if args.suite:
        name, tests, directory = args.suite
        print(suite(name, int(tests), Path(directory)))
        return 0
    compile_accord()

    quick = args.quick
    sizes = (25, 100, 400)
    cold_runs, warm_runs = (9, 10) if quick else (21, 50)
    budget, max_requests = (0.3, 200) if quick else (1.5, 2000)
    load_count, rounds = (4000, 1) if quick else (20000, 3)
    rows: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Accord(Path(tmp)), Official()
        log = _progress

        log("(a) start-up")
        cold = cold_starts(cold_runs, Path(tmp))
        rows.append(row("cold start: process, 1 interaction, 1 request", cold["accord"][0] * 1000,
                        cold["pact-python"][0] * 1000, "ms",
                        (cold["accord"][1], cold["pact-python"][1])))
        a_start, a_cycle = warm_start(ours, warm_runs)
        o_start, o_cycle = warm_start(theirs, warm_runs)
        rows.append(row("warm start to listening", a_start * 1000, o_start * 1000, "ms"))
        rows.append(row("one test's cycle: start, 1 request, stop", a_cycle * 1000,
                        o_cycle * 1000, "ms"))

        for tests in (300,) if quick else (300, 1000):
            log(f"(a) consumer suite of {tests} tests merged into one pact file")
            a, a_rss = suite_process("accord", tests, Path(tmp) / f"suite-accord-{tests}")
            o, o_rss = suite_process("pact-python", tests, Path(tmp) / f"suite-official-{tests}")
            rows.append(row(f"consumer suite: {tests} tests, one pact file", a, o, "s",
                            (a_rss, o_rss)))
            e, e_rss = suite_process("accord-at-end", tests, Path(tmp) / f"suite-end-{tests}")
            rows.append(row("  the same, accord writing at the end of the run", e, o, "s",
                            (e_rss, o_rss)))

        for n in sizes:
            log(f"(b) latency, N={n}")
            a = latency(ours, n, budget, max_requests)
            if n < 400:
                o = latency(theirs, n, budget, max_requests)
            else:  # seconds per request: a few are enough
                o = latency(theirs, n, 0, 1 if quick else 3, batch=1)
            rows.append(row(f"per request, N={n} interactions (last one)", a * 1000, o * 1000,
                            "ms"))

        for distinct in (False, True):
            what = "distinct" if distinct else "identical"
            log(f"(c) keep-alive throughput, {what} requests")
            a_runs, o_runs = [], []
            for _ in range(rounds):  # interleaved, so a busy spell hits both alike
                a_runs.append(throughput(ours, args.threads, load_count, distinct))
                o_runs.append(throughput(theirs, args.threads, load_count, distinct))
            a_rps, o_rps = (statistics.median(r[0] for r in runs) for runs in (a_runs, o_runs))
            a_cpu, o_cpu = (statistics.median(r[1] for r in runs) for runs in (a_runs, o_runs))
            client = statistics.median(r[2] for r in (*a_runs, *o_runs))
            rows.append(row(f"req/s keep-alive, {args.threads} conns, {what} requests", a_rps,
                            o_rps, "req/s"))
            rows.append(row(f"  server CPU per request ({what}; client {client:.0f} µs)",
                            a_cpu, o_cpu, "µs"))

    print()
    print(f"{'':<44}{'accord':>12}{'pact-python':>12}  {'':<6}{'accord/pp':>9}"
          f"{'RSS MB':>9}{'pp RSS':>9}")
    for line in rows:
        print(line)
    print(f"\n(accord/pp: accord's time, or req/s, as a multiple of pact-python's; RSS: peak "
          f"resident memory of the row's process; {time.perf_counter() - started:.0f} s "
          f"in all, {os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    return 0


def _progress(text: str) -> None:
    print(f"... {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
