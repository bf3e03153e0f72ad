"""The real-world pact corpus (tests/data/corpus) read straight from its JSON, without accord.

The differential tests must not judge accord with accord: the requests replayed to the mock
servers, the responses expected back and the provider that answers both verifiers are all
built here from the raw documents, following the pact specification's layouts (V1/V2 query
strings, V3 query maps, V4 ``{"content", "contentType", "encoded"}`` bodies, V3 ``messages``
and V4 message interactions). Where a layout is ambiguous (a string body under a JSON or a
binary content type) the bytes are those the official core reads, the reference both tools
are held to.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
INDEX: dict[str, dict[str, Any]] = json.loads((CORPUS / "index.json").read_text())

MESSAGE_PATH = "/__corpus/message"  # the HTTP message relay of the test provider
STATE_PATH = "/__corpus/state"  # its state-change endpoint (always 200 {})


@dataclass(frozen=True)
class RawRequest:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]  # in order, values decoded
    headers: tuple[tuple[str, str], ...]
    body: bytes | None

    def key(self) -> tuple[Any, ...]:
        return (self.method.upper(), self.path, self.query, self.headers, self.body)


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    is_json: bool
    generated_status: bool = False
    generated_headers: frozenset[str] = frozenset()
    generated_body: bool = False


@dataclass(frozen=True)
class RawHttp:
    index: int
    description: str
    states: tuple[str, ...]
    request: RawRequest
    response: RawResponse
    plugin: bool


@dataclass(frozen=True)
class RawMessage:
    index: int
    description: str
    states: tuple[str, ...]
    body: bytes | None
    content_type: str | None
    metadata: Mapping[str, Any]
    plugin: bool


@dataclass
class RawPact:
    name: str
    spec: str
    doc: dict[str, Any]
    http: list[RawHttp] = field(default_factory=list)
    messages: list[RawMessage] = field(default_factory=list)

    @property
    def provider(self) -> str:
        return str(self.doc.get("provider", {}).get("name", "provider"))

    @property
    def plugins(self) -> bool:
        return bool((self.doc.get("metadata") or {}).get("plugins"))


def _states(inter: Mapping[str, Any]) -> tuple[str, ...]:
    if "providerStates" in inter and isinstance(inter["providerStates"], list):
        return tuple(str(s.get("name")) for s in inter["providerStates"] if isinstance(s, dict))
    for key in ("providerState", "provider_state", "providerStates"):
        if isinstance(inter.get(key), str):
            return (inter[key],)
    return ()


def _header_pairs(headers: Any) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for name, value in (headers or {}).items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((str(name), str(one)))
    return tuple(pairs)


def _content_type(headers: Iterable[tuple[str, str]]) -> str | None:
    return next((v for k, v in headers if k.lower() == "content-type"), None)


def is_json_type(ctype: str | None) -> bool:
    if not ctype:
        return False
    main = ctype.split(";")[0].strip().lower()
    return main.endswith("/json") or main.endswith("+json")


def is_text_type(ctype: str) -> bool:
    main = ctype.split(";")[0].strip().lower()
    return (main.startswith("text/") or is_json_type(main) or "xml" in main
            or main in ("application/javascript", "application/x-www-form-urlencoded",
                        "application/graphql", "application/x-ndjson"))


def body_bytes(part: Mapping[str, Any], headers: Iterable[tuple[str, str]], v4: bool,
               key: str = "body") -> tuple[bytes | None, bool, str | None]:
    """(the body's bytes, whether it is JSON, its content type) of a request/response/message
    part, read as the official core (pact_models) reads it: this is the reference reading that
    both tools are held to."""
    ctype = _content_type(headers)
    if key not in part:
        return None, False, ctype
    value = part[key]
    if v4 and isinstance(value, dict) and "content" in value:
        ctype = value.get("contentType") or ctype
        content = value["content"]
        if content is None:
            return None, False, ctype
        encoded = value.get("encoded")
        if encoded and str(encoded).lower() == "base64" and isinstance(content, str):
            return base64.b64decode(content), is_json_type(ctype), ctype
        if encoded and isinstance(content, str):  # "json" and unknown schemes: as written
            return content.encode(), is_json_type(ctype), ctype
        if is_json_type(ctype) or not isinstance(content, str):
            if content == "":
                return b"", True, ctype
            return _compact(content), True, ctype or "application/json"
        return content.encode(), False, ctype
    if v4 and isinstance(value, dict) and not value:
        return None, False, ctype
    if value is None:
        return None, False, ctype
    if not isinstance(value, str):
        return _compact(value), True, ctype or "application/json"
    if value == "":
        return b"", False, ctype
    if is_json_type(ctype) or (ctype is None and _parses_as_json_document(value)):
        try:
            json.loads(value)
            return value.encode(), True, ctype or "application/json"
        except ValueError:
            return _compact(value), True, ctype or "application/json"
    if ctype is None or is_text_type(ctype):
        return value.encode(), False, ctype
    try:  # a binary content type: the text is base64 when it decodes as such
        return base64.b64decode(value, validate=True), False, ctype
    except ValueError:
        return value.encode(), False, ctype


def _compact(value: Any) -> bytes:
    """JSON as the official core writes a body: compact, UTF-8 (its bytes matter for a
    non-JSON content type compared byte for byte)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def _parses_as_json_document(text: str) -> bool:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except ValueError:
        return False
    return True


def _query(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(parse_qsl(value, keep_blank_values=True))
    pairs: list[tuple[str, str]] = []
    for name, values in value.items():
        for one in values if isinstance(values, list) else [values]:
            pairs.append((str(name), "" if one is None else str(one)))
    return tuple(pairs)


def query_string(query: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in query)


def _generated(part: Mapping[str, Any]) -> dict[str, Any]:
    gens = part.get("generators")
    return gens if isinstance(gens, dict) else {}


def _uses_plugin(inter: Mapping[str, Any]) -> bool:
    return bool(inter.get("pluginConfiguration") or inter.get("interactionMarkup"))


def load_raw(name: str) -> RawPact:
    doc = json.loads((CORPUS / name).read_text())
    spec = INDEX[name]["spec"]
    v4 = spec == "V4"
    pact = RawPact(name, spec, doc)
    for i, inter in enumerate(doc.get("interactions") or []):
        kind = inter.get("type", "Synchronous/HTTP")
        states = _states(inter)
        plugin = _uses_plugin(inter)
        if kind == "Synchronous/HTTP" and "request" in inter:
            req, res = inter["request"], inter.get("response") or {}
            req_headers = _header_pairs(req.get("headers"))
            req_body, _, _ = body_bytes(req, req_headers, v4)
            request = RawRequest(str(req.get("method", "GET")), str(req.get("path", "/")),
                                 _query(req.get("query")), req_headers, req_body)
            res_headers = _header_pairs(res.get("headers"))
            res_body, res_json, _ = body_bytes(res, res_headers, v4)
            gens = _generated(res)
            status = int(res.get("status", 200))
            if not 100 <= status <= 599 and isinstance(gens.get("status"), dict):
                status = int(gens["status"].get("min", 500))  # the example only a generator
            response = RawResponse(
                status, res_headers, res_body, res_json,
                generated_status="status" in gens,
                generated_headers=frozenset(k.lower() for k in gens.get("header", {}) or {}),
                generated_body=bool(gens.get("body")))
            pact.http.append(RawHttp(i, str(inter.get("description", "")), states, request,
                                     response, plugin))
        elif kind == "Asynchronous/Messages":
            pact.messages.append(_message(i, inter, inter, v4, plugin))
        elif kind == "Synchronous/Messages":
            responses = inter.get("response") or [{}]
            pact.messages.append(_message(i, inter, responses[0], v4, plugin))
    for i, msg in enumerate(doc.get("messages") or []):
        pact.messages.append(_message(i, msg, msg, False, False))
    return pact


def _message(index: int, inter: Mapping[str, Any], part: Mapping[str, Any], v4: bool,
             plugin: bool) -> RawMessage:
    metadata = part.get("metadata") or part.get("metaData") or {}
    meta_ctype = next((v for k, v in metadata.items()
                       if k.lower() in ("contenttype", "content-type")), None)
    headers = (("Content-Type", meta_ctype),) if meta_ctype else ()
    body, _, ctype = body_bytes(part, headers, v4, key="contents")
    return RawMessage(index, str(inter.get("description", "")), _states(inter), body, ctype,
                      metadata, plugin)


# ---------------------------------------------------------------------- the test provider


class CorpusProvider:
    """An ASGI provider that answers each recorded request with its recorded response.

    A request is matched to the interaction with the same method and path, preferring the
    one whose provider states were set up last, then equal query, body and headers. Messages
    come from the HTTP message relay at ``MESSAGE_PATH``, looked up by description.
    """

    def __init__(self, pact: RawPact) -> None:
        self.pact = pact
        self.states: list[str] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            event = await receive()
            body += event.get("body", b"")
            if not event.get("more_body"):
                break
        path = scope["path"]
        if path == STATE_PATH:
            status, headers, content = self._state(body)
        elif path == MESSAGE_PATH and scope["method"] == "POST":
            status, headers, content = self._message(body)
        else:
            status, headers, content = self._http(scope, body)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(k.encode("latin-1"), v.encode("latin-1"))
                                for k, v in headers]})
        await send({"type": "http.response.body", "body": content})

    def _state(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        try:
            change = json.loads(body or b"{}")
        except ValueError:
            change = {}
        if change.get("action") == "teardown":
            self.states = []
        elif change.get("state"):
            self.states.append(str(change["state"]))
        return 200, [("Content-Type", "application/json")], b"{}"

    def _message(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        asked = json.loads(body or b"{}")
        states = tuple(s.get("name") for s in asked.get("providerStates") or [])
        found = [m for m in self.pact.messages if m.description == asked.get("description")]
        found.sort(key=lambda m: m.states != states)
        if not found:
            return 404, [], b""
        msg = found[0]
        headers = [("Pact-Message-Metadata",
                    base64.b64encode(json.dumps(dict(msg.metadata)).encode()).decode())]
        if msg.content_type:
            headers.append(("Content-Type", msg.content_type))
        return 200, headers, msg.body or b""

    def _http(self, scope: dict[str, Any], body: bytes
              ) -> tuple[int, list[tuple[str, str]], bytes]:
        method = scope["method"].upper()
        path = unquote(scope.get("raw_path", b"").decode("latin-1") or scope["path"])
        query = tuple(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                keep_blank_values=True))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope["headers"]}

        def score(inter: RawHttp) -> tuple[bool, ...]:
            req = inter.request
            return (req.method.upper() == method, unquote(req.path) == path,
                    set(inter.states) == set(self.states),
                    sorted(req.query) == sorted(query), _same_body(req.body, body),
                    all(headers.get(k.lower()) == v for k, v in req.headers))

        candidates = [i for i in self.pact.http if i.request.method.upper() == method]
        if not candidates:
            return 404, [], b""
        best = max(candidates, key=score)
        res = best.response
        return res.status, list(res.headers), res.body or b""


def _same_body(expected: bytes | None, actual: bytes) -> bool:
    if not expected:
        return not actual
    if expected == actual:
        return True
    try:
        return bool(json.loads(expected) == json.loads(actual))
    except ValueError:
        return False
