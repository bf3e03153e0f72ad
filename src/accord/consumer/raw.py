"""Raw matching rules and generators, as ``with_matching_rules`` and ``with_generators`` take
them: pact JSON (a dict or its text) whose rule lists may be matchers, as in pact-python, turned
into the model's ``MatchingRules`` and ``Generators``, and merged into those a builder made."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from accord.consumer.matchers import Matchable, Matcher
from accord.errors import ContractDefinitionError
from accord.model import Generators, MatchingRules, SpecVersion, load_request
from accord.model.jsontypes import JsonMapping

__all__ = ["load_raw_generators", "load_raw_rules", "merge_generators", "merge_rules"]


def _raw_json(value: Mapping[str, Any] | str, what: str, where: str) -> dict[str, Any]:
    """The input as JSON: text is parsed, matchers become the rule lists they stand for
    (pact-python's ``MatchingRuleJSONEncoder``)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ContractDefinitionError(
                f"interaction {where!r}: {what} is not valid JSON: {exc}") from None
    if not isinstance(value, Mapping):
        raise ContractDefinitionError(
            f"interaction {where!r}: {what} must be a dict (or its JSON text)")

    def plain(item: Any) -> Any:
        if isinstance(item, Matcher):
            return {"combine": "AND", "matchers": [r.to_json() for r in item.rules]}
        if isinstance(item, Mapping):
            return {k: plain(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [plain(v) for v in item]
        return item

    return {k: plain(v) for k, v in value.items()}


def load_raw_rules(rules: Mapping[str, Matchable] | str, where: str) -> MatchingRules:
    """Matching rules given as pact JSON (or matchers) to a model ``MatchingRules``."""
    data = _raw_json(rules, "with_matching_rules()", where)
    return load_request({"matchingRules": data}, SpecVersion.V4).matching_rules


def load_raw_generators(generators: JsonMapping | str, where: str) -> Generators:
    """Generators given as pact JSON to a model ``Generators``."""
    data = _raw_json(generators, "with_generators()", where)
    return load_request({"generators": data}, SpecVersion.V4).generators


def merge_rules(base: MatchingRules, extra: MatchingRules) -> MatchingRules:
    """``extra``'s rule lists added to (replacing those at the same path in) ``base``."""
    if not extra:
        return base
    cats = {c: dict(e) for c, e in base.categories.items()}
    for cat, key, rl in extra:
        cats.setdefault(cat, {})[key] = rl
    return MatchingRules(cats)


def merge_generators(base: Generators, extra: Generators) -> Generators:
    """``extra``'s generators added to (replacing those at the same path in) ``base``."""
    if not extra:
        return base
    cats = {c: dict(e) for c, e in base.categories.items()}
    for cat, key, g in extra:
        cats.setdefault(cat, {})[key] = g
    return Generators(cats)
