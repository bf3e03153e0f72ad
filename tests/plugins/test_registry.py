"""The plugin API: registration, entry-point discovery, missing plugins, extra rule kinds."""

from __future__ import annotations

import json
import textwrap
from importlib import metadata

import pytest

from accord.errors import MatchingRuleError
from accord.matching import match_response
from accord.model import Body, HttpResponse, MatchingRules, load_pact
from accord.model.rules import RuleList, known_rule_kinds
from accord.plugins import (
    DEFAULT_CATALOGUE,
    ContentMatchContext,
    Plugin,
    PluginContents,
    PluginError,
    PluginNotFoundError,
    PluginRegistry,
    default_catalogue,
    default_registry,
    ensure_plugins,
    find_plugin,
    load_plugins,
    plugin_for,
    register_plugin,
    rule,
    unregister_plugin,
    with_pact_plugins,
)
from accord.plugins.csv import CsvPlugin


class KeyValuePlugin(Plugin):
    """``key=value`` lines, compared key by key; a rule at ``key:<name>`` applies to a value."""

    name = "kv"
    version = "1.2.0"
    content_types = ("text/x-kv", "application/*+kv")
    rule_kinds = ("kvSorted",)

    def configure_contents(self, content_type, config):
        text = "".join(f"{k}={v}\n" for k, v in config.items())
        return PluginContents(
            body=Body.of_text(text, "text/x-kv"),
            matching_rules={f"key:{k}": RuleList((rule("type"),)) for k in config},
            plugin_config={"separator": "="},
        )

    def match_contents(self, expected, actual, context: ContentMatchContext):
        e = dict(line.split("=", 1) for line in expected.text.splitlines())
        a = dict(line.split("=", 1) for line in actual.text.splitlines())
        out = []
        for key, value in e.items():
            if key not in a:
                out.append(context.mismatch(f"key:{key}", value, None, f"missing key {key}"))
                continue
            rules = context.rules_at(f"key:{key}")
            if rules is None and value != a[key]:
                out.append(context.mismatch(f"key:{key}", value, a[key], "different"))
        return out


def kv_response(text: str, rules: dict[str, RuleList] | None = None) -> HttpResponse:
    return HttpResponse(
        status=200,
        body=Body.of_text(text, "text/x-kv"),
        matching_rules=MatchingRules({"body": rules or {}}),
    )


def test_a_catalogues_plugin_matches_bodies_of_its_content_types():
    expected = kv_response("a=1\nb=2\n", {"key:b": RuleList((rule("type"),))})
    # Without the plugin: plain text equality.
    assert not match_response(expected, kv_response("a=1\nb=3\n")).ok

    catalogue = DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin)

    assert match_response(expected, kv_response("b=3\na=1\n"), catalogue=catalogue).ok
    result = match_response(expected, kv_response("b=3\n"), catalogue=catalogue)
    assert [(m.kind, m.path, m.message) for m in result.mismatches] == [
        ("BodyMismatch", "key:a", "missing key a")
    ]
    without = catalogue.without_plugin("kv")
    assert not match_response(expected, kv_response("b=3\na=1\n"), catalogue=without).ok


def test_two_catalogues_live_side_by_side_in_one_process():
    class Strict(KeyValuePlugin):
        def match_contents(self, expected, actual, context):
            return [] if expected.text == actual.text else [
                context.mismatch("$", None, None, "strictly different")]

    expected = kv_response("a=1\n")
    lenient = DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin)
    strict = DEFAULT_CATALOGUE.with_plugin(Strict)
    actual = kv_response("a=1\nextra=2\n")
    assert match_response(expected, actual, catalogue=lenient).ok
    assert match_response(expected, actual, catalogue=strict).describe() == (
        "$ -> strictly different")
    assert lenient.plugin("kv") is not strict.plugin("kv")
    assert DEFAULT_CATALOGUE.plugin("kv") is None  # deriving leaves the original as it was


def test_register_plugin_adds_to_the_process_wide_default_catalogue():
    expected = kv_response("a=1\nb=2\n", {"key:b": RuleList((rule("type"),))})
    before = default_catalogue()

    register_plugin(KeyValuePlugin)

    assert default_catalogue().plugin("kv") is default_registry().get("kv")
    assert before.plugin("kv") is None  # a catalogue taken earlier is a value: unchanged
    assert match_response(expected, kv_response("b=3\na=1\n"),
                          catalogue=default_catalogue()).ok
    unregister_plugin("kv")
    assert default_catalogue().plugin("kv") is None


def test_content_type_patterns_and_parameters_are_honoured():
    catalogue = DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin())
    assert catalogue.plugin_for("application/vnd.thing+kv; charset=utf-8").name == "kv"
    assert catalogue.plugin_for("TEXT/X-KV").name == "kv"
    assert catalogue.plugin_for("application/json") is None
    register_plugin(KeyValuePlugin())
    assert plugin_for("application/vnd.thing+kv; charset=utf-8").name == "kv"
    assert plugin_for("application/json") is None


def test_the_later_registration_of_a_content_type_wins():
    class OtherCsv(CsvPlugin):
        name = "other-csv"

    register_plugin(OtherCsv)
    assert plugin_for("text/csv").name == "other-csv"  # discovery ranks below code
    unregister_plugin("other-csv")
    assert plugin_for("text/csv").name == "csv"


def test_plugins_are_discovered_through_the_entry_point_group(tmp_path, monkeypatch):
    (tmp_path / "acme_ini_plugin.py").write_text(textwrap.dedent("""
        from accord.plugins import Plugin

        class IniPlugin(Plugin):
            name = "ini"
            version = "0.3.0"
            content_types = ("text/x-ini",)
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = metadata.EntryPoints([
        metadata.EntryPoint("ini", "acme_ini_plugin:IniPlugin", "accord.plugins"),
    ])
    monkeypatch.setattr(metadata, "entry_points", lambda group=None: eps)

    registry = PluginRegistry()
    found = registry.discover()

    assert {p.name for p in found} == {"csv", "ini"}  # the built-in CSV plugin and the new one
    assert registry.get("ini").version == "0.3.0"
    assert registry.for_content_type("text/x-ini").name == "ini"
    assert registry.discover() == []  # once


def test_the_default_registry_discovers_on_demand(tmp_path, monkeypatch):
    (tmp_path / "acme_kv_plugin.py").write_text(textwrap.dedent("""
        from accord.plugins import Plugin

        class Kv(Plugin):
            name = "kv2"
            content_types = ("text/x-kv2",)

        def make():
            return Kv()
    """))
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [metadata.EntryPoint("kv2", "acme_kv_plugin:make", "accord.plugins")]
    monkeypatch.setattr(metadata, "entry_points", lambda group=None: eps)
    default_registry().restore(({}, False))  # nothing discovered yet (the conftest restores)
    assert find_plugin("kv2").name == "kv2"  # a factory is fine too
    assert "kv2" in load_plugins()


def test_a_broken_entry_point_names_itself():
    eps = [metadata.EntryPoint("bad", "no_such_module_xyz:Plugin", "accord.plugins")]
    with pytest.raises(PluginError, match=r"entry point bad = no_such_module_xyz:Plugin"):
        PluginRegistry().discover(eps)


def test_an_entry_point_that_is_not_a_plugin_is_refused(tmp_path, monkeypatch):
    (tmp_path / "not_a_plugin.py").write_text("thing = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [metadata.EntryPoint("thing", "not_a_plugin:thing", "accord.plugins")]
    with pytest.raises(PluginError, match=r"is not an accord\.plugins\.Plugin"):
        PluginRegistry().discover(eps)


def test_a_plugin_without_a_name_is_refused():
    class Nameless(Plugin):
        content_types = ("text/x-nameless",)

    with pytest.raises(PluginError, match="has no name"):
        register_plugin(Nameless)


def pact_naming(plugins: list[dict]) -> object:
    return load_pact({
        "consumer": {"name": "web"},
        "provider": {"name": "api"},
        "interactions": [],
        "metadata": {"pactSpecification": {"version": "4.0"}, "plugins": plugins},
    })


def test_a_pact_needing_a_missing_plugin_fails_with_a_clear_message(monkeypatch):
    monkeypatch.setattr(metadata, "entry_points", lambda group=None: [])
    pact = pact_naming([{"name": "avro", "version": "0.3.15", "configuration": {}}])
    with pytest.raises(PluginNotFoundError) as info:
        ensure_plugins(pact)
    text = str(info.value)
    assert "'avro' (version 0.3.15)" in text
    assert "the pact between web and api" in text
    assert "'accord.plugins' entry point" in text and "pip install" in text
    assert "Installed plugins: csv" in text  # and any loaded earlier in this process
    assert info.value.name == "avro"


def test_a_pact_naming_installed_plugins_loads_them():
    pact = pact_naming([{"name": "csv", "version": "0.0.6", "configuration": {}}])
    assert [p.name for p in ensure_plugins(pact)] == ["csv"]
    assert ensure_plugins(pact_naming([])) == []


def test_a_pact_adds_the_plugins_it_names_to_a_catalogue():
    pact = pact_naming([{"name": "csv", "version": "0.0.6", "configuration": {}}])
    catalogue = with_pact_plugins(pact, DEFAULT_CATALOGUE)
    assert catalogue.plugin_names() == ["csv"]
    assert catalogue.plugin_for("text/csv") is catalogue.plugin("csv")
    assert DEFAULT_CATALOGUE.plugin_names() == []
    # a catalogue that has the plugin already keeps its own instance
    own = DEFAULT_CATALOGUE.with_plugin(CsvPlugin)
    assert with_pact_plugins(pact, own).plugin("csv") is own.plugin("csv")


def kv_sorted_pact() -> dict:
    return {
        "consumer": {"name": "web"},
        "provider": {"name": "api"},
        "interactions": [{
            "type": "Synchronous/HTTP",
            "description": "kv",
            "request": {"method": "GET", "path": "/"},
            "response": {
                "status": 200,
                "matchingRules": {"body": {"key:a": {"matchers": [{"match": "kvSorted"}]}}},
            },
        }],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def test_extra_rule_kinds_let_pacts_using_them_load():
    doc = kv_sorted_pact()
    with pytest.raises(MatchingRuleError, match=r"rule .kvSorted.*accord\.plugins"):
        load_pact(doc, strict=True)
    (warning,) = load_pact(doc).load_warnings  # leniently the unknown rule is left out
    assert "unknown matching rule 'kvSorted'" in warning

    catalogue = DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin)

    assert "kvSorted" in known_rule_kinds(catalogue.rule_kinds)
    assert "kvSorted" not in known_rule_kinds()
    pact = load_pact(doc, rule_kinds=catalogue.rule_kinds)
    rules = pact.interactions[0].response.matching_rules.category("body")["key:a"]
    assert rules.rules[0].kind == "kvSorted"
    assert load_pact(doc).load_warnings  # other catalogues are not affected

    register_plugin(KeyValuePlugin)  # the process-wide default catalogue
    assert "kvSorted" in default_catalogue().rule_kinds


def test_the_base_class_hooks_refuse_politely():
    class Bare(Plugin):
        name = "bare"

    bare = Bare()
    with pytest.raises(PluginError, match="'bare' plugin does not configure contents"):
        bare.configure_contents("text/x", {})
    body = Body.of_text("x", "text/x")
    assert bare.generate_contents(body, {}, None) is body
    assert bare.pact_configuration() == {}
    assert repr(bare) == "<Bare bare 0.0.0>"



def test_the_verifier_reads_pacts_with_its_catalogues_rule_kinds(tmp_path):
    from accord.verifier.runner import RunConfig, load_pacts
    from accord.verifier.sources import DirectorySource, FileSource

    (tmp_path / "kv.json").write_text(json.dumps(kv_sorted_pact()))
    sources = [FileSource(tmp_path / "kv.json"), DirectorySource(tmp_path)]

    def kinds_read(config: RunConfig) -> list[list[str]]:
        pacts, failures = load_pacts(config)
        assert failures == []
        return [[r.kind for r in loaded.pact.interactions[0].response.matching_rules
                 .category("body").get("key:a", RuleList(())).rules] for loaded in pacts]

    with_kv = DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin)
    assert kinds_read(RunConfig("api", sources, catalogue=with_kv)) == [["kvSorted"]] * 2
    assert kinds_read(RunConfig("api", sources, catalogue=DEFAULT_CATALOGUE)) == [[]] * 2
    register_plugin(KeyValuePlugin)  # the process-wide catalogue, when given none
    assert kinds_read(RunConfig("api", sources)) == [["kvSorted"]] * 2


def test_a_merge_keeps_the_rules_of_the_catalogues_plugins(tmp_path):
    from accord import Pact

    (tmp_path / "web-api.json").write_text(json.dumps(kv_sorted_pact()))  # an earlier run's
    pact = Pact("web", "api", pact_dir=tmp_path,
                catalogue=DEFAULT_CATALOGUE.with_plugin(KeyValuePlugin))
    (pact.upon_receiving("another").with_request("GET", "/other").will_respond_with(204))
    with pact.serve() as server:
        import httpx

        assert httpx.get(f"{server.url}/other").status_code == 204
    pact.write_file()

    doc = json.loads((tmp_path / "web-api.json").read_text())
    kept = next(i for i in doc["interactions"] if i["description"] == "kv")
    assert kept["response"]["matchingRules"]["body"] == {
        "key:a": {"matchers": [{"match": "kvSorted"}]}}
    assert [i["description"] for i in doc["interactions"]] == ["another", "kv"]
