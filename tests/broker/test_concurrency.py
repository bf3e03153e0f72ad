"""Many publishers and verifiers at once over real sockets: nothing lost, no duplicates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import func, select

from accord.broker.storage.schema import (
    pact_publications,
    pact_versions,
    pacticipants,
    verifications,
    versions,
)

from .helpers import pact, publish_body
from .live import LiveBroker

pytestmark = pytest.mark.slow  # seconds of real waiting: kept out of --quick

THREADS = 8
PER_THREAD = 6


def test_concurrent_publish_and_verify(database_url: str) -> None:
    with LiveBroker(database_url) as broker, httpx.Client(base_url=broker.url, timeout=60) as http:

        def work(n: int) -> list[int]:
            statuses = []
            for i in range(PER_THREAD):
                version = f"{n}.{i}"
                # every thread publishes the same two shared versions too, to race on them
                for number in (version, "shared-1", "shared-2"):
                    body = publish_body(
                        "Consumer",
                        number,
                        [
                            pact("Consumer", "Provider", f"x{number}"),
                            pact("Consumer", f"Provider{n % 3}", "y"),
                        ],
                        branch="main",
                        tags=["dev"],
                    )
                    statuses.append(http.post("/contracts/publish", json=body).status_code)
                doc = http.get(
                    f"/pacts/provider/Provider/consumer/Consumer/version/{version}"
                ).json()
                statuses.append(
                    http.put(
                        f"/pacticipants/Provider/branches/main/versions/p{n}", json={}
                    ).status_code
                )
                result = http.post(
                    doc["_links"]["pb:publish-verification-results"]["href"],
                    json={"success": True, "providerApplicationVersion": f"p{n}"},
                )
                statuses.append(result.status_code)
            return statuses

        with ThreadPoolExecutor(THREADS) as pool:
            statuses = [s for chunk in pool.map(work, range(THREADS)) for s in chunk]
        assert set(statuses) <= {200, 201}, sorted(set(statuses))

        with broker.app.engine.connect() as conn:

            def count(table, *where):
                return conn.execute(
                    select(func.count()).select_from(table).where(*where)
                ).scalar_one()

            names = set(conn.execute(select(pacticipants.c.name)).scalars())
            assert names == {"Consumer", "Provider", "Provider0", "Provider1", "Provider2"}
            consumer_versions = THREADS * PER_THREAD + 2
            assert (
                count(
                    versions,
                    versions.c.pacticipant_id
                    == conn.execute(
                        select(pacticipants.c.id).where(pacticipants.c.name == "Consumer")
                    ).scalar_one(),
                )
                == consumer_versions
            )
            provider_id = conn.execute(
                select(pacticipants.c.id).where(pacticipants.c.name == "Provider")
            ).scalar_one()
            assert (
                count(pact_publications, pact_publications.c.provider_id == provider_id)
                == consumer_versions
            )
            assert (
                count(pact_versions, pact_versions.c.provider_id == provider_id)
                == consumer_versions
            )
            assert count(verifications) == THREADS * PER_THREAD
        matrix = http.get(
            "/matrix", params={"q[][pacticipant]": "Consumer", "latestby": "cvpv", "limit": "1000"}
        ).json()
        assert matrix["summary"]["success"] == THREADS * PER_THREAD


def test_two_broker_processes_over_one_database(database_url: str) -> None:
    """No in-process state that matters: two worker processes share the database."""
    import os
    import subprocess
    import sys
    import time

    from .live import free_port

    port = free_port()
    env = {**os.environ, "ACCORD_BROKER_DATABASE_URL": database_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from accord.cli import main; main()",
            "broker",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "2",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=60) as http:
            for _ in range(400):
                try:
                    if http.get("/diagnostic/status/heartbeat").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)

            def work(n: int) -> list[int]:
                out = []
                for i in range(4):
                    body = publish_body(
                        "Multi", f"{n}.{i}", [pact("Multi", "Target", f"z{n}.{i}")], branch="main"
                    )
                    out.append(http.post("/contracts/publish", json=body).status_code)
                    out.append(
                        http.put(
                            f"/pacticipants/Target/versions/t{i}/tags/prod", json={}
                        ).status_code
                    )
                return out

            with ThreadPoolExecutor(6) as pool:
                statuses = [s for chunk in pool.map(work, range(6)) for s in chunk]
            assert set(statuses) <= {200, 201}
            versions_listed = http.get("/pacticipants/Multi/versions?pageSize=100").json()
            assert versions_listed["page"]["totalElements"] == 24
            assert (
                len(
                    http.get("/pacts/provider/Target/consumer/Multi/versions").json()["_embedded"][
                        "pacts"
                    ]
                )
                == 24
            )
            tags = http.get("/pacticipants/Target/versions/t0/tags").json()["_embedded"]["tags"]
            assert [t["name"] for t in tags] == ["prod"]
    finally:
        proc.terminate()
        proc.wait(15)
