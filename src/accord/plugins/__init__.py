"""Plugins: content types (and, later, transports) beyond HTTP + JSON, in Python.

accord's answer to the official Pact plugin framework. A plugin is a ``Plugin`` subclass
with a name, a version and the content types it handles; it turns a consumer's
configuration into a body, rules and generators (``configure_contents``), compares bodies
(``match_contents``) and generates them (``generate_contents``). Pacts it helps write have
the official shape — ``metadata.plugins`` and each interaction's ``pluginConfiguration`` —
so the official tools understand them when they have the same plugin installed::

    from accord import Pact

    pact = Pact("reports-web", "reports-api")
    (pact.upon_receiving("a request for the report")
         .with_request("GET", "/reports/1.csv")
         .will_respond_with(200)
         .with_plugin_contents("text/csv", {
             "csvHeaders": False,
             "column:1": "matching(type,'Name')",
             "column:2": "matching(number,100)",
         }))

accord ships a CSV plugin (``accord.plugins.csv``); others are found through the
``accord.plugins`` entry-point group, added to a catalogue
(``DEFAULT_CATALOGUE.with_plugin(p)``, passed as ``catalogue=``) or registered process-wide
with ``register_plugin``.
"""

from __future__ import annotations

from accord.matching import DEFAULT_CATALOGUE
from accord.model.catalogue import Catalogue
from accord.plugins.api import (
    ContentMatchContext,
    Plugin,
    PluginContents,
    PluginError,
    PluginNotFoundError,
    rule,
)
from accord.plugins.expressions import (
    Definition,
    definition_of,
    is_definition,
    parse_definition,
)
from accord.plugins.registry import (
    ENTRY_POINT_GROUP,
    PluginRegistry,
    default_catalogue,
    default_registry,
    ensure_plugins,
    find_plugin,
    generate_contents,
    installed_plugins,
    load_plugins,
    plugin_for,
    register_plugin,
    unregister_plugin,
    with_pact_plugins,
)

__all__ = [
    "DEFAULT_CATALOGUE",
    "ENTRY_POINT_GROUP",
    "Catalogue",
    "ContentMatchContext",
    "Definition",
    "Plugin",
    "PluginContents",
    "PluginError",
    "PluginNotFoundError",
    "PluginRegistry",
    "default_catalogue",
    "default_registry",
    "definition_of",
    "ensure_plugins",
    "find_plugin",
    "generate_contents",
    "installed_plugins",
    "is_definition",
    "load_plugins",
    "parse_definition",
    "plugin_for",
    "register_plugin",
    "rule",
    "unregister_plugin",
    "with_pact_plugins",
]
