"""A custom accord plugin: Java-style ``.properties`` files (``key=value`` lines).

Everything a plugin does, in one small class:

* ``configure_contents`` turns the consumer test's configuration — ``{"timeout":
  "matching(integer, 30)", "currency": "EUR"}`` — into the example body
  (``timeout=30``/``currency=EUR``), matching rules keyed ``$.timeout`` and generators;
* ``match_contents`` compares what the provider (or the consumer, on the mock server) sent
  with the example: every expected key must be there, and its value must satisfy its rules, or
  equal the example when it has none;
* ``generate_contents`` applies generators (``fromProviderState`` values, dates ...).

It is registered through the entry point in this example's ``pyproject.toml``::

    [project.entry-points."accord.plugins"]
    properties = "reports_example.properties_plugin:PropertiesPlugin"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from accord.matching import Mismatch
from accord.model import Body
from accord.model.generators import Generator
from accord.model.rules import RuleList
from accord.plugins import (
    ContentMatchContext,
    Plugin,
    PluginContents,
    PluginError,
    definition_of,
)

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def parse_properties(text: str) -> dict[str, str]:
    """``key=value`` lines; blank lines and ``#`` comments are skipped."""
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith(("#", "!")):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


class PropertiesPlugin(Plugin):
    name = "properties"
    version = "1.0.0"
    content_types = ("text/x-java-properties",)

    def configure_contents(self, content_type: str, config: Mapping[str, Any]) -> PluginContents:
        lines = []
        rules: dict[str, RuleList] = {}
        generators: dict[str, Generator] = {}
        for key, value in config.items():
            if not _KEY.fullmatch(key):
                raise PluginError(f"properties plugin: {key!r} is not a simple property name")
            definition = definition_of(value)  # "matching(...)", match.integer(30) or a value
            lines.append(f"{key}={definition.text}")
            # Body rule keys are path expressions ($.key): the pact file format checks them.
            if definition.rules:
                rules[f"$.{key}"] = RuleList(definition.rules)
            if definition.generator is not None:
                generators[f"$.{key}"] = definition.generator
        table = "\n".join(f"| {line.replace('=', ' | ', 1)} |" for line in lines)
        return PluginContents(
            body=Body.of_text("\n".join(lines) + "\n", content_type),
            matching_rules=rules,
            generators=generators,
            interaction_markup=f"| key | example |\n|---|---|\n{table}\n",
        )

    def match_contents(
        self, expected: Body, actual: Body, context: ContentMatchContext
    ) -> list[Mismatch]:
        wanted, got = parse_properties(expected.text), parse_properties(actual.text)
        out = []
        for key, example in wanted.items():
            path = f"$.{key}"
            if key not in got:
                out.append(context.mismatch(path, example, None,
                                            f"Expected a property '{key}' but it was missing"))
                continue
            rules = context.rules_at(path)
            if rules is not None:
                out.extend(context.mismatch(path, example, got[key], message)
                           for message in context.check(rules, example, got[key]))
            elif got[key] != example:
                out.append(context.mismatch(
                    path, example, got[key],
                    f"Expected property '{key}' to be '{example}' but was '{got[key]}'"))
        if not context.allow_unexpected:  # requests: nothing the provider would not expect
            for key in got.keys() - wanted.keys():
                out.append(context.mismatch(f"$.{key}", None, got[key],
                                            f"Unexpected property '{key}'"))
        return out

    def generate_contents(
        self, body: Body, generators: Mapping[str, Generator], context: Any
    ) -> Body:
        from accord.generation import applies_in, generate_value

        values = parse_properties(body.text)
        for path, generator in generators.items():
            key = path.removeprefix("$.")
            if key in values and applies_in(generator, context.mode):
                values[key] = str(generate_value(generator, context, values[key]))
        text = "".join(f"{k}={v}\n" for k, v in values.items())
        return Body.of_text(text, body.content_type)
