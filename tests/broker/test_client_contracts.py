# ruff: noqa: E501  (provider state names are quoted verbatim from the contracts)
"""The official broker client's own contracts with the broker, replayed against our broker.

Each interaction of ``tests/data/pact-broker/client-pacts/*.json`` becomes one test: its provider
state is set up through our API, ``HAL-REL-PLACEHOLDER-*`` paths are mapped to the real
resources (as the official broker's ``hal_relation_proxy_app.rb`` does), the request is sent and
the status, Content-Type and body are compared using the interaction's matching rules.

Until the accord verifier can run these, this small harness is the acceptance check; the
count of passing interactions goes in the broker's closing note.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from accord.broker.storage.schema import deployed_versions

from .helpers import pact, publish_body

PACT_DIR = Path(__file__).resolve().parents[1] / "data" / "pact-broker" / "client-pacts"
FILES = sorted(PACT_DIR.glob("*.json"))
# Checked at collection: missing contracts must fail loudly, not pass vacuously.
assert len(FILES) == 2, f"expected the official client's 2 contracts under {PACT_DIR}"
SHA = "5556b8149bf8bac76bc30f50a8a2dd4c22c85f30"
ENV_UUID = "16926ef3-590f-4e3f-838e-719717aa88c9"
DEPLOYED_UUID = "ff3adecf-cfc5-4653-a4e3-f1861092f8e0"
TEST_ENV_UUID = "cb632df3-0a0d-4227-aac3-60114dd36479"
WEBHOOK_UUID = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0"


def _key(interaction: dict) -> tuple[str, str]:
    states = interaction.get("providerStates") or [{"name": interaction.get("providerState") or ""}]
    return interaction["description"], states[0]["name"]


def _load() -> list[Any]:
    cases = []
    v1: dict[str, Any] = {}
    for path in FILES:
        doc = json.loads(path.read_text())
        for n, interaction in enumerate(doc["interactions"]):
            if "V2" not in path.name:
                v1[_key(interaction)] = interaction
            cases.append(pytest.param(path.name, interaction, id=f"{path.stem[:6]}-{n:02d}"))
    # The V2 file's query strings were reordered by the tool that wrote it; the official
    # broker's proxy undoes that, and so do we, by taking the query of the same interaction.
    for case in cases:
        interaction = case.values[1]
        query = interaction["request"].get("query")
        if isinstance(query, str) and "q[]" in query and _key(interaction) in v1:
            interaction["request"]["query"] = v1[_key(interaction)]["request"]["query"]
    return cases


# -- provider states ------------------------------------------------------------------------


def _ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response


def _verify(
    client: Any,
    consumer: str,
    version: str,
    provider_version: str,
    success: bool = True,
    tag: str | None = None,
    provider: str = "Bar",
) -> None:
    doc = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}").json()
    if tag:
        _ok(client.put(f"/pacticipants/{provider}/versions/{provider_version}/tags/{tag}", json={}))
    _ok(
        client.post(
            doc["_links"]["pb:publish-verification-results"]["href"],
            json={"success": success, "providerApplicationVersion": provider_version},
        )
    )


def _publish(
    client: Any,
    consumer: str,
    version: str,
    provider: str,
    *descriptions: str,
    tags: list[str] | None = None,
) -> None:
    doc = pact(consumer, provider, *descriptions)
    if consumer == "Condor":  # the official states publish pacts without interactions
        doc["interactions"] = []
    _ok(client.post("/contracts/publish", json=publish_body(consumer, version, [doc], tags=tags)))


def _env(client: Any, name: str, uuid: str | None = None, production: bool = False) -> dict:
    body: dict[str, Any] = {
        "name": name,
        "production": production,
        "displayName": name.title(),
        "contacts": [{"name": "Foo team", "details": {"emailAddress": "foo@bar.com"}}],
    }
    if uuid:
        body["uuid"] = uuid
    return _ok(client.post("/environments", json=body)).json()


def _deployed(client: Any, app: Any, env: dict, version: str, target: str | None) -> None:
    _ok(client.put(f"/pacticipants/Foo/versions/{version}", json={}))
    record = _ok(
        client.post(
            f"/pacticipants/Foo/versions/{version}/deployed-versions/environment/{env['uuid']}",
            json={"applicationInstance": target},
        )
    ).json()
    with app.engine.begin() as conn:
        conn.execute(
            update(deployed_versions)
            .where(deployed_versions.c.uuid == record["uuid"])
            .values(uuid=DEPLOYED_UUID)
        )


def _webhook(client: Any) -> None:
    for name in ("Condor", "Pricing Service"):
        client.post("/pacticipants", json={"name": name})
    _ok(
        client.put(
            f"/webhooks/{WEBHOOK_UUID}",
            json={
                "consumer": {"name": "Condor"},
                "provider": {"name": "Pricing Service"},
                "events": [{"name": "contract_content_changed"}],
                "request": {"method": "POST", "url": "https://webhook"},
            },
        )
    )


def setup_state(state: str, client: Any, app: Any) -> None:
    condor_pact = ("Condor", "1.3.0", "Pricing Service")
    handlers = {
        "'Condor' exists in the pact-broker": lambda: _ok(
            client.put("/pacticipants/Condor/versions/1.3.0", json={})
        ),
        "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3": lambda: (
            _ok(client.put("/pacticipants/Condor/versions/1.2.3/tags/production", json={}))
        ),
        "'Condor' exists in the pact-broker with the latest version 1.2.3": lambda: _ok(
            client.put("/pacticipants/Condor/versions/1.2.3", json={})
        ),
        "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'": lambda: _ok(
            client.put("/pacticipants/Condor/versions/1.3.0/tags/prod", json={})
        ),
        "a branch named main exists for pacticipant Foo": lambda: _ok(
            client.put("/pacticipants/Foo/branches/main/versions/1", json={})
        ),
        "a currently deployed version exists": lambda: _deployed(
            client, app, _env(client, "test"), "2", None
        ),
        "a latest pact between Condor and the Pricing Service exists": lambda: _publish(
            client, *condor_pact
        ),
        "a pact between Condor and the Pricing Service exists": lambda: _publish(
            client, *condor_pact
        ),
        "a pact between Condor and the Pricing Service exists for the production version of Condor": lambda: (
            _publish(client, *condor_pact, tags=["prod"])
        ),
        "tagged as prod pact between Condor and the Pricing Service exists": lambda: _publish(
            client, *condor_pact, tags=["prod"]
        ),
        "a pacticipant with name Foo exists": lambda: client.post(
            "/pacticipants", json={"name": "Foo"}
        ),
        "a webhook with the uuid 696c5f93-1b7f-44bc-8d03-59440fcaa9a0 exists": lambda: _webhook(
            client
        ),
        "an environment exists": lambda: _env(client, "test"),
        "an environment with name test exists": lambda: _env(client, "test"),
        f"an environment with name test and UUID {ENV_UUID} exists": lambda: _env(
            client, "test", ENV_UUID
        ),
        f"an version is deployed to environment with UUID {ENV_UUID} with target customer-1": lambda: (
            _deployed(client, app, _env(client, "test", ENV_UUID), "2", "customer-1")
        ),
        "provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod and a failed verification for version 3.4.5 tagged prod": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar", "a", tags=["prod"]),
            _publish(client, "Foo", "3.4.5", "Bar", "b", tags=["prod"]),
            _verify(client, "Foo", "1.2.3", "4.5.6"),
            _verify(client, "Foo", "3.4.5", "4.5.6", False),
        ),
        "the 'Pricing Service' already exists in the pact-broker": lambda: (
            client.post(
                "/pacticipants",
                json={
                    "name": "Pricing Service",
                    "repositoryUrl": "git@git.realestate.com.au:business-systems/pricing-service",
                },
            ),
            _ok(client.put("/pacticipants/Pricing%20Service/versions/1.3.0", json={})),
        ),
        "the 'Pricing Service' and 'Condor' already exist in the pact-broker": lambda: [
            client.post("/pacticipants", json={"name": n}) for n in ("Condor", "Pricing Service")
        ],
        "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already has a pact published for version 1.3.0": lambda: (
            _publish(client, *condor_pact)
        ),
        "the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6": lambda: (
            _publish(client, "Foo Thing", "1.2.3", "Bar"),
            _verify(client, "Foo Thing", "1.2.3", "4.5.6"),
        ),
        "the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar", "a"),
            _publish(client, "Foo", "1.2.4", "Bar", "b"),
            _verify(client, "Foo", "1.2.3", "4.5.6"),
            _verify(client, "Foo", "1.2.4", "4.5.6"),
        ),
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 (tagged prod) and version 5.6.7": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar"),
            _verify(client, "Foo", "1.2.3", "4.5.6", tag="prod"),
            _verify(client, "Foo", "1.2.3", "5.6.7"),
        ),
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with tag prod, and 1.2.4 unsuccessfully by 9.9.9": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar", "a"),
            _publish(client, "Foo", "1.2.4", "Bar", "b"),
            _verify(client, "Foo", "1.2.3", "4.5.6", tag="prod"),
            _verify(client, "Foo", "1.2.4", "9.9.9", False),
        ),
        "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and 1.2.4 unsuccessfully by 9.9.9": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar", "a"),
            _publish(client, "Foo", "1.2.4", "Bar", "b"),
            _verify(client, "Foo", "1.2.3", "4.5.6"),
            _verify(client, "Foo", "1.2.4", "9.9.9", False),
        ),
        "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar"),
            _verify(client, "Foo", "1.2.3", "4.5.6"),
        ),
        "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7": lambda: (
            _publish(client, "Foo", "1.2.3", "Bar"),
            _verify(client, "Foo", "1.2.3", "4.5.6"),
            _verify(client, "Foo", "1.2.3", "5.6.7"),
        ),
        f"version {SHA} of pacticipant Foo exists with 2 environments that aren't test available for deployment": lambda: (
            _ok(client.put(f"/pacticipants/Foo/versions/{SHA}", json={})),
            _env(client, "prod"),
            _env(client, "dev"),
        ),
        f"version {SHA} of pacticipant Foo exists with a test environment available for deployment": lambda: (
            _ok(client.put(f"/pacticipants/Foo/versions/{SHA}", json={})),
            _env(client, "test", TEST_ENV_UUID),
        ),
        f"version {SHA} of pacticipant Foo exists with a test environment available for release": lambda: (
            _ok(client.put(f"/pacticipants/Foo/versions/{SHA}", json={})),
            _env(client, "test", TEST_ENV_UUID),
        ),
    }
    handler = handlers.get(state)
    if handler is not None:
        handler()


# -- placeholders -----------------------------------------------------------------------------


def real_path(path: str, client: Any) -> str:
    def env_uuid(name: str) -> str:
        envs = client.get("/environments").json()["_embedded"]["environments"]
        return next(e["uuid"] for e in envs if e["name"].lower() == name.lower())

    rules: list[tuple[str, Any]] = [
        (
            r"/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-BRANCH-(\w+)-(\w+)",
            lambda m: f"/pacticipants/{m[1]}/branches/{m[2]}",
        ),
        (
            r"/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-TAGGED-VERSION-(\w+)-(\w+)",
            lambda m: f"/pacticipants/{m[1]}/latest-version/{m[2]}",
        ),
        (
            r"/HAL-REL-PLACEHOLDER-INDEX-PB-LATEST-VERSION-(\w+)",
            lambda m: f"/pacticipants/{m[1]}/latest-version",
        ),
        (r"/HAL-REL-PLACEHOLDER-PB-PUBLISH-CONTRACTS", lambda m: "/contracts/publish"),
        (
            r"/HAL-REL-PLACEHOLDER-PB-PACTICIPANT-VERSION-(\w+)-(\w+)",
            lambda m: f"/pacticipants/{m[1]}/versions/{m[2]}",
        ),
        (
            r"/HAL-REL-PLACEHOLDER-PB-RECORD-DEPLOYMENT-(\w+)-(\w+)-(\w+)",
            lambda m: (
                f"/pacticipants/{m[1].title()}/versions/{m[2].lower()}/deployed-versions/environment/{env_uuid(m[3])}"
            ),
        ),
        (
            r"/HAL-REL-PLACEHOLDER-PB-RECORD-RELEASE-(\w+)-(\w+)-(\w+)",
            lambda m: (
                f"/pacticipants/{m[1].title()}/versions/{m[2].lower()}/released-versions/environment/{env_uuid(m[3])}"
            ),
        ),
        (r"/HAL-REL-PLACEHOLDER-PB-ENVIRONMENTS", lambda m: "/environments"),
        (r"/HAL-REL-PLACEHOLDER-PB-ENVIRONMENT-([\w-]+)", lambda m: f"/environments/{m[1]}"),
        (
            r"/PLACEHOLDER-ENVIRONMENT-CURRENTLY-DEPLOYED-([\w-]+)",
            lambda m: f"/environments/{m[1]}/deployed-versions/currently-deployed",
        ),
        (r"/PLACEHOLDER-DEPLOYED-VERSION-([\w-]+)", lambda m: f"/deployed-versions/{m[1]}"),
        (r"/HAL-REL-PLACEHOLDER-PB-WEBHOOKS", lambda m: "/webhooks"),
    ]
    for pattern, target in rules:
        match = re.fullmatch(pattern, path)
        if match:
            return target(match)
    return path


# -- matching ---------------------------------------------------------------------------------


def _norm_rule_path(path: str) -> str:
    path = re.sub(r"\['([^']+)'\]", r".\1", path)
    return path


def _rule_regex(path: str) -> re.Pattern[str]:
    escaped = re.escape(_norm_rule_path(path))
    escaped = escaped.replace(r"\[\*\]", r"\[\d+\]").replace(r"\.\*", r"\.[^.\[]+")
    return re.compile(escaped + "$")


def compare(
    expected: Any,
    actual: Any,
    path: str,
    rules: list[tuple[re.Pattern[str], dict]],
    by_type: bool = False,
) -> list[str]:
    rule = next((r for pattern, r in rules if pattern.match(path)), None)
    if rule is not None:
        if rule.get("match") == "regex":
            if not isinstance(actual, str) or not re.fullmatch(rule["regex"], actual):
                return [f"{path}: {actual!r} does not match /{rule['regex']}/"]
            return []
        if rule.get("match") == "type" or "min" in rule:
            by_type = True
            if isinstance(expected, list):
                if not isinstance(actual, list) or len(actual) < rule.get("min", 0):
                    return [
                        f"{path}: expected a list of at least {rule.get('min', 0)}, got {actual!r}"[
                            :300
                        ]
                    ]
                problems: list[str] = []
                for n, item in enumerate(actual):
                    problems += compare(
                        expected[0] if expected else item, item, f"{path}[{n}]", rules, True
                    )
                return problems
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"[:300]]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += compare(value, actual[key], f"{path}.{key}", rules, by_type)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or (not by_type and len(actual) != len(expected)):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"[:300]]
        problems = []
        for n, item in enumerate(expected):
            if n < len(actual):
                problems += compare(item, actual[n], f"{path}[{n}]", rules, by_type)
        return problems
    if by_type:
        if type(expected) is not type(actual) and not (
            isinstance(expected, (int, float)) and isinstance(actual, (int, float))
        ):
            return [f"{path}: expected a {type(expected).__name__}, got {actual!r}"]
        return []
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


# -- the test ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "interaction"), _load())
def test_official_client_contract(file: str, interaction: dict, make_client: Any) -> None:
    client = make_client(base_url="http://example.org")  # the base URL of the official suite
    app = client.app
    states = interaction.get("providerStates") or (
        [{"name": interaction["providerState"]}] if interaction.get("providerState") else []
    )
    for state in states:
        setup_state(state["name"], client, app)
    request = interaction["request"]
    path = real_path(request["path"], client)
    query = request.get("query")
    if isinstance(query, dict):
        from urllib.parse import urlencode

        query = urlencode([(k, v) for k, vs in query.items() for v in vs])
    url = path + (f"?{query}" if query else "")
    headers = dict(request.get("headers") or {})
    body = request.get("body")
    content = json.dumps(body).encode() if body is not None else None
    response = client.request(request["method"].upper(), url, content=content, headers=headers)
    expected = interaction["response"]
    problems = []
    if response.status_code != expected["status"]:
        problems.append(
            f"status: expected {expected['status']}, got {response.status_code}: {response.text[:300]}"
        )
    want_type = {k.lower(): v for k, v in (expected.get("headers") or {}).items()}.get(
        "content-type"
    )
    if want_type and response.status_code == expected["status"]:
        got = response.headers.get("content-type", "").replace(" ", "").lower()
        want = want_type.replace(" ", "").lower()
        if ";" not in want:  # parameters are compared only when the contract names them
            got = got.split(";")[0]
        if got != want:
            problems.append(f"content-type: expected {want_type}, got {got}")
    if "body" in expected and not problems:
        raw_rules = expected.get("matchingRules") or {}
        if "body" in raw_rules and isinstance(raw_rules["body"], dict):  # V3+ layout
            raw_rules = {k: (v.get("matchers") or [{}])[0] for k, v in raw_rules["body"].items()}
            raw_rules = {
                ("$.body" + k[1:] if k.startswith("$") else k): v for k, v in raw_rules.items()
            }
        rules = [(_rule_regex(k), v) for k, v in raw_rules.items() if k.startswith("$.body")]
        problems += compare(expected["body"], response.json(), "$.body", rules)
    assert not problems, (
        f"{interaction['description']} ({[s['name'] for s in states]}):\n" + "\n".join(problems)
    )
