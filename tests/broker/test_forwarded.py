"""X-Forwarded-* headers are believed only from the proxies the operator names."""

from __future__ import annotations

import warnings

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from accord.broker.storage.schema import triggered_webhooks
from accord.cli import main as cli

from .helpers import publish

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

FORGED = {
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Prefix": "/phish",
}


def _client(make_client, peer: str, **config):
    app = make_client(**config).app
    return TestClient(
        app,
        base_url="http://broker",
        headers={"Accept": "application/hal+json"},
        client=(peer, 40000),
    )


def _self(client) -> str:
    return client.get("/", headers=FORGED).json()["_links"]["self"]["href"]


@pytest.mark.parametrize("peer", ["203.0.113.9", "127.0.0.1", "::1", "testclient"])
def test_nobody_is_trusted_by_default_not_even_loopback(make_client, peer):
    assert _self(_client(make_client, peer)) == "http://broker"


def test_a_named_proxy_is_believed(make_client):
    client = _client(make_client, "10.0.0.5", forwarded_allow_ips=("10.0.0.0/24",))
    assert _self(client) == "https://evil.example:8443/phish"
    mapped = _client(make_client, "::ffff:10.0.0.7", forwarded_allow_ips=("10.0.0.0/24",))
    assert _self(mapped) == "https://evil.example:8443/phish"


def test_a_client_outside_the_named_proxies_is_not(make_client):
    client = _client(make_client, "10.0.1.5", forwarded_allow_ips=("10.0.0.0/24", "192.0.2.1"))
    assert _self(client) == "http://broker"


def test_a_trusted_proxy_cannot_inject_a_scheme(make_client):
    client = _client(make_client, "10.0.0.5", forwarded_allow_ips=("10.0.0.5",))
    href = client.get("/", headers={"X-Forwarded-Proto": "javascript"}).json()["_links"]["self"]
    assert href["href"] == "http://broker"


def test_a_fixed_base_url_wins_over_any_header(make_client):
    client = _client(
        make_client, "10.0.0.5", forwarded_allow_ips=("*",), base_url="https://pact.example.com"
    )
    assert _self(client) == "https://pact.example.com"


def test_forged_host_does_not_reach_the_pact_url_webhooks_deliver(make_client):
    client = _client(make_client, "198.51.100.7", run_webhooks=False)
    hook = {
        "events": [{"name": "contract_published"}],
        "request": {"method": "POST", "url": "https://ci.example.com/build"},
    }
    assert client.post("/webhooks", json=hook).status_code == 201
    client.headers.update(FORGED)
    publish(client, "Foo", "1", "Bar")
    with client.app.engine.connect() as conn:
        contexts = conn.execute(select(triggered_webhooks.c.context)).scalars().all()
    assert contexts and all('"pactUrl": "http://broker/pacts/' in c for c in contexts)
    assert not any("evil.example" in c for c in contexts)


def test_serve_leaves_proxy_headers_to_the_broker(clean_broker_env, tmp_path):
    import os

    import uvicorn

    seen: dict = {}
    clean_broker_env.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    url = f"sqlite:///{tmp_path}/b.sqlite3"
    result = CliRunner().invoke(
        cli, ["broker", "serve", "--database-url", url, "--forwarded-allow-ips", "10.0.0.5"]
    )
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is False and "forwarded_allow_ips" not in seen
    assert os.environ["ACCORD_BROKER_FORWARDED_ALLOW_IPS"] == "10.0.0.5"
