"""Authentication and authorisation: every route x method x identity, generated from the route
table, plus the attacks that once got through and the settings that are refused."""

from __future__ import annotations

import base64
import re

import pytest
from click.testing import CliRunner

from accord.broker.api import auth
from accord.broker.api.routing import PUBLIC_BADGE, PUBLIC_HEARTBEAT, READ, WRITE, Route
from accord.broker.app import build_router
from accord.broker.config import BrokerConfig, BrokerConfigError, hash_token
from accord.broker.ui import ROUTER as UI_ROUTER
from accord.cli import main as cli

from .helpers import create_environment, pact, publish, publish_body

BROWSER = {"Accept": "text/html"}


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


#: identity name → (headers, the level it must be given)
IDENTITIES: dict[str, tuple[dict[str, str], str | None]] = {
    "none": ({}, None),
    "wrong password": (basic("rw", "wrong"), None),
    "unknown token": ({"Authorization": "Bearer nope"}, None),
    "empty bearer": ({"Authorization": "Bearer"}, None),
    "empty bearer with space": ({"Authorization": "Bearer  "}, None),
    "empty basic": ({"Authorization": "Basic "}, None),
    "read-only user": (basic("ro", "pr"), READ),
    "read-write user": (basic("rw", "pw"), WRITE),
    "read token": ({"Authorization": "Bearer read-token"}, READ),
    "write token": ({"Authorization": "Bearer write-token"}, WRITE),
}

AUTH = dict(
    username="rw",
    password="pw",
    read_only_username="ro",
    read_only_password="pr",
    tokens={hash_token("write-token"): "write", hash_token("read-token"): "read"},
    run_webhooks=False,
)


def make(make_client, **extra):
    return make_client(**{**AUTH, **extra})


# -- the route table itself: the policy, stated independently of the table -------------------


def _is_badge(route: Route) -> bool:
    return route.pattern[-1:] in (["badge"], ["badge.svg"])


def _expected_level(route: Route, method: str) -> str:
    if _is_badge(route) and method == "GET":
        return PUBLIC_BADGE
    if route.path == "/diagnostic/status/heartbeat" and method == "GET":
        return PUBLIC_HEARTBEAT
    if method == "POST" and route.path == "/pacts/provider/{provider}/for-verification":
        return READ  # a read in disguise, as in the official broker
    return READ if method in ("GET", "HEAD", "OPTIONS") else WRITE


ROUTES = list(build_router().routes.values())
CASES = [(route, method) for route in ROUTES for method in sorted(route.methods)]


def test_every_route_declares_the_access_the_policy_requires():
    assert len(CASES) > 100
    wrong = [
        (route.path, method, route.access_for(method), _expected_level(route, method))
        for route, method in CASES
        if route.access_for(method) != _expected_level(route, method)
    ]
    assert wrong == []
    public = {route.path for route, method in CASES if route.access_for(method) == PUBLIC_BADGE}
    assert public and all(p.endswith(("/badge", "/badge.svg")) for p in public)
    for route in ROUTES:  # methods a route does not serve need the strictest level
        assert route.access_for("TRACE") == WRITE
        assert route.access_for("OPTIONS") == READ
    for route in UI_ROUTER.routes.values():
        assert set(route.access.values()) == {READ}


# -- the generated walk: every route x method x identity over HTTP -----------------------------


SAMPLE = {
    "provider": "Bar",
    "consumer": "Foo",
    "pacticipant": "Foo",
    "version": "1",
    "tag": "prod",
    "branch": "main",
    "label": "team",
    "rel": "webhooks",
    "number": "1",
    "metadata": "bm9uZQ",
    "other": "1",
    "to": "prod",
    "environment": "production",
}


def _url(route: Route, values: dict[str, str]) -> str:
    parts = []
    for part in route.pattern:
        if part.startswith("{"):
            parts.append(values.get(part[1:-1], "x"))
        else:
            parts.append(part)
    return "/" + "/".join(parts)


@pytest.fixture
def seeded(make_client):
    client = make(make_client)
    rw = basic("rw", "pw")
    client.headers.update(rw)
    publish(client, "Foo", "1", "Bar", branch="main", tags=["prod"])
    env = create_environment(client)
    sha = client.get("/pacts/provider/Bar/consumer/Foo/latest").json()["_links"]["pb:pact-version"][
        "name"
    ]
    del client.headers["Authorization"]
    return client, {**SAMPLE, "uuid": env["uuid"], "sha": sha}


def _expected_status_ok(status: int, required: str, level: str | None, config: BrokerConfig):
    may = auth.allowed(config, required, level)
    if may:
        return status not in (401, 403) and status < 500
    return status == (401 if level is None else 403)


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_route_matrix(seeded, identity):
    client, values = seeded
    headers, level = IDENTITIES[identity]
    config = client.app.config
    failures = []
    # reads first, then writes, then deletes: the seeded data serves as many reads as possible
    order = {"GET": 0, "HEAD": 0, "OPTIONS": 0, "POST": 1, "PUT": 1, "PATCH": 1, "DELETE": 2}
    requests = [(r, m) for r, m in CASES] + [(r, "OPTIONS") for r in ROUTES]
    requests += [(r, "HEAD") for r in ROUTES if "GET" in r.methods]
    for route, method in sorted(requests, key=lambda c: order[c[1]]):
        url = _url(route, values)
        kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
        response = client.request(method, url, headers=headers, **kwargs)
        required = route.access_for(method)
        if not _expected_status_ok(response.status_code, required, level, config):
            failures.append((method, url, required, response.status_code))
        if response.status_code == 401:
            assert response.headers["www-authenticate"] == 'Basic realm="Restricted area"'
    assert failures == []


@pytest.mark.parametrize("identity", list(IDENTITIES))
def test_ui_pages_and_unknown_paths_need_a_reader(seeded, identity):
    client, values = seeded
    headers, level = IDENTITIES[identity]
    expected = 401 if level is None else None
    for route in UI_ROUTER.routes.values():
        response = client.get(_url(route, values), headers={**BROWSER, **headers})
        if expected:
            assert response.status_code == expected, route.path
        else:
            assert response.status_code not in (401, 403, 500), route.path
    unknown = client.get("/no/such/thing", headers=headers)
    assert unknown.status_code == (401 if level is None else 404)
    unknown_method = client.request("TRACE", "/pacticipants", headers=headers)
    assert unknown_method.status_code == {None: 401, READ: 403, WRITE: 405}[level]


def test_badges_are_public_only_when_configured(make_client):
    closed = make(make_client)
    opened = make(make_client, public_badges=True)
    body = publish_body("Foo", "1", [pact()])
    published = closed.post("/contracts/publish", json=body, headers=basic("rw", "pw"))
    assert published.status_code == 200
    badge = "/pacts/provider/Bar/consumer/Foo/latest/badge"
    assert closed.get(badge).status_code == 401
    assert opened.get(badge).status_code in (200, 307)
    assert opened.get(badge + ".svg").status_code in (200, 307)
    as_page = opened.get(badge, headers=BROWSER, follow_redirects=False)  # a browser tab
    assert as_page.status_code in (200, 307) and "html" not in as_page.headers["content-type"]
    assert opened.get("/pacts/provider/Bar/consumer/Foo/latest").status_code == 401
    assert opened.post(badge, json={}).status_code == 401


def test_heartbeat_is_public_only_when_configured(make_client):
    assert make(make_client).get("/diagnostic/status/heartbeat").status_code == 401
    opened = make(make_client, public_heartbeat=True)
    assert opened.get("/diagnostic/status/heartbeat").status_code == 200
    assert opened.get("/").status_code == 401


def test_a_resource_named_badge_is_not_public(make_client):
    """The attack: any GET whose last segment was ``badge`` skipped authentication."""
    client = make(make_client, public_badges=True)
    body = publish_body("badge", "badge", [pact("badge", "badge")], branch="badge", tags=["badge"])
    published = client.post("/contracts/publish", json=body, headers=basic("rw", "pw"))
    assert published.status_code == 200
    for path in (
        "/pacticipants/badge",
        "/pacticipants/badge/versions/badge",
        "/pacticipants/badge/branches/badge",
        "/pacticipants/badge/labels/badge",
        "/pacts/provider/badge/consumer/badge/version/badge",
        "/pacts/provider/badge/consumer/badge/latest/badge/verification-results/latest",
        "/pacts/provider/badge/consumer/badge/tag/badge",
        "/matrix/provider/badge/consumer/badge",
        "/pacticipants/badge/latest-version/badge",
        "/pacts/provider/badge/consumer/badge/branch/badge",
        "/webhooks/provider/badge/consumer/badge",
        "/pacts/provider/badge/latest/badge",
    ):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=BROWSER).status_code == 401, path
    # the real badge of that pact stays public
    latest = "/pacts/provider/badge/consumer/badge/latest/badge"
    assert client.get(latest).status_code in (200, 307)


def test_an_empty_bearer_token_never_gets_in(make_client):
    client = make(make_client)
    body = publish_body("Foo", "1", [pact()])
    for header in ("Bearer", "Bearer ", "bearer \t", "Basic", "Basic Og=="):  # Og== is ":"
        response = client.post("/contracts/publish", json=body, headers={"Authorization": header})
        assert response.status_code == 401, header


# -- settings that would open the broker are refused -------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ACCORD_BROKER_WRITE_TOKENS": "wtok, "}, "empty token at position 2"),
        ({"ACCORD_BROKER_WRITE_TOKENS": "wtok,,other"}, "empty token at position 2"),
        ({"ACCORD_BROKER_READ_TOKENS": " "}, "empty token at position 1"),
        ({"ACCORD_BROKER_WRITE_TOKENS": "wtok, other"}, "white space"),
        ({"ACCORD_BROKER_USERNAME": "rw"}, "password is missing"),
        ({"ACCORD_BROKER_PASSWORD": "pw"}, "username is missing"),
        ({"ACCORD_BROKER_USERNAME": "rw", "ACCORD_BROKER_PASSWORD": "  "}, "white space"),
        ({"ACCORD_BROKER_USERNAME": " ", "ACCORD_BROKER_PASSWORD": "pw"}, "white space"),
        (
            {"ACCORD_BROKER_READ_ONLY_USERNAME": "ro", "ACCORD_BROKER_READ_ONLY_PASSWORD": "\t"},
            "read_only_password is empty",
        ),
        ({"ACCORD_BROKER_USERNAME": "a:b", "ACCORD_BROKER_PASSWORD": "pw"}, "cannot contain ':'"),
        ({"ACCORD_BROKER_FORWARDED_ALLOW_IPS": "10.0.0.5,proxy"}, "'proxy' is not an IP"),
        ({"ACCORD_BROKER_BASE_URL": "pact.example.com"}, "not an http(s) URL"),
        ({"ACCORD_BROKER_MAX_BODY_SIZE": "lots"}, "not a size"),
    ],
)
def test_unsafe_settings_are_refused(clean_broker_env, env, message):
    for name, value in env.items():
        clean_broker_env.setenv(name, value)
    with pytest.raises(BrokerConfigError, match=re.escape(message)):
        BrokerConfig.from_env()


def test_unsafe_settings_are_refused_in_code_too():
    with pytest.raises(BrokerConfigError, match="empty bearer token"):
        BrokerConfig(tokens={hash_token(""): "write"})
    with pytest.raises(BrokerConfigError, match="username is empty"):
        BrokerConfig(username="", password="pw")
    with pytest.raises(BrokerConfigError, match="same name"):
        BrokerConfig(username="u", password="a", read_only_username="u", read_only_password="b")


def test_serve_refuses_unsafe_settings_before_starting(clean_broker_env, tmp_path):
    clean_broker_env.setenv("ACCORD_BROKER_WRITE_TOKENS", "wtok, ")
    result = CliRunner().invoke(
        cli, ["broker", "serve", "--database-url", f"sqlite:///{tmp_path}/b.sqlite3"]
    )
    assert result.exit_code == 2
    assert "empty token at position 2" in result.output
    assert not (tmp_path / "b.sqlite3").exists()  # refused before touching anything


def test_empty_environment_variables_mean_unset(clean_broker_env):
    for name in ("ACCORD_BROKER_USERNAME", "ACCORD_BROKER_PASSWORD", "ACCORD_BROKER_WRITE_TOKENS"):
        clean_broker_env.setenv(name, "")
    assert BrokerConfig.from_env().auth_enabled is False
