"""Pacts written by accord's consumer DSL are verified by the OFFICIAL verifier (``pact
verifier``, the Rust core shipped in pact-python-cli) against a real provider.

The pacts are written the way users write them (declared with ``accord.Pact``, exercised
against ``pact.serve()`` and message handlers, then written and merged by accord). They hold
every matcher of ``accord.match`` and every generator of ``accord.generate`` (request
generators included: the official verifier regenerates them, and ProviderState values come
from our state-change URL), V2/V3/V4, JSON, XML, form, multipart and binary bodies, and
messages: V3 message pacts, V4 asynchronous and synchronous messages through the official
HTTP message-provider protocol (``POST /`` with ``{description, providerStates[, request]}``;
the reply body is the message, its metadata base64 JSON in ``Pact-Message-Metadata``).

A provider that honours the pacts (with values different from the examples, so rules and not
equality decide) must pass; a provider that breaks them must fail with exactly the expected
mismatches, read from the verifier's JSON report (``--json``).

Known limits of the official tools (not tested here): a body key containing ``'`` makes the
official verifier reject the whole pact (its path parser has no escapes, though its writer
emits ``['it\\'s']`` as accord does); query parameters without a value (``?flag``, written
as ``[null]``) are dropped when it sends the request.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid as uuidlib
from pathlib import Path
from typing import Any

import httpx
import pytest
from _official import PACT_BIN, ProviderThread, VerifierRun, message_metadata_header, run_verifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from accord import Pact, generate, match
from accord.consumer import xml
from accord.model import Generator, SynchronousHttp
from accord.pactfile import pact_file_name, read_pact

pytestmark = pytest.mark.interop
assert PACT_BIN is not None, "the official `pact` binary (pact-python-cli) is missing"

PROVIDER = "accord-provider"
USER_STATE = {"id": 42, "token": "tok-42"}  # what the state-change URL returns
ACCOUNT_STATE = {"accountId": 7}
EXAMPLE_UUID = "e2490de5-5bd3-43d5-b7c4-526e33f71304"
# smallest valid PNG / GIF files (magic bytes decide their content type)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
PNG_2 = PNG + b"another image"  # different bytes, still a PNG by its magic
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c000000000100"
                    "01000002024401003b")


class Tracked:
    """``accord.match`` / ``accord.generate`` that remember which functions were used."""

    def __init__(self, module: Any) -> None:
        self._module = module
        self.used: set[int] = set()

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        self.used.add(id(value))
        return value


# --------------------------------------------------------------------------- the consumer side


def user_body(m: Tracked, g: Tracked) -> dict[str, Any]:
    """Every matcher (and every generator's rule) in one response body."""
    return {
        "id": m.integer(1, min=1, max=100),
        "userId": m.from_provider_state("${id}", 1),
        "name": m.string("Alice"),
        "code": m.str("abcd", size=4),
        "profile": m.like({"age": 30, "tags": ["a"]}),
        "prefs": m.type({"theme": "dark"}),
        "roles": m.each_like({"name": m.string("admin"), "level": m.int(1)}, min=1, max=3),
        "top3": m.each_like(m.integer(1), max=3),
        "pair": m.like([1, 2], min=2, max=2),
        "rank": m.number(5, min=1, max=10),
        "ticket": m.uuid("E2490DE5-5BD3-43D5-B7C4-526E33F71304", format="uppercase"),
        "balance": m.decimal(10.5),
        "ratio": m.float(0.5),
        "count": m.number(3),
        "active": m.boolean(True),
        "verified": m.bool(False),
        "ref": m.regex("AB-12", r"[A-Z]{2}-\d+"),
        "born": m.date("2000-02-29", "%Y-%m-%d"),
        "wakes": m.time("07:30:00"),
        "seen": m.datetime("2024-01-02T03:04:05+00:00", "yyyy-MM-dd'T'HH:mm:ssXXX"),
        "stamp": m.timestamp("2024-01-02 03:04", "yyyy-MM-dd HH:mm", disable_conversion=True),
        "motto": m.includes("world"),
        "nothing": m.null(),
        "nada": m.none(),
        "kind": m.equality("user"),
        "tier": m.equal("gold"),
        "scores": m.values({"maths": 1}),
        "uuid": m.uuid(EXAMPLE_UUID),
        "email": m.email("alice@example.com"),
        "ip4": m.ipv4("192.168.0.1"),
        "ip6": m.ipv6("::1"),
        "hex": m.hexadecimal("cafe"),
        "version": m.semver("1.2.3"),
        "label": m.not_empty("x"),
        "badges": m.array_containing([{"kind": "admin", "level": m.integer(1)}]),
        "greetings": m.each_key({"en": "Hello"}, rules=m.regex("en", r"[a-z]{2}")),
        "codes": m.each_key_matches({"ab": 1}, rules=m.regex("ab", r"[a-z]+")),
        "tags": m.each_value({"a": "x1"}, rules=m.regex("x1", r"x\d")),
        "limits": m.each_value_matches({"daily": 5}, rules=m.integer(5)),
        "combo": m.regex("ab12", r"[a-z]+\d+") & m.includes("12"),
        "link": m.url("/orders/1", r".*/orders/\d+$"),
        "g_int": g.random_int(1, 5),
        "g_dec": g.random_decimal(4),
        "g_hex": g.random_hex(6),
        "g_str": g.random_string(8),
        "g_bool": g.random_boolean(),
        "g_re": g.regex(r"\d{3}-[A-Z]{2}"),
        "g_uuid": g.uuid(),
        "g_date": g.date("%Y-%m-%d", expression="today + 1 day"),
        "g_time": g.time("HH:mm"),
        "g_dt": g.datetime("yyyy-MM-dd'T'HH:mm:ss"),
        "g_url": g.mock_server_url(r".*/users/\d+$", "http://localhost:8080/users/1"),
    }


def order_request(m: Tracked, g: Tracked) -> dict[str, Any]:
    """A request body made of generators (the verifier regenerates all but MockServerURL),
    some of them brought by matchers given no example."""
    return {
        "m_int": m.integer(min=1, max=3),
        "m_num": m.number(min=5, max=6),
        "m_dec": m.decimal(precision=3),
        "m_bool": m.boolean(),
        "m_str": m.string(size=6),
        "m_re": m.regex(pattern=r"[a-z]{3}\d"),
        "m_hex": m.hexadecimal(digits=8),
        "m_uuid": m.uuid(format="urn"),
        "m_date": m.date(format="%d/%m/%Y"),
        "m_time": m.time(),
        "m_dt": m.datetime(),
        "quantity": g.int(1, 9),
        "price": g.float(4),
        "hex": g.hex(6),
        "note": g.str(12),
        "gift": g.bool(),
        "code": g.regex(r"[A-Z]{3}-\d{4}"),
        "ref": g.uuid(),
        "refUpper": g.uuid("uppercase"),
        "refSimple": g.uuid("simple"),
        "refUrn": g.uuid("urn"),
        "deliverOn": g.date("%Y-%m-%d", expression="today + 1 day"),
        "slot": g.time("HH:mm", expression="now + 1 hour"),
        "placedAt": g.timestamp("yyyy-MM-dd'T'HH:mm:ss", disable_conversion=True),
        "account": g.provider_state("${accountId}", 1),
        "callback": g.mock_server_url(r".*/hooks/\d+$", "http://localhost:8080/hooks/1"),
        "legacy": g.as_matcher(Generator("RandomInt", {"min": 100, "max": 199})),
        "coupon": g.integer(10, 20),
        "ratio": g.decimal(2),
        "tag": g.hexadecimal(4),
        "memo": g.string(5),
        "flag": g.boolean(),
    }


def declare_http(pact: Pact, version: str, m: Tracked, g: Tracked) -> None:
    v4 = version == "V4"
    (
        pact.upon_receiving("a request for a user")
        .given("a user exists", id=1, name="Alice")
        .given("the user is active")
        .with_request("GET", m.from_provider_state("/users/${id}", "/users/1"))
        .with_header("X-Token", m.from_provider_state("${token}", "tok-1"))
        .with_header("X-Trace", m.uuid())
        .with_query_parameter("fields", m.regex("name,email", r"[a-z,]+"))
        .with_query_parameter("page", m.integer(2))
        .with_query_parameter("since", g.date("%Y-%m-%d"))
        .with_query_parameter("token", m.from_provider_state("${token}", "tok-1"))
        .with_query_parameter("tag", ["a", "b"])
        .with_query_parameter("q", "a b&c=d/é")
        .will_respond_with(m.status_code("success", 200) if v4 else 200)
        .with_header("X-Request-Id", m.regex("r-1", r"r-\d+"))
        .with_header("Vary", ["Accept", "Accept-Encoding"])
        .with_body(user_body(m, g))
    )
    (
        pact.upon_receiving("a request to place an order")
        .given("an account exists", account="acme")
        .with_request("POST", "/orders")
        .with_body(order_request(m, g))
        .will_respond_with(201)
        .with_header("Location", m.regex("/orders/1", r"/orders/\d+"))
        .with_body({"id": m.integer(1), "status": m.regex("PLACED", "PLACED|PENDING"),
                    "eta": g.datetime("yyyy-MM-dd'T'HH:mm:ss")})
    )
    (
        pact.upon_receiving("a request for a missing order")
        .with_request("GET", "/orders/404")
        .will_respond_with(m.status_code("clientError", 404) if v4 else 404)
    )
    (
        pact.upon_receiving("a request for the users as XML")
        .with_request("GET", "/users.xml")
        .with_header("Accept", "application/xml")
        .will_respond_with(200)
        .with_body(xml.element("users", xml.element(
            "user",
            xml.element("name", text=m.string("Alice")),
            xml.element("email", text=m.email("alice@example.com")),
            attrs={"id": m.integer(1), "since": m.date("2020-01-31")},
        ).each(min=1, max=4)), "application/xml")
    )
    (
        pact.upon_receiving("an XML order")
        .with_request("POST", "/orders.xml")
        .with_body(xml.element("order", xml.element("ref", text=g.uuid()),
                               attrs={"lines": g.random_int(5, 9)}), "application/xml")
        .will_respond_with(200)
        .with_body(xml.element("accepted", attrs={"id": m.integer(1)}), "application/xml")
    )
    (
        pact.upon_receiving("a login form")
        .with_request("POST", "/login")
        .with_form({"user": "alice", "password": m.string("secret")})
        .will_respond_with(200)
        .with_form({"token": m.regex("abc123", r"[a-z0-9]+"), "expires": m.integer(3600)})
    )
    if v4:  # accord writes binary bodies, pending flags and comments from V4 on
        (
            pact.upon_receiving("a request for the beta flag")
            .pending()
            .with_comment("the beta endpoint is not released yet")
            .test_name("test_beta_flag")
            .add_external_reference("issues", "beta", "ACC-42")
            .with_key("beta-flag")
            .with_request("GET", "/beta")
            .will_respond_with(200)
            .with_body({"beta": m.boolean(True)})
        )
        (
            pact.upon_receiving("an avatar upload")
            .with_request("POST", "/avatars")
            .with_multipart_file("avatar", PNG, "image/png", filename="me.png")
            .will_respond_with(201)
            .with_body({"size": m.integer(len(PNG))})
        )
        (
            pact.upon_receiving("a request for the logo")
            .with_request("GET", "/images/logo")
            .will_respond_with(m.status_code([200, 203], 200))
            .with_body(m.content_type("image/png", PNG), "image/png")
        )


def declare_messages(pact: Pact, version: str, m: Tracked, g: Tracked) -> None:
    (
        pact.upon_receiving("an order created event", "async")
        .given("an order exists", orderId=5)
        .with_content({
            "orderId": m.integer(5),
            "status": m.regex("CREATED", "CREATED|UPDATED"),
            "lines": m.each_like({"sku": m.regex("AB-1", r"[A-Z]+-\d+"),
                                  "qty": m.integer(1, min=1)}),
            "at": m.datetime("2024-01-02T03:04:05+00:00", "yyyy-MM-dd'T'HH:mm:ssXXX"),
            "eventId": g.uuid(),
            "total": m.decimal(9.5),
        })
        .with_metadata({"topic": m.regex("orders", r"orders(\.[a-z]+)?"),
                        "schema": m.integer(3), "source": "shop"})
    )
    (
        pact.upon_receiving("a text notice", "async")
        .with_content("hello there", "text/plain")
    )
    (
        pact.upon_receiving("a status line", "async")
        .with_content(m.regex("status: ok", r"status: (ok|degraded)"), "text/plain")
        .with_metadata({"level": m.integer(1, min=0, max=5)})
    )
    if version == "V4":  # binary message contents (base64 in the file) and a sync message
        pact.upon_receiving("a thumbnail", "async").with_content(PNG, "image/png")
        (pact.upon_receiving("an avatar changed event", "async")
         .with_content(m.content_type("image/png", PNG), "image/png"))
        (
            pact.upon_receiving("a price request", "sync")
            .given("prices are loaded")
            .with_request({"sku": m.regex("AB-1", r"[A-Z]+-\d+")})
            .will_respond_with({"sku": m.string("AB-1"), "price": m.decimal(9.99),
                                "currency": m.regex("EUR", "[A-Z]{3}")},
                               {"cache": m.regex("hit", "hit|miss")})
        )


def price_service(body: Any, metadata: dict[str, Any]) -> Any:
    """The consumer's handler of the synchronous message (returns the response it expects);
    the request body comes as text, as pact-python hands it over."""
    return {"sku": json.loads(body)["sku"], "price": 9.99, "currency": "EUR"}, {"cache": "hit"}


def exercise(pact: Pact, directory: Path) -> Path:
    """Run the pact's consumer test for real: replay each HTTP example against ``serve()``,
    hand each message to a handler; on success accord writes the pact file itself."""
    pact.pact_dir = directory
    http = [i for i in pact.interactions("http") if isinstance(i, SynchronousHttp)]
    if http:
        with pact.serve() as server, httpx.Client(base_url=server.url) as client:
            for interaction in http:
                req = interaction.request
                response = client.request(
                    req.method, req.path,
                    params=[(k, v or "") for k, vs in (req.query or {}).items() for v in vs],
                    headers=[(k, v) for k, vs in req.headers.items() for v in vs],
                    content=req.body.content if req.body.is_present else None)
                assert response.status_code == interaction.response.status, response.text
    pact.verify(lambda body, metadata: None, "async")
    pact.verify(price_service, "sync")
    path = directory / pact_file_name(pact.consumer, pact.provider)
    assert path.is_file(), "accord writes the pact file once the consumer test passed"
    return path


def write_pacts(directory: Path, version: str) -> tuple[list[Path], Tracked, Tracked]:
    """The pact files of one spec version (V3: an HTTP pact and a message pact; V4: one file
    holding both, merged from two writes)."""
    m, g = Tracked(match), Tracked(generate)
    if version == "V3":
        web = Pact("accord-web-v3", PROVIDER).with_specification("V3")
        declare_http(web, version, m, g)
        events = Pact("accord-events-v3", PROVIDER).with_specification("V3")
        declare_messages(events, version, m, g)
        pacts = [web, events]
        return [exercise(p, directory) for p in pacts], m, g
    # V4: one file, written by two consumer tests (HTTP, then messages): the second merges
    http = Pact("accord-app-v4", PROVIDER).with_specification("V4")
    declare_http(http, version, m, g)
    messages = Pact("accord-app-v4", PROVIDER).with_specification("V4")
    declare_messages(messages, version, m, g)
    first, merged = exercise(http, directory), exercise(messages, directory)
    assert first == merged
    return [merged], m, g


# --------------------------------------------------------------------------- the provider side

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def good_user(base_url: str) -> dict[str, Any]:
    """Honours every rule with values that differ from the pact's examples."""
    return {
        "id": 42, "userId": 42, "name": "Zoe", "code": "wxyz",
        "profile": {"age": 7, "tags": ["x", "y"]}, "prefs": {"theme": "light"},
        "roles": [{"name": "owner", "level": 3}, {"name": "guest", "level": 0}],
        "top3": [7, 8, 9], "pair": [5, 6], "rank": 10,
        "ticket": "123E4567-E89B-12D3-A456-426614174000",
        "balance": 3.25, "ratio": 0.125, "count": 17, "active": False, "verified": True,
        "ref": "ZZ-999", "born": "1999-12-31", "wakes": "23:59:01",
        "seen": "2030-06-07T08:09:10+02:00", "stamp": "2031-12-31 23:59",
        "motto": "hello world!", "nothing": None, "nada": None, "kind": "user",
        "tier": "gold", "scores": {"art": 1, "music": 1},  # values: any keys, equal values
        "uuid": "123e4567-e89b-12d3-a456-426614174000", "email": "zoe@example.org",
        "ip4": "10.0.0.254", "ip6": "fe80::1", "hex": "BEEF12", "version": "2.10.0-rc.1",
        "label": "something", "badges": [{"kind": "guest", "level": 0},
                                         {"kind": "admin", "level": 5}],
        "greetings": {"fr": "Bonjour", "de": "Hallo"}, "codes": {"xyz": 2},
        "tags": {"q": "x7", "r": "x0"}, "limits": {"weekly": 9, "monthly": 30},
        "combo": "zz12", "link": f"{base_url}/orders/77",
        "g_int": 4, "g_dec": 1.75, "g_hex": "a1b2c3", "g_str": "QwErTy12", "g_bool": False,
        "g_re": "123-XY", "g_uuid": "00000000-0000-4000-8000-000000000000",
        "g_date": "2031-01-01", "g_time": "12:34", "g_dt": "2031-01-01T12:34:56",
        "g_url": f"{base_url}/users/42",
    }


def bad_user(base_url: str) -> dict[str, Any]:
    """Breaks every field: wrong types, a missing key, regexes, formats and ranges violated."""
    body = good_user(base_url)
    del body["email"]  # a missing key
    body.update({
        "id": "42", "userId": "42", "name": 5, "code": "abcde",
        "profile": {"age": "7", "tags": ["x"]}, "prefs": {"theme": 1},
        "roles": [], "top3": [1, 2, 3, 4], "pair": [1], "rank": 11,
        "ticket": "123e4567-e89b-12d3-a456-426614174000", "balance": 3, "ratio": "0.5",
        "count": "17", "active": "yes",
        "verified": 1, "ref": "zz999", "born": "31/12/1999", "wakes": "7h30",
        "seen": "yesterday", "stamp": "2024/01/02", "motto": "hello", "nothing": "x",
        "nada": 0, "kind": "admin", "tier": "silver", "scores": {"art": 2},
        "uuid": "not-a-uuid", "ip4": "300.1.1.1", "ip6": "fe80::zz", "hex": "xyz",
        "version": "1.2", "label": "", "badges": [{"kind": "guest", "level": 0}],
        "greetings": {"EN": "Hello"}, "codes": {"X1": 2}, "tags": {"q": "y"},
        "limits": {"weekly": "9"}, "combo": "zz13", "link": "ftp://elsewhere",
        "g_int": 9, "g_dec": 2, "g_hex": "xyz", "g_str": 5, "g_bool": 0,
        "g_re": "12-XY", "g_uuid": "0000", "g_date": "01/01/2031", "g_time": "12h34",
        "g_dt": "2031-01-01 12:34:56", "g_url": f"{base_url}/users/abc",
    })
    return body


# where the official verifier must report each broken field of bad_user
BROKEN_USER_PATHS = (
    {f"$.{key}" for key in good_user("") if key != "email"}
    - {"$.profile", "$.prefs", "$.scores", "$.greetings", "$.codes", "$.tags", "$.limits"}
    | {"$.profile.age", "$.prefs.theme", "$.scores.art", "$.greetings.EN", "$.codes.X1",
       "$.tags.q", "$.limits.weekly", "$"}  # "$": the missing "email" key
)


class Provider:
    """The provider under test: HTTP endpoints, a state-change URL and a message endpoint."""

    def __init__(self, *, honour: bool) -> None:
        self.honour = honour
        self.states: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.message_requests: list[dict[str, Any]] = []
        self.base_url = ""

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/_pact/state", self.state, methods=["POST"]),
            Route("/", self.message, methods=["POST"]),
            Route("/users/{id:int}", self.get_user),
            Route("/orders", self.place_order, methods=["POST"]),
            Route("/orders/{id:int}", self.get_order),
            Route("/images/logo", self.logo),
            Route("/users.xml", self.users_xml),
            Route("/orders.xml", self.xml_order, methods=["POST"]),
            Route("/beta", self.beta),
            Route("/login", self.login, methods=["POST"]),
            Route("/avatars", self.avatar, methods=["POST"]),
        ])

    async def state(self, request: Request) -> Response:
        data = await request.json()
        self.states.append(data)
        values = {"a user exists": USER_STATE, "an account exists": ACCOUNT_STATE}
        return JSONResponse(values.get(data["state"], {}))

    async def get_user(self, request: Request) -> Response:
        self.requests.append({"path": request.url.path, "headers": dict(request.headers),
                              "query": dict(request.query_params),
                              "tags": request.query_params.getlist("tag")})
        ok = (request.path_params["id"] == USER_STATE["id"]
              and request.headers.get("x-token") == USER_STATE["token"]
              and UUID_RE.fullmatch(request.headers.get("x-trace", "")) is not None
              and re.fullmatch(r"[a-z,]+", request.query_params.get("fields", "")) is not None
              and request.query_params.get("page", "").isdigit())
        if not ok:
            return JSONResponse({"error": "unexpected request"}, status_code=400)
        if self.honour:
            return JSONResponse(good_user(self.base_url), headers={
                "X-Request-Id": "r-977", "Vary": "Accept, Accept-Encoding"})
        return JSONResponse(bad_user(self.base_url), status_code=500,
                            headers={"X-Request-Id": "req-x", "Vary": "Accept"})

    async def place_order(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"path": request.url.path, "body": body,
                              "today": dt.date.today()})
        if self.honour:
            return JSONResponse({"id": 1234, "status": "PENDING", "eta": "2031-02-03T04:05:06"},
                                status_code=201, headers={"Location": "/orders/1234"})
        return JSONResponse({"id": 12.5, "status": "placed", "eta": "2031-02-03T04:05:06"})

    async def get_order(self, request: Request) -> Response:
        if self.honour:
            return Response(status_code=404)
        return JSONResponse({"id": 404})

    async def logo(self, request: Request) -> Response:
        content = PNG_2 if self.honour else GIF
        return Response(content, media_type="image/png", status_code=203 if self.honour else 200)

    async def beta(self, request: Request) -> Response:
        return JSONResponse({"beta": False}) if self.honour else Response(status_code=404)

    async def users_xml(self, request: Request) -> Response:
        assert request.headers.get("accept") == "application/xml"
        if self.honour:
            users = ('<user id="7" since="2021-12-01"><name>Bo</name>'
                     '<email>bo@example.org</email></user>'
                     '<user id="8" since="2022-01-02"><name>Cy</name>'
                     '<email>cy@example.net</email></user>')
        else:
            users = ('<user id="seven" since="01/12/2021"><name>Bo</name>'
                     '<email>bo-at-example</email></user>')
        return Response(f'<?xml version="1.0" encoding="UTF-8"?><users>{users}</users>',
                        media_type="application/xml")

    async def xml_order(self, request: Request) -> Response:
        self.requests.append({"path": "/orders.xml", "body": (await request.body()).decode()})
        accepted = '<accepted id="981"/>' if self.honour else '<accepted id="x"/>'
        return Response(accepted, media_type="application/xml")

    async def login(self, request: Request) -> Response:
        async with request.form() as form:
            self.requests.append({"path": "/login", "form": dict(form)})
        body = "token=zz99&expires=60" if self.honour else "token=ZZ-99&expires=soon"
        return Response(body, media_type="application/x-www-form-urlencoded")

    async def avatar(self, request: Request) -> Response:
        async with request.form() as form:
            upload = form["avatar"]
            assert not isinstance(upload, str)
            data = await upload.read()
            self.requests.append({"path": "/avatars", "filename": upload.filename,
                                  "content_type": upload.content_type, "data": data})
        if self.honour:
            return JSONResponse({"size": len(data)}, status_code=201)
        return JSONResponse({"size": str(len(data))}, status_code=415)

    async def message(self, request: Request) -> Response:
        data = await request.json()
        self.message_requests.append(data)
        description = data["description"]
        honour = self.honour
        if description == "an order created event":
            content: dict[str, Any] = {
                "orderId": 77, "status": "UPDATED",
                "lines": [{"sku": "XY-42", "qty": 3}, {"sku": "Q-1", "qty": 1}],
                "at": "2031-02-03T04:05:06+01:00", "eventId": str(uuidlib.uuid4()),
                "total": 12.25,
            }
            metadata: dict[str, Any] = {"topic": "orders.eu", "schema": 9, "source": "shop"}
            if not honour:
                del content["total"]
                content.update({"orderId": "77", "status": "DELETED", "at": "2031-02-03",
                                "eventId": "e-1",
                                "lines": [{"sku": "XY-42", "qty": 0}, {"sku": "q1", "qty": 1}]})
                metadata = {"topic": "payments", "schema": "9", "source": "web"}
            return JSONResponse(content, headers=message_metadata_header(metadata))
        if description == "a status line":
            return Response("status: degraded" if honour else "status: down",
                            media_type="text/plain",
                            headers=message_metadata_header({"level": 4 if honour else 6}))
        if description == "a thumbnail":
            return Response(PNG if honour else PNG_2, media_type="image/png")
        if description == "an avatar changed event":
            return Response(PNG_2 if honour else GIF, media_type="image/png")
        if description == "a text notice":
            return Response("hello there" if honour else "goodbye", media_type="text/plain")
        if description == "a price request":
            sku = data["request"]["contents"]["content"]["sku"]
            content = ({"sku": sku, "price": 1.25, "currency": "USD"} if honour
                       else {"sku": 1, "price": "1.25", "currency": "euro"})
            return JSONResponse(content, headers=message_metadata_header(
                {"cache": "miss" if honour else "stale"}))
        return JSONResponse({"error": f"unknown message {description!r}"}, status_code=404)


def verify(tmp_path: Path, version: str, *, honour: bool, extra: tuple[str, ...] = ()
           ) -> tuple[VerifierRun, Provider]:
    files, _m, _g = write_pacts(tmp_path, version)
    provider = Provider(honour=honour)
    with ProviderThread(provider.app()) as server:
        provider.base_url = server.url
        run = run_verifier(files, server.port, tmp_path, provider_name=PROVIDER,
                           state_change_url=f"{server.url}/_pact/state", extra=extra)
    return run, provider


HTTP = {"V3": ["a request for a user", "a request to place an order",
              "a request for a missing order", "a request for the users as XML",
              "an XML order", "a login form"],
        "V4": ["a request for a user", "a request to place an order",
              "a request for a missing order", "a request for the users as XML",
              "an XML order", "a login form", "a request for the beta flag",
              "a request for the logo", "an avatar upload"]}
MESSAGES = {"V3": ["an order created event", "a text notice", "a status line"],
            "V4": ["an order created event", "a text notice", "a status line",
                   "a thumbnail", "an avatar changed event", "a price request"]}


# --------------------------------------------------------------------------- the tests


def test_the_pacts_use_every_matcher_and_generator(tmp_path: Path) -> None:
    used_m: set[int] = set()
    used_g: set[int] = set()
    for version in ("V3", "V4"):
        _files, m, g = write_pacts(tmp_path / version, version)
        used_m |= m.used
        used_g |= g.used
    every_m = {n for n in match.__all__
               if n not in ("Matcher", "AbstractMatcher", "lenient_ranges")}
    every_g = set(generate.__all__) - {"AbstractGenerator"}
    assert {n for n in every_m if id(getattr(match, n)) not in used_m} == set()
    assert {n for n in every_g if id(getattr(generate, n)) not in used_g} == set()


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_a_provider_that_honours_accord_pacts_passes_the_official_verifier(
        tmp_path: Path, version: str) -> None:
    run, provider = verify(tmp_path, version, honour=True)
    expected = HTTP[version] + MESSAGES[version]
    assert run.results == dict.fromkeys(expected, "OK"), run.text()
    assert run.report["result"] is True and run.report["errors"] == []
    assert run.returncode == 0
    # provider states: the verifier sent accord's state names and parameters (types kept)
    setups = [(s["state"], s["params"]) for s in provider.states if s["action"] == "setup"]
    assert ("a user exists", {"id": 1, "name": "Alice"}) in setups
    assert ("the user is active", {}) in setups  # several provider states: each set up
    assert ("an account exists", {"account": "acme"}) in setups
    assert ("an order exists", {"orderId": 5}) in setups
    # ProviderState generators: path and header made from the state-change URL's values
    user = next(r for r in provider.requests if r["path"].startswith("/users/"))
    assert user["path"] == "/users/42"
    assert user["headers"]["x-token"] == "tok-42"
    assert UUID_RE.fullmatch(user["headers"]["x-trace"])  # a Uuid generator in a header
    assert user["headers"]["x-trace"] != EXAMPLE_UUID
    assert user["query"]["token"] == "tok-42"
    assert user["tags"] == ["a", "b"] and user["query"]["q"] == "a b&c=d/é"
    assert user["query"]["since"] in {(dt.date.today() + dt.timedelta(days=d)).isoformat()
                                      for d in (-1, 0, 1)}
    # the other request generators were read and applied by the official verifier
    order = next(r["body"] for r in provider.requests if r["path"] == "/orders")
    assert order["account"] == ACCOUNT_STATE["accountId"]
    assert UUID_RE.fullmatch(order["ref"]) and order["ref"] != EXAMPLE_UUID
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}", order["refUpper"])
    assert re.fullmatch(r"[0-9a-f]{32}", order["refSimple"])
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", order["refUrn"])
    assert isinstance(order["quantity"], int) and 1 <= order["quantity"] <= 9
    assert isinstance(order["legacy"], int) and 100 <= order["legacy"] <= 199
    assert isinstance(order["coupon"], int) and 10 <= order["coupon"] <= 20
    assert re.fullmatch(r"[0-9a-fA-F]{6}", order["hex"])
    assert re.fullmatch(r"[0-9a-fA-F]{4}", order["tag"])
    assert len(order["note"]) == 12 and len(order["memo"]) == 5
    assert isinstance(order["gift"], bool) and isinstance(order["flag"], bool)
    assert re.fullmatch(r"[A-Z]{3}-\d{4}", order["code"])
    assert isinstance(order["price"], float) and isinstance(order["ratio"], float)
    received_on = next(r["today"] for r in provider.requests if r["path"] == "/orders")
    assert order["deliverOn"] == (received_on + dt.timedelta(days=1)).isoformat()  # expression
    assert re.fullmatch(r"\d{2}:\d{2}", order["slot"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", order["placedAt"])
    # values the official verifier generated differ from the examples accord wrote
    written = next(i for f in tmp_path.glob("accord-*.json") for i in read_pact(f).interactions
                   if i.description == "a request to place an order")
    assert isinstance(written, SynchronousHttp)
    example = written.request.body.json
    regenerated = {k for k in example if order[k] != example[k]}
    assert {"ref", "refUpper", "refSimple", "refUrn", "m_uuid", "note", "memo", "m_str",
            "placedAt", "m_date", "m_dt", "deliverOn", "account"} <= regenerated
    assert "callback" not in regenerated
    # generators that matchers without an example bring
    assert order["m_int"] in (1, 2, 3) and order["m_num"] in (5, 6)
    assert isinstance(order["m_dec"], float) and isinstance(order["m_bool"], bool)
    assert len(order["m_str"]) == 6 and re.fullmatch(r"[a-z]{3}\d", order["m_re"])
    assert re.fullmatch(r"[0-9a-fA-F]{8}", order["m_hex"])
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", order["m_uuid"])
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", order["m_date"])
    assert re.fullmatch(r"\d{2}:\d{2}:\d{2}", order["m_time"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{4}", order["m_dt"])
    # MockServerURL is a consumer-side generator: the verifier keeps the example
    assert order["callback"] == "http://localhost:8080/hooks/1"
    if version == "V4":  # V4 annotations were read: pending flag, key, comments, test name
        assert "a request for the beta flag (" in run.stdout
        beta = run.stdout.split("a request for the beta flag (", 1)[1].split("\n\n  a ", 1)[0]
        assert "[PENDING]" in beta and "Test Name: test_beta_flag" in beta
        assert "the beta endpoint is not released yet" in beta and "beta: ACC-42" in beta
        keys = {r["description"]: r.get("interactionKey")
                for r in run.report["interactionResults"]}
        assert keys["a request for the beta flag"] == "beta-flag"
    # generators in an XML request body (element text, attribute) were applied
    xml_order = next(r["body"] for r in provider.requests if r["path"] == "/orders.xml")
    found = re.search(r"<order lines=.([0-9]+).><ref>([^<]+)</ref></order>", xml_order)
    assert found is not None, xml_order
    assert 5 <= int(found[1]) <= 9 and UUID_RE.fullmatch(found[2]) and found[2] != EXAMPLE_UUID
    # form and multipart request bodies arrive as accord wrote them
    login = next(r["form"] for r in provider.requests if r["path"] == "/login")
    assert login == {"user": "alice", "password": "secret"}
    if version == "V4":
        avatar = next(r for r in provider.requests if r["path"] == "/avatars")
        assert (avatar["filename"], avatar["content_type"], avatar["data"]) == (
            "me.png", "image/png", PNG)
    # messages went through the message-provider protocol with their provider states
    by = {r["description"]: r for r in provider.message_requests}
    assert set(by) == set(MESSAGES[version])
    assert by["an order created event"]["providerStates"] == [
        {"name": "an order exists", "params": {"orderId": 5}}]
    if version == "V4":
        assert by["a price request"]["request"]["contents"]["content"] == {"sku": "AB-1"}


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_a_provider_that_breaks_accord_pacts_fails_with_the_expected_mismatches(
        tmp_path: Path, version: str) -> None:
    run, _provider = verify(tmp_path, version, honour=False)
    expected = HTTP[version] + MESSAGES[version]
    assert run.results == dict.fromkeys(expected, "Error"), run.text()
    assert run.report["result"] is False and run.returncode != 0

    user = run.where("a request for a user")
    assert ("StatusMismatch", "") in user
    assert ("HeaderMismatch", "X-Request-Id") in user
    assert ("HeaderMismatch", "Vary") in user
    assert {p for kind, p in user if kind == "BodyMismatch"} == BROKEN_USER_PATHS
    assert len(run.mismatches("a request for a user")) == len(BROKEN_USER_PATHS) + 3
    missing = [m["mismatch"] for m in run.mismatches("a request for a user")
               if m.get("path") == "$"]
    assert len(missing) == 1 and "email" in missing[0], missing

    order = run.where("a request to place an order")
    assert ("StatusMismatch", "") in order
    assert ("HeaderMismatch", "Location") in order
    assert {p for kind, p in order if kind == "BodyMismatch"} == {"$.id", "$.status"}
    assert {k for k, _ in run.where("a request for a missing order")} == {"StatusMismatch"}
    assert run.where("a request for the users as XML") == {
        ("BodyMismatch", "$.users.user['@id']"), ("BodyMismatch", "$.users.user['@since']"),
        ("BodyMismatch", "$.users.user.email['#text']")}
    assert run.where("an XML order") == {("BodyMismatch", "$.accepted['@id']")}
    assert run.where("a login form") == {("BodyMismatch", "$.token"),
                                         ("BodyMismatch", "$.expires")}
    if version == "V4":
        assert run.where("a request for the logo") == {("BodyMismatch", "$")}
        (logo,) = run.mismatches("a request for the logo")
        assert "image/gif" in logo["mismatch"]
        assert run.where("an avatar upload") == {("StatusMismatch", ""),
                                                 ("BodyMismatch", "$.size")}
        # the pending interaction failed too, but among the pending errors only
        assert run.mismatches("a request for the beta flag") == []
        (beta,) = [e for e in run.report["pendingErrors"]
                   if e["interaction"].endswith(" - a request for the beta flag")]
        assert {m["type"] for m in beta["mismatch"]["mismatches"]} == {
            "StatusMismatch", "HeaderMismatch", "BodyMismatch"}

    event = run.where("an order created event")
    assert event == {("BodyMismatch", "$.orderId"), ("BodyMismatch", "$.status"),
                     ("BodyMismatch", "$.at"), ("BodyMismatch", "$.eventId"),
                     ("BodyMismatch", "$.lines[0].qty"), ("BodyMismatch", "$.lines[1].sku"),
                     ("BodyMismatch", "$"), ("MetadataMismatch", "topic"),
                     ("MetadataMismatch", "schema"), ("MetadataMismatch", "source")}, event
    assert {k for k, _ in run.where("a text notice")} == {"BodyMismatch"}
    assert run.where("a status line") == {("BodyMismatch", "$"), ("MetadataMismatch", "level")}
    if version == "V4":
        assert run.where("a thumbnail") == {("BodyMismatch", "$")}
        (avatar,) = run.mismatches("an avatar changed event")
        assert "image/gif" in avatar["mismatch"]
        assert run.where("a price request") == {("BodyMismatch", "$.sku"),
                                                ("BodyMismatch", "$.price"),
                                                ("BodyMismatch", "$.currency"),
                                                ("MetadataMismatch", "cache")}


def v2_pact(directory: Path) -> Path:
    """V2 holds one regex or type rule per path and no generators: like, regex, each_like."""
    pact = Pact("accord-web-v2", PROVIDER).with_specification("V2")
    (
        pact.upon_receiving("a request for an item")
        .with_request("GET", match.regex("/items/1", r"/items/\d+"))
        .with_query_parameter("q", match.regex("ab", "[a-z]+"))
        .with_header("X-Client", match.regex("web-1", r"web-\d"))
        .will_respond_with(200)
        .with_header("X-Served-By", match.like("node-1"))
        .with_body({"id": match.like(1), "name": match.regex("n1", r"n\d"),
                    "tags": match.each_like({"t": match.like("x")}, min=2)})
    )
    return exercise(pact, directory)


def v2_app(*, honour: bool) -> Starlette:
    async def item(request: Request) -> Response:
        if (request.query_params.get("q"), request.headers.get("x-client")) != ("ab", "web-1"):
            return JSONResponse({"error": "unexpected request"}, status_code=400)
        if honour:
            return JSONResponse({"id": 77, "name": "n9", "tags": [{"t": "a"}, {"t": "b"},
                                                                  {"t": "c"}]},
                                headers={"X-Served-By": "node-7"})
        return JSONResponse({"id": "77", "name": "nine", "tags": [{"t": 1}]})

    return Starlette(routes=[Route("/items/{id:int}", item)])


@pytest.mark.parametrize("honour", [True, False], ids=["honours", "breaks"])
def test_v2_pacts_written_by_accord_are_verified_by_the_official_verifier(
        tmp_path: Path, honour: bool) -> None:
    path = v2_pact(tmp_path)
    assert '"version": "2.0.0"' in path.read_text()
    with ProviderThread(v2_app(honour=honour)) as server:
        run = run_verifier([path], server.port, tmp_path, provider_name=PROVIDER)
    if honour:
        assert run.results == {"a request for an item": "OK"}, run.text()
        assert run.returncode == 0
    else:
        assert run.results == {"a request for an item": "Error"}, run.text()
        assert run.where("a request for an item") == {
            ("HeaderMismatch", "X-Served-By"), ("BodyMismatch", "$.id"),
            ("BodyMismatch", "$.name"), ("BodyMismatch", "$.tags"),
            ("BodyMismatch", "$.tags[0].t")}


ODD_KEYS = {"first name": ("Al", "Bob", 1), "a.b": (1, 9, "9"), "@id": (4, 6, "6"),
            "x-y": (3, 7, "7"), "ключ": (6, 0, "0"), "city": ("Zürich", "Kraków", 1)}


@pytest.mark.parametrize("version", ["V3", "V4"])
def test_keys_that_need_quoting_and_unicode_are_read_by_the_official_verifier(
        tmp_path: Path, version: str) -> None:
    """Rules on keys with spaces, dots, ``@``, ``-`` and non-ASCII letters are written with
    the bracket syntax where needed, and the official verifier applies them."""
    pact = Pact("accord-keys", PROVIDER).with_specification(version)
    body = {k: (match.string(ex) if isinstance(ex, str) else match.integer(ex))
            for k, (ex, _good, _bad) in ODD_KEYS.items()}
    (pact.upon_receiving("odd keys ☕").with_request("GET", "/odd")
     .will_respond_with(200).with_body(body))
    path = exercise(pact, tmp_path)
    reports = {}
    for honour in (True, False):
        async def odd(request: Request, honour: bool = honour) -> Response:
            return JSONResponse({k: v[1] if honour else v[2] for k, v in ODD_KEYS.items()})

        with ProviderThread(Starlette(routes=[Route("/odd", odd)])) as server:
            reports[honour] = run_verifier([path], server.port, tmp_path)
    assert reports[True].results == {"odd keys ☕": "OK"}, reports[True].text()
    assert reports[False].results == {"odd keys ☕": "Error"}
    assert {p for _kind, p in reports[False].where("odd keys ☕")} == {
        "$['first name']", "$['a.b']", "$['@id']", "$['x-y']", "$['ключ']", "$.city"}


def array_bodies_app(*, honour: bool) -> Starlette:
    replies = {
        "/r": ([{"id": 5, "tags": ["x", "y"]}, {"id": 6, "tags": ["z"]}]
               if honour else [{"id": "5", "tags": []}]),
        "/n": {"grid": [[7, 2], [[3], [4]]]} if honour else {"grid": [["7", 2], [["3"]]]},
        "/s": 9 if honour else "9",
    }

    async def reply(request: Request) -> Response:
        return JSONResponse(replies[request.url.path])

    return Starlette(routes=[Route(path, reply) for path in replies])


@pytest.mark.parametrize("version", ["V2", "V3", "V4"])
def test_array_and_scalar_bodies_are_read_by_the_official_verifier(
        tmp_path: Path, version: str) -> None:
    """each_like at the root, nested arrays and a scalar body: the rule paths accord writes
    (``$``, ``$[*].id``, ``$.grid[1][*][0]``; V2: ``$.body…``) are the ones the verifier uses."""
    pact = Pact("accord-arrays", PROVIDER).with_specification(version)
    (pact.upon_receiving("a root array").with_request("GET", "/r").will_respond_with(200)
     .with_body(match.each_like({"id": match.like(1), "tags": match.each_like(match.like("a"))},
                                min=2)))
    (pact.upon_receiving("nested arrays").with_request("GET", "/n").will_respond_with(200)
     .with_body({"grid": [[match.like(1), 2], match.each_like([match.like(1)])]}))
    (pact.upon_receiving("a scalar body").with_request("GET", "/s").will_respond_with(200)
     .with_body(match.like(5)))
    path = exercise(pact, tmp_path)
    with ProviderThread(array_bodies_app(honour=True)) as server:
        good = run_verifier([path], server.port, tmp_path)
    with ProviderThread(array_bodies_app(honour=False)) as server:
        bad = run_verifier([path], server.port, tmp_path)
    names = ["a root array", "nested arrays", "a scalar body"]
    assert good.results == dict.fromkeys(names, "OK"), good.text()
    assert bad.results == dict.fromkeys(names, "Error")
    assert bad.where("a root array") == {("BodyMismatch", "$"), ("BodyMismatch", "$[0].id"),
                                         ("BodyMismatch", "$[0].tags")}
    assert bad.where("nested arrays") == {("BodyMismatch", "$.grid[0][0]"),
                                          ("BodyMismatch", "$.grid[1][0][0]")}
    assert bad.where("a scalar body") == {("BodyMismatch", "$")}


def test_a_failing_pending_interaction_written_by_accord_does_not_fail_the_build(
        tmp_path: Path) -> None:
    run, _provider = verify(tmp_path, "V4", honour=False,
                            extra=("--filter-description", "beta flag"))
    assert run.results == {"a request for the beta flag": "Error"}, run.text()
    assert run.report["errors"] == [] and len(run.report["pendingErrors"]) == 1
    assert run.returncode == 0, run.text()


def test_regression_a_binary_body_with_a_content_type_matcher_keeps_bytes_and_rule() -> None:
    """``with_body(match.content_type("image/png", png_bytes))`` used to fail: the matcher
    walker rejected bytes. It is written as a base64 V4 body with ``contentType`` at ``$``,
    which the official verifier enforces (see the logo interaction above)."""
    import base64
    import json

    from accord.model import dump_pact

    pact = Pact("accord-web", PROVIDER)
    (pact.upon_receiving("a logo").with_request("GET", "/logo").will_respond_with(200)
     .with_body(match.content_type("image/png", PNG), "image/png"))
    data = json.loads(json.dumps(dump_pact(pact.to_model(recorded_only=False), "V4")))
    response = data["interactions"][0]["response"]
    assert response["body"]["encoded"] == "base64"
    assert base64.b64decode(response["body"]["content"]) == PNG
    assert response["body"]["contentType"] == "image/png"
    assert response["matchingRules"]["body"]["$"]["matchers"] == [
        {"match": "contentType", "value": "image/png"}]
