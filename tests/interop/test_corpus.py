"""Differential tests: every pact file of the real-world corpus (tests/data/corpus, collected
from public repositories, see its SOURCES.md) through accord and through the official tools.

Per file, three steps, each judged for accord and for the official tool independently:

- load: ``accord.pactfile.read_pact`` against the official stub server (``pact stub``) loading it;
- mock: each HTTP interaction's own recorded request, sent to ``accord.mock.MockServer`` and to
  ``pact stub``, must get its recorded response (status, the headers it declares, the body,
  as the official core reads the file: see ``_corpus``);
- verify: a provider that answers each recorded request with its recorded response (and each
  message through the HTTP message relay) must pass ``accord.Verifier`` and ``pact verifier``.

Set ACCORD_CORPUS_SUMMARY=<file> to get one JSON line per file (what differs, and counts of
what each tool passed) for the corpus report.

A disagreement is a step where the two verdicts differ for some interaction. The disagreements
found must equal ``KNOWN_DIFFERENCES`` exactly: a fix makes an entry stale (remove it), a
regression adds one (fix it). Each reason says why accord is right or which work item covers it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from _corpus import (
    CORPUS,
    INDEX,
    MESSAGE_PATH,
    STATE_PATH,
    CorpusProvider,
    RawHttp,
    RawPact,
    RawRequest,
    load_raw,
    query_string,
)
from _official import PACT_BIN, ProviderThread, run_verifier

from accord import Verifier
from accord.mock import MockServer
from accord.pactfile import read_pact

pytestmark = pytest.mark.interop

FILES = sorted(INDEX)

# No work item is open: every disagreement left is one where accord is right, or deliberately
# different (each reason says which and why). A new one is a regression to fix, or a new
# reason to state here.
V2_FFI_PATHS = ("accord right: the V2 rule paths '$.header.$.Authorization[0]' and "
                "'$.query.$.baz[0]' were written by the Rust FFI 0.3.18 itself (pact-go); "
                "today's core refuses the whole file ('Expected either a \"*\" or path "
                "identifier'), accord reads them")
ANCHORED_REGEX = ("accord right: a regex rule must match the whole value (pact-jvm, the spec); "
                  "the Rust core only searches, so its stub accepts 'application/json; "
                  "charset=utf-8' for the header rule 'application\\/json' while accord "
                  "answers 500 with the mismatch")
PLUGIN_MISSING = ("by design: accord's mock refuses a pact whose content-type plugin is not "
                  "installed (PluginNotFoundError naming it); pact stub serves the recorded "
                  "bytes without the plugin")
JAVA_QUOTE = ("accord right: the pact-jvm regex uses Java's \\Q...\\E quoting, which the "
              "Rust regex engine does not understand, so the official verifier fails the "
              "recorded example itself")
RUBY_TERM = ("accord right: a Ruby Pact::Term/Pact::SomethingLike (json_class) is read as the "
             "Ruby tools that wrote it meant it, its example under a rule, so accord's mock "
             "serves the example as the Ruby mock service did; the official core knows no "
             "json_class and serves (and expects) the serialised matcher object itself")
QUERY_STRING_RULE = ("accord right: pact-net 2/3 (on the Ruby core) wrote a V2 regex rule on "
                     "'$.query', the whole query string; the official core applies it to each "
                     "parameter's value ('DetailsView' against '^type=(DetailsView|SearchView)"
                     "$') and its stub answers 404 to the recorded request; accord leaves that "
                     "rule out with a note and matches the recorded query, which the regex "
                     "accepts as a whole")
V2_MESSAGES = ("accord lenient: pact-ruby wrote this message pact labelled V2; the official "
               "core refuses it ('Messages require Pact Specification version 3'), accord "
               "reads its messages")
PROTOBUF_PLUGIN = ("accord right: the official verifier needs the protobuf plugin binary, "
                   "which is not installed (it tries to download it and stops before "
                   "verifying any interaction); accord's own protobuf plugin decodes the "
                   "recorded bytes the replaying provider answers and passes them, and fails "
                   "a provider answering other bytes (test_accord_fails_a_provider_answering_"
                   "corrupt_protobuf)")
ACCEPT_LIST = ("accord right: pact stub answers 'Accept: application/hal+json, "
               "application/json' with an interaction that records only 'Accept: "
               "application/hal+json' (the index resource is recorded with both)")

# "file | step" -> why the verdicts of accord and the official tool differ there
KNOWN_DIFFERENCES: dict[str, str] = {
    "pact-foundation__pact-compatibility-suite/pact-broker_c1.json | verify": JAVA_QUOTE,
    "pact-foundation__pact-compatibility-suite/pact-broker_c2.json | verify": JAVA_QUOTE,
    "pact-foundation__pact-go/PactGoV2Consumer-V2Provider.json | load": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2Consumer-V2Provider.json | mock": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2Consumer-V2Provider.json | verify": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerAllInOne-V2Provider.json | load": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerAllInOne-V2Provider.json | mock": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerAllInOne-V2Provider.json | verify": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerMatch-V2ProviderMatch.json | load": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerMatch-V2ProviderMatch.json | mock": V2_FFI_PATHS,
    "pact-foundation__pact-go/PactGoV2ConsumerMatch-V2ProviderMatch.json | verify": V2_FFI_PATHS,
    "pact-foundation__pact-go/MattConsumer-MattProvider.json | mock": PLUGIN_MISSING,
    "pact-foundation__pact-go/billy-bobby.json | mock": ANCHORED_REGEX,
    "pact-foundation__pact-go/jmarie-loginprovider.json | mock": ANCHORED_REGEX,
    "pact-foundation__pact-go/pacts__jmarie-loginprovider.json | mock": ANCHORED_REGEX,
    "pact-foundation__pact-js-core/matt-consumer-matt-provider.json | mock": PLUGIN_MISSING,
    "pact-foundation__pact-reference/missing-plugin-pact.json | mock": PLUGIN_MISSING,
    "pact-foundation__pact-php/sseConsumer-sseProvider.json | mock": PLUGIN_MISSING
        + " (here the 'sse' plugin)",
    "pact-foundation__pact-message-ruby/foo-bar.json | load": V2_MESSAGES
        + " (pact-message-ruby, with a null description)",
    "pact-foundation__pact-ruby/foo-bar-message.json | load": V2_MESSAGES,
    "pact-foundation__pact-ruby/foo-bar-message.json | verify": "accord lenient: the V2-"
        "labelled message pact is verified by accord, not loaded by the official verifier",
    "pact-foundation__pact-mock_service/interaction_view_model_with_terms.json | mock":
        RUBY_TERM + " (terms in the request and response bodies)",
    "pact-foundation__pact-mock_service/markdown_pact.json | mock": RUBY_TERM,
    "pact-foundation__pact_broker/markdown_pact.json | mock": RUBY_TERM,
    "pact-foundation__pact_broker/markdown_pact_v3.json | mock": RUBY_TERM,
    "pact-foundation__pact_broker/renderer_pact.json | mock": RUBY_TERM,
    "pact-foundation__pact_broker/pact_broker_client-pact_broker.json | mock": RUBY_TERM
        + " (the 500 answer to 'a request to publish a pact')",
    "pact-foundation__pact-mock_service/test_app_fail.json | mock": RUBY_TERM
        + " (a term as the Content-Type header value: accord serves 'application/hal+json')",
    "pact-foundation__pact-mock_service/test_app_fail.json | verify": RUBY_TERM
        + " (the replaying provider sends the term object as the header text; accord's "
        "regex 'hal' finds 'hal' in it as Ruby's =~ does, the official verifier wants the "
        "object's JSON text)",
    "pact-foundation__pact-python/pythonclient-pythonservice.json | mock": RUBY_TERM
        + " (a Pact::SomethingLike around the whole response body)",
    "pact-foundation__pact-python/pythonclient-pythonservice.json | verify": RUBY_TERM
        + " (the replaying provider answers the serialised SomethingLike object, which is "
        "not like its contents)",
    "pact-foundation__pact-net/pacts__event_api_consumer-event_api.json | mock":
        QUERY_STRING_RULE,
    "pact-foundation__pact-net/event_api_consumer-event_api.json | mock": QUERY_STRING_RULE,
    "pact-foundation__pact-go/grpcconsumer-grpcprovider.json | verify": PROTOBUF_PLUGIN
        + " (a gRPC method, verified through the message relay)",
    "pact-foundation__pact-js-core/grpc.json | verify": PROTOBUF_PLUGIN
        + " (a gRPC method; the official verifier fails the JSON HTTP interaction beside it "
        "too, as it stops for the whole file)",
    "pact-foundation__pact-php/protobufAsyncMessageConsumer-protobufAsyncMessageProvider.json"
    " | verify": PROTOBUF_PLUGIN + " (an asynchronous message)",
    "pact-foundation__pact-php/protobufSyncMessageConsumer-protobufSyncMessageProvider.json"
    " | verify": PROTOBUF_PLUGIN + " (a synchronous message)",
    "pact-foundation__pact-plugins/area-calculator-consumer-area-calculator-provider.json"
    " | verify": PROTOBUF_PLUGIN + " (a gRPC method and an HTTP interaction with protobuf "
        "bodies)",
    "pact-foundation__pact-plugins/protobuf-consumer-area-calculator-provider.json | verify":
        PROTOBUF_PLUGIN + " (a synchronous message)",
    "pact-foundation__pact-php/csvConsumer-csvProvider.json | verify": "accord right: the "
        "official verifier needs the csv plugin binary, which is not installed; accord "
        "matches text/csv with its built-in csv plugin",
    "pact-foundation__pact_broker/v4_sync_messages.json | verify": "accord right: the file "
        "has no metadata; the official core then assumes V3 and verifies the V4 synchronous "
        "message as an HTTP request (GET / -> 404), accord infers V4 from the interaction "
        "types",
    "pact-foundation__pact_broker-client/Pact Broker Client V2-Pact Broker.json | mock":
        ACCEPT_LIST,
    "pact-foundation__pact_broker-client/pact_broker_client-pact_broker.json | mock":
        ACCEPT_LIST,
}


# ---------------------------------------------------------------------- official stub server


class OfficialStub:
    """``pact stub -f FILE`` on a free port of 127.0.0.1 (None when it does not start)."""

    def __init__(self, file: Path) -> None:
        env = {**os.environ, "PACT_DO_NOT_TRACK": "true", "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [str(PACT_BIN), "stub", "-f", str(file), "-p", "0", "-l", "info"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.url: str | None = None
        self.log: list[str] = []
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 20
        for line in self.proc.stdout:
            self.log.append(line)
            found = re.search(r"Server started on port (\d+)", line)
            if found:
                self.url = f"http://127.0.0.1:{found.group(1)}"
                break
            if time.monotonic() > deadline:
                break

    @property
    def loaded(self) -> bool:
        return self.url is not None and any(
            re.search(r"Loaded 1 pacts", line) for line in self.log)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


# ---------------------------------------------------------------------- the mock step


def send(client: httpx.Client, request: RawRequest) -> httpx.Response | None:
    url = request.path if request.path.startswith("/") else "/" + request.path
    if request.query:
        url += "?" + query_string(request.query)
    try:
        return client.request(request.method.upper(), url, headers=list(request.headers),
                              content=request.body)
    except httpx.HTTPError:
        return None


def serves(inter: RawHttp, response: httpx.Response | None,
           alternatives: Iterable[RawHttp]) -> bool:
    """The recorded response of ``inter``, or of another interaction whose recorded request
    the sent one satisfies too (which of several matching interactions answers is up to the
    mock server)."""
    if response is None:
        return False
    return any(_is_recorded(other, response) for other in (inter, *alternatives))


def _is_recorded(inter: RawHttp, response: httpx.Response) -> bool:
    want = inter.response
    if not want.generated_status and response.status_code != want.status:
        return False
    for name, _ in want.headers:
        low = name.lower()
        if low in want.generated_headers or low in ("content-length", "transfer-encoding"):
            continue
        expected = _header_values(v for k, v in want.headers if k.lower() == low)
        if _header_values(response.headers.get_list(name)) != expected:
            return False
    if want.generated_body:
        return True
    if not want.body:
        return response.content == b""
    if want.is_json:
        try:
            return bool(json.loads(want.body) == json.loads(response.content))
        except ValueError:
            return False
    return response.content == want.body


def _header_values(values: Iterable[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",")]


def mock_verdicts(raw: RawPact, url: str | None) -> dict[int, bool]:
    """Interaction index -> whether the server at ``url`` served its recorded response."""
    if url is None:
        return {i.index: False for i in raw.http}
    verdicts: dict[int, bool] = {}
    # plain HTTP to 127.0.0.1: no CA bundle to load (that alone costs tens of ms a client)
    with httpx.Client(base_url=url, timeout=10, verify=False) as client:
        for inter in raw.http:
            response = send(client, inter.request)
            others = [o for o in raw.http if o is not inter and also_matches(o.request,
                                                                             inter.request)]
            verdicts[inter.index] = serves(inter, response, others)
    return verdicts


def also_matches(candidate: RawRequest, sent: RawRequest) -> bool:
    """Whether ``candidate``'s recorded request accepts ``sent`` too, judged on the examples
    alone: a mock server may then answer ``sent`` with ``candidate``'s response."""
    sent_headers = {(k.lower(), v) for k, v in sent.headers}
    return (candidate.method.upper() == sent.method.upper()
            and unquote(candidate.path) == unquote(sent.path)
            and sorted(candidate.query) == sorted(sent.query)
            and all((k.lower(), v) in sent_headers for k, v in candidate.headers)
            and (candidate.body is None or candidate.body == sent.body))


def accord_mock_verdicts(raw: RawPact, file: Path) -> dict[int, bool]:
    try:
        server = MockServer(read_pact(file)).start()
    except Exception:  # a pact accord cannot serve fails every interaction
        return mock_verdicts(raw, None)
    try:
        return mock_verdicts(raw, server.url)
    finally:
        server.stop()


# ---------------------------------------------------------------------- the verify step


def accord_verify_verdicts(raw: RawPact, file: Path, url: str) -> dict[str, bool]:
    verifier = (Verifier(raw.provider, fail_if_no_pacts_found=False)
                .add_source(file)
                .disable_ssl_verification()  # plain HTTP: skips loading the CA bundle
                .add_transport(url=url)
                .state_change_url(url + STATE_PATH, teardown=True)
                .message_handler(url + MESSAGE_PATH))
    try:
        result = verifier.verify(raises=False)
    except Exception:  # a pact accord cannot verify fails every interaction
        return {}
    finally:
        verifier.close()
    verdicts: dict[str, bool] = {}
    for item in result.results:
        verdicts[item.description] = verdicts.get(item.description, True) and item.ok
    return verdicts


def official_verify_verdicts(file: Path, port: int, tmp_path: Path) -> dict[str, bool]:
    run = run_verifier([file], port, tmp_path, state_change_url=(
        f"http://127.0.0.1:{port}{STATE_PATH}"), extra=[
        "--state-change-teardown", "--transports", f"http:{port}",
        "--transports", f"message:{port}{MESSAGE_PATH}"])
    verdicts: dict[str, bool] = {}
    for item in run.report.get("interactionResults", []):
        ok = item.get("result") == "OK"
        verdicts[item["description"]] = verdicts.get(item["description"], True) and ok
    return verdicts


# ---------------------------------------------------------------------- the comparison


def differences(accord: dict[Any, bool], official: dict[Any, bool],
                name: Callable[[Any], str]) -> list[str]:
    """The interactions whose verdicts differ ('accord ok'/'accord fails' says which way)."""
    keys = sorted(set(accord) | set(official), key=str)
    return [f"{name(k)}: accord {'ok' if accord.get(k, False) else 'fails'}"
            for k in keys if accord.get(k, False) != official.get(k, False)]


def compare_file(name: str, tmp_path: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """(step -> what differs, counts of what agreed) for one corpus file."""
    file = CORPUS / name
    raw = load_raw(name)
    found: dict[str, str] = {}
    counts: dict[str, Any] = {"http": len(raw.http), "messages": len(raw.messages)}
    try:
        read_pact(file)
        accord_loads, load_error = True, ""
    except Exception as exc:  # the error is what is compared
        accord_loads, load_error = False, f"{type(exc).__name__}: {exc}"
    stub = OfficialStub(file)
    try:
        counts["load"] = {"accord": accord_loads, "official": stub.loaded}
        if accord_loads != stub.loaded:
            found["load"] = f"accord {'loads' if accord_loads else 'fails: ' + load_error}"
        by_index = {i.index: i.description for i in raw.http}
        ours = accord_mock_verdicts(raw, file) if accord_loads else mock_verdicts(raw, None)
        theirs = mock_verdicts(raw, stub.url if stub.loaded else None)
    finally:
        stub.close()
    counts["mock"] = {"accord": sum(ours.values()), "official": sum(theirs.values()),
                      "agree": sum(ours[k] == theirs[k] for k in ours)}
    if diff := differences(ours, theirs, lambda k: by_index[k]):
        found["mock"] = "; ".join(diff)
    with ProviderThread(CorpusProvider(raw)) as provider:
        ours_v = accord_verify_verdicts(raw, file, provider.url) if accord_loads else {}
        theirs_v = official_verify_verdicts(file, provider.port, tmp_path)
    keys = set(ours_v) | set(theirs_v)
    counts["verify"] = {"interactions": len(keys), "accord": sum(ours_v.values()),
                        "official": sum(theirs_v.values()),
                        "agree": sum(ours_v.get(k, False) == theirs_v.get(k, False)
                                     for k in keys)}
    if diff := differences(ours_v, theirs_v, str):
        found["verify"] = "; ".join(diff)
    return found, counts


@pytest.mark.parametrize("name", FILES)
def test_accord_agrees_with_the_official_tools(name: str, tmp_path: Path) -> None:
    found, counts = compare_file(name, tmp_path)
    summary = os.environ.get("ACCORD_CORPUS_SUMMARY")
    if summary:  # for the corpus report: one JSON line per file
        with Path(summary).open("a") as out:
            out.write(json.dumps({"file": name, "found": found, "counts": counts}) + "\n")
    known = {key.split(" | ")[1]: reason for key, reason in KNOWN_DIFFERENCES.items()
             if key.split(" | ")[0] == name}
    assert set(found) == set(known), json.dumps(
        {"unexpected": {k: v for k, v in found.items() if k not in known},
         "no longer differs": sorted(set(known) - set(found))}, indent=1)


PROTOBUF_FILES = sorted(key.split(" | ")[0] for key, reason in KNOWN_DIFFERENCES.items()
                        if reason.startswith(PROTOBUF_PLUGIN))


def _is_protobuf(content_type: str | None) -> bool:
    return "protobuf" in (content_type or "").lower()


def corrupt_protobuf(raw: RawPact) -> tuple[RawPact, set[str]]:
    """``raw`` with a byte that breaks the wire format after every protobuf body its provider
    answers, and the descriptions of the interactions that answer one."""
    corrupted: set[str] = set()
    http = []
    for inter in raw.http:
        res = inter.response
        ctype = next((v for k, v in res.headers if k.lower() == "content-type"), None)
        if _is_protobuf(ctype) and res.body:
            corrupted.add(inter.description)
            inter = replace(inter, response=replace(res, body=res.body + b"\xff"))
        http.append(inter)
    messages = []
    for msg in raw.messages:
        if _is_protobuf(msg.content_type) and msg.body:
            corrupted.add(msg.description)
            msg = replace(msg, body=msg.body + b"\xff")
        messages.append(msg)
    return RawPact(raw.name, raw.spec, raw.doc, http, messages), corrupted


@pytest.mark.parametrize("name", PROTOBUF_FILES)
def test_accord_fails_a_provider_answering_corrupt_protobuf(name: str) -> None:
    """The protobuf verdicts only accord gives are earned: the same provider answering bytes
    that are no longer the recorded message fails exactly the interactions that carry one."""
    raw, corrupted = corrupt_protobuf(load_raw(name))
    assert corrupted
    with ProviderThread(CorpusProvider(raw)) as provider:
        verdicts = accord_verify_verdicts(raw, CORPUS / name, provider.url)
    assert verdicts == {d: d not in corrupted for d in verdicts}
    assert corrupted <= set(verdicts)


def test_known_differences_name_corpus_files_and_steps() -> None:
    for key, reason in KNOWN_DIFFERENCES.items():
        file, step = key.split(" | ")
        assert file in INDEX, key
        assert step in ("load", "mock", "verify"), key
        assert reason.strip(), key


def test_the_corpus_is_large_and_varied() -> None:
    assert len(FILES) >= 300
    specs = {entry["spec"] for entry in INDEX.values()}
    assert {"V1", "V2", "V3", "V4"} <= specs
    assert all((CORPUS / name).stat().st_size <= 1_000_000 for name in FILES)
