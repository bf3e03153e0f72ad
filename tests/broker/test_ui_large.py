"""The pact page of a huge pact: one page of interactions, bodies collapsed, quick, and the
rest of the broker keeps answering meanwhile."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from .helpers import pact
from .live import LiveBroker

pytestmark = pytest.mark.slow  # seconds of real waiting: kept out of --quick

HTML = {"Accept": "text/html"}


def _huge(n: int) -> str:
    return json.dumps(
        {
            "consumer": {"name": "Foo"},
            "provider": {"name": "Bar"},
            "interactions": [
                {
                    "description": f"request {i}",
                    "request": {"method": "GET", "path": f"/items/{i}"},
                    "response": {"status": 200, "body": {"id": i}},
                }
                for i in range(n)
            ],
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
    )


def test_a_pact_of_100000_interactions_shows_one_page_and_holds_up_nothing(database_url):
    document = _huge(100_000)
    with (
        LiveBroker(database_url, max_body_bytes=32 * 1024 * 1024) as broker,
        httpx.Client(base_url=broker.url, timeout=120) as http,
    ):
        stored = http.put(
            "/pacts/provider/Bar/consumer/Foo/version/1",
            content=document,
            headers={"Content-Type": "application/json"},
        )
        assert stored.status_code == 201, stored.text[:300]
        url = "/pacts/provider/Bar/consumer/Foo/latest"
        walls, cpus = [], []
        for _ in range(3):  # best of three: the machine is shared with other work
            wall, cpu = time.perf_counter(), time.process_time()
            page = http.get(url, headers=HTML)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)  # server and client share this process
            assert page.status_code == 200
        # the CPU a page costs is what the broker controls (it was 94 s); wall-clock time
        # depends on the machine's other work, so it is not asserted (benchmarks/ measures it)
        assert min(cpus) < 1.0, (cpus, walls)
        text = page.text
        assert 'Interactions <span class="muted">(100000; 1 to 50 shown)' in text
        assert "page 1 of 2000" in text
        assert "request 0<" in text and "request 49<" in text and "request 50<" not in text
        assert text.count('<details class="body">') == 50  # response bodies, collapsed
        assert "too large to show here" in text and '"request 99999"' not in text
        assert len(text) < 200_000  # was 88 MB
        last = http.get(url + "?page=2000", headers=HTML).text
        assert "request 99999<" in last and 'id="interaction-99999"' in last
        assert "request 99949<" not in last
        assert "page 2000 of 2000" in http.get(url + "?page=99999", headers=HTML).text

        # other requests are not held up while pages render
        done = threading.Event()
        latencies: list[float] = []

        def render_pages() -> None:
            for page_number in (3, 4, 5):
                http.get(f"{url}?page={page_number}", headers=HTML)
            done.set()

        worker = threading.Thread(target=render_pages)
        worker.start()
        with httpx.Client(base_url=broker.url, timeout=30) as other:
            while not done.is_set():
                started = time.perf_counter()
                assert other.get("/diagnostic/status/heartbeat").status_code == 200
                latencies.append(time.perf_counter() - started)
                time.sleep(0.02)
        worker.join()
        # the heartbeat kept answering while the pages rendered (a generous bound: a hang guard)
        assert latencies and max(latencies) < 10, latencies


def test_a_small_pact_still_shows_its_json_and_pages_after_50(client):
    document = pact("Foo", "Bar", *[f"request {i}" for i in range(60)])
    stored = client.put("/pacts/provider/Bar/consumer/Foo/version/1", json=document)
    assert stored.status_code == 201
    page = client.get("/pacts/provider/Bar/consumer/Foo/version/1", headers=HTML).text
    assert "(60; 1 to 50 shown)" in page and "page 1 of 2" in page
    assert "The pact as JSON" in page and "request 59" in page  # the whole JSON, below
    second = client.get("/pacts/provider/Bar/consumer/Foo/version/1?page=2", headers=HTML).text
    assert '<ol start="51">' in second and 'id="interaction-60"' in second
    odd = client.get("/pacts/provider/Bar/consumer/Foo/version/1?page=bogus", headers=HTML)
    assert odd.status_code == 200 and "page 1 of 2" in odd.text
