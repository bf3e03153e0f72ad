"""The catalogue as a value: deriving, precedence, rule kinds, and per-instance caching."""

from __future__ import annotations

import pytest

from accord.catalogue import DEFAULT, Catalogue, process_default
from accord.errors import CatalogueError, MatchingRuleError
from accord.model import Body


class Thing:
    """A plugin as the core sees one (``accord.model.catalogue.ContentPlugin``)."""

    def __init__(self, name: str = "thing", types: tuple[str, ...] = ("application/x-thing",),
                 kinds: tuple[str, ...] = ()) -> None:
        self.name = name
        self.rule_kinds = kinds
        self.types = types

    def handles(self, content_type: str) -> bool:
        return content_type.split(";")[0].strip().lower() in self.types

    def match_contents(self, expected, actual, context):
        return []

    def generate_contents(self, body, generators, context):
        return body


def first(e: Body, a: Body, ctx: object) -> list:
    return ["first"]


def second(e: Body, a: Body, ctx: object) -> list:
    return ["second"]


def test_deriving_leaves_the_original_as_it_was():
    base = Catalogue()
    derived = base.with_body_matcher("text/x-a", first).with_plugin(Thing()).with_rule_kinds("k")
    assert base.body_matcher_for("text/x-a") is None
    assert base.plugin_for("application/x-thing") is None and base.rule_kinds == frozenset()
    assert derived.body_matcher_for("text/x-a") is first
    assert derived.plugin_for("Application/X-Thing; charset=utf-8").name == "thing"
    assert derived.rule_kinds == {"k"}


def test_the_last_added_matcher_wins_and_globs_and_predicates_work():
    catalogue = (Catalogue().with_body_matcher("application/*+cbor", first)
                 .with_body_matcher(lambda ct: ct.endswith("+cbor"), second))
    assert catalogue.body_matcher_for("application/vnd.x+cbor") is second
    assert catalogue.with_body_matcher("application/vnd.x+cbor", first).body_matcher_for(
        "application/vnd.x+cbor") is first
    assert catalogue.body_matcher_for("application/json") is None


def test_a_plugin_replaces_one_of_the_same_name_and_the_last_one_wins_a_content_type():
    one, two = Thing("one"), Thing("two")
    catalogue = Catalogue().with_plugin(one).with_plugin(two)
    assert catalogue.plugin_for("application/x-thing") is two
    assert catalogue.without_plugin("two").plugin_for("application/x-thing") is one
    again = catalogue.with_plugin(Thing("one"))
    assert again.plugin_names() == ["one", "two"] and again.plugin("one") is not one
    assert catalogue.without_plugin("absent") is catalogue


def test_rule_kinds_come_from_the_catalogue_and_its_plugins():
    catalogue = Catalogue().with_rule_kinds("mine", "type").with_plugin(Thing(kinds=("theirs",)))
    assert catalogue.rule_kinds == {"mine", "theirs"}  # built-in kinds are not extra
    with pytest.raises(MatchingRuleError, match="non-empty string"):
        Catalogue().with_rule_kinds("")
    with pytest.raises(MatchingRuleError, match="non-empty string"):
        Catalogue().with_plugin(Thing(kinds=(3,)))  # type: ignore[arg-type]


def test_a_plugin_without_a_name_is_refused():
    with pytest.raises(CatalogueError, match="has no name"):
        Catalogue().with_plugin(Thing(name=""))


def test_look_ups_are_cached_per_instance():
    calls: list[str] = []

    def claims(ct: str) -> bool:
        calls.append(ct)
        return ct == "text/x-a"

    catalogue = Catalogue().with_body_matcher(claims, first)
    for _ in range(3):
        assert catalogue.body_matcher_for("text/x-a") is first
        assert catalogue.body_matcher_for("text/x-b") is None
    assert calls == ["text/x-a", "text/x-b"]
    derived = catalogue.with_body_matcher("text/x-b", second)  # its own cache
    assert derived.body_matcher_for("text/x-b") is second
    assert catalogue.body_matcher_for("text/x-b") is None


def test_the_built_in_catalogue_has_the_built_in_matchers_and_no_plugins():
    for content_type in ("application/json", "application/hal+json", "text/plain",
                         "application/xml", "application/x-www-form-urlencoded",
                         "multipart/form-data"):
        assert DEFAULT.body_matcher_for(content_type) is not None, content_type
    assert DEFAULT.body_matcher_for("application/octet-stream") is None  # binary fallback
    assert DEFAULT.plugins == () and DEFAULT.rule_kinds == frozenset()
    assert isinstance(process_default(), Catalogue)


def test_answers_for_many_content_types_stay_right_and_the_memory_bounded():
    # a long-running mock server or broker sees whatever content types clients send
    catalogue = Catalogue().with_plugin(Thing()).with_body_matcher("text/x-a", first)
    for i in range(5_000):
        assert catalogue.body_matcher_for(f"text/x-{i}") is None
        assert catalogue.plugin_for(f"application/x-{i}") is None
    assert catalogue.body_matcher_for("text/x-a") is first
    assert catalogue.plugin_for("application/x-thing").name == "thing"
    assert len(catalogue._memo) <= 512  # the bound is what is tested
