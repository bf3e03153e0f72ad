"""Comparing JSON documents under matching rules.

Walks expected and actual together. Without a rule, values must be equal, objects must have
the expected keys (and, for requests, no others) and arrays the same length. A rule at a
path (or cascading from a parent) changes that: type matching, min/max sizes, values/eachKey/
eachValue/arrayContains for collections, and the value rules for leaves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from accord.matching.display import compact, excerpt, json_equal, shown, with_type
from accord.matching.result import Mismatch
from accord.matching.rules import (
    VALUES_LIKE,
    RuleIndex,
    apply_rules,
    array_contains_variants,
    check_collection,
    check_json,
    check_string,
    sub_rules,
)
from accord.model.docpath import STAR, DocPath
from accord.model.jsontypes import JsonValue
from accord.model.rules import Rule, RuleList
from accord.model.valueclass import dataclass

__all__ = ["JsonContext", "compare_json", "path_text"]

Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class JsonContext:
    """What comparing one JSON body needs throughout: its rules, and whether extra keys
    are allowed."""

    rules: RuleIndex
    allow_unexpected: bool  # responses and messages: extra keys are fine


def path_text(location: Loc) -> str:
    """``$.a[0].b``; numeric keys are shown as indexes (``$[100]``) as the official tools do."""
    parts = ["$"]
    for token in location:
        if isinstance(token, int) or token.isdigit():
            parts.append(f"[{token}]")
        elif _PLAIN.fullmatch(token):
            parts.append(f".{token}")
        else:
            parts.append("['" + token.replace("'", "\\'") + "']")
    return "".join(parts)


_PLAIN = re.compile(r"[A-Za-z0-9_\-]+")


def _mismatch(loc: Loc, expected: Any, actual: Any, message: str) -> Mismatch:
    """A mismatch at ``loc``, showing both values as compact JSON."""
    return Mismatch("BodyMismatch", path_text(loc), compact(expected), compact(actual), message)


def compare_json(
    loc: Loc, expected: JsonValue, actual: JsonValue, ctx: JsonContext
) -> list[Mismatch]:
    if isinstance(expected, dict):
        if isinstance(actual, dict):
            return _compare_maps(loc, expected, actual, ctx)
    elif isinstance(expected, list):
        if isinstance(actual, list):
            return _compare_lists(loc, expected, actual, ctx)
    else:
        return _compare_values(loc, expected, actual, ctx)
    return [
        _mismatch(
            loc,
            expected,
            actual,
            f"Type mismatch: Expected {with_type(actual)} to be the same type as "
            f"{with_type(expected)}",
        )
    ]


_NO_RULES = RuleIndex({})


# Asking whether rules reach into a collection costs a scan of the rules the first time;
# below this many entries, looking up each entry is cheaper.
_SCAN_SIZE = 8


def _without_rules(loc: Loc, ctx: JsonContext) -> JsonContext:
    """The context for a collection no rule reaches into: its entries need no rule look-ups."""
    if loc and ctx.rules and not ctx.rules.within(loc):
        return JsonContext(_NO_RULES, ctx.allow_unexpected)
    return ctx


def _compare_values(loc: Loc, expected: Any, actual: Any, ctx: JsonContext) -> list[Mismatch]:
    # The hottest function of the engine (once per leaf), so ``rule_errors`` is written out.
    selected = ctx.rules.best(loc)
    if selected is not None:
        cascaded = selected.cascaded
        errors = apply_rules(
            selected.effective(),
            selected.combine,
            lambda r: check_json(r, expected, actual, cascaded),
        )
    elif json_equal(expected, actual):
        return []
    else:
        errors = [f"Expected {with_type(actual)} to be equal to {with_type(expected)}"]
    return [_mismatch(loc, expected, actual, e) for e in errors]


def _key_checks(
    loc: Loc,
    expected: dict[str, Any],
    actual: dict[str, Any],
    ctx: JsonContext,
    direct: RuleList | None,
) -> list[Mismatch]:
    out: list[Mismatch] = []
    direct_kinds = {r.kind for r in direct.rules} if direct else set()
    if not direct_kinds & {"values", "eachValue", "eachKey"}:
        if ctx.allow_unexpected:
            missing = [k for k in expected if k not in actual]
            if missing:
                out.append(
                    _mismatch(
                        loc,
                        expected,
                        actual,
                        f"Actual map is missing the following keys: {excerpt(', '.join(missing))}",
                    )
                )
        elif expected.keys() != actual.keys():
            out.append(
                _mismatch(
                    loc,
                    expected,
                    actual,
                    f"Expected a Map with keys [{excerpt(', '.join(sorted(expected)))}] but "
                    f"received one with keys [{excerpt(', '.join(sorted(actual)))}]",
                )
            )
    if direct is not None:
        for rule in direct.rules:
            if rule.kind != "eachKey":
                continue
            for key in actual:
                errors = apply_rules(
                    sub_rules(rule), "AND", partial(check_string, expected="", actual=key)
                )
                path = path_text((*loc, key))
                out.extend(Mismatch("BodyMismatch", path, "", key, e) for e in errors)
    return out


def _compare_maps(
    loc: Loc, expected: dict[str, Any], actual: dict[str, Any], ctx: JsonContext
) -> list[Mismatch]:
    if not expected and actual and not ctx.allow_unexpected:
        message = f"Expected an empty Map but received {shown(actual)}"
        return [_mismatch(loc, expected, actual, message)]
    selected = ctx.rules.best(loc)
    if selected is None:
        if len(actual) >= _SCAN_SIZE:
            ctx = _without_rules(loc, ctx)
        out = _key_checks(loc, expected, actual, ctx, None)
        for key, value in expected.items():
            if key in actual:
                out.extend(compare_json((*loc, key), value, actual[key], ctx))
        return out

    rules = selected.effective()
    cascaded = selected.cascaded
    values_rule = next((r for r in rules if r.kind in VALUES_LIKE), None) if not cascaded else None
    if values_rule is not None:
        # Keys are free: every actual entry is compared with the expected entry of the same key,
        # or with the first expected entry.
        out = []
        child_ctx = ctx
        if values_rule.kind == "eachValue":
            child_ctx = JsonContext(_each_value_index(values_rule, loc), ctx.allow_unexpected)
        first = next(iter(expected.values()), _NOTHING)
        for key, value in actual.items():
            template = expected.get(key, first)
            if template is not _NOTHING:
                out.extend(compare_json((*loc, key), template, value, child_ctx))
        for rule in rules:
            if rule is not values_rule and rule.kind not in VALUES_LIKE:
                msg = check_collection(rule, expected, actual, cascaded)
                if msg:
                    out.append(_mismatch(loc, expected, actual, msg))
        return out

    out = []
    errors = apply_rules(
        rules, selected.combine, lambda r: check_collection(r, expected, actual, cascaded)
    )
    out.extend(_mismatch(loc, expected, actual, e) for e in errors)
    out.extend(_key_checks(loc, expected, actual, ctx, None if cascaded else selected.rules))
    for key, value in expected.items():
        if key in actual:
            out.extend(compare_json((*loc, key), value, actual[key], ctx))
    return out


class _Nothing:
    pass


_NOTHING: Any = _Nothing()


def _each_value_index(rule: Any, loc: Loc) -> RuleIndex:
    return RuleIndex.of_paths([(DocPath((*loc, STAR), ""), RuleList(sub_rules(rule)))])


def _compare_lists(
    loc: Loc, expected: list[Any], actual: list[Any], ctx: JsonContext
) -> list[Mismatch]:
    selected = ctx.rules.best(loc)
    if selected is None:
        if len(actual) >= _SCAN_SIZE:
            ctx = _without_rules(loc, ctx)
        if not expected and actual:
            return [
                _mismatch(
                    loc, expected, actual, f"Expected an empty List but received {shown(actual)}"
                )
            ]
        out = _list_content(loc, expected, actual, ctx, pad=False)
        if len(expected) != len(actual):
            out.append(
                _mismatch(
                    loc,
                    expected,
                    actual,
                    f"Expected a List with {len(expected)} elements but received "
                    f"{len(actual)} elements",
                )
            )
        return out
    if not expected:
        return []  # a rule with no example to compare against constrains nothing
    return list_with_rules(
        loc,
        selected.effective(),
        selected.combine,
        selected.cascaded,
        expected,
        actual,
        ctx,
        compare_json,
    )


Compare = Callable[[Loc, JsonValue, JsonValue, JsonContext], list[Mismatch]]


def list_with_rules(
    loc: Loc,
    rules: tuple[Rule, ...],
    combine: str,
    cascaded: bool,
    expected: list[JsonValue],
    actual: list[JsonValue],
    ctx: JsonContext,
    compare: Compare,
) -> list[Mismatch]:
    """A list under rules: arrayContains variants, eachValue, or size limits + per-item checks."""
    results: list[list[Mismatch]] = []
    plain = []
    for rule in rules:
        if rule.kind == "arrayContains" and not cascaded:
            results.append(_array_contains(loc, rule, expected, actual, ctx, compare))
        elif rule.kind == "eachValue" and not cascaded:
            child = JsonContext(_each_value_index(rule, loc), ctx.allow_unexpected)
            results.append(_list_content(loc, expected, actual, child, pad=True, compare=compare))
        else:
            plain.append(rule)
    if plain:
        found: list[Mismatch] = []
        for rule in plain:
            msg = check_collection(rule, expected, actual, cascaded)
            if msg:
                found.append(_mismatch(loc, expected, actual, msg))
        if combine == "OR" and len(found) < len(plain):
            found = []
        found.extend(_list_content(loc, expected, actual, ctx, pad=True, compare=compare))
        results.append(found)
    if combine == "OR" and any(not r for r in results):
        return []
    return [m for r in results for m in r]


def _array_contains(
    loc: Loc, rule: Any, expected: list[Any], actual: list[Any], ctx: JsonContext, compare: Compare
) -> list[Mismatch]:
    variants = array_contains_variants(rule)
    if not variants:
        variants = [(i, RuleIndex({})) for i in range(len(expected))]
    out = []
    for index, rules in variants:
        if index >= len(expected):
            out.append(
                _mismatch(
                    loc,
                    expected,
                    actual,
                    f"ArrayContains: variant {index} is missing from the expected list, "
                    f"which has {len(expected)} items",
                )
            )
            continue
        template = expected[index]
        variant_ctx = JsonContext(rules, ctx.allow_unexpected)
        if not any(not compare((), template, item, variant_ctx) for item in actual):
            out.append(
                _mismatch(
                    loc,
                    template,
                    actual,
                    f"Variant at index {index} ({shown(template)}) was not found in "
                    "the actual list",
                )
            )
    return out


def _list_content(
    loc: Loc,
    expected: list[JsonValue],
    actual: list[JsonValue],
    ctx: JsonContext,
    *,
    pad: bool,
    compare: Compare = compare_json,
) -> list[Mismatch]:
    out: list[Mismatch] = []
    items = expected
    if pad and len(actual) > len(expected) and expected:
        items = expected + [expected[0]] * (len(actual) - len(expected))
    for index, value in enumerate(items):
        child = (*loc, index)
        if index < len(actual):
            out.extend(compare(child, value, actual[index], ctx))
        elif not ctx.rules.defined(child):
            out.append(
                _mismatch(
                    loc,
                    expected,
                    actual,
                    f"Expected {shown(value)} but was missing"
                    if not pad
                    else f"Expected {shown(value)} ({index}) but was missing",
                )
            )
    return out
