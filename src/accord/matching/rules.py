"""Matching-rule evaluation: which rules apply where, and whether a value satisfies a rule.

``RuleIndex`` parses the rule paths of one category once and picks the most specific rule
list for a location (``DocPath`` weight times token count, as the reference implementation does).
A rule list chosen through a parent path is *cascaded*: min/max limits then do not apply,
and rules that only make sense on collections (values, eachKey, eachValue) are ignored.

The ``check_*`` functions evaluate one rule against one value and return an error sentence,
or ``None`` when the value passes.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping, Sequence, Sized
from functools import lru_cache
from typing import Any

from accord.errors import DocPathError, MatchingRuleError
from accord.matching.contenttype import content_type_matches
from accord.matching.display import (
    compact,
    excerpt,
    json_equal,
    list_display,
    raw,
    shown,
    with_type,
)
from accord.model.docpath import STAR, DocPath, Location
from accord.model.jsontypes import JsonObject, JsonValue
from accord.model.memo import IdentityCache
from accord.model.rules import Rule, RuleList

__all__ = [
    "STATUS_CLASSES",
    "RuleIndex",
    "Selected",
    "apply_rules",
    "array_contains_variants",
    "check_collection",
    "check_content_type",
    "check_json",
    "check_status",
    "check_string",
    "rule_errors",
    "rule_index",
    "size_errors",
    "sub_rules",
]

# Rules that apply to a collection as a whole and are not passed down to its children.
# (A cascaded ``values`` rule still compares leaves by equality, so it stays.)
NON_CASCADING = frozenset({"eachKey", "eachValue"})
VALUES_LIKE = frozenset({"values", "eachValue", "arrayContains"})

# The labels use an en dash, as the official messages do.
STATUS_CLASSES: dict[str, tuple[Callable[[int], bool], str]] = {
    "information": (lambda s: 100 <= s <= 199, "Informational response (100–199)"),  # noqa: RUF001
    "success": (lambda s: 200 <= s <= 299, "Successful response (200–299)"),  # noqa: RUF001
    "redirect": (lambda s: 300 <= s <= 399, "Redirect (300–399)"),  # noqa: RUF001
    "clientError": (lambda s: 400 <= s <= 499, "Client error (400–499)"),  # noqa: RUF001
    "serverError": (lambda s: 500 <= s <= 599, "Server error (500–599)"),  # noqa: RUF001
    "nonError": (lambda s: s < 400, "Non-error response (< 400)"),
    "error": (lambda s: s >= 400, "Error response (>= 400)"),
}

_SEMVER = (  # compiled (and cached by ``re``) by the first semver rule, not at import
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)


class Selected:
    """The rule list that applies at a location, and whether it came from a parent path."""

    __slots__ = ("_effective", "cascaded", "combine", "rules")

    def __init__(self, rules: RuleList, cascaded: bool):
        self.rules = rules
        self.cascaded = cascaded
        self.combine: str = rules.combine
        self._effective = (
            tuple(r for r in rules.rules if r.kind not in NON_CASCADING)
            if cascaded
            else rules.rules
        )

    def effective(self) -> tuple[Rule, ...]:
        """The rules to evaluate here: non-cascading rules are dropped when inherited."""
        return self._effective


class _Placeholder:
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


# What a location part becomes in a shape when no rule path names it literally.
_SOME_INDEX = _Placeholder("<index>")  # an array index (or a key of digits): ``[*]`` matches it
_SOME_KEY = _Placeholder("<key>")  # any other key: only ``.*`` matches it
_MEMO_LIMIT = 50_000
_FIRST_FEW = 64


class _PartShapes(dict[Any, Any]):
    """Location part -> what it is in a shape (itself, or a placeholder), computed once."""

    __slots__ = ("entries", "literals", "lower")

    def __init__(self, entries: tuple[tuple[DocPath, RuleList], ...], lower: bool):
        super().__init__()
        self.entries = entries
        self.literals: set[Any] | None = None
        self.lower = lower

    def __missing__(self, part: str | int) -> Any:
        literals = self.literals
        if literals is None:  # worked out on first use: most indexes are asked little
            literals = self.literals = {
                token for path, _ in self.entries for token in path.tokens if token is not STAR
            }
        if isinstance(part, str):
            key = part.lower() if self.lower else part
            if key in literals:
                found: Any = key
            else:
                found = _SOME_INDEX if key.isdigit() else _SOME_KEY
        elif part in literals or str(part) in literals:
            found = part
        else:
            found = _SOME_INDEX
        if len(self) > _MEMO_LIMIT:
            self.clear()
        self[part] = found
        return found


class RuleIndex:
    """The rules of one category with their paths parsed once, and the answers remembered.

    Which rule applies at a location depends only on the location's *shape*: the parts that
    some rule path names literally, and for every other part whether it is an index (which
    ``[*]`` matches) or a key (which only ``.*`` matches). ``$.items[0]`` .. ``$.items[700]``
    share one shape, so each array element costs a dictionary look-up however many rules
    there are, instead of a scan of every rule path.
    """

    __slots__ = ("_below", "_best", "_entries", "_parts", "_seen", "_typed", "_xml", "lower")

    def __init__(self, rules: Mapping[str, RuleList], *, names: bool = False, lower: bool = False):
        self.lower = lower
        self._xml: RuleIndex | None = None
        self._set_entries(
            tuple(
                (_key_path(key, names=names, lower=lower), rule_list)
                for key, rule_list in rules.items()
                if rule_list.rules
            )
        )

    @classmethod
    def of_paths(cls, entries: Sequence[tuple[DocPath, RuleList]]) -> RuleIndex:
        """An index of already-parsed paths (derived rule sets: eachValue, XML)."""
        index = cls({})
        index._set_entries(tuple(entries))
        return index

    def _set_entries(self, entries: tuple[tuple[DocPath, RuleList], ...]) -> None:
        self._entries = entries
        self._parts = _PartShapes(entries, self.lower)
        # shape -> answer; the same pact is matched again and again.
        self._best: dict[tuple[Any, ...], Selected | None] = {}
        self._seen: dict[tuple[Any, ...], Selected | None] = {}
        self._below: dict[tuple[Any, ...], bool] = {}
        self._typed: dict[tuple[Any, ...], bool] = {}

    def __bool__(self) -> bool:
        return bool(self._entries)

    def for_xml(self) -> RuleIndex:
        """The same rules for XML, whose element paths have no indexes: ``[*]`` is dropped
        (``$.animals[*].alligator`` names every ``alligator`` child of ``animals``)."""
        if self._xml is None:
            extra = []
            for path, rule_list in self._entries:
                if "[*]" in path.expression:
                    stripped = path.expression.replace("[*]", "")
                    try:
                        extra.append((DocPath.parse(stripped or "$"), rule_list))
                    except DocPathError:
                        continue
            self._xml = RuleIndex.of_paths((*self._entries, *extra))
        return self._xml

    def _norm(self, location: Location) -> Location:
        if self.lower:
            return tuple(p.lower() if isinstance(p, str) else p for p in location)
        return location

    def _shape(self, location: Location) -> tuple[Any, ...]:
        """``location`` with every part no rule path names replaced by a placeholder.

        Two locations of one shape are matched alike by every path: a path token is either
        a literal (kept in the shape), ``.*`` (matches anything) or ``[*]`` (matches indexes,
        and the placeholders keep that distinction).
        """
        return tuple(map(self._parts.__getitem__, location))

    def _remember(
        self, memo: dict[tuple[Any, ...], Any], location: Location, compute: Callable[[], Any]
    ) -> Any:
        shape = self._shape(location)
        try:
            return memo[shape]
        except KeyError:
            pass
        if len(memo) > _MEMO_LIMIT:
            memo.clear()
        found = memo[shape] = compute()
        return found

    def best(self, location: Location) -> Selected | None:
        """The most specific rule list for ``location`` (its own or a parent's)."""
        if not self._entries:
            return None
        key = location if isinstance(location, tuple) else tuple(location)
        try:
            return self._seen[key]  # this very location again (the same pact, matched again)
        except KeyError:
            pass
        if len(self._seen) < _FIRST_FEW:
            # A fresh index asked about a few places (a small body): scanning is cheapest.
            found = self._select(key)
        else:
            shape = self._shape(key)
            try:
                found = self._best[shape]
            except KeyError:
                if len(self._best) > _MEMO_LIMIT:
                    self._best.clear()
                found = self._best[shape] = self._select(key)
        if len(self._seen) > _MEMO_LIMIT:
            self._seen.clear()
        self._seen[key] = found
        return found

    def _select(self, location: Location) -> Selected | None:
        loc = self._norm(location)
        chosen: tuple[DocPath, RuleList] | None = None
        top = 0
        for path, rule_list in self._entries:
            weight = path.prefix_weight(loc)
            if weight:
                score = weight * (len(path.tokens) + 1)
                if score > top:
                    top, chosen = score, (path, rule_list)
        if chosen is None:
            return None
        return Selected(chosen[1], len(chosen[0].tokens) != len(loc))

    def defined(self, location: Location) -> bool:
        return self.best(location) is not None

    def within(self, location: Location) -> bool:
        """Does any rule apply at ``location`` or anywhere below it?

        When none does, the subtree is compared value by value without asking again.
        """
        if not self._entries:
            return False

        def compute() -> bool:
            loc = self._norm(location)
            return any(_head(path, len(loc)).prefix_weight(loc) for path, _ in self._entries)

        return self._remember(self._below, location, compute)  # type: ignore[no-any-return]

    def type_defined(self, location: Location) -> bool:
        if not self._entries:
            return False

        def compute() -> bool:
            loc = self._norm(location)
            return any(
                path.prefix_weight(loc) and any(r.kind == "type" for r in rl.rules)
                for path, rl in self._entries
            )

        return self._remember(self._typed, location, compute)  # type: ignore[no-any-return]


@lru_cache(maxsize=4096)
def _head(path: DocPath, length: int) -> DocPath:
    """The first ``length`` tokens of ``path`` (all of it when it is no longer)."""
    if len(path.tokens) <= length:
        return path
    stars = frozenset(i for i in path.index_stars if i < length)
    return DocPath(path.tokens[:length], path.expression, stars)


def _key_path(key: str, *, names: bool, lower: bool) -> DocPath:
    if names:
        text = key.strip()
        if text.startswith("$"):
            path = DocPath.parse(text)
        else:
            m = re.fullmatch(r"(.*)\[(\d+|\*)\]", text)
            path = DocPath((text,), text)  # a name is taken as written...
            if m and "'" not in m.group(1):  # ...unless it ends with an index
                path = DocPath.parse(f"$['{m.group(1)}'][{m.group(2)}]")
    else:
        path = DocPath.parse(key)
    if lower:
        tokens = tuple(t.lower() if isinstance(t, str) else t for t in path.tokens)
        path = DocPath(tokens, path.expression)
    return path


_INDEXES: IdentityCache[RuleIndex] = IdentityCache(4096)
_EMPTY = RuleIndex({})


def rule_index(
    rules: Mapping[str, RuleList], *, names: bool = False, lower: bool = False
) -> RuleIndex:
    """The (cached) index of one category's rules; pacts are matched many times."""
    if not rules:
        return _EMPTY
    return _INDEXES.get(rules, lambda: RuleIndex(rules, names=names, lower=lower), names, lower)


_PARSED: IdentityCache[Any] = IdentityCache(4096)  # what a rule holds, parsed once per rule


def sub_rules(rule: Rule) -> tuple[Rule, ...]:
    """The rules inside an eachKey/eachValue rule (parsed once)."""

    def build() -> tuple[Rule, ...]:
        raw_rules = rule.params.get("rules") or []
        if isinstance(raw_rules, Mapping):
            raw_rules = [raw_rules]
        out = []
        for i, item in enumerate(raw_rules):
            if isinstance(item, Rule):
                out.append(item)
            else:
                out.append(Rule.from_json(item, where=f"{rule.kind}/rules/{i}"))
        return tuple(out)

    return _PARSED.get(rule, build)  # type: ignore[no-any-return]


def array_contains_variants(rule: Rule) -> list[tuple[int, RuleIndex]]:
    """The variants of an arrayContains rule: (index into the expected list, its rules)."""

    def build() -> list[tuple[int, RuleIndex]]:
        out = []
        for i, variant in enumerate(rule.params.get("variants") or []):
            if not isinstance(variant, Mapping):
                raise MatchingRuleError(f"arrayContains variant {i} must be an object")
            index = variant.get("index", i)
            raw_rules = variant.get("rules") or {}
            rules = {
                key: value
                if isinstance(value, RuleList)
                else RuleList.from_json(value, where=f"arrayContains/variants/{i}/rules/{key}")
                for key, value in raw_rules.items()
            }
            out.append((int(index), RuleIndex(rules)))
        return out

    return _PARSED.get(rule, build)  # type: ignore[no-any-return]


def apply_rules(
    rules: Sequence[Rule], combine: str, check: Callable[[Rule], str | None]
) -> list[str]:
    """Evaluate ``rules`` with AND (every failure reported) or OR (fails only if all fail)."""
    errors = []
    passed = False
    for rule in rules:
        message = check(rule)
        if message is None:
            passed = True
        else:
            errors.append(message)
    if combine == "OR":
        return [] if passed or not rules else errors
    return errors


def rule_errors(
    selected: Selected | None,
    check: Callable[[Rule, bool], str | None],
    difference: Callable[[], str | None],
) -> list[str]:
    """The errors at one place: its rules (``check(rule, cascaded)``) decide when it has any;
    without rules, ``difference()`` says what is unequal, or None."""
    if selected is None:
        message = difference()
        return [] if message is None else [message]
    cascaded = selected.cascaded
    return apply_rules(selected.effective(), selected.combine, lambda r: check(r, cascaded))


# --------------------------------------------------------------------------- single values


_JSON_CLASS = {
    bool: "bool",
    int: "number",
    float: "number",
    str: "str",
    type(None): "null",
    dict: "object",
    list: "array",
}


def _same_json_type(expected: Any, actual: Any) -> bool:
    e, a = type(expected), type(actual)
    return e is a or _JSON_CLASS.get(e, e) == _JSON_CLASS.get(a, a)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _date_message(kind: str, value: str, fmt: str | None) -> str:
    from accord.matching.datetimes import DEFAULT_FORMATS

    return f"Expected '{value}' to match a {kind} pattern of '{fmt or DEFAULT_FORMATS[kind]}'"


def _check_date(rule: Rule, value: str) -> str | None:
    # the date-format reader and the regex engines load on the first rule that needs them:
    # a consumer test's cold start rarely does
    from accord.matching.datetimes import InvalidFormat, matches_format

    fmt = rule.params.get("format")
    kind = "date" if rule.kind == "date" else "time" if rule.kind == "time" else "timestamp"
    try:
        ok = matches_format(value, fmt, kind)
    except InvalidFormat as exc:
        return f"'{fmt}' is not a valid {kind} format: {exc}"
    return None if ok else _date_message(kind, value, fmt)


def _check_regex(rule: Rule, text: str) -> str | None:
    """A regex rule against text. A pattern that does not compile, or that the backtracking
    engine gives up on, fails this one value with a mismatch saying so (as the official
    tools do for an invalid pattern): the rest of the pact is still checked."""
    from accord.model.regex import RegexError, RegexTimeout, compile_pattern

    pattern = str(rule.params.get("regex", ""))
    try:
        if compile_pattern(pattern).fullmatch(text):
            return None
    except RegexTimeout as exc:
        return f"regex '{excerpt(pattern)}' in matching rule gave up: {exc.reason}"
    except RegexError as exc:
        return f"invalid regex '{excerpt(pattern)}' in matching rule: {exc.reason}"
    return f"Expected '{excerpt(text)}' to match '{excerpt(pattern)}'"


def _as_bytes(value: str) -> bytes:
    """Binary data inside JSON is base64; fall back to the text itself."""
    if len(value) >= 8 and len(value) % 4 == 0:
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            pass
    return value.encode()


def check_content_type(data: bytes, expected: str) -> str | None:
    ok, found = content_type_matches(data, expected)
    if ok:
        return None
    return (
        f"Expected binary contents to have content type '{expected}' "
        f"but detected contents was '{found}'"
    )


def check_status(rule: Rule, status: int) -> str | None:
    if rule.kind != "statusCode":
        return None
    spec = rule.params.get("status")
    if isinstance(spec, list):
        codes = [int(c) for c in spec]
        if status in codes:
            return None
        return f"Expected status code {status} to be a {', '.join(str(c) for c in codes)}"
    entry = STATUS_CLASSES.get(str(spec))
    if entry is None:
        raise MatchingRuleError(
            f"statusCode rule: unknown status class {spec!r} (known: {', '.join(STATUS_CLASSES)})"
        )
    test, label = entry
    return None if test(status) else f"Expected status code {status} to be a {label}"


def check_json(
    rule: Rule, expected: JsonValue, actual: JsonValue, cascaded: bool = False
) -> str | None:
    """One rule against one JSON value (not a container: see ``check_list``/``check_map``)."""
    kind = rule.kind
    if kind == "regex":
        return _check_regex(rule, raw(actual))
    if kind in ("equality", "values"):
        if json_equal(expected, actual):
            return None
        return f"Expected {with_type(actual)} to be equal to {with_type(expected)}"
    if kind == "type":
        if _same_json_type(expected, actual):
            return None
        return f"Expected {with_type(actual)} to be the same type as {with_type(expected)}"
    if kind == "include":
        text = raw(actual)
        if str(rule.params.get("value")) in text:
            return None
        return f"Expected '{excerpt(text)}' to include '{excerpt(str(rule.params.get('value')))}'"
    if kind == "null":
        return None if actual is None else f"Expected {with_type(actual)} to be a null value"
    if kind == "integer":
        return None if _is_int(actual) else f"Expected {with_type(actual)} to be an integer"
    if kind == "decimal":
        return (
            None
            if isinstance(actual, float)
            else f"Expected {with_type(actual)} to be a decimal number"
        )
    if kind == "number":
        if _is_int(actual) or isinstance(actual, float):
            return None
        return f"Expected {with_type(actual)} to be a number"
    if kind == "boolean":
        if isinstance(actual, bool) or actual in ("true", "false"):
            return None
        return f"Expected {with_type(actual)} to match a boolean"
    if kind in ("date", "time", "timestamp"):
        return _check_date(rule, raw(actual))
    if kind == "contentType":
        data = _as_bytes(actual) if isinstance(actual, str) else compact(actual).encode()
        return check_content_type(data, str(rule.params.get("value")))
    if kind == "notEmpty":
        if actual is None:
            return "Expected non-empty value but got a NULL"
        if actual in ("", [], {}):
            return f"Expected {with_type(actual)} to not be empty"
        return None
    if kind == "semver":
        if not isinstance(actual, str):
            return (
                f"Expected something that matches a semantic version, but got '{shown(actual)}'"
            )
        if re.fullmatch(_SEMVER, actual):
            return None
        return f"'{excerpt(actual)}' is not a valid semantic version"
    if kind == "statusCode" and _is_int(actual):
        return check_status(rule, actual)
    return None  # collection rules (eachKey, eachValue, arrayContains) do not constrain a leaf


def check_string(rule: Rule, expected: str, actual: str, cascaded: bool = False) -> str | None:
    """One rule against a string value (headers, query values, the path, XML text)."""
    kind = rule.kind
    if kind == "regex":
        return _check_regex(rule, actual)
    if kind in ("equality", "values"):
        if expected == actual:
            return None
        return f"Expected '{excerpt(actual)}' to be equal to '{excerpt(expected)}'"
    if kind == "type":
        return None
    if kind == "include":
        value = str(rule.params.get("value"))
        if value in actual:
            return None
        return f"Expected '{excerpt(actual)}' to include '{excerpt(value)}'"
    if kind in ("number", "decimal"):
        try:
            float(actual)
        except ValueError:
            return f"Expected '{excerpt(actual)}' to match a number"
        return None
    if kind == "integer":
        return (
            None
            if re.fullmatch(r"[+-]?\d+", actual)
            else f"Expected '{excerpt(actual)}' to match an integer number"
        )
    if kind in ("date", "time", "timestamp"):
        return _check_date(rule, actual)
    if kind == "boolean":
        if actual in ("true", "false"):
            return None
        return f"Expected '{excerpt(actual)}' to match a boolean"
    if kind == "statusCode":
        if not actual.strip().isdigit():
            return f"Unable to match '{excerpt(actual)}' as a status code"
        return check_status(rule, int(actual))
    if kind == "notEmpty":
        return None if actual else "Expected '' to not be empty"
    if kind == "semver":
        if re.fullmatch(_SEMVER, actual):
            return None
        return f"'{excerpt(actual)}' is not a valid semantic version"
    if kind == "contentType":
        return check_content_type(actual.encode(), str(rule.params.get("value")))
    if kind == "null":
        return f"Expected '{excerpt(actual)}' to be a null value"
    if cascaded:
        return None
    return f"Unable to match '{excerpt(actual)}' using the {kind} rule"


def size_errors(rule: Rule, actual: Sized, show: Callable[[JsonValue], str]) -> list[str]:
    """What a ``type`` rule's ``min``/``max`` find wrong with the size of a collection."""
    low, high = rule.params.get("min"), rule.params.get("max")
    out = []
    if low is not None and len(actual) < low:
        out.append(f"Expected {show(actual)} (size {len(actual)}) to have minimum size of {low}")
    if high is not None and len(actual) > high:
        out.append(f"Expected {show(actual)} (size {len(actual)}) to have maximum size of {high}")
    return out


# Value rules that, put on an object, judge it as a value (and fail: it is not a number, ...).
_VALUE_KINDS_ON_OBJECTS = frozenset(
    {"integer", "decimal", "number", "boolean", "null", "date", "time", "timestamp", "semver",
     "contentType", "statusCode"}
)  # fmt: skip


def check_collection(
    rule: Rule,
    expected: list[JsonValue] | JsonObject,
    actual: list[JsonValue] | JsonObject,
    cascaded: bool,
) -> str | None:
    """A rule's constraint on a list or an object as a whole (size limits, equality, not empty)."""
    kind = rule.kind
    is_list = isinstance(actual, list)
    if kind == "type":
        show = list_display if is_list else compact
        return None if cascaded else next(iter(size_errors(rule, actual, show)), None)
    if kind == "equality":
        if json_equal(expected, actual):
            return None
        return f"Expected {shown(actual)} to be equal to {shown(expected)}"
    if kind == "notEmpty":
        empty = "[] (Array)" if is_list else "{} (Object)"
        return None if actual else f"Expected {empty} to not be empty"
    if is_list:
        if kind in ("null", "statusCode"):
            what = "a null value" if kind == "null" else "a status code"
            return f"Expected {shown(actual)} (Array) to be {what}"
        return None
    if kind in _VALUE_KINDS_ON_OBJECTS:
        return check_json(rule, expected, actual, cascaded)
    return None
