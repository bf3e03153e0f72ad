"""What accord understands beyond the Pact basics, as one explicit value: the catalogue.

A ``Catalogue`` holds the body matchers and body generators by content type, the extra
matching-rule kinds, and the content-type plugins. It is immutable: ``with_plugin``,
``with_body_matcher``, ``with_body_generator`` and ``with_rule_kinds`` return a new catalogue,
so two configurations live side by side in one process (a test scopes its own, a server
keeps the one it started with). It is passed explicitly — ``match_request(..., catalogue=)``,
``GeneratorContext(catalogue=)``, ``load_pact(..., rule_kinds=catalogue.rule_kinds)`` —
and nothing in the pure core keeps a registry of its own.

The type lives here, below matching and generation, because both read it and it names
their functions only as callables. ``accord.matching.DEFAULT_CATALOGUE`` is the built-in
instance (the JSON, XML, text, form and multipart matchers); ``accord.plugins`` adds the
installed plugins at the edges (consumer DSL, mock server, verifier, CLI).

Look-ups by content type are cached on the instance (a catalogue never changes, so neither
does the answer): finding the matcher for a body is one dictionary read on the hot path.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from dataclasses import field, replace
from typing import Any, Protocol

from accord.errors import CatalogueError, MatchingRuleError
from accord.model.body import Body, base_content_type
from accord.model.generators import Generator
from accord.model.rules import RULE_KINDS
from accord.model.valueclass import dataclass

__all__ = ["Catalogue", "ContentPlugin", "ContentPredicate", "content_predicate"]

_MEMO_LIMIT = 512  # content types a catalogue remembers its answers for

ContentPredicate = Callable[[str], bool]
#: ``(expected, actual, ctx) -> [Mismatch]`` (``accord.matching.bodies.BodyMatcher``)
AnyBodyMatcher = Callable[[Body, Body, Any], list[Any]]
#: ``(body, generators by path, ctx) -> Body`` (``ctx`` is a ``GeneratorContext``)
AnyBodyGenerator = Callable[[Body, Mapping[str, Generator], Any], Body]


class ContentPlugin(Protocol):
    """What the core needs of a plugin (``accord.plugins.Plugin`` is one)."""

    @property
    def name(self) -> str: ...

    @property
    def rule_kinds(self) -> tuple[str, ...]: ...

    def handles(self, content_type: str) -> bool: ...

    def match_contents(self, expected: Body, actual: Body, context: Any) -> list[Any]: ...

    def generate_contents(
        self, body: Body, generators: Mapping[str, Generator], context: Any
    ) -> Body: ...


def content_predicate(content_type: str | ContentPredicate) -> ContentPredicate:
    """A predicate on base content types: an exact type, a glob (``application/*+cbor``) or
    a predicate already."""
    if not isinstance(content_type, str):
        return content_type
    pattern = base_content_type(content_type)
    if any(ch in pattern for ch in "*?["):
        return lambda ct: fnmatch.fnmatchcase(ct, pattern)
    return lambda ct: ct == pattern


def _checked_kinds(kinds: Iterable[str]) -> frozenset[str]:
    out = set()
    for kind in kinds:
        if not isinstance(kind, str) or not kind:
            raise MatchingRuleError(
                f"a matching rule kind must be a non-empty string, got {kind!r}"
            )
        if kind not in RULE_KINDS:
            out.add(kind)
    return frozenset(out)


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Body matchers, body generators, extra rule kinds and plugins; see the module docstring.

    Precedence for a content type: the plugins (the last added first), then the body matchers
    or generators (the last added first). ``rule_kinds`` are the extra kinds declared here and
    by the plugins; pass them to ``load_pact`` so pacts using them load.
    """

    body_matchers: tuple[tuple[ContentPredicate, AnyBodyMatcher], ...] = ()  # last added first
    body_generators: tuple[tuple[ContentPredicate, AnyBodyGenerator], ...] = ()
    extra_rule_kinds: frozenset[str] = frozenset()
    plugins: tuple[ContentPlugin, ...] = ()  # in the order added: the last one wins
    _memo: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    # ---------------------------------------------------------------- deriving

    def with_body_matcher(
        self, content_type: str | ContentPredicate, matcher: AnyBodyMatcher
    ) -> Catalogue:
        """This catalogue, with bodies of ``content_type`` (a type, a glob or a predicate on
        the base type) compared by ``matcher`` ahead of the matchers already here."""
        entry = (content_predicate(content_type), matcher)
        return replace(self, body_matchers=(entry, *self.body_matchers))

    def with_body_generator(
        self, content_type: str | ContentPredicate, generator: AnyBodyGenerator
    ) -> Catalogue:
        """This catalogue, with body generators of ``content_type`` applied by ``generator``."""
        entry = (content_predicate(content_type), generator)
        return replace(self, body_generators=(entry, *self.body_generators))

    def with_rule_kinds(self, *kinds: str) -> Catalogue:
        """This catalogue, accepting ``kinds`` as matching rule kinds when pacts are read."""
        return replace(self, extra_rule_kinds=self.extra_rule_kinds | _checked_kinds(kinds))

    def with_plugin(self, plugin: ContentPlugin | type[ContentPlugin]) -> Catalogue:
        """This catalogue with ``plugin`` (an instance or a class to instantiate), replacing a
        plugin of the same name; it wins the content types it handles."""
        instance = plugin() if isinstance(plugin, type) else plugin
        name = getattr(instance, "name", None)
        if not isinstance(name, str) or not name.strip():
            raise CatalogueError(
                f"the plugin {instance!r} has no name: set the class attribute `name`")
        _checked_kinds(getattr(instance, "rule_kinds", ()) or ())
        others = tuple(p for p in self.plugins if p.name != name)
        return replace(self, plugins=(*others, instance))

    def without_plugin(self, name: str) -> Catalogue:
        """This catalogue without the plugin called ``name`` (the same one when absent)."""
        if self.plugin(name) is None:
            return self
        return replace(self, plugins=tuple(p for p in self.plugins if p.name != name))

    # ---------------------------------------------------------------- reading

    @property
    def rule_kinds(self) -> frozenset[str]:
        """The extra rule kinds: declared here and by the plugins."""
        found = self._memo.get(("rule-kinds", ""))
        if found is None:
            found = self.extra_rule_kinds.union(
                *(_checked_kinds(p.rule_kinds or ()) for p in self.plugins))
            self._remember(("rule-kinds", ""), found)
        return found

    def plugin(self, name: str) -> ContentPlugin | None:
        """The plugin called ``name``, if this catalogue has it."""
        return next((p for p in self.plugins if p.name == name), None)

    def plugin_names(self) -> list[str]:
        return sorted(p.name for p in self.plugins)

    def plugin_for(self, content_type: str | None) -> ContentPlugin | None:
        """The plugin that handles ``content_type`` (parameters and case ignored)."""
        if not content_type or not self.plugins:
            return None
        key = ("plugin", content_type)
        try:
            return self._memo[key]  # type: ignore[no-any-return]
        except KeyError:
            pass
        found = next((p for p in reversed(self.plugins) if p.handles(content_type)), None)
        self._remember(key, found)
        return found

    def body_matcher_for(self, content_type: str) -> AnyBodyMatcher | None:
        """The body matcher for a base content type (plugins aside), or None."""
        return self._first("matcher", self.body_matchers, content_type)

    def body_generator_for(self, content_type: str) -> AnyBodyGenerator | None:
        """The body generator for a base content type (plugins aside), or None."""
        return self._first("generator", self.body_generators, content_type)

    def _first(self, what: str, entries: tuple[tuple[ContentPredicate, Any], ...],
               content_type: str) -> Any:
        key = (what, content_type)
        try:
            return self._memo[key]
        except KeyError:
            pass
        found = next((fn for claims, fn in entries if claims(content_type)), None)
        self._remember(key, found)
        return found

    def _remember(self, key: tuple[str, str], value: Any) -> None:
        # content types come from requests: a long-running server sent a new one in every
        # request must not grow the memo for ever
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[key] = value
