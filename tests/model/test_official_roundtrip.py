"""Pact files written by the official tools (tests/fixtures/official, made by
scripts/make_official_fixtures.py with pact-python): read, write, read again — same meaning;
every rule and generator in them is understood and can be applied."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from accord.generation import (
    GeneratorContext,
    generate_message,
    generate_request,
    generate_response,
)
from accord.model import (
    AsynchronousMessage,
    SpecVersion,
    SynchronousHttp,
    SynchronousMessages,
    dump_pact,
    load_pact,
)
from accord.model.generators import GENERATOR_KINDS
from accord.model.rules import RULE_KINDS
from accord.pactfile import read_pact, render_pact

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "official"
FILES = sorted(FIXTURES.glob("*.json"))


def _parts(pact):
    for i in pact.interactions:
        if isinstance(i, SynchronousHttp):
            yield i.request
            yield i.response
        elif isinstance(i, AsynchronousMessage):
            yield i.contents
        elif isinstance(i, SynchronousMessages):
            yield i.request
            yield from i.responses


def _keyless(pact):
    return [i.replace(key=None) for i in pact.interactions]


def test_the_fixtures_exist():
    assert [f.name for f in FILES] == [
        "official-v3-http-consumer-official-http-provider.json",
        "official-v3-message-consumer-official-message-provider.json",
        "official-v4-http-consumer-official-http-provider.json",
        "official-v4-message-consumer-official-message-provider.json",
    ]


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_roundtrip_keeps_the_meaning(file):
    original = json.loads(file.read_text())
    pact = read_pact(file)
    assert pact.spec_version is SpecVersion.parse(
        original["metadata"]["pactSpecification"]["version"])
    assert pact.metadata["pactRust"] == original["metadata"]["pactRust"]
    written = json.loads(render_pact(pact))
    reread = load_pact(written)
    assert _keyless(reread) == _keyless(pact)
    assert dump_pact(reread) == dump_pact(load_pact(json.loads(json.dumps(dump_pact(reread)))))
    entries = original.get("interactions", original.get("messages"))
    assert len(pact.interactions) == len(entries)
    assert sorted(i.description for i in pact.interactions) == sorted(
        e["description"] for e in entries)


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_every_rule_and_generator_is_understood(file):
    pact = read_pact(file)
    kinds, generators = set(), set()
    for part in _parts(pact):
        for _, _, rule_list in part.matching_rules:
            kinds.update(rule.kind for rule in rule_list.rules)
        for _, _, generator in part.generators:
            generators.add(generator.kind)
    assert kinds <= RULE_KINDS
    assert generators <= GENERATOR_KINDS
    assert kinds  # every fixture carries rules


def test_the_http_fixtures_cover_many_rules_and_generators():
    pact = read_pact(FIXTURES / "official-v4-http-consumer-official-http-provider.json")
    kinds, generators = set(), set()
    for part in _parts(pact):
        for _, _, rule_list in part.matching_rules:
            kinds.update(rule.kind for rule in rule_list.rules)
        for _, _, generator in part.generators:
            generators.add(generator.kind)
    assert {"type", "regex", "integer", "decimal", "number", "boolean", "null", "date",
            "time", "timestamp", "include", "eachKey", "eachValue", "arrayContains"} <= kinds
    assert {"RandomInt", "RandomDecimal", "RandomHexadecimal", "RandomString", "RandomBoolean",
            "Regex", "Uuid", "Date", "Time", "DateTime", "ProviderState",
            "MockServerURL"} <= generators


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
@pytest.mark.parametrize("mode", ["consumer", "provider"])
def test_every_generator_applies(file, mode):
    ctx = GeneratorContext(mode, now=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                           random=random.Random(1), provider_state={"id": 42},
                           mock_server_url="http://127.0.0.1:4321")
    for interaction in read_pact(file).interactions:
        if isinstance(interaction, SynchronousHttp):
            generate_request(interaction.request, ctx)
            response = generate_response(interaction.response, ctx)
            if interaction.description == "a request for a user" and mode == "provider":
                assert response.body.json["userId"] == 42
                assert response.body.json["link"] == "/users/42"
                assert response.body.json["self"] == "http://localhost:8080/users/123"
            if interaction.description == "a request for a user" and mode == "consumer":
                assert response.body.json["userId"] == 123
                assert response.body.json["self"] == "http://127.0.0.1:4321/users/123"
                assert len(response.body.json["hexId"]) == 6
        elif isinstance(interaction, AsynchronousMessage):
            generate_message(interaction.contents, ctx)
        else:
            generate_message(interaction.request, ctx)
            for reply in interaction.responses:
                generate_message(reply, ctx)


def test_generated_date_formats_follow_the_java_patterns():
    pact = read_pact(FIXTURES / "official-v4-http-consumer-official-http-provider.json")
    create = next(i for i in pact.interactions if i.description == "a request to create a user")
    ctx = GeneratorContext("consumer", now=datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
                           random=random.Random(1))
    body = generate_response(create.response, ctx).body.json
    assert body["when"] == "2024-01-02"
    assert body["at"] == "03:04"
    assert body["stamp"] == "2024-01-02T03:04:05"
    assert body["javaStamp"] == "2024-01-02T03:04:05.678Z"
