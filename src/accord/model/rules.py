"""Matching rule definitions: what a rule *is* (evaluation lives in ``accord.matching``).

A rule is its kind plus parameters, exactly as in pact JSON (``{"match": "type", "min": 1}``).
Legacy spellings are normalised on read (``real`` → ``decimal``, ``datetime`` → ``timestamp``,
``content-type`` → ``contentType``, a bare ``{"min": 1}`` → ``type``), and parameters are
checked once, so a bad date format fails when the pact is read, not mid-match. A regex that
does not compile is the exception: as in the official tools the pact still loads, and that
one rule fails with a mismatch when it is used (the consumer DSL rejects it when declared).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import field
from typing import Any, Literal

from accord.errors import MatchingRuleError
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "CATEGORIES",
    "RULE_KINDS",
    "MatchingRules",
    "Rule",
    "RuleList",
    "known_rule_kinds",
]

RULE_KINDS = frozenset(
    {
        "equality", "regex", "type", "min", "max", "minmax", "include", "integer", "decimal",
        "number", "boolean", "null", "date", "time", "timestamp", "contentType", "values",
        "arrayContains", "eachKey", "eachValue", "semver", "notEmpty", "statusCode",
    }
)  # fmt: skip


def known_rule_kinds(extra: Iterable[str] = ()) -> frozenset[str]:
    """The built-in rule kinds and ``extra`` ones (a catalogue's ``rule_kinds``)."""
    return RULE_KINDS.union(extra)


_ALIASES = {
    "real": "decimal",
    "datetime": "timestamp",
    "date-time": "timestamp",
    "content-type": "contentType",
    "contenttype": "contentType",
    "min-type": "min",
    "max-type": "max",
    "array-contains": "arrayContains",
    "each-key": "eachKey",
    "each-value": "eachValue",
    "not-empty": "notEmpty",
    "status-code": "statusCode",
}

CATEGORIES = ("method", "path", "query", "header", "body", "status", "metadata", "content")


@dataclass(frozen=True, slots=True)
class Rule:
    """One matching rule: ``kind`` is canonical, ``params`` are the other JSON keys."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @staticmethod
    def from_json(data: JsonValue, *, where: str = "", file: str | None = None,
                  extra_kinds: Collection[str] = ()) -> Rule:
        """A rule read from pact JSON; ``extra_kinds`` are kinds a catalogue's plugins add
        (``Catalogue.rule_kinds``): without them a pact using such a kind is refused."""
        if not isinstance(data, Mapping):
            raise MatchingRuleError(
                f"a matching rule must be an object, got {data!r}", file=file, pointer=where
            )
        params = {k: v for k, v in data.items() if k != "match"}
        raw = data.get("match")
        if raw is None:
            if "regex" in params:
                raw = "regex"
            elif "min" in params or "max" in params:
                raw = "type"
            elif "timestamp" in params:
                raw = "timestamp"
            elif "date" in params:
                raw = "date"
            elif "time" in params:
                raw = "time"
            else:
                raise MatchingRuleError(
                    f"matching rule {dict(data)!r} has no 'match' kind", file=file, pointer=where
                )
        if not isinstance(raw, str):
            raise MatchingRuleError(
                f"matching rule kind must be a string, got {raw!r}", file=file, pointer=where
            )
        kind = _ALIASES.get(raw, _ALIASES.get(raw.lower(), raw))
        if kind in ("min", "max", "minmax"):
            kind = "type"
        if kind not in RULE_KINDS and kind not in extra_kinds:
            known = ", ".join(sorted(known_rule_kinds(extra_kinds)))
            raise MatchingRuleError(
                f"unknown matching rule {raw!r} (known: {known}; "
                "a plugin can add kinds: see accord.plugins)",
                file=file,
                pointer=where,
            )
        return Rule(kind, _normalise(kind, params, where, file))

    def to_json(self) -> JsonObject:
        return {"match": self.kind, **self.params}

    def get(self, key: str, default: JsonValue = None) -> JsonValue:
        return self.params.get(key, default)


def _normalise(kind: str, params: dict[str, Any], where: str, file: str | None) -> dict[str, Any]:
    def fail(msg: str) -> MatchingRuleError:
        return MatchingRuleError(f"{kind} rule: {msg}", file=file, pointer=where)

    if kind == "regex":
        pattern = params.get("regex")
        if not isinstance(pattern, str):
            raise fail("needs a 'regex' string")
    elif kind in ("date", "time", "timestamp"):
        fmt = params.pop("format", None) or params.pop(kind, None)
        if kind == "timestamp":
            fmt = fmt or params.pop("datetime", None)
        for legacy in ("date", "time", "timestamp", "datetime"):
            params.pop(legacy, None)
        if fmt is not None:
            if not isinstance(fmt, str):
                raise fail(f"format must be a string, got {fmt!r}")
            # imported here: the pattern parser is only needed by pacts with date rules
            from accord.model.datetime_format import InvalidDateTimePattern, validate_pattern

            try:
                validate_pattern(fmt)
            except InvalidDateTimePattern as exc:
                raise fail(f"invalid {kind} format {fmt!r}: {exc.reason}") from None
            params["format"] = fmt
    elif kind == "type":
        for bound in ("min", "max"):
            if bound in params and not _is_int(params[bound]):
                raise fail(f"{bound} must be an integer, got {params[bound]!r}")
        if "min" in params and "max" in params and params["min"] > params["max"]:
            raise fail(f"min {params['min']} is greater than max {params['max']}")
    elif kind == "include":
        if "value" not in params:
            raise fail("needs a 'value'")
    elif kind == "contentType":
        if not isinstance(params.get("value"), str):
            raise fail("needs a 'value' content type")
    elif kind == "statusCode":
        status = params.get("status")
        if not (isinstance(status, (str, list))):
            raise fail("needs a 'status' class name or a list of codes")
    elif kind == "arrayContains" and not isinstance(params.get("variants"), list):
        raise fail("needs a 'variants' list")
    return params


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class RuleList:
    """The rules for one path, combined with AND (all must pass) or OR (one must)."""

    rules: tuple[Rule, ...]
    combine: Literal["AND", "OR"] = "AND"

    def to_json(self) -> JsonObject:
        out: JsonObject = {"matchers": [r.to_json() for r in self.rules]}
        if self.combine != "AND":
            out["combine"] = self.combine
        return out

    @staticmethod
    def from_json(data: JsonValue, *, where: str = "", file: str | None = None,
                  extra_kinds: Collection[str] = ()) -> RuleList:
        if isinstance(data, Mapping) and "matchers" in data:
            matchers = data["matchers"]
            if not isinstance(matchers, list):
                raise MatchingRuleError("'matchers' must be a list", file=file, pointer=where)
            combine = str(data.get("combine", "AND")).upper()
            if combine not in ("AND", "OR"):
                raise MatchingRuleError(
                    f"combine must be AND or OR, got {combine!r}", file=file, pointer=where
                )
            rules = tuple(
                Rule.from_json(m, where=f"{where}/matchers/{i}", file=file,
                               extra_kinds=extra_kinds)
                for i, m in enumerate(matchers)
            )
            return RuleList(rules, combine)  # type: ignore[arg-type]
        return RuleList((Rule.from_json(data, where=where, file=file, extra_kinds=extra_kinds),))


@dataclass(frozen=True, slots=True)
class MatchingRules:
    """Rules by category (``body``, ``header``, ``query``, ``path``, ...) and then by key.

    Body and metadata keys are DocPath expressions (``$.a[*].b``); header and query keys are
    names; ``path`` and ``status`` use the single key ``""``.
    """

    categories: Mapping[str, Mapping[str, RuleList]] = field(default_factory=dict)

    def category(self, name: str) -> Mapping[str, RuleList]:
        return self.categories.get(name, {})

    def __bool__(self) -> bool:
        return any(self.categories.values())

    def __iter__(self) -> Iterator[tuple[str, str, RuleList]]:
        for cat, entries in self.categories.items():
            for key, rules in entries.items():
                yield cat, key, rules

    def with_rules(self, category: str, key: str, rules: RuleList) -> MatchingRules:
        cats = {c: dict(e) for c, e in self.categories.items()}
        cats.setdefault(category, {})[key] = rules
        return MatchingRules(cats)

    def rename(self, old: str, new: str) -> MatchingRules:
        """The same rules with category ``old`` called ``new`` (messages: body ↔ content)."""
        if old not in self.categories:
            return self
        cats = {(new if c == old else c): e for c, e in self.categories.items()}
        return MatchingRules(cats)
