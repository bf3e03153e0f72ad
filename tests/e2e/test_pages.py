"""The UI's pages over HTTP without a browser: content negotiation, auth, sub-paths,
escaping, error pages and the pact renderer's other interaction kinds."""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from accord.broker import BrokerConfig, create_app
from accord.broker.ui.pact_view import view_pact

from .conftest import require_chromium
from .seed import READER, LiveBroker

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def viewer(broker: LiveBroker) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=broker.url, auth=READER, headers=HTML) as client:
        yield client


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[TestClient]:
    """An empty broker without auth, for tests that publish their own pacts."""
    app = create_app(BrokerConfig(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}"))
    with TestClient(app, base_url="http://broker", headers=HTML) as client:
        yield client
    app.engine.dispose()


def _publish(client: TestClient, pact: dict, version: str = "1") -> None:
    consumer = pact["consumer"]["name"]
    response = client.post(
        "/contracts/publish",
        headers={"Accept": "application/hal+json"},
        json={
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": pact["provider"]["name"],
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": base64.b64encode(json.dumps(pact).encode()).decode(),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text


def test_api_clients_keep_getting_json_at_page_addresses(viewer: httpx.Client) -> None:
    pact = "/pacts/provider/Order%20API/consumer/Order%20Web/latest"
    for path in ("/", "/pacticipants/Order%20Web", pact, "/matrix?q[][pacticipant]=Billing"):
        page = viewer.get(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        for accept in ("application/hal+json", "application/json", "*/*"):
            api = viewer.get(path, headers={"Accept": accept})
            assert api.headers["content-type"].startswith("application/"), (path, accept)
            assert isinstance(api.json(), dict)
    assert viewer.get(pact, headers={"Accept": "application/json"}).json()["consumer"] == {
        "name": "Order Web"
    }


def test_a_browser_without_credentials_is_asked_to_log_in(broker: LiveBroker) -> None:
    response = httpx.get(broker.url + "/", headers=HTML)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    bad = httpx.get(broker.url + "/", headers=HTML, auth=("viewer", "wrong"))
    assert bad.status_code == 401


def test_links_follow_the_forwarded_prefix(viewer: httpx.Client, broker: LiveBroker) -> None:
    page = viewer.get(
        "/pacticipants/Order%20Web",
        headers={
            "X-Forwarded-Host": "pacts.example.com",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Prefix": "/tools/broker",
        },
    )
    assert 'href="https://pacts.example.com/tools/broker/pacticipants/Order%20API"' in page.text
    assert "http://127.0.0.1" not in page.text


def test_unknown_things_are_friendly_html_404_pages(viewer: httpx.Client) -> None:
    for path, message in (
        ("/pacticipants/Nobody", "There is no pacticipant named “Nobody”"),
        ("/pacts/provider/Order%20API/consumer/Order%20Web/version/9.9", "No pact between"),
        ("/pacts/provider/Order%20API/consumer/Nobody/latest", "named “Nobody”"),
        ("/matrix/provider/Order%20API/consumer/Nobody", "named “Nobody”"),
        ("/no/such/page", "There is nothing at this address"),
    ):
        page = viewer.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert message in page.text, path
        assert "Back to the integrations" in page.text


def test_names_and_contents_are_escaped(fresh: TestClient) -> None:
    evil = '<img src=x onerror="alert(1)">'
    pact = {
        "consumer": {"name": "Evil" + evil},
        "provider": {"name": "Target"},
        "interactions": [
            {
                "description": evil,
                "providerState": evil,
                "request": {"method": "GET", "path": "/x", "headers": {"X-Evil": evil}},
                "response": {"status": 200, "body": {"html": evil}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    _publish(fresh, pact)
    pages = [
        fresh.get("/"),
        fresh.get("/pacticipants/" + "Evil%3Cimg%20src%3Dx%20onerror%3D%22alert(1)%22%3E"),
        fresh.get(
            "/pacts/provider/Target/consumer/Evil%3Cimg%20src%3Dx%20onerror%3D%22alert(1)%22%3E/latest"
        ),
    ]
    for page in pages:
        assert page.status_code == 200, page.text
        assert "<img" not in page.text
        assert "&lt;img src=x onerror=" in page.text


def test_a_v4_pact_with_messages_renders_every_interaction_kind(fresh: TestClient) -> None:
    pact = {
        "consumer": {"name": "Worker"},
        "provider": {"name": "Queue"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "an order created event",
                "providerStates": [{"name": "an order exists"}],
                "contents": {
                    "content": {"id": 5},
                    "contentType": "application/json",
                    "encoded": False,
                },
                "metadata": {"topic": "orders"},
                "matchingRules": {
                    "content": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}}
                },
            },
            {
                "type": "Synchronous/Messages",
                "description": "a price query",
                "request": {
                    "contents": {"content": "price?", "contentType": "text/plain", "encoded": False}
                },
                "response": [
                    {"contents": {"content": "12", "contentType": "text/plain", "encoded": False}}
                ],
            },
            {
                "type": "Synchronous/HTTP",
                "description": "a health check",
                "pending": True,
                "request": {"method": "GET", "path": "/health"},
                "response": {
                    "status": 200,
                    "body": {
                        "content": {"at": "2024-01-01"},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                    "generators": {"body": {"$.at": {"type": "Date", "format": "yyyy-MM-dd"}}},
                },
            },
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    _publish(fresh, pact)
    page = fresh.get("/pacts/provider/Queue/consumer/Worker/version/1")
    assert page.status_code == 200
    text = page.text
    assert "Pact 4.0" in text
    assert "an order created event" in text and "Message" in text and "orders" in text
    assert "an order exists" in text and "integer" in text
    assert "a price query" in text and "Response message 1" in text and "price?" in text
    assert (
        "a health check" in text
        and "pending" in text
        and "Date (format: &#34;yyyy-MM-dd&#34;)" in text
    )


def test_a_pact_the_model_cannot_read_is_shown_as_json_with_the_reason() -> None:
    view = view_pact({"consumer": {"name": "A"}, "provider": {"name": "B"}, "interactions": "x"})
    assert view.error is not None and "could not be read" in view.error
    assert '"interactions": "x"' in view.raw


def test_pacticipant_versions_are_paged_newest_first(fresh: TestClient) -> None:
    hal = {"Accept": "application/hal+json"}
    for n in range(1, 36):
        assert fresh.put(f"/pacticipants/Many/versions/{n}", json={}, headers=hal).status_code in (
            200,
            201,
        )
    first = fresh.get("/pacticipants/Many")
    assert "(35, newest first)" in first.text and "page 1 of 2" in first.text
    assert first.text.index(">35<") < first.text.index(">34<")
    second = fresh.get("/pacticipants/Many?page=2")
    assert ">5<" in second.text and ">6<" not in second.text and "← newer" in second.text


def test_matrix_and_can_i_deploy_explain_bad_input(viewer: httpx.Client) -> None:
    assert "Choose at least one pacticipant." in viewer.get("/matrix").text
    assert "Pacticipant Nope not found" in viewer.get("/matrix?q[][pacticipant]=Nope").text
    form = viewer.get("/can-i-deploy")
    assert form.status_code == 200 and "<option>Order Web</option>" in form.text
    assert 'id="answer"' not in form.text
    missing = viewer.get("/can-i-deploy?pacticipant=Order+Web&version=1.0.0")
    assert "Choose the environment to deploy to." in missing.text
    unknown_env = viewer.get("/can-i-deploy?pacticipant=Order+Web&environment=moon")
    assert "There is no environment named “moon”" in unknown_env.text
    unknown_version = viewer.get(
        "/can-i-deploy?pacticipant=Order+Web&version=9.9&environment=production"
    )
    assert "No, you cannot deploy" in unknown_version.text
    assert "No pacts or verifications have been published for version 9.9 of Order Web" in (
        unknown_version.text
    )
    latest = viewer.get("/can-i-deploy?pacticipant=Billing&environment=production")
    assert "Yes, you can deploy" in latest.text


def test_chromium_missing_fails_unless_skipping_is_asked_for(tmp_path: Path) -> None:
    missing = tmp_path / "chromium"
    with pytest.raises(pytest.fail.Exception, match="apt-get install -y chromium"):
        require_chromium(missing, {})
    with pytest.raises(pytest.skip.Exception, match="ACCORD_SKIP_BROWSER=1"):
        require_chromium(missing, {"ACCORD_SKIP_BROWSER": "1"})
    present = tmp_path / "present"
    present.write_text("")
    require_chromium(present, {"ACCORD_SKIP_BROWSER": "1"})


def test_a_bug_in_a_page_is_a_500_page_with_a_reference(
    fresh: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from accord.broker.ui import pages

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages, "_integrations", broken)
    page = fresh.get("/")
    assert page.status_code == 500
    assert "could not show this page (error reference" in page.text
    assert "RuntimeError" not in page.text and "Traceback" not in page.text
    assert any("UI error reference" in r.getMessage() for r in caplog.records)


def test_an_empty_broker_says_what_to_do(fresh: TestClient) -> None:
    assert "No pacts have been published yet" in fresh.get("/").text
    assert "No pacticipants yet" in fresh.get("/pacticipants").text
    assert "No environments yet" in fresh.get("/environments").text
    form = fresh.get("/can-i-deploy")
    assert form.status_code == 200 and 'id="ask"' in form.text


def test_links_use_the_configured_base_url(tmp_path: Path) -> None:
    app = create_app(
        BrokerConfig(
            database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
            base_url="https://pacts.example.com/pact/",
        )
    )
    with TestClient(app, base_url="http://broker", headers=HTML) as client:
        _publish(
            client,
            {
                "consumer": {"name": "A"},
                "provider": {"name": "B"},
                "interactions": [],
                "metadata": {"pactSpecification": {"version": "2.0.0"}},
            },
        )
        page = client.get("/")
    app.engine.dispose()
    assert 'href="https://pacts.example.com/pact/pacts/provider/B/consumer/A/latest"' in page.text
    assert 'href="https://pacts.example.com/pact/can-i-deploy"' in page.text
