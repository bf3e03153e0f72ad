"""What a plugin is: a name, a version, the content types it owns, and four hooks.

A plugin teaches accord a content type (CSV, protobuf, a house format) the way the official
Pact plugin framework does, but in-process and in Python: no gRPC, no binaries. Subclass
``Plugin`` and override what your format needs::

    class IniPlugin(Plugin):
        name = "ini"
        version = "1.0.0"
        content_types = ("text/x-ini",)

        def configure_contents(self, content_type, config):    # consumer DSL
            ...
            return PluginContents(body=Body.of_text(text, "text/x-ini"), matching_rules=...)

        def match_contents(self, expected, actual, context):   # mock server and verifier
            return [context.mismatch("section:db", "x", "y", "Expected ...")]

``configure_contents`` turns the consumer's configuration (a dict, as the official DSLs take)
into a body plus the rules and generators to write in the pact; ``match_contents`` compares
bodies of the plugin's content types (it replaces the built-in body comparison);
``generate_contents`` applies the body generators; ``rule_kinds`` declares matching rule kinds
that only the plugin understands, so pacts using them still load.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar

from accord.errors import AccordError
from accord.matching import Mismatch
from accord.matching.plugin_bridge import ContentMatchContext
from accord.model.body import Body
from accord.model.generators import Generator
from accord.model.jsontypes import JsonMapping, JsonValue
from accord.model.rules import Rule, RuleList
from accord.model.valueclass import dataclass

if TYPE_CHECKING:
    from accord.generation import GeneratorContext

__all__ = [
    "ContentMatchContext",
    "Plugin",
    "PluginContents",
    "PluginError",
    "PluginNotFoundError",
]


class PluginError(AccordError):
    """A plugin that cannot be loaded or that refuses a configuration."""


class PluginNotFoundError(PluginError):
    """A pact or a test needs a plugin that is not installed."""

    def __init__(self, name: str, version: str | None = None, *, needed_by: str = "",
                 installed: tuple[str, ...] = ()) -> None:
        self.name = name
        self.version = version
        wanted = f"'{name}'" + (f" (version {version})" if version else "")
        by = f" by {needed_by}" if needed_by else ""
        super().__init__(
            f"the plugin {wanted} is needed{by} but is not installed. Install the Python "
            f"package that provides it (`pip install <package>`: a package that registers a "
            f"plugin named '{name}' under the 'accord.plugins' entry point), or register it "
            "in code: catalogue.with_plugin(...) or accord.plugins.register_plugin(...). "
            "Installed plugins: "
            f"{', '.join(installed) or 'none'}"
        )


@dataclass(frozen=True)
class PluginContents:
    """What ``configure_contents`` returns: the body and what to write next to it.

    ``matching_rules`` and ``generators`` are keyed the plugin's way (the CSV plugin uses
    ``column:1``); they go under the ``body`` category of the request or response.
    ``plugin_config`` is the interaction's ``pluginConfiguration`` entry for this plugin
    (the matcher gets it back); ``interaction_markup`` is optional CommonMark that describes
    the contents for people (V4 ``interactionMarkup``). ``pact_configuration`` is merged into
    the pact's ``metadata.plugins[].configuration`` for this plugin (the protobuf plugin keeps
    its compiled descriptors there).
    """

    body: Body
    matching_rules: Mapping[str, RuleList] = field(default_factory=dict)
    generators: Mapping[str, Generator] = field(default_factory=dict)
    plugin_config: Mapping[str, Any] = field(default_factory=dict)
    interaction_markup: str = ""
    pact_configuration: Mapping[str, Any] = field(default_factory=dict)


class Plugin:
    """Base class of accord plugins; see the module docstring. Instances are stateless."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "0.0.0"
    content_types: ClassVar[tuple[str, ...]] = ()  # base types; "application/*+thing" globs
    rule_kinds: ClassVar[tuple[str, ...]] = ()  # extra matching rule kinds the plugin owns

    def configure_contents(self, content_type: str, config: JsonMapping) -> PluginContents:
        """The consumer test's configuration → body, rules, generators, plugin config."""
        raise PluginError(f"the {self.name!r} plugin does not configure contents")

    def match_contents(
        self, expected: Body, actual: Body, context: ContentMatchContext
    ) -> list[Mismatch]:
        """Compare two bodies of one of ``content_types``: the mismatches (empty: they match)."""
        raise PluginError(f"the {self.name!r} plugin does not match contents")

    def generate_contents(
        self, body: Body, generators: Mapping[str, Generator], context: GeneratorContext
    ) -> Body:
        """``body`` with ``generators`` applied (``context`` is a ``GeneratorContext``)."""
        return body

    def pact_configuration(self) -> JsonMapping:
        """Pact-level configuration written to ``metadata.plugins[].configuration``."""
        return {}

    def load_pact_configuration(self, configuration: JsonMapping) -> None:
        """Read a pact's ``metadata.plugins[].configuration`` for this plugin before its
        interactions are served or verified (``ensure_plugins`` calls it)."""

    def handles(self, content_type: str) -> bool:
        import fnmatch

        base = content_type.split(";", 1)[0].strip().lower()
        return any(fnmatch.fnmatchcase(base, ct.lower()) for ct in self.content_types)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.version}>"


def rule(kind: str, **params: JsonValue) -> Rule:
    """A validated matching rule, as pact JSON spells it (``rule("regex", regex="\\\\d+")``)."""
    return Rule.from_json({"match": kind, **params})
