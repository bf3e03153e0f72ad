"""Consumer DSL glue for plugin contents (``with_plugin_contents``, ``Pact.using_plugin``).

The plugin turns the test's configuration into a body, rules and generators; this module
records what the pact file needs besides: the plugin in ``metadata.plugins`` and its
per-interaction configuration in ``pluginConfiguration`` (both in the official shape).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.consumer._parts import BodySpec, scalar_spec
from accord.consumer.matchers import Matcher
from accord.errors import ContractDefinitionError
from accord.pactfile import pact_file_name

if TYPE_CHECKING:
    from accord.model.catalogue import Catalogue
    from accord.plugins import Plugin, PluginContents

__all__ = ["configure_plugin_contents", "plugins_metadata", "use_plugin"]


def use_plugin(registry: dict[str, Plugin], name: str, version: str | None = None,
               catalogue: Catalogue | None = None) -> Plugin:
    """Find plugin ``name`` (``catalogue``'s, else an installed one; ``PluginNotFoundError``
    when there is none) and note it."""
    # imported here: accord.plugins reads the installed plugins' entry points, which only
    # pacts that use a plugin need
    from accord.plugins import find_plugin

    plugin = find_plugin(name, version, needed_by="this consumer test", catalogue=catalogue)
    registry[plugin.name] = plugin
    return plugin


def configure_plugin_contents(description: str, content_type: Any, config: Any,
                              catalogue: Catalogue | None = None
                              ) -> tuple[BodySpec, Plugin, PluginContents]:
    """Ask the plugin for ``content_type`` (``catalogue``'s, else an installed one) to
    configure ``config`` for the interaction ``description``: the body, and the plugin and
    its contents (what the pact and the interaction note: ``metadata.plugins``,
    ``pluginConfiguration``, markup).

    pact-python's order, ``(contents, content_type)`` with the contents as a dict or JSON
    text, is recognised and accepted too."""
    from accord.plugins import PluginError, installed_plugins, plugin_for  # see use_plugin

    where = f"interaction {description!r}"
    if (isinstance(config, str) and "/" in config and not isinstance(content_type, str)) or (
            isinstance(config, str) and isinstance(content_type, str)
            and content_type.lstrip().startswith("{")):
        content_type, config = config, content_type
    if isinstance(config, str):
        try:
            config = json.loads(config)
        except ValueError:
            raise ContractDefinitionError(
                f"{where}: with_plugin_contents: the plugin configuration is not JSON") from None
    if not isinstance(content_type, str) or not content_type.strip():
        raise ContractDefinitionError(f"{where}: with_plugin_contents needs a content type")
    if not isinstance(config, Mapping):
        raise ContractDefinitionError(
            f"{where}: with_plugin_contents needs the plugin's configuration as a dict, "
            f"got {type(config).__name__}")
    plugin = plugin_for(content_type, catalogue)
    if plugin is None:
        names = ", ".join(f"{p.name} ({', '.join(p.content_types)})"
                          for p in installed_plugins()) or "none"
        raise ContractDefinitionError(
            f"{where}: no installed plugin handles {content_type!r} (installed: {names}); "
            "install one (entry-point group 'accord.plugins'), give the Pact a catalogue "
            "with it (catalogue=DEFAULT_CATALOGUE.with_plugin(...)) or register it with "
            "accord.plugins.register_plugin")
    try:
        contents = plugin.configure_contents(content_type, _bridged(config, description))
    except PluginError as exc:
        raise ContractDefinitionError(f"{where}: {exc}") from None
    body = BodySpec(contents.body, dict(contents.matching_rules), dict(contents.generators))
    return body, plugin, contents


def _bridged(config: Mapping[str, Any], description: str, where: str = "") -> dict[str, Any]:
    """accord matchers and generators in ``config`` (``match.integer(3)``) become
    ``accord.plugins.Definition`` values, which plugins read like definition strings — also
    inside nested dicts and lists (the protobuf plugin's embedded messages)."""
    return {key: _bridged_value(value, description, f"{where}{key}")
            for key, value in config.items()}


def _bridged_value(value: Any, description: str, where: str) -> Any:
    from accord.plugins import Definition  # see use_plugin

    if isinstance(value, Matcher):
        spec = scalar_spec(value, description, f"plugin setting {where!r}",
                           as_text=False)
        return Definition(spec.values[0] if spec.values else None,
                          spec.rules.rules if spec.rules else (), spec.generator)
    if isinstance(value, Mapping):
        return _bridged(value, description, f"{where}.")
    if isinstance(value, list):
        return [_bridged_value(v, description, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def plugins_metadata(plugins: Mapping[str, Plugin],
                     settings: Mapping[str, Mapping[str, Any]] | None = None
                     ) -> list[dict[str, Any]]:
    """``metadata.plugins`` as the official tools write it: name, version, configuration
    (the plugin's own, plus what its contents added, e.g. protobuf descriptors)."""
    settings = settings or {}
    return [{"configuration": {**p.pact_configuration(), **settings.get(name, {})},
             "name": p.name, "version": p.version} for name, p in sorted(plugins.items())]


def keep_existing_plugins(model: Any, directory: Any) -> Any:
    """``model`` whose ``metadata.plugins`` also lists the plugins of the pact file it will be
    merged into (the file's other interactions may need them; ``write_pact`` replaces the
    metadata key as a whole)."""
    plugins = model.metadata.get("plugins")
    if not plugins:
        return model
    path = Path(directory) / pact_file_name(model.consumer, model.provider)
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))["metadata"]["plugins"]
    except (OSError, ValueError, KeyError, TypeError):
        return model
    if not isinstance(existing, list):
        return model
    by_name = {e["name"]: e for e in existing if isinstance(e, dict) and "name" in e}
    for entry in plugins:  # the file's configuration (e.g. descriptors) is kept, then extended
        old = by_name.get(entry["name"], {}).get("configuration")
        if isinstance(old, dict) and isinstance(entry.get("configuration"), dict):
            entry = {**entry, "configuration": {**old, **entry["configuration"]}}
        by_name[entry["name"]] = entry
    merged = [by_name[name] for name in sorted(by_name)]
    return model.replace(metadata={**model.metadata, "plugins": merged})
