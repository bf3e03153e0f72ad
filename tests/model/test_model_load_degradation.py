"""Whatever a pact file holds, loading never crashes and never hangs: what cannot be honoured
fails the smallest unit (a rule or generator is left out with a warning, an interaction is
kept aside as unreadable) and the rest of the pact is usable."""

from __future__ import annotations

import json
import time
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import AccordError, PactFormatError
from accord.model import (
    MAX_NESTING,
    RuleList,
    SynchronousHttp,
    UnreadableInteraction,
    dump_pact,
    load_pact,
)

from ._mutations import mutated

TESTS = Path(__file__).resolve().parents[1]
SEEDS = [json.loads(p.read_text()) for p in sorted(
    [*(TESTS / "fixtures" / "official").glob("*.json"), *(TESTS / "data" / "real-world").glob(
        "*.json")])]


def pact_of(*interactions: Any, version: str = "3.0.0") -> dict:
    return {"consumer": {"name": "c"}, "provider": {"name": "p"},
            "interactions": list(interactions),
            "metadata": {"pactSpecification": {"version": version}}}


def ok(description: str = "fine") -> dict:
    return {"description": description, "request": {"method": "GET", "path": "/ok"},
            "response": {"status": 200, "body": {"a": 1}}}


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels):
        value = {"a": value}
    return value


@pytest.mark.parametrize(("broken", "pointer", "message"), [
    (5, "/interactions/1", "an interaction must be a JSON object, got a number"),
    (None, "/interactions/1", "an interaction must be a JSON object, got null"),
    ({"description": "b", "request": "GET /"}, "/interactions/1/request",
     "a request must be a JSON object, got a string"),
    ({"description": "b", "response": {"status": "soon"}}, "/interactions/1/response/status",
     "the status must be a number, got 'soon'"),
    ({"description": "b", "request": {"headers": {"A": {"x": 1}}}},
     "/interactions/1/request/headers/A", "header 'A' must be a string or an array of strings"),
    ({"description": "b", "type": "Carrier/Pigeon"}, "/interactions/1/type",
     "unknown interaction type 'Carrier/Pigeon'"),
    ({"description": "b", "response": {"body": deep(MAX_NESTING + 5)}}, "/interactions/1",
     f"nested more than {MAX_NESTING} levels deep"),
    ({"description": "b", "providerStates": [{"params": {}}]},
     "/interactions/1/providerStates/0/name", "a provider state's name must be a string"),
])
def test_a_broken_interaction_fails_alone(broken, pointer, message):
    pact = load_pact(pact_of(ok("first"), broken, ok("last")), file="mixed.json")
    assert [i.description for i in pact.interactions] == ["first", "last"]
    (unreadable,) = pact.unreadable
    assert isinstance(unreadable, UnreadableInteraction)
    assert unreadable.reason.startswith(f"mixed.json at {pointer}: {message}")
    assert unreadable.pointer == "/interactions/1"
    assert unreadable.description == ("b" if isinstance(broken, dict) else "Interaction 1")
    with pytest.raises(PactFormatError, match=message):
        load_pact(pact_of(ok("first"), broken), file="mixed.json", strict=True)


def test_unreadable_interactions_are_written_back_as_found():
    broken = {"description": "b", "response": {"status": "soon"}}
    pact = load_pact(pact_of(ok("first"), broken))
    written = dump_pact(pact)
    assert written["interactions"] == [dump_pact(pact)["interactions"][0], broken]
    again = load_pact(written)
    assert again.unreadable[0].raw == broken and len(again.interactions) == 1


@pytest.mark.parametrize(("response", "pointer", "message"), [
    ({"matchingRules": {"body": {"$.a": {"matchers": [{"match": "fuzzy"}]},
                                 "$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/body/$.a/matchers/0", "unknown matching rule 'fuzzy'"),
    ({"matchingRules": {"body": {"$.a[": {"matchers": [{"match": "type"}]},
                                 "$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/body/$.a[", "path expression '$.a['"),
    ({"matchingRules": {"body": {"$.a": {"matchers": [{"match": "type", "min": "x"}]},
                                 "$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/body/$.a/matchers/0", "min must be an integer"),
    ({"matchingRules": {"body": {"$.a": None, "$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/body/$.a", "a matching rule must be an object"),
    ({"matchingRules": {"body": {"$.a": {"matchers": [{"match": "type"}, 7]},
                                 "$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/body/$.a/matchers/1", "a matching rule must be an object"),
    ({"matchingRules": {"header": [], "body": {"$.b": {"matchers": [{"match": "type"}]}}}},
     "/matchingRules/header", "matching rules for header must be a JSON object"),
    ({"generators": {"body": {"$.a": {"type": "Telepathy"}}},
      "matchingRules": {"body": {"$.b": {"matchers": [{"match": "type"}]}}}},
     "/generators/body/$.a", "unknown generator 'Telepathy'"),
    ({"generators": {"body": {"$.a": "RandomInt"}},
      "matchingRules": {"body": {"$.b": {"matchers": [{"match": "type"}]}}}},
     "/generators/body/$.a", "a generator must be an object with a 'type'"),
    ({"generators": 3, "matchingRules": {"body": {"$.b": {"matchers": [{"match": "type"}]}}}},
     "/generators", "generators must be a JSON object"),
])
def test_a_broken_rule_or_generator_is_left_out_with_a_warning(response, pointer, message):
    doc = pact_of({"description": "d", "request": {},
                   "response": {"status": 200, "body": {"a": 1, "b": 2}, **response}})
    pact = load_pact(doc, file="f.json")
    assert pact.unreadable == ()
    (interaction,) = pact.interactions
    assert isinstance(interaction, SynchronousHttp)
    (warning,) = interaction.load_warnings
    assert warning.startswith(f"f.json at /interactions/0/response{pointer}: ")
    assert message in warning and warning.endswith(" (left out)")
    # what could be read is kept: the rule on $.b (and the readable matchers on $.a)
    kept = interaction.response.matching_rules.category("body")
    assert "$.b" in kept
    assert [r.kind for r in kept.get("$.a", RuleList(())).rules] in ([], ["type"])
    with pytest.raises(AccordError, match=r"f\.json at /interactions/0/response"):
        load_pact(doc, file="f.json", strict=True)


def test_annotations_of_the_wrong_type_are_left_out():
    doc = pact_of({**ok(), "comments": "x", "pluginConfiguration": [1],
                   "interactionMarkup": 3, "pending": "yes", "transport": 5}, version="4.0")
    (interaction,) = load_pact(doc).interactions
    assert interaction.comments == {} and interaction.plugin_config == {}
    assert interaction.pending is False and interaction.transport is None
    assert len(interaction.load_warnings) == 4


def test_load_warnings_do_not_change_equality():
    doc = pact_of({**ok(), "comments": "x"})
    assert load_pact(doc).interactions[0] == load_pact(pact_of(ok())).interactions[0]


def test_deep_nesting_in_a_whole_file_is_a_clear_error_not_a_crash():
    doc = pact_of(ok(), {"description": "deep", "request": {"body": deep(5000)}})
    pact = load_pact(doc, file="deep.json")
    assert len(pact.interactions) == 1
    assert "nested more than" in pact.unreadable[0].reason


def test_a_large_pact_loads_quickly():
    many = [{"description": f"i{n}", "request": {"path": f"/{n}"},
             "response": {"body": {"items": [{"id": k, "name": "x" * 20} for k in range(50)]},
                          "matchingRules": {"body": {"$.items": {"matchers": [
                              {"match": "type", "min": 1}]}}}}} for n in range(400)]
    started = time.perf_counter()
    pact = load_pact(pact_of(*many))
    assert len(pact.interactions) == 400
    assert time.perf_counter() - started < 10


# ---------------------------------------------------------------- fuzzing

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
    st.text(max_size=5), st.sampled_from(["$.a[", "(", "4.0", "base64", "$.x", "a.b", "*",
                                          "data[*].id", "$['", "[*]", "Synchronous/HTTP"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just({"match": "regex", "regex": "("}), st.just({"match": "nope"}),
    st.just({"type": "Nope"}), st.just({"matchers": "x"}), st.just({"matchers": [None]}),
    st.just({"content": 1, "encoded": "base64"}), st.just({"combine": "XOR", "matchers": []}),
    st.just({"json_class": "Pact::Term", "data": {"generate": 1}}),
    st.just({"json_class": "Pact::Term", "data": {"generate": "a", "matcher": {"s": "a"}}}),
    st.just({"json_class": "Pact::ArrayLike", "contents": {"a": 1}, "min": -1}),
    st.just({"json_class": "Pact::SomethingLike"}),
    st.just({"$.body": {"match": "type"}, "$.header['x']": {"match": "type"}}),
    st.just({"name": 5, "params": []}),
    st.builds(deep, st.integers(MAX_NESTING - 2, MAX_NESTING + 200)),
)


def _file_level(pointer: str | None) -> bool:
    return not (pointer or "").startswith(("/interactions/", "/messages/"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_pacts_load_to_a_model_or_a_clear_file_error_quickly(data):
    document = mutated(data, SEEDS, _JUNK, max_steps=4)
    started = time.perf_counter()
    try:
        pact = load_pact(document, file="mutated.json")
    except AccordError as exc:
        # only what makes the document not a pact at all fails the whole file
        assert isinstance(exc, PactFormatError)
        assert _file_level(exc.pointer), exc
        assert str(exc).startswith("mutated.json")
        return
    finally:
        assert time.perf_counter() - started < 10, "a hang guard: loading never takes long"
    for broken in pact.unreadable:
        assert broken.reason.startswith(f"mutated.json at {broken.pointer}")
    for warning in pact.load_warnings:
        assert warning.startswith("mutated.json at /")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for version in ("1.0.0", "2.0.0", "3.0.0", "4.0"):
            try:
                written = dump_pact(pact, version)
            except AccordError:
                continue
            json.dumps(written)  # writable as JSON


def test_a_file_too_deep_for_the_json_parser_is_a_clear_error(tmp_path: Path) -> None:
    from accord.pactfile import read_pact

    path = tmp_path / "deep.json"
    path.write_text('{"consumer": {"name": "c"}, "provider": {"name": "p"}, "x": '
                    + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(PactFormatError, match="nested too deeply"):
        read_pact(path)


def test_message_metadata_that_is_not_an_object_is_left_out():
    doc = {"consumer": {"name": "c"}, "provider": {"name": "p"}, "messages": [
        {"description": "m", "contents": {"a": 1}, "metaData": "application/json"}],
        "metadata": {"pactSpecification": {"version": "3.0.0"}}}
    (message,) = load_pact(doc, file="m.json").interactions
    assert message.load_warnings == (
        "m.json at /messages/0/metaData: message metadata must be a JSON object, got a string "
        "(left out)",)
