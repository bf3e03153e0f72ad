"""How a content-type plugin compares bodies: what it is given besides the two bodies.

A catalogue's plugin (``Catalogue.plugin_for``) replaces the built-in body comparison for the
content types it handles. It gets a ``ContentMatchContext``: the body rules, whether
unexpected content is allowed, and the interaction's ``pluginConfiguration`` entry for this
plugin. ``accord.plugins`` re-exports the context for plugin authors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any

from accord.matching.result import Mismatch
from accord.matching.rules import RuleIndex, apply_rules, check_string
from accord.model.body import Body
from accord.model.catalogue import ContentPlugin
from accord.model.docpath import DocPath
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.rules import RuleList
from accord.model.valueclass import dataclass

__all__ = ["ContentMatchContext", "match_with_plugin"]


@dataclass(frozen=True)
class ContentMatchContext:
    """What ``match_contents`` gets besides the two bodies.

    ``rules_at(key)`` finds the rules for a key (``column:2``, ``$.a.b``): the most specific
    one, so a rule at ``$`` applies everywhere below it. ``check(rules, expected, actual)``
    evaluates rules on a text value with the engine's own semantics (regex, number, date
    formats ...). ``plugin_config`` is the interaction's configuration for this plugin when
    the caller knows it (empty otherwise: a plugin must cope with that).
    """

    content_type: str
    allow_unexpected: bool
    rule_index: Any  # accord.matching's index of the body rules
    plugin_config: Mapping[str, Any] = field(default_factory=dict)

    def rules_at(self, key: str) -> RuleList | None:
        if not self.rule_index:
            return None
        selected = self.rule_index.best(DocPath.parse(key).tokens)
        return None if selected is None else selected.rules

    def check(self, rules: RuleList, expected: str, actual: str) -> list[str]:
        """The failure messages of ``rules`` (combined AND/OR) on one text value."""
        return apply_rules(rules.rules, rules.combine, lambda r: check_string(r, expected, actual))

    def mismatch(self, path: str, expected: JsonValue, actual: JsonValue, message: str
                 ) -> Mismatch:
        """A body mismatch at ``path`` (the plugin's own way of naming a place)."""
        return Mismatch("BodyMismatch", path, expected, actual, message)


def match_with_plugin(plugin: ContentPlugin, expected: Body, actual: Body, *, content_type: str,
                      allow_unexpected: bool, rules: RuleIndex,
                      plugin_config: JsonMapping) -> list[Mismatch]:
    """``plugin``'s comparison of two bodies; ``plugin_config`` is the interaction's
    ``pluginConfiguration`` (by plugin name): the plugin gets its own entry."""
    context = ContentMatchContext(
        content_type=content_type,
        allow_unexpected=allow_unexpected,
        rule_index=rules,
        plugin_config=dict(plugin_config.get(plugin.name) or {}),
    )
    return plugin.match_contents(expected, actual, context)
