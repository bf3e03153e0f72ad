"""accord serves and verifies real-world pacts exactly as the official tools do.

Each pact of tests/data/real-world (see SOURCES.md there) is served by accord's mock server and
by the official ones (``pact stub`` reads every version with pact_models, as the verifier does;
``pact mock create`` passes a pact through the V3 model, so it serves V1-V3 files faithfully),
and verified by accord's verifier and the official ``pact verifier`` against the same provider:

* V4 bodies: a string ``content`` under a JSON type is a JSON string (``"Fulfilling"``); only
  ``encoded: "base64"`` decodes; ``encoded: "json"`` takes the content as it is.
* V3 string bodies under a binary content type are base64 and are served as the bytes.
* ``MockServerURL`` generators splice the mock server's URL in front of the regex's first
  group, slash or not (the official core builds ``http://127.0.0.1:PORTorders/1`` too).
* ``ProviderState`` generators fall back to the provider state's own parameters.
* Percent-encoded paths (Ruby pacts: ``/pacticipants/Pricing%20Service``) are matched and sent
  as written.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from _official import PACT_BIN, ProviderThread, official_mock, official_stub, run_verifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accord import Verifier
from accord.model import SynchronousHttp
from accord.pactfile import read_pact
from accord.verifier import Outcome

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "mock"))
from mock_process import start_accord_mock

pytestmark = pytest.mark.interop
assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is missing"

DATA = Path(__file__).resolve().parent.parent / "data" / "real-world"
V4_BODIES = DATA / "v4-body-encodings.json"
V3_BINARY = DATA / "v3-binary-bodies.json"
MOCK_SERVER_URL = DATA / "mock-server-url-generators.json"
PROVIDER_STATE = DATA / "provider-state-params.json"
RUBY_BROKER_CLIENT = DATA / "pact_broker_client-pact_broker.json"

Served = tuple[int, bytes]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def http_interactions(file: Path) -> list[SynchronousHttp]:
    return [i for i in read_pact(file).interactions if isinstance(i, SynchronousHttp)]


def replay(client: httpx.Client, interaction: SynchronousHttp) -> httpx.Response:
    """Send the pact's example request as a consumer would (the path exactly as written)."""
    req = interaction.request
    target = req.path
    if req.raw_query is not None:
        target += "?" + req.raw_query
    elif req.query:
        target += "?" + str(httpx.QueryParams(
            [(k, v or "") for k, values in req.query.items() for v in values]))
    headers = [(k, v) for k, values in req.headers.items() for v in values]
    content = req.body.content if req.body.is_present else None
    return client.request(req.method, target, headers=headers, content=content)


def serve_all(base_url: str, interactions: list[SynchronousHttp]) -> dict[str, Served]:
    with httpx.Client(base_url=base_url) as client:
        return {i.description: (r.status_code, r.content)
                for i in interactions for r in [replay(client, i)]}


def as_json_where_json(served: dict[str, Served]) -> dict[str, tuple[int, Any]]:
    out: dict[str, tuple[int, Any]] = {}
    for description, (status, body) in served.items():
        try:
            out[description] = (status, json.loads(body))
        except ValueError:
            out[description] = (status, body)
    return out


@contextmanager
def accord_mock(file: Path) -> Iterator[str]:
    proc, url = start_accord_mock([str(file)])
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.finish()


# --------------------------------------------------------------------------- bodies: mock


def test_v4_bodies_are_served_as_the_official_stub_serves_them(tmp_path: Path) -> None:
    interactions = http_interactions(V4_BODIES)
    with official_stub([V4_BODIES], tmp_path) as url:
        official = serve_all(url, interactions)
    with accord_mock(V4_BODIES) as url:
        ours = serve_all(url, interactions)
    assert ours == official
    assert official["an order status as a JSON string"] == (200, b'"Fulfilling"')
    assert official["a status update with a JSON string body"][0] == 204  # request matched
    assert official["a GIF encoded base64"][1].startswith(b"GIF89a")
    assert official["base64 text not marked encoded"][1].startswith(b"R0lGOD")


def test_v3_binary_bodies_are_served_as_bytes_as_the_official_servers_do(
        tmp_path: Path) -> None:
    interactions = http_interactions(V3_BINARY)
    with official_mock(V3_BINARY, tmp_path) as url:
        official_mock_served = serve_all(url, interactions)
    with official_stub([V3_BINARY], tmp_path) as url:
        official_stub_served = serve_all(url, interactions)
    with accord_mock(V3_BINARY) as url:
        ours = serve_all(url, interactions)
    assert ours == official_stub_served
    # `pact mock create` re-serialises JSON on its way to the server (spaces dropped)
    assert as_json_where_json(ours) == as_json_where_json(official_mock_served)
    assert ours["a GIF"][1].startswith(b"GIF89a")
    assert ours["a PDF"] == (200, b"%PDF-1.4 hello")
    assert ours["octet-stream text that is not base64"] == (200, b"hello world!")
    assert ours["a JSON string"] == (200, b'"Fulfilling"')
    assert ours["an image upload"] == (201, b'{"id":7}')  # the PNG bytes were expected


# --------------------------------------------------------------------------- bodies: verifier


def replaying_provider(served: dict[tuple[str, str], tuple[int, str | None, bytes]],
                       expected_requests: dict[tuple[str, str], bytes]) -> Starlette:
    """Answers each (method, path) with the given reply; a request whose body is not the
    expected one gets a 400."""
    async def reply(request: Request) -> Response:
        key = (request.method, request.url.path)
        body = await request.body()
        if key in expected_requests and body != expected_requests[key]:
            return Response(b"wrong request body: " + body, status_code=400)
        status, ctype, content = served.get(key, (404, None, b""))
        return Response(content, status_code=status,
                        headers={"Content-Type": ctype} if ctype else {})

    return Starlette(routes=[Route("/{rest:path}", reply,
                                   methods=["GET", "PUT", "POST", "DELETE"])])


def official_verdicts(file: Path, app: Starlette, tmp_path: Path) -> dict[str, bool]:
    with ProviderThread(app) as server:
        run = run_verifier([file], server.port, tmp_path)
    assert run.results, run.text()
    return {d: r == "OK" for d, r in run.results.items()}


def accord_verdicts(file: Path, provider: str, app: Starlette) -> dict[str, bool]:
    with ProviderThread(app) as server:
        verifier = Verifier(provider).add_source(file).add_transport(url=server.url)
        result = verifier.verify(raises=False)
    return {r.description: r.outcome is Outcome.PASSED for r in result.results}


@pytest.mark.parametrize("file", [V4_BODIES, V3_BINARY], ids=["v4", "v3"])
def test_body_verdicts_agree_with_the_official_verifier(file: Path, tmp_path: Path) -> None:
    interactions = http_interactions(file)
    pact = read_pact(file)
    with official_stub([file], tmp_path) as url, httpx.Client(base_url=url) as client:
        official_bytes = {(i.request.method, i.request.path): replay(client, i)
                          for i in interactions}
    expected_requests = {(i.request.method, i.request.path): i.request.body.content
                         for i in interactions if i.request.body.is_present}
    assert expected_requests == ({("PUT", "/orders/1/status"): b'"Fulfilling"'}
                                 if file == V4_BODIES else {("POST", "/images"): PNG})
    # honest: what the official stub serves (the official reading of the pact)
    honest = {key: (r.status_code, r.headers.get("content-type"), r.content)
              for key, r in official_bytes.items()}
    # naive: the pact's text as written, which is what accord used to serve
    naive = dict(honest)
    raw = json.loads(file.read_text())["interactions"]
    for i, data in zip(interactions, raw, strict=True):
        body = data["response"].get("body")
        text = body.get("content") if isinstance(body, dict) else body
        if isinstance(text, str):
            key = (i.request.method, i.request.path)
            naive[key] = (honest[key][0], honest[key][1], text.encode())
    for served, everything_passes in ((honest, True), (naive, False)):
        app = replaying_provider(served, expected_requests)
        official = official_verdicts(file, app, tmp_path)
        ours = accord_verdicts(file, pact.provider, app)
        assert ours == official, served
        assert all(official.values()) is everything_passes
    assert not official["an order status as a JSON string" if file == V4_BODIES
                        else "a GIF"]


# --------------------------------------------------------------------------- MockServerURL


def test_mock_server_urls_are_built_as_the_official_mock_builds_them(tmp_path: Path) -> None:
    interactions = http_interactions(MOCK_SERVER_URL)

    def hrefs(url: str) -> dict[str, str]:
        served = serve_all(url, interactions)
        return {d: json.loads(body)["href"].replace(url, "{mock}")
                for d, (_, body) in served.items()}

    with official_mock(MOCK_SERVER_URL, tmp_path) as url:
        official = hrefs(url)
    with accord_mock(MOCK_SERVER_URL) as url:
        ours = hrefs(url)
    assert ours == official
    # the first group is appended to the URL as it is: a regex that leaves the slash out
    # of the group gets no slash (pact_models' MockServerURL does exactly this)
    assert official == {
        "an order link, slash outside the group": "{mock}orders/1",
        "an order link, slash inside the group": "{mock}/orders/2",
        "an order link, regex matching the end only": "http://localhost:1234{mock}orders/3",
    }


# --------------------------------------------------------------------------- ProviderState


def greeter(paths: list[str]) -> Starlette:
    async def hello(request: Request) -> Response:
        paths.append(request.scope["raw_path"].decode())
        return JSONResponse({"greeting": f"Hello {request.path_params['name']}"})

    async def state(request: Request) -> Response:
        return Response(b"", status_code=200)  # the state change returns no values

    return Starlette(routes=[Route("/api/hello/{name}", hello),
                             Route("/_pact/state", state, methods=["POST"])])


def test_provider_state_generators_use_the_state_parameters_as_the_official_verifier_does(
        tmp_path: Path) -> None:
    official_paths: list[str] = []
    with ProviderThread(greeter(official_paths)) as server:
        run = run_verifier([PROVIDER_STATE], server.port, tmp_path,
                           state_change_url=f"{server.url}/_pact/state")
    ours: list[str] = []
    with ProviderThread(greeter(ours)) as server:
        result = (Verifier("greeter-api").add_source(PROVIDER_STATE)
                  .add_transport(url=server.url)
                  .state_change_url(f"{server.url}/_pact/state").verify(raises=False))
    assert official_paths == ["/api/hello/John"], run.text()
    assert ours == official_paths
    assert set(run.results.values()) == {"OK"}
    assert result.ok, result.report()


# --------------------------------------------------------------------------- encoded paths


def test_percent_encoded_paths_are_matched_as_the_official_mock_matches_them(
        tmp_path: Path) -> None:
    interactions = http_interactions(RUBY_BROKER_CLIENT)
    encoded = [i for i in interactions if "%" in i.request.path]
    assert len(encoded) >= 10

    def key(i: SynchronousHttp) -> Any:
        r = i.request
        return (r.method, r.path, r.raw_query, sorted(r.headers.items()), r.body.content)

    keys = [key(i) for i in interactions]
    unique = [i for i in encoded if keys.count(key(i)) == 1]  # one answer is right
    assert len(unique) >= 5

    def served(url: str) -> dict[str, tuple[int, Any]]:
        out = {}
        for description, (status, body) in serve_all(url, unique).items():
            out[description] = (status, json.loads(body) if body else None)
        return out

    with official_mock(RUBY_BROKER_CLIENT, tmp_path) as url:
        official = served(url)
    with accord_mock(RUBY_BROKER_CLIENT) as url:
        ours = served(url)
    assert ours == official
    assert all(status != 500 for status, _ in official.values()), official


def test_percent_encoded_paths_are_sent_as_the_official_verifier_sends_them(
        tmp_path: Path) -> None:
    def recorder(paths: list[str]) -> Starlette:
        async def anything(request: Request) -> Response:
            paths.append(request.scope["raw_path"].decode())
            return JSONResponse({}, status_code=404)

        return Starlette(routes=[Route("/{rest:path}", anything,
                                       methods=["GET", "PUT", "POST", "PATCH", "DELETE"])])

    official: list[str] = []
    with ProviderThread(recorder(official)) as server:
        run = run_verifier([RUBY_BROKER_CLIENT], server.port, tmp_path)
    ours: list[str] = []
    with ProviderThread(recorder(ours)) as server:
        Verifier("Pact Broker").add_source(RUBY_BROKER_CLIENT).add_transport(
            url=server.url).verify(raises=False)
    assert official, run.text()
    assert sorted(ours) == sorted(official)
    assert "/pacticipants/Pricing%20Service" in official


# --------------------------------------------------------------------------- message bodies

V4_MESSAGES = DATA / "v4-message-bodies.json"
V3_MESSAGES = DATA / "v3-binary-messages.json"
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# what the official core reads from each message (pact_models), and the pact's text as written
MESSAGES: dict[str, tuple[str, bytes, bytes]] = {
    "an order status event as a JSON string": ("application/json", b'"Fulfilling"',
                                               b"Fulfilling"),
    "an order event as JSON text encoded json": ("application/json", b'{"orderId":1}',
                                                 b'{"orderId":1}'),
    "a thumbnail event encoded base64": ("image/gif", GIF, base64.b64encode(GIF)),
    "a logo event": ("image/gif", GIF, base64.b64encode(GIF)),
    "a status event as a JSON string": ("application/json", b'"Fulfilling"', b"Fulfilling"),
}


def message_provider(honest: bool) -> Starlette:
    """The official message-provider protocol: POST / names the message, the reply is it."""
    async def message(request: Request) -> Response:
        ctype, official, as_written = MESSAGES[(await request.json())["description"]]
        return Response(official if honest else as_written, media_type=ctype)

    return Starlette(routes=[Route("/", message, methods=["POST"])])


@pytest.mark.parametrize("file", [V4_MESSAGES, V3_MESSAGES], ids=["v4", "v3"])
def test_message_body_verdicts_agree_with_the_official_verifier(
        file: Path, tmp_path: Path) -> None:
    provider = read_pact(file).provider
    for honest in (True, False):
        app = message_provider(honest)
        with ProviderThread(app) as server:
            run = run_verifier([file], server.port, tmp_path)
            result = (Verifier(provider).add_source(file)
                      .message_handler(f"{server.url}/").verify(raises=False))
        official = {d: r == "OK" for d, r in run.results.items()}
        ours = {r.description: r.outcome is Outcome.PASSED for r in result.results}
        assert official, run.text()
        assert ours == official, (honest, result.report(), run.text())
        expected = {d: honest or MESSAGES[d][1] == MESSAGES[d][2] for d in official}
        assert official == expected
