"""Golden responses of the official broker (tests/data/pact-broker/approvals) reproduced."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .helpers import pact, publish_body

APPROVALS = Path(__file__).resolve().parents[1] / "data" / "pact-broker" / "approvals"


def load(name: str) -> dict:
    return json.loads((APPROVALS / name).read_text())


def normalise(value: object) -> object:
    text = json.dumps(value)
    text = re.sub(r"pact-version/[0-9a-f]{40}", "pact-version/SHA", text)
    text = re.sub(r"/metadata/[A-Za-z0-9_-]+", "/metadata/META", text)
    return json.loads(text)


def test_pacts_for_verification_golden(make_client):
    golden = load("get_provider_pacts_for_verification.approved.json")
    client = make_client(base_url="http://example.org")
    body = publish_body("Consumer 2", "4.5.6", [pact("Consumer 2", "Provider")], tags=["prod"])
    assert client.post("/contracts/publish", json=body).status_code == 200
    response = client.post(golden["request"]["path"], json=golden["request"]["body"])
    assert response.status_code == golden["response"]["status"]
    assert response.headers["content-type"] == golden["response"]["headers"]["content-type"]
    assert normalise(response.json()) == normalise(golden["response"]["body"])


def test_publish_golden_texts(make_client):
    golden = load("publish_contract_nothing_exists.approved.json")
    client = make_client(base_url="http://example.org")
    response = client.post(golden["request"]["path"], json=golden["request"]["body"])
    assert response.status_code == golden["response"]["status"]
    expected = golden["response"]["body"]
    actual = response.json()
    assert actual["notices"] == expected["notices"]
    assert actual["logs"] == expected["logs"]
    assert actual["_links"] == expected["_links"]
    assert actual["_embedded"] == expected["_embedded"]


def test_publish_validation_golden(make_client):
    golden = load("publish_contract_with_validation_error.approved.json")
    client = make_client(base_url="http://example.org")
    response = client.post(golden["request"]["path"], json=golden["request"]["body"])
    assert response.status_code == golden["response"]["status"]
    assert response.json()["errors"] == golden["response"]["body"]["errors"]


def test_publish_without_branch_golden(make_client):
    golden = load("publish_contract_no_branch.approved.json")
    client = make_client(base_url="http://example.org")
    response = client.post(golden["request"]["path"], json=golden["request"]["body"])
    assert response.status_code == golden["response"]["status"]
    assert response.json()["notices"] == golden["response"]["body"]["notices"]
