"""Which plugins are installed, and the catalogues that carry them into matching and generation.

Plugins come from the ``accord.plugins`` entry-point group (a package declares
``[project.entry-points."accord.plugins"] csv = "mypkg.csv:CsvPlugin"``), from accord's own
built-ins, or from code. Discovery reads installed package metadata, so it happens only at
the edges — the consumer DSL, ``ensure_plugins``/``with_pact_plugins`` in a verifier or mock
server start-up, or an explicit ``load_plugins()`` — never while matching.

Matching and generation see plugins only through the ``Catalogue`` they are passed
(``accord.model.catalogue``): ``DEFAULT_CATALOGUE.with_plugin(p)`` is an explicit one, and
``default_catalogue()`` is the built-in matchers plus the plugins of the process-wide
``PluginRegistry`` (those ``register_plugin`` added and those discovered so far), which the
consumer DSL, the mock server and the verifier start from when given no catalogue.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from accord.matching import DEFAULT_CATALOGUE
from accord.model.body import Body
from accord.model.catalogue import Catalogue
from accord.model.generators import Generator
from accord.plugins.api import Plugin, PluginError, PluginNotFoundError

if TYPE_CHECKING:
    from importlib import metadata

    from accord.generation import GeneratorContext
    from accord.model.pact import Pact

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginRegistry",
    "default_catalogue",
    "default_registry",
    "ensure_plugins",
    "find_plugin",
    "generate_contents",
    "installed_plugins",
    "load_plugins",
    "plugin_for",
    "register_plugin",
    "unregister_plugin",
    "with_pact_plugins",
]

ENTRY_POINT_GROUP = "accord.plugins"

# Plugins that ship with accord: found even when accord's own entry points are not installed
# (an editable checkout that predates them).
_BUILTINS = {"csv": "accord.plugins.csv:CsvPlugin"}


class PluginRegistry:
    """Plugins by name; the most recently registered one wins a content type.

    ``catalogue()`` is a ``Catalogue`` with these plugins, for matching and generation.
    """

    def __init__(self) -> None:
        self._plugins: dict[str, Plugin] = {}
        self._discovered = False
        self._catalogues: dict[int, tuple[Catalogue, Catalogue]] = {}  # id(base) -> both

    def catalogue(self, base: Catalogue = DEFAULT_CATALOGUE) -> Catalogue:
        """``base`` with this registry's plugins (installed ones first, so the ones added in
        code win); the same object until the registry changes."""
        cached = self._catalogues.get(id(base))
        if cached is not None and cached[0] is base:
            return cached[1]
        out = base
        for plugin in self._plugins.values():
            out = out.with_plugin(plugin)
        self._catalogues[id(base)] = (base, out)
        return out

    def snapshot(self) -> tuple[dict[str, Plugin], bool]:
        """The registry's state, for ``restore`` (a test that registers plugins undoes it)."""
        return dict(self._plugins), self._discovered

    def restore(self, state: tuple[dict[str, Plugin], bool]) -> None:
        plugins, discovered = state
        self._plugins = dict(plugins)
        self._discovered = discovered
        self._catalogues.clear()

    def register(self, plugin: Plugin | type[Plugin], *, installed: bool = False) -> Plugin:
        """Add ``plugin``; ``installed`` ones (discovered) rank below those added in code."""
        instance = _instantiate(plugin, where=repr(plugin))
        self._plugins.pop(instance.name, None)
        if installed:
            self._plugins = {instance.name: instance, **self._plugins}
        else:
            self._plugins[instance.name] = instance
        self._catalogues.clear()
        return instance

    def unregister(self, name: str) -> None:
        self._plugins.pop(name, None)
        self._catalogues.clear()

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
        from importlib import metadata  # here: reading package metadata costs ~15 ms

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

# The process-wide registry behind ``register_plugin`` and ``default_catalogue()``: it lives at
# the edge (the core never reads it); code that wants isolation passes its own catalogue.
_DEFAULT = PluginRegistry()


def default_registry() -> PluginRegistry:
    """The process-wide registry: what a mock server or verifier given no catalogue sees."""
    return _DEFAULT


def default_catalogue() -> Catalogue:
    """The built-in matchers plus the process-wide registry's plugins (registered in code
    or discovered so far)."""
    return _DEFAULT.catalogue()


def generate_contents(body: Body, generators: Mapping[str, Generator],
                      ctx: GeneratorContext) -> Body:
    """Apply body ``generators`` through the plugin of ``ctx.catalogue`` that owns ``body``'s
    content type (``body`` unchanged when none does; ``ctx`` is a ``GeneratorContext``)."""
    catalogue = getattr(ctx, "catalogue", None) or default_catalogue()
    plugin = catalogue.plugin_for(body.content_type)
    if plugin is None or not generators:
        return body
    return plugin.generate_contents(body, generators, ctx)


def register_plugin(plugin: Plugin | type[Plugin]) -> Plugin:
    """Add ``plugin`` to the process-wide registry; returns the instance.

    The consumer DSL, mock servers and verifiers given no catalogue use it from then on.
    To scope a plugin to one test or server, pass ``DEFAULT_CATALOGUE.with_plugin(plugin)``
    as their ``catalogue=`` instead.
    """
    return _DEFAULT.register(plugin)


def unregister_plugin(name: str) -> None:
    """Remove a plugin ``register_plugin`` added."""
    _DEFAULT.unregister(name)


def load_plugins(entry_points: Iterable[metadata.EntryPoint] | None = None) -> list[str]:
    """Discover installed plugins (once) into the process-wide registry; the names there."""
    _DEFAULT.discover(entry_points)
    return _DEFAULT.names()


def find_plugin(name: str, version: str | None = None, *, needed_by: str = "",
                catalogue: Catalogue | None = None) -> Plugin:
    """The plugin ``name``: ``catalogue``'s when it has it, else the installed one, else a
    ``PluginNotFoundError`` that says how to get it."""
    if catalogue is not None:
        found = catalogue.plugin(name)
        if isinstance(found, Plugin):
            return found
    return _DEFAULT.require(name, version, needed_by=needed_by)


def plugin_for(content_type: str, catalogue: Catalogue | None = None) -> Plugin | None:
    """The plugin that handles ``content_type``: ``catalogue``'s, else an installed one
    (discovering plugins first)."""
    if catalogue is not None:
        found = catalogue.plugin_for(content_type)
        if isinstance(found, Plugin):
            return found
    load_plugins()
    return _DEFAULT.for_content_type(content_type)


def installed_plugins() -> list[Plugin]:
    return [p for n in _DEFAULT.names() if (p := _DEFAULT.get(n)) is not None]


def ensure_plugins(pact: Pact, catalogue: Catalogue | None = None) -> list[Plugin]:
    """Load every plugin a pact's ``metadata.plugins`` names (from ``catalogue`` when it has
    it, else installed ones); fail clearly if one is missing.

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
        plugin = find_plugin(entry["name"], str(version) if version else None, needed_by=who,
                             catalogue=catalogue)
        configuration = entry.get("configuration")
        if isinstance(configuration, Mapping) and configuration:
            plugin.load_pact_configuration(configuration)
        out.append(plugin)
    return out


def with_pact_plugins(pact: Pact, catalogue: Catalogue | None = None) -> Catalogue:
    """``catalogue`` (default: ``default_catalogue()``) with the plugins ``pact`` names added
    (``ensure_plugins``): what a mock server or verifier matches that pact with."""
    base = catalogue if catalogue is not None else default_catalogue()
    out = base
    for plugin in ensure_plugins(pact, base):
        if out.plugin(plugin.name) is not plugin:
            out = out.with_plugin(plugin)
    return out
