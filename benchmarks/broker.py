"""Broker latency on a large history, as ratios to a trivial request of the same server.

Seeds (directly in the database, in bulk) C consumers x V versions each with branches, tags,
pacts whose content changes every 10 versions, verifications, deployments and releases; then
starts ``accord broker serve`` on 127.0.0.1 and measures the median latency of:

* ``heartbeat``            GET /diagnostic/status/heartbeat (the baseline)
* ``publish``              POST /contracts/publish (a new consumer version, new content)
* ``for-verification``     POST pacts for verification (mainBranch + deployedOrReleased,
                           pending and WIP on) for the provider all consumers use
* ``can-i-deploy``         GET /can-i-deploy for a consumer version to production
* ``can-i-deploy-provider`` GET /matrix for the provider's latest version to production
                           (every consumer's deployed version is checked)
* ``latest-pacts``         GET /pacts/latest (latest pact per integration)
* ``pact-10k-json``        GET one pact of 10,000 interactions (its JSON, ~3 MB)
* ``pact-10k-page``        GET the same pact's page in the UI (``Accept: text/html``; one
                           page of interactions, the goal is under 1 s)

Also printed: the SQL statements each request executes (counted in process, BEGIN excluded);
on PostgreSQL each one is a round trip. Last, the broker server's peak resident memory (RSS,
from ``os.wait4`` when it exits), over all the requests above.

Usage::

    python benchmarks/broker.py                  # 30 consumers x 1,000 versions, SQLite
    python benchmarks/broker.py --quick          # 5 x 200
    python benchmarks/broker.py --database-url postgresql+psycopg://u:p@127.0.0.1/db

The PostgreSQL database given is EMPTIED first (its ``public`` schema is dropped): give it a
database of its own, never one that tests or a real broker use.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, text

from accord.broker.services.content import canonical_sha, with_interaction_ids
from accord.broker.storage import branch_verifications
from accord.broker.storage import schema as s
from accord.broker.storage.db import make_engine, migrate
from accord.broker.storage.heads import recompute_all as recompute_heads


def _pact(consumer: str, revision: int) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": "Provider"},
        "interactions": [
            {
                "description": f"request {i}",
                "request": {"method": "GET", "path": f"/items/{i}"},
                "response": {"status": 200, "body": {"id": i, "revision": revision}},
            }
            for i in range(5)
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


#: interactions of the one large pact the UI and JSON rows fetch
LARGE_PACT = 10_000


def _large_pact() -> dict[str, Any]:
    return {
        "consumer": {"name": "Large"},
        "provider": {"name": "Provider"},
        "interactions": [
            {
                "description": f"request {i}",
                "providerState": f"item {i} exists",
                "request": {
                    "method": "GET",
                    "path": f"/items/{i}",
                    "headers": {"Accept": "application/json"},
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": i, "name": f"item {i}", "tags": ["a", "b"]},
                },
            }
            for i in range(LARGE_PACT)
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def _add_pact_version(rows: dict[str, list[dict[str, Any]]], ids: dict[str, int], pid: int,
                      doc: dict[str, Any], when: datetime) -> int:
    """Add the row of one pact content (of consumer ``pid``, for the provider) and return
    its id."""
    ids["pv"] += 1
    rows["pact_versions"].append(
        {
            "id": ids["pv"],
            "consumer_id": pid,
            "provider_id": 1,
            "sha": canonical_sha(doc),
            "content": json.dumps(doc),
            "interactions_count": len(doc["interactions"]),
            "created_at": when,
        }
    )
    return ids["pv"]


def _seed_large_pact(
    rows: dict[str, list[dict[str, Any]]], ids: dict[str, int], pid: int, when: datetime
) -> None:
    """A consumer "Large" with one version whose pact has ``LARGE_PACT`` interactions."""
    rows["pacticipants"].append(
        {"id": pid, "name": "Large", "main_branch": "main", "created_at": when, "updated_at": when}
    )
    rows["integrations"].append(
        {"consumer_id": pid, "provider_id": 1, "created_at": when, "contract_data_updated_at": when}
    )
    ids["version"] += 1
    rows["versions"].append(
        {
            "id": ids["version"],
            "pacticipant_id": pid,
            "number": "1",
            "created_at": when,
            "updated_at": when,
        }
    )
    _add_pact_version(rows, ids, pid, with_interaction_ids(_large_pact()), when)
    ids["pp"] += 1
    rows["pact_publications"].append(
        {
            "id": ids["pp"],
            "consumer_version_id": ids["version"],
            "consumer_id": pid,
            "provider_id": 1,
            "pact_version_id": ids["pv"],
            "revision_number": 1,
            "created_at": when,
            "updated_at": when,
        }
    )


def seed(url: str, consumers: int, versions: int) -> dict[str, Any]:
    engine = make_engine(url)
    if not url.startswith("sqlite"):
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate(engine)
    start = datetime.now(UTC) - timedelta(days=60)
    rows: dict[str, list[dict[str, Any]]] = {
        t: []
        for t in (
            "pacticipants",
            "versions",
            "branches",
            "branch_versions",
            "tags",
            "pact_versions",
            "pact_publications",
            "integrations",
            "verifications",
            "environments",
            "deployed_versions",
            "released_versions",
        )
    }
    ids = {"version": 0, "branch": 0, "bv": 0, "pv": 0, "pp": 0, "ver": 0, "dv": 0}

    def ts(n: int) -> datetime:
        return start + timedelta(seconds=n * 30)

    rows["pacticipants"].append(
        {
            "id": 1,
            "name": "Provider",
            "main_branch": "main",
            "created_at": start,
            "updated_at": start,
        }
    )
    rows["environments"] += [
        {
            "id": 1,
            "uuid": "env-production",
            "name": "production",
            "production": True,
            "created_at": start,
            "updated_at": start,
        },
        {
            "id": 2,
            "uuid": "env-staging",
            "name": "staging",
            "production": False,
            "created_at": start,
            "updated_at": start,
        },
    ]
    ids["branch"] += 1
    rows["branches"].append(
        {"id": 1, "pacticipant_id": 1, "name": "main", "created_at": start, "updated_at": start}
    )
    provider_versions = []
    for n in range(max(versions // 3, 10)):
        ids["version"] += 1
        vid = ids["version"]
        provider_versions.append(vid)
        rows["versions"].append(
            {
                "id": vid,
                "pacticipant_id": 1,
                "number": f"p{n}",
                "created_at": ts(n),
                "updated_at": ts(n),
            }
        )
        ids["bv"] += 1
        rows["branch_versions"].append(
            {
                "id": ids["bv"],
                "branch_id": 1,
                "version_id": vid,
                "pacticipant_id": 1,
                "branch_name": "main",
                "created_at": ts(n),
            }
        )
    ids["dv"] += 1
    rows["deployed_versions"].append(
        {
            "id": ids["dv"],
            "uuid": f"dv-{ids['dv']}",
            "version_id": provider_versions[-2],
            "pacticipant_id": 1,
            "environment_id": 1,
            "target_for_index": "",
            "currently_deployed": True,
            "created_at": start,
            "updated_at": start,
        }
    )
    latest: dict[str, str] = {}
    for c in range(consumers):
        pid = c + 2
        name = f"Consumer-{c:02d}"
        rows["pacticipants"].append(
            {
                "id": pid,
                "name": name,
                "main_branch": "main",
                "created_at": start,
                "updated_at": start,
            }
        )
        rows["integrations"].append(
            {
                "consumer_id": pid,
                "provider_id": 1,
                "created_at": start,
                "contract_data_updated_at": start,
            }
        )
        branch_ids: dict[str, int] = {}
        shas: dict[int, int] = {}
        prod_version = None
        for n in range(versions):
            ids["version"] += 1
            vid = ids["version"]
            number = f"{c}.{n}"
            created = ts(n)
            rows["versions"].append(
                {
                    "id": vid,
                    "pacticipant_id": pid,
                    "number": number,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            branch = "main" if n % 5 else f"feat-{n // 5 % 40}"
            if branch not in branch_ids:
                ids["branch"] += 1
                branch_ids[branch] = ids["branch"]
                rows["branches"].append(
                    {
                        "id": ids["branch"],
                        "pacticipant_id": pid,
                        "name": branch,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            ids["bv"] += 1
            rows["branch_versions"].append(
                {
                    "id": ids["bv"],
                    "branch_id": branch_ids[branch],
                    "version_id": vid,
                    "pacticipant_id": pid,
                    "branch_name": branch,
                    "created_at": created,
                }
            )
            if n % 50 == 0:
                rows["tags"].append(
                    {
                        "version_id": vid,
                        "name": "prod",
                        "pacticipant_id": pid,
                        "created_at": created,
                    }
                )
                prod_version = vid
            revision = n // 10
            if revision not in shas:
                doc = with_interaction_ids(_pact(name, revision))
                shas[revision] = _add_pact_version(rows, ids, pid, doc, created)
                pv_index = min(n // 3, len(provider_versions) - 1)
                for offset in (
                    0,
                    1,
                ):  # two verifications per content, the second from a later version
                    ids["ver"] += 1
                    rows["verifications"].append(
                        {
                            "id": ids["ver"],
                            "pact_version_id": ids["pv"],
                            "provider_version_id": provider_versions[
                                min(pv_index + offset, len(provider_versions) - 1)
                            ],
                            "provider_id": 1,
                            "consumer_id": pid,
                            "success": revision % 7 != 3,
                            "wip": False,
                            "execution_date": created,
                            "created_at": created,
                        }
                    )
            ids["pp"] += 1
            rows["pact_publications"].append(
                {
                    "id": ids["pp"],
                    "consumer_version_id": vid,
                    "consumer_id": pid,
                    "provider_id": 1,
                    "pact_version_id": shas[revision],
                    "revision_number": 1,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            latest[name] = number
        if prod_version:
            ids["dv"] += 1
            rows["deployed_versions"].append(
                {
                    "id": ids["dv"],
                    "uuid": f"dv-{ids['dv']}",
                    "version_id": prod_version,
                    "pacticipant_id": pid,
                    "environment_id": 1,
                    "target_for_index": "",
                    "currently_deployed": True,
                    "created_at": start,
                    "updated_at": start,
                }
            )
            rows["released_versions"].append(
                {
                    "id": c + 1,
                    "uuid": f"rv-{c}",
                    "version_id": prod_version,
                    "pacticipant_id": pid,
                    "environment_id": 2,
                    "created_at": start,
                    "updated_at": start,
                }
            )
    _seed_large_pact(rows, ids, consumers + 2, start)
    with engine.begin() as conn:
        for table in s.metadata.sorted_tables:
            data = rows.get(table.name)
            if data:
                for i in range(0, len(data), 5000):
                    conn.execute(insert(table), data[i : i + 5000])
        recompute_heads(conn)  # the broker keeps them as it writes; a bulk load must too
        branch_verifications.recompute_all(conn)
        if conn.dialect.name == "postgresql":  # keep sequences ahead of the explicit ids
            for table in s.metadata.sorted_tables:
                if "id" in table.c and rows.get(table.name) and "id" in rows[table.name][0]:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"(SELECT MAX(id) FROM {table.name}))"
                        )
                    )
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return {
        "versions": ids["version"],
        "publications": ids["pp"],
        "verifications": ids["ver"],
        "latest": latest,
    }


LARGE_PACT_URL = "/pacts/provider/Provider/consumer/Large/version/1"
#: request headers by row (the UI row asks for HTML as a browser does)
HEADERS = {"pact-10k-page": {"Accept": "text/html"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def measure(
    http: httpx.Client,
    method: str,
    url: str,
    runs: int,
    body: Any = None,
    body_factory: Any = None,
    headers: dict[str, str] | None = None,
) -> float:
    samples = []
    for i in range(runs + 2):
        payload = body_factory(i) if body_factory else body
        started = time.perf_counter()
        response = http.request(method, url, json=payload, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code >= 400:
            raise SystemExit(f"{method} {url} -> {response.status_code}: {response.text[:300]}")
        if i >= 2:  # warm-up
            samples.append(elapsed)
    return statistics.median(samples) * 1000


def _reap(server: subprocess.Popen[bytes], timeout: float = 10) -> float:
    """Wait for the stopped server and return its peak resident memory in MB: ``os.wait4``
    gives this one process's own ``ru_maxrss`` (kilobytes on Linux)."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(server.pid, os.WNOHANG)
        if pid:
            server.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss / 1024
        if time.monotonic() > deadline:  # it did not stop when asked: kill it, then reap it
            server.kill()
            deadline = float("inf")
        time.sleep(0.01)


def count_statements(url: str, requests: dict[str, tuple[str, str, Any, Any]]) -> dict[str, int]:
    """SQL statements each request executes, counted in process (one run each)."""
    import warnings

    from sqlalchemy import event

    from accord.broker import BrokerConfig, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    app = create_app(BrokerConfig(database_url=url, migrate_on_start=False))
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.strip().upper() not in ("BEGIN", "BEGIN IMMEDIATE"):
            seen.append(statement)

    event.listen(app.engine, "before_cursor_execute", count)
    out = {}
    with TestClient(app, base_url="http://broker") as client:
        for name, (method, path, body, factory) in requests.items():
            seen.clear()
            payload = factory(1_000_000) if factory else body
            response = client.request(method, path, json=payload, headers=HEADERS.get(name))
            if response.status_code >= 400:
                raise SystemExit(f"{method} {path} -> {response.status_code}")
            out[name] = len(seen)
    app.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 consumers x 200 versions, fewer runs"
    )
    parser.add_argument("--consumers", type=int)
    parser.add_argument("--versions", type=int)
    parser.add_argument("--runs", type=int)
    parser.add_argument(
        "--database-url",
        help="default: a SQLite file in a temporary directory; a PostgreSQL database is emptied",
    )
    args = parser.parse_args()
    consumers = args.consumers or (5 if args.quick else 30)
    versions = args.versions or (200 if args.quick else 1000)
    runs = args.runs or (10 if args.quick else 25)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        started = time.perf_counter()
        stats = seed(url, consumers, versions)
        print(
            f"seeded {consumers} consumers x {versions} versions: {stats['versions']} versions, "
            f"{stats['publications']} publications, {stats['verifications']} verifications "
            f"({time.perf_counter() - started:.1f} s) on {url.split(':')[0]}"
        )
        port = free_port()
        env = {**os.environ, "ACCORD_BROKER_DATABASE_URL": url}
        server = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from accord.cli import main; main()",
                "broker",
                "serve",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=120) as http:
                for _ in range(400):
                    try:
                        http.get("/diagnostic/status/heartbeat")
                        break
                    except httpx.TransportError:
                        time.sleep(0.05)
                consumer = "Consumer-00"
                latest = stats["latest"][consumer]

                def publish_body(i: int) -> dict[str, Any]:
                    content = base64.b64encode(
                        json.dumps(_pact(consumer, 10_000 + i)).encode()
                    ).decode()
                    return {
                        "pacticipantName": consumer,
                        "pacticipantVersionNumber": f"bench-{i}",
                        "branch": "main",
                        "tags": ["bench"],
                        "contracts": [
                            {
                                "consumerName": consumer,
                                "providerName": "Provider",
                                "specification": "pact",
                                "contentType": "application/json",
                                "content": content,
                            }
                        ],
                    }

                for_verification = {
                    "consumerVersionSelectors": [
                        {"mainBranch": True},
                        {"deployedOrReleased": True},
                    ],
                    "providerVersionBranch": "main",
                    "includePendingStatus": True,
                    "includeWipPactsSince": (datetime.now(UTC) - timedelta(days=90))
                    .date()
                    .isoformat(),
                }
                requests: dict[str, tuple[str, str, Any, Any]] = {
                    "heartbeat": ("GET", "/diagnostic/status/heartbeat", None, None),
                    "can-i-deploy": (
                        "GET",
                        f"/can-i-deploy?pacticipant={consumer}&version={latest}&environment=production",
                        None,
                        None,
                    ),
                    "can-i-deploy-provider": (
                        "GET",
                        "/matrix?q[][pacticipant]=Provider&q[][latest]=true&latestby=cvpv&environment=production",
                        None,
                        None,
                    ),
                    "for-verification": (
                        "POST",
                        "/pacts/provider/Provider/for-verification",
                        for_verification,
                        None,
                    ),
                    "latest-pacts": ("GET", "/pacts/latest", None, None),
                    "publish": ("POST", "/contracts/publish", None, publish_body),
                    "pact-10k-json": ("GET", LARGE_PACT_URL, None, None),
                    "pact-10k-page": ("GET", LARGE_PACT_URL, None, None),
                }
                results = {
                    name: measure(
                        http,
                        method,
                        path,
                        runs,
                        body=body,
                        body_factory=factory,
                        headers=HEADERS.get(name),
                    )
                    for name, (method, path, body, factory) in requests.items()
                }
        finally:
            server.terminate()
            peak_rss_mb = _reap(server)
        statements = count_statements(url, requests)
    baseline = results["heartbeat"]
    print(f"{'request':<24}{'median ms':>10}{'x heartbeat':>14}{'SQL statements':>16}")
    for name, value in results.items():
        print(f"{name:<24}{value:>10.2f}{value / baseline:>14.1f}{statements[name]:>16}")
    print(f"broker server peak RSS: {peak_rss_mb:.0f} MB (every request above included)")


if __name__ == "__main__":
    main()
