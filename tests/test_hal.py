"""accord.hal.HalClient against real HTTP servers on 127.0.0.1: a scripted one that records
every request (link following, templates, auth, retries, error messages), and accord's own
broker."""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accord.broker_client import BrokerClient
from accord.errors import BrokerError
from accord.hal import HalClient, expand

TOKEN = "t0ken-value-123"
PASSWORD = "pa55word-xyz"

Reply = tuple[int, Any]  # status, JSON body (or str for a raw body)
Handler = Callable[[str, str, Any], Reply]  # method, raw path, JSON body → reply


class Scripted:
    """A broker whose answers a test scripts; ``seen`` logs (method, raw path, headers, body)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []
        self.routes: dict[tuple[str, str], Handler | list[Reply]] = {}
        self.url = ""
        self.headers: dict[str, str] = {}  # sent with every answer

    def answer(self, method: str, path: str, *replies: Reply) -> None:
        """Answer ``method path`` with ``replies`` in turn (the last one from then on)."""
        self.routes[(method, path)] = list(replies)

    def reply(self, method: str, path: str) -> Reply:
        route = self.routes.get((method, path))
        if route is None:
            return 404, {"error": f"no route {method} {path}"}
        if callable(route):
            return route(method, path, None)
        return route.pop(0) if len(route) > 1 else route[0]


def _handler(broker: Scripted) -> type[BaseHTTPRequestHandler]:
    class Handle(BaseHTTPRequestHandler):
        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            broker.seen.append((self.command, self.path, dict(self.headers.items()), body))
            status, data = broker.reply(self.command, self.path)
            out = data.encode() if isinstance(data, str) else json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/hal+json")
            self.send_header("Content-Length", str(len(out)))
            for name, value in broker.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, *args: Any) -> None:  # keep the test output quiet
            pass

    return Handle


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _serving(broker: Scripted, port: int = 0, delay: float = 0.0) -> Iterator[Scripted]:
    """Serve ``broker`` on 127.0.0.1 (after ``delay`` seconds, when given)."""
    servers: list[ThreadingHTTPServer] = []

    def run() -> None:
        time.sleep(delay)
        server = ThreadingHTTPServer(("127.0.0.1", port), _handler(broker))
        servers.append(server)
        server.serve_forever(poll_interval=0.05)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not delay:
        while not servers:
            time.sleep(0.01)
        broker.url = f"http://127.0.0.1:{servers[0].server_address[1]}"
    try:
        yield broker
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def broker() -> Iterator[Scripted]:
    with _serving(Scripted()) as served:
        yield served


def _index(broker: Scripted) -> None:
    broker.answer("GET", "/", (200, {"_links": {
        "self": {"href": broker.url},
        "pb:latest-provider-pacts": {
            "href": f"{broker.url}/pacts/provider/{{provider}}/latest", "templated": True},
        "pb:pacticipant-version": {
            "href": f"{broker.url}/pacticipants/{{pacticipant}}/versions/{{version}}",
            "templated": True}}}))


# ------------------------------------------------------------------ links and templates
def test_relations_are_followed_from_the_index_to_the_resources(broker: Scripted) -> None:
    _index(broker)
    broker.answer("GET", "/pacts/provider/users/latest", (200, {"_links": {
        "pb:pacts": [{"href": f"{broker.url}/pacts/one", "name": "web"}]}}))
    broker.answer("GET", "/pacts/one", (200, {"consumer": {"name": "web"}}))
    with HalClient(broker.url, retries=0) as hal:
        latest = hal.get(hal.relation("pb:latest-provider-pacts", provider="users"))
        pact = hal.get(hal.link(latest, "PB:PACTS") or "")  # case-insensitive, first of a list
        assert pact == {"consumer": {"name": "web"}}
        hal.relation("pb:pacticipant-version", pacticipant="x", version="1")
    # the index was fetched once, then cached
    assert [s[1] for s in broker.seen] == ["/", "/pacts/provider/users/latest", "/pacts/one"]


def test_templated_hrefs_are_filled_with_percent_encoded_values(broker: Scripted) -> None:
    _index(broker)
    broker.answer("GET", "/pacticipants/my%20app/versions/feat%2Fx%7B1%7D", (200, {"number": 1}))
    with HalClient(broker.url, retries=0) as hal:
        href = hal.relation("pb:pacticipant-version", pacticipant="my app", version="feat/x{1}")
        assert href == f"{broker.url}/pacticipants/my%20app/versions/feat%2Fx%7B1%7D"
        assert hal.get(href) == {"number": 1}
    assert expand("/a/{x}/{missing}", x="{missing}") == "/a/%7Bmissing%7D/{missing}"


def test_a_relation_the_broker_lacks_is_named(broker: Scripted) -> None:
    _index(broker)
    with HalClient(broker.url, retries=0) as hal, pytest.raises(BrokerError) as err:
        hal.relation("pb:environments")
    assert str(err.value) == f"the Pact Broker at {broker.url} has no pb:environments relation"
    assert not err.value.unreachable


def test_hrefs_naming_another_host_go_to_the_brokers_host(broker: Scripted) -> None:
    broker.answer("GET", "/pacts/x?y=1", (200, {"ok": True}))
    with HalClient(broker.url, retries=0) as hal:
        assert hal.get("http://broker.internal:9292/pacts/x?y=1") == {"ok": True}


# ------------------------------------------------------------------ auth
def test_the_bearer_token_is_sent(broker: Scripted) -> None:
    _index(broker)
    with HalClient(broker.url, token=TOKEN, retries=0) as hal:
        hal.index()
    headers = broker.seen[0][2]
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/hal+json, application/json"
    assert headers["User-Agent"].startswith("accord/")


def test_basic_auth_is_sent(broker: Scripted) -> None:
    broker.answer("POST", "/things", (201, {"id": 1}))
    with HalClient(broker.url, username="ci", password=PASSWORD, retries=0) as hal:
        assert hal.request("POST", "/things", {"a": 1}) == {"id": 1}
    (_, path, headers, body), = broker.seen
    expected = base64.b64encode(f"ci:{PASSWORD}".encode()).decode()
    assert headers["Authorization"] == f"Basic {expected}"
    assert (path, body, headers["Content-Type"]) == ("/things", {"a": 1}, "application/json")


# ------------------------------------------------------------------ retries
def test_a_503_is_retried_until_the_broker_answers(broker: Scripted) -> None:
    broker.answer("POST", "/publish", (503, {"error": "busy"}), (503, "Service Unavailable"),
                  (201, {"created": True}))
    with HalClient(broker.url, retries=3, backoff=0.01) as hal:
        assert hal.request("POST", "/publish", {"v": 1}) == {"created": True}
    assert [s[:2] for s in broker.seen] == [("POST", "/publish")] * 3
    assert all(s[3] == {"v": 1} for s in broker.seen)


def test_a_429_waits_as_long_as_retry_after_says(broker: Scripted) -> None:
    broker.headers["Retry-After"] = "1"
    broker.answer("POST", "/publish", (429, {"error": "slow down"}), (200, {"ok": True}))
    started = time.monotonic()
    with HalClient(broker.url, retries=1, backoff=0.01) as hal:
        assert hal.request("POST", "/publish", {}) == {"ok": True}
    assert time.monotonic() - started >= 1.0 and len(broker.seen) == 2


def test_a_refused_connection_is_retried_until_the_broker_listens() -> None:
    port = _free_port()
    broker = Scripted()
    broker.answer("GET", "/", (200, {"_links": {}}))
    with _serving(broker, port=port, delay=0.3):
        started = time.monotonic()
        with HalClient(f"http://127.0.0.1:{port}", retries=5, backoff=0.1) as hal:
            assert hal.index() == {"_links": {}}
        assert time.monotonic() - started >= 0.3  # the first attempts were refused
    assert [s[1] for s in broker.seen] == ["/"]


def test_a_post_is_not_repeated_after_a_500(broker: Scripted) -> None:
    """The broker may have acted on it: only idempotent requests are retried after a 500."""
    broker.answer("POST", "/results", (500, {"error": "boom"}))
    broker.answer("PUT", "/tag", (500, {"error": "boom"}), (201, {}))
    with HalClient(broker.url, retries=2, backoff=0.01) as hal:
        with pytest.raises(BrokerError) as err:
            hal.request("POST", "/results", {})
        assert hal.request("PUT", "/tag", {}) == {}
    assert [s[0] for s in broker.seen] == ["POST", "PUT", "PUT"]
    assert err.value.status == 500 and "attempts" not in str(err.value)


def test_retries_give_up_with_the_count_and_as_unreachable(broker: Scripted) -> None:
    broker.answer("GET", "/", (503, {"error": "maintenance"}))
    with HalClient(broker.url, retries=2, backoff=0.01) as hal, pytest.raises(BrokerError) as err:
        hal.index()
    assert str(err.value) == (f"the Pact Broker answered HTTP 503 (Service Unavailable) to GET "
                              f"{broker.url}/: maintenance (after 3 attempts)")
    assert err.value.status == 503 and err.value.unreachable and len(broker.seen) == 3


def test_nothing_listening(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    with HalClient(url, token=TOKEN, retries=1, backoff=0.01) as hal, \
            pytest.raises(BrokerError) as err:
        hal.get("/pacts")
    message = str(err.value)
    assert message.startswith(f"could not reach the Pact Broker at {url}/pacts: ConnectError")
    assert message.endswith("(after 2 attempts)")
    assert err.value.status is None and err.value.unreachable and TOKEN not in message


# ------------------------------------------------------------------ error messages
@pytest.mark.parametrize(("status", "reason", "body", "text"), [
    (401, "Unauthorized", {"error": f"bad token {TOKEN}"}, "bad token *****"),
    (404, "Not Found", {"error": "The requested document was not found on this server."},
     "The requested document was not found on this server."),
    (500, "Internal Server Error", "<html><body>\n  <h1>Oops</h1>\n</body></html>",
     "<html><body> <h1>Oops</h1> </body></html>"),
    (400, "Bad Request", {"errors": {"pacticipantVersionNumber": ["can't be blank"]}},
     "pacticipantVersionNumber: can't be blank"),
])
def test_error_messages_say_what_where_and_why_without_secrets(
        broker: Scripted, status: int, reason: str, body: Any, text: str) -> None:
    broker.answer("GET", "/thing", (status, body))
    with HalClient(broker.url, token=TOKEN, retries=0) as hal, pytest.raises(BrokerError) as err:
        hal.get("/thing")
    assert str(err.value) == (f"the Pact Broker answered HTTP {status} ({reason}) to GET "
                              f"{broker.url}/thing: {text}")
    assert err.value.status == status and err.value.url == f"{broker.url}/thing"
    assert not err.value.unreachable


def test_credentials_in_the_url_are_not_shown(broker: Scripted) -> None:
    broker.answer("GET", "/", (401, {"error": "no"}))
    shown = broker.url.replace("http://", f"http://ci:{PASSWORD}@")
    with HalClient(shown, retries=0) as hal, pytest.raises(BrokerError) as err:
        hal.index()
    assert PASSWORD not in str(err.value) and PASSWORD not in str(err.value.url)
    assert "http://ci:*****@127.0.0.1" in str(err.value)
    expected = base64.b64encode(f"ci:{PASSWORD}".encode()).decode()
    assert broker.seen[0][2]["Authorization"] == f"Basic {expected}"  # still used to log in


def test_a_404_can_be_expected_and_an_answer_that_is_not_json_is_an_error(
        broker: Scripted) -> None:
    broker.answer("GET", "/text", (200, "plain text"))
    broker.answer("POST", "/empty", (201, ""))
    with HalClient(broker.url, retries=0) as hal:
        assert hal.get("/nowhere", allow_404=True) is None
        assert hal.request("POST", "/empty", {}) == {}
        with pytest.raises(BrokerError, match=r"answer to GET http://\S+/text is not JSON"):
            hal.get("/text")


# ------------------------------------------------------------------ the client commands on it
def test_a_broker_without_pacts_for_verification_gives_its_latest_pacts(
        broker: Scripted) -> None:
    broker.answer("GET", "/", (200, {"_links": {"pb:latest-provider-pacts": {
        "href": f"{broker.url}/pacts/provider/{{provider}}/latest"}}}))
    broker.answer("GET", "/pacts/provider/users/latest", (200, {"_links": {"pb:pacts": [
        {"href": f"{broker.url}/pacts/web"}, {"href": f"{broker.url}/pacts/mobile"}]}}))
    with BrokerClient(broker.url, retries=0) as client:
        found = client.pacts_for_verification("users", selectors=[{"mainBranch": True}])
    assert [p["_links"]["self"]["href"] for p in found] == [
        f"{broker.url}/pacts/web", f"{broker.url}/pacts/mobile"]
    assert [s[0] for s in broker.seen] == ["GET", "GET"]  # no selectors were POSTed


def test_a_broker_with_neither_relation_says_so(broker: Scripted) -> None:
    broker.answer("GET", "/", (200, {"_links": {}}))
    with BrokerClient(broker.url, retries=0) as client, pytest.raises(BrokerError) as err:
        client.pacts_for_verification("users")
    assert str(err.value) == (f"the Pact Broker at {broker.url} offers neither "
                              "pb:provider-pacts-for-verification nor pb:latest-provider-pacts")


def test_provider_branches_on_a_broker_without_them(broker: Scripted) -> None:
    broker.answer("GET", "/pacticipants/users", (200, {"_links": {}}))
    pact = {"_links": {"pb:provider": {"href": f"{broker.url}/pacticipants/users"}}}
    with BrokerClient(broker.url, retries=0) as client, pytest.raises(BrokerError) as err:
        client.record_provider_version(pact, "1.0", branch="main")
    assert "provider branches need Pact Broker 2.86.0 or later" in str(err.value)


# ------------------------------------------------------------------ accord's own broker
def test_against_accords_broker(tmp_path: Path) -> None:
    import uvicorn

    from accord.broker import BrokerConfig, create_app

    app = create_app(BrokerConfig(database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}",
                                  username="ci", password=PASSWORD))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        with HalClient(url, username="ci", password=PASSWORD, retries=0) as hal:
            href = hal.relation("pb:pacticipant", pacticipant="no such app")
            assert href == f"{url}/pacticipants/no%20such%20app"
            assert hal.get(href, allow_404=True) is None
            with pytest.raises(BrokerError) as err:
                hal.get(href)
            assert err.value.status == 404 and href in str(err.value)
        with HalClient(url, username="ci", password="wrong-pass", retries=0) as hal, \
                pytest.raises(BrokerError) as denied:
            hal.index()
        assert denied.value.status == 401 and "wrong-pass" not in str(denied.value)
        assert str(denied.value).startswith(
            f"the Pact Broker answered HTTP 401 (Unauthorized) to GET {url}/")
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.engine.dispose()
