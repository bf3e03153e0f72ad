# ruff: noqa: E501  (the official requests are kept verbatim)
"""The official broker's matrix approvals (``spec/features/get_matrix_approval_spec.rb``) replayed
against accord: the same fixture graph, the same requests, the same decisions and texts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .helpers import create_environment, deploy, publish, verify

DATA = Path(__file__).resolve().parents[1] / "data" / "matrix-approvals"

# the spec's requests, by the description its snapshots are keyed on
REQUESTS = {
    "single selector to latest (top production shape)": "/matrix?q[][pacticipant]=Foo&q[][version]=1&latestby=cvpv&latest=true",
    "can-i-deploy to environment": "/matrix?q[][pacticipant]=Foo&q[][version]=1&latestby=cvpv&environment=production",
    "can-i-deploy to mainBranch": "/matrix?q[][pacticipant]=Foo&q[][version]=2&latestby=cvpv&mainBranch=true",
    "matrix UI browse (two selectors by name)": "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv",
    "flat encoding, two selectors": "/matrix?q[]pacticipant=Foo&q[]version=1&q[]pacticipant=Bar&q[]version=10&latestby=cvpv",
    "success filter true": "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv&success=true",
    "path endpoint": "/matrix/provider/Bar/consumer/Foo",
}
# Not replayed: "limit smaller than result set". The official broker summarises only the rows
# left after `limit` (there: deployable true); accord summarises every row and only truncates
# the list it returns, so a limit can never turn a "no" into a "yes".


def build_fixture_graph(client) -> None:
    """Foo v1 verified by Bar v10; Foo v2 (main) failed by Bar v20; Foo v3 (main) unverified;
    Foo v3 verified by Baz v30, which is deployed to production."""
    publish(client, "Foo", "1", "Bar", "1")
    verify(client, "Foo", "1", "Bar", "10", success=True)
    publish(client, "Foo", "2", "Bar", "2", branch="main")
    verify(client, "Foo", "2", "Bar", "20", success=False)
    publish(client, "Foo", "3", "Bar", "3", branch="main")
    publish(client, "Foo", "3", "Baz", "1", branch="main")
    verify(client, "Foo", "3", "Baz", "30", success=True)
    deploy(client, "Baz", "30", create_environment(client, "production"))


def test_distilled_decisions_match_the_official_approvals(client):
    golden = json.loads((DATA / "features_get_matrix_approval_spec.approved.json").read_text())
    build_fixture_graph(client)
    checked = 0
    for key, expected in golden.items():
        name = next((n for n in REQUESTS if key.endswith(f" {n} snapshots")), None)
        if name is None:
            continue
        response = client.get(REQUESTS[name])
        body = response.json()
        actual = {
            "status": response.status_code,
            "summary": body["summary"],
            "noticeTypes": [n["type"] for n in body["notices"]],
        }
        assert actual == expected, name
        checked += 1
    assert checked == len(REQUESTS)


def test_plain_text_matrix_matches_the_official_approval(client):
    build_fixture_graph(client)
    response = client.get(
        "/matrix?q[][pacticipant]=Foo&q[][pacticipant]=Bar&latestby=cvpv",
        headers={"Accept": "text/plain"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain;charset=utf-8"
    expected = (DATA / "matrix_full_body_text.approved.txt").read_text()
    assert response.text == expected


def _normalised(body: dict) -> dict:
    """Timestamps blanked as the approval does; a verification link keeps only its form (the
    content hash, metadata and number are made differently)."""
    text = json.dumps(body)
    text = re.sub(r'"(createdAt|verifiedAt)": "[^"]*"', r'"\1": "<timestamps>"', text)
    text = re.sub(r"/pact-version/[^\"]*/verification-results/\d+", "/pact-version/…", text)
    return json.loads(text)


def test_matrix_body_matches_the_official_approval(make_client):
    golden = json.loads((DATA / "matrix_full_body_ui_browse.approved.json").read_text())
    client = make_client(base_url="http://example.org")
    build_fixture_graph(client)
    response = client.get(golden["request"]["path"] + "?" + golden["request"]["query"])
    assert response.status_code == golden["response"]["status"]
    assert _normalised(response.json()) == _normalised(golden["response"]["body"])


def test_can_i_deploy_decisions_match_the_official_approvals(client):
    """``spec/features/can_i_deploy_approval_spec.rb``: Foo v1 (dev) verified by Bar v10 (prod),
    deployed to production; then a failed, undeployed Baz."""
    golden = json.loads((DATA / "features_can_i_deploy_approval_spec.approved.json").read_text())
    publish(client, "Foo", "1", "Bar", "a", tags=["dev"])
    verify(client, "Foo", "1", "Bar", "10", tags=["prod"])
    deploy(client, "Bar", "10", create_environment(client, "production"))
    prefix = "GET /can-i-deploy approval "

    def check(name: str, url: str) -> None:
        response = client.get(url)
        actual = {"status": response.status_code, "summary": response.json().get("summary")}
        assert actual == golden[prefix + name + " snapshots"], name

    check(
        "can-i-deploy Foo v1 to the production environment",
        "/can-i-deploy?pacticipant=Foo&version=1&environment=production",
    )
    check(
        "can-i-deploy Foo's dev tag to Bar's prod tag (tag-to-tag URL format)",
        "/pacticipants/Foo/latest-version/dev/can-i-deploy/to/prod",
    )
    check("can-i-deploy with missing required params returns a validation error", "/can-i-deploy")
    publish(client, "Foo", "1", "Baz", "b", tags=["dev"])
    verify(client, "Foo", "1", "Baz", "99", success=False)
    failing = "can-i-deploy Foo v1 to the production environment with a failing integration "
    check(
        failing + "without ignoring the failing integration",
        "/can-i-deploy?pacticipant=Foo&version=1&environment=production",
    )
    check(
        failing + "ignoring the failing integration",
        "/can-i-deploy?pacticipant=Foo&version=1&environment=production&ignore[]=Baz",
    )
