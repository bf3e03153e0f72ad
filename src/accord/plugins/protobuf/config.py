"""The official plugin's configuration language: a message's fields → example, rules, generators.

Each key of the configuration (besides ``pact:*`` settings) is a field of the message; its
value is one of

- a matching definition (``"matching(number, 12)"``, ``"notEmpty('Bob')"``), an accord
  matcher (``match.integer(3)``) or a plain example (``"Bob"``, ``12``, ``True``);
- for an embedded message, a dict of its fields (rules at ``$.field.sub``);
- for a repeated field, one definition standing for every item (rules at ``$.field.*``;
  ``atLeast``/``atMost``/``eachValue`` apply to the list at ``$.field``), a list of items
  (rules at ``$.field.0`` ...), or for repeated messages a dict standing for every item
  (``$.field.*.sub``), optionally with ``"pact:match": "atLeast(1)"``;
- for a map field, a dict of example entries, optionally with
  ``"pact:match": "eachKey(...), eachValue(...)"`` (rules at ``$.field``);
- for a bytes field, text (UTF-8) or a list of byte values.

The rule paths are the official plugin's, so the pacts it and accord write look alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from typing import TYPE_CHECKING, Any

from accord.errors import MatchingRuleError
from accord.model.generators import Generator
from accord.model.jsontypes import JsonMapping
from accord.model.rules import Rule, RuleList
from accord.model.valueclass import dataclass
from accord.plugins.api import PluginError
from accord.plugins.expressions import Definition, definition_of
from accord.plugins.protobuf.codec import is_map, is_repeated

if TYPE_CHECKING:
    from google.protobuf.descriptor import Descriptor

__all__ = ["Built", "build_message"]

_TYPE_MESSAGE = 11
_TYPE_BYTES = 12
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COLLECTION_KINDS = frozenset({"eachValue", "eachKey", "values"})


@dataclass
class Built:
    """What a configuration turns into: example data plus rules and generators by path."""

    data: dict[str, Any] = field(default_factory=dict)
    rules: dict[str, list[Rule]] = field(default_factory=dict)
    generators: dict[str, Generator] = field(default_factory=dict)

    def add(self, path: str, definition: Definition) -> None:
        if definition.rules:
            self.rules.setdefault(path, []).extend(definition.rules)
        if definition.generator is not None:
            self.generators[path] = definition.generator

    def rule_lists(self) -> dict[str, RuleList]:
        return {path: RuleList(tuple(rules)) for path, rules in self.rules.items()}


def _join(path: str, key: str | int) -> str:
    text = str(key)
    if isinstance(key, int) or _PLAIN.fullmatch(text) or text == "*":
        return f"{path}.{text}"
    return f"{path}['" + text.replace("'", "\\'") + "']"


def _definition(value: Any, path: str) -> Definition:
    try:
        return definition_of(value)
    except MatchingRuleError as exc:
        raise PluginError(f"protobuf plugin: {path}: {exc}") from None


def build_message(descriptor: Descriptor, config: JsonMapping, path: str = "$",
                  out: Built | None = None) -> Built:
    """``config`` for a message of ``descriptor`` → example data, rules and generators."""
    out = out if out is not None else Built()
    out.data = _message(descriptor, config, path, out)
    return out


def _message(descriptor: Any, config: Mapping[str, Any], path: str, out: Built) -> dict[str, Any]:
    data: dict[str, Any] = {}
    fields = descriptor.fields_by_name
    for key, value in config.items():
        if str(key).startswith("pact:"):
            continue
        f = fields.get(key)
        if f is None:
            raise PluginError(
                f"protobuf plugin: {path}: the message {descriptor.full_name} has no field "
                f"{key!r} (fields: {', '.join(fields) or 'none'})")
        where = _join(path, key)
        if value is None:
            continue
        if is_map(f):
            data[key] = _map_field(f, value, where, out)
        elif is_repeated(f):
            data[key] = _repeated_field(f, value, where, out)
        elif f.type == _TYPE_MESSAGE:
            if not isinstance(value, Mapping):
                raise PluginError(
                    f"protobuf plugin: {where}: the field is a {f.message_type.full_name} "
                    "message: configure it with a dict of its fields")
            data[key] = _message(f.message_type, value, where, out)
        else:
            data[key] = _scalar(f, value, where, out)
    return data


def _scalar(f: Any, value: Any, path: str, out: Built) -> Any:
    if f.type == _TYPE_BYTES and isinstance(value, list):
        return value
    definition = _definition(value, path)
    out.add(path, definition)
    return definition.value


def _split(definition: Definition) -> tuple[Definition, Definition]:
    """A repeated field's definition → (rules for the list, rules for each item)."""
    on_list: list[Rule] = []
    on_items: list[Rule] = []
    value = definition.value
    for rule in definition.rules:
        if rule.kind in _COLLECTION_KINDS or (
                rule.kind == "type" and ("min" in rule.params or "max" in rule.params)):
            on_list.append(rule)
        else:
            on_items.append(rule)
    return (Definition(None, tuple(on_list)),
            Definition(value, tuple(on_items), definition.generator, definition.literal))


def _repeated_field(f: Any, value: Any, path: str, out: Built) -> list[Any]:
    is_message = f.type == _TYPE_MESSAGE
    if isinstance(value, list):
        items = []
        for i, item in enumerate(value):
            where = _join(path, i)
            if is_message:
                if not isinstance(item, Mapping):
                    raise PluginError(f"protobuf plugin: {where}: expected the fields of a "
                                      f"{f.message_type.full_name} message")
                items.append(_message(f.message_type, item, where, out))
            else:
                items.append(_scalar(f, item, where, out))
        return items
    if is_message:
        if not isinstance(value, Mapping):
            raise PluginError(f"protobuf plugin: {path}: expected the fields of a "
                              f"{f.message_type.full_name} message (or a list of them)")
        rest = dict(value)
        match = rest.pop("pact:match", None)
        if match is not None:
            on_list, _ = _split(_definition(match, path))
            out.add(path, on_list)
        return [_message(f.message_type, rest, _join(path, "*"), out)]
    on_list, on_items = _split(_definition(value, path))
    out.add(path, on_list)
    out.add(_join(path, "*"), on_items)
    return [] if on_items.value is None else [on_items.value]


def _map_field(f: Any, value: Any, path: str, out: Built) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise PluginError(f"protobuf plugin: {path}: a map field is configured with a dict "
                          "of example entries (and optionally 'pact:match')")
    value_field = f.message_type.fields_by_name["value"]
    entries = dict(value)
    match = entries.pop("pact:match", None)
    if match is not None:
        definition = _definition(match, path)
        out.add(path, Definition(None, definition.rules))
    data: dict[str, Any] = {}
    for key, item in entries.items():
        where = _join(path, key)
        if value_field.type == _TYPE_MESSAGE:
            if not isinstance(item, Mapping):
                raise PluginError(f"protobuf plugin: {where}: expected the fields of a "
                                  f"{value_field.message_type.full_name} message")
            data[str(key)] = _message(value_field.message_type, item, where, out)
        else:
            data[str(key)] = _scalar(value_field, item, where, out)
    return data
