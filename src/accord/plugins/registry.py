"""Which plugins are installed, and wiring them into matching and generation.

Plugins come from the ``accord.plugins`` entry-point group (a package declares
``[project.entry-points."accord.plugins"] csv = "mypkg.csv:CsvPlugin"``), from accord's own
built-ins, or from ``register_plugin(plugin)`` (tests, scripts). Discovery reads installed
package metadata, so it happens only at the edges — the consumer DSL, ``ensure_plugins`` in
a verifier or mock server start-up, or an explicit ``load_plugins()`` — never while matching.

Registering a plugin also routes its content types through ``accord.matching``'s body
matcher registry and declares its extra rule kinds to ``accord.model``, so the mock server
and the verifier use it without knowing plugins exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

from accord.generation import register_body_generator
from accord.matching import BodyContext, Mismatch, register_body_matcher
from accord.model.body import Body
from accord.model.generators import Generator
from accord.model.rules import register_rule_kinds
from accord.plugins.api import ContentMatchContext, Plugin, PluginError, PluginNotFoundError

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginRegistry",
    "default_registry",
    "ensure_plugins",
    "find_plugin",
    "generate_contents",
    "installed_plugins",
    "load_plugins",
    "plugin_for",
    "register_plugin",
    "unregister_plugin",
]

ENTRY_POINT_GROUP = "accord.plugins"

# Plugins that ship with accord: found even when accord's own entry points are not installed
# (an editable checkout that predates them).
_BUILTINS = {"csv": "accord.plugins.csv:CsvPlugin"}


class PluginRegistry:
    """Plugins by name; the most recently registered one wins a content type."""

    def __init__(self) -> None:
        self._plugins: dict[str, Plugin] = {}
        self._discovered = False

    def register(self, plugin: Plugin | type[Plugin], *, installed: bool = False) -> Plugin:
        """Add ``plugin``; ``installed`` ones (discovered) rank below those added in code."""
        instance = _instantiate(plugin, where=repr(plugin))
        self._plugins.pop(instance.name, None)
        if installed:
            self._plugins = {instance.name: instance, **self._plugins}
        else:
            self._plugins[instance.name] = instance
        if instance.rule_kinds:
            register_rule_kinds(*instance.rule_kinds)
        return instance

    def unregister(self, name: str) -> None:
        self._plugins.pop(name, None)

    def get(self, name: str) -> Plugin | None:
        return self._plugins.get(name)

    def names(self) -> list[str]:
        return sorted(self._plugins)

    def for_content_type(self, content_type: str | None) -> Plugin | None:
        if not content_type:
            return None
        for plugin in reversed(self._plugins.values()):
            if plugin.handles(content_type):
                return plugin
        return None

    def discover(
        self, entry_points: Iterable[metadata.EntryPoint] | None = None, *, force: bool = False
    ) -> list[Plugin]:
        """Load the built-ins and every ``accord.plugins`` entry point (once unless ``force``).

        A plugin registered in code under the same name is kept: code beats installation.
        """
        if self._discovered and not force and entry_points is None:
            return []
        found: list[Plugin] = []
        for name, target in _BUILTINS.items():
            if name not in self._plugins:
                found.append(self.register(
                    _load_target(target, f"built-in plugin {name!r}"), installed=True))
        eps = (
            metadata.entry_points(group=ENTRY_POINT_GROUP)
            if entry_points is None
            else entry_points
        )
        for ep in eps:
            dist = getattr(getattr(ep, "dist", None), "name", None)
            where = f"entry point {ep.name} = {ep.value}" + (f" (package {dist})" if dist else "")
            if ep.name in self._plugins and ep.name not in _BUILTINS:
                continue
            try:
                loaded = ep.load()
            except Exception as exc:
                raise PluginError(f"the plugin {where} could not be imported: {exc}") from exc
            plugin = _instantiate(loaded, where=where)
            if plugin.name in self._plugins and plugin.name not in _BUILTINS:
                continue
            found.append(self.register(plugin, installed=True))
        self._discovered = True
        return found

    def require(self, name: str, version: str | None = None, *, needed_by: str = "") -> Plugin:
        """The plugin called ``name``, discovering installed ones first if need be."""
        plugin = self._plugins.get(name)
        if plugin is None:
            self.discover()
            plugin = self._plugins.get(name)
        if plugin is None:
            raise PluginNotFoundError(
                name, version, needed_by=needed_by, installed=tuple(self.names())
            )
        return plugin


def _load_target(target: str, where: str) -> Any:
    module, _, attr = target.partition(":")
    try:
        obj: Any = importlib.import_module(module)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise PluginError(f"the {where} ({target}) could not be imported: {exc}") from exc
    return obj


def _instantiate(obj: Any, *, where: str) -> Plugin:
    """An entry point may name a Plugin subclass, an instance, or a factory returning one."""
    if isinstance(obj, type) and issubclass(obj, Plugin):
        plugin: Any = obj()
    elif isinstance(obj, Plugin):
        plugin = obj
    elif callable(obj):
        plugin = obj()
    else:
        plugin = obj
    if not isinstance(plugin, Plugin):
        raise PluginError(
            f"the plugin {where} is not an accord.plugins.Plugin (got {type(plugin).__name__}); "
            "subclass Plugin and set name, version and content_types"
        )
    if not isinstance(plugin.name, str) or not plugin.name.strip():
        raise PluginError(f"the plugin {where} has no name: set the class attribute `name`")
    return plugin


# --------------------------------------------------------------------------- the default one

_DEFAULT = PluginRegistry()
_HOOKED = False


def default_registry() -> PluginRegistry:
    """The process-wide registry that the mock server and the verifier see."""
    return _DEFAULT


def _install_hooks() -> None:
    """Route plugin content types through matching and generation."""
    global _HOOKED
    if _HOOKED:
        return
    register_body_matcher(_claimed, _match_via_plugin)
    register_body_generator(_claimed, generate_contents)
    _HOOKED = True


def _claimed(content_type: str) -> bool:
    return _DEFAULT.for_content_type(content_type) is not None


def _match_via_plugin(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    plugin = _DEFAULT.for_content_type(ctx.content_type)
    assert plugin is not None  # _claimed said so
    all_config: Mapping[str, Any] = ctx.plugin_config
    context = ContentMatchContext(
        content_type=ctx.content_type,
        allow_unexpected=ctx.allow_unexpected,
        rule_index=ctx.rules,
        plugin_config=dict(all_config.get(plugin.name) or {}),
    )
    return plugin.match_contents(expected, actual, context)


def generate_contents(body: Body, generators: Mapping[str, Generator], ctx: Any) -> Body:
    """Apply body ``generators`` through the plugin that owns ``body``'s content type
    (``body`` unchanged when none does). This is the hook for ``accord.generation``."""
    plugin = _DEFAULT.for_content_type(body.content_type)
    if plugin is None or not generators:
        return body
    return plugin.generate_contents(body, generators, ctx)


def register_plugin(plugin: Plugin | type[Plugin]) -> Plugin:
    """Install ``plugin`` in this process (tests, scripts); returns the instance."""
    instance = _DEFAULT.register(plugin)
    _install_hooks()
    return instance


def unregister_plugin(name: str) -> None:
    """Remove a plugin registered earlier (tests)."""
    _DEFAULT.unregister(name)


def load_plugins(entry_points: Iterable[metadata.EntryPoint] | None = None) -> list[str]:
    """Discover installed plugins (once) and wire them in; the names now installed."""
    _DEFAULT.discover(entry_points)
    _install_hooks()
    return _DEFAULT.names()


def find_plugin(name: str, version: str | None = None, *, needed_by: str = "") -> Plugin:
    """The installed plugin ``name`` or a ``PluginNotFoundError`` that says how to get it."""
    plugin = _DEFAULT.require(name, version, needed_by=needed_by)
    _install_hooks()
    return plugin


def plugin_for(content_type: str) -> Plugin | None:
    """The installed plugin that handles ``content_type`` (discovering plugins first)."""
    load_plugins()
    return _DEFAULT.for_content_type(content_type)


def installed_plugins() -> list[Plugin]:
    return [p for n in _DEFAULT.names() if (p := _DEFAULT.get(n)) is not None]


def ensure_plugins(pact: Any) -> list[Plugin]:
    """Load every plugin a pact's ``metadata.plugins`` names; fail clearly if one is missing.

    Call it where pacts are read for serving or verifying, before matching starts.
    """
    entries = (getattr(pact, "metadata", None) or {}).get("plugins") or []
    who = ""
    if getattr(pact, "consumer", None) and getattr(pact, "provider", None):
        who = f"the pact between {pact.consumer} and {pact.provider}"
    out = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
            continue
        version = entry.get("version")
        plugin = find_plugin(entry["name"], str(version) if version else None, needed_by=who)
        configuration = entry.get("configuration")
        if isinstance(configuration, Mapping) and configuration:
            plugin.load_pact_configuration(configuration)
        out.append(plugin)
    return out
