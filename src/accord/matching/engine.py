"""Matching whole requests, responses and messages: method, path, query, headers, status,
body and message metadata, with the leniencies each specification version defines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any
from urllib.parse import unquote

from accord.matching.bodies import DEFAULT_CATALOGUE, BodyContext, match_body_content
from accord.matching.display import excerpt, json_equal, raw, shown, with_type
from accord.matching.result import MatchResult, Mismatch
from accord.matching.rules import (
    RuleIndex,
    Selected,
    apply_rules,
    check_json,
    check_status,
    check_string,
    rule_index,
    size_errors,
)
from accord.model.body import BodyState, base_content_type
from accord.model.catalogue import Catalogue
from accord.model.interactions import (
    HttpRequest,
    HttpResponse,
    MessageContents,
    find_header,
    is_content_type_key,
)
from accord.model.jsontypes import JsonMapping
from accord.model.pact import SpecVersion
from accord.model.rules import MatchingRules, Rule
from accord.model.target import query_string

__all__ = ["match_message", "match_request", "match_response"]

PARAMETERISED_HEADERS = frozenset({"accept", "content-type"})
MULTI_VALUE_HEADERS = frozenset(
    {
        "accept",
        "accept-encoding",
        "accept-language",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-expose-headers",
        "access-control-request-headers",
        "allow",
        "cache-control",
        "if-match",
        "if-none-match",
        "vary",
    }
)


# --------------------------------------------------------------------------- entry points


def match_request(
    expected: HttpRequest,
    actual: HttpRequest,
    *,
    spec: SpecVersion = SpecVersion.V4,
    plugin_config: JsonMapping | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> MatchResult:
    """Does ``actual`` satisfy ``expected``? Requests are strict: no unexpected keys or params.
    ``plugin_config`` is the interaction's ``pluginConfiguration``, for plugin body matchers;
    ``catalogue`` says which body matchers and plugins compare bodies."""
    rules = expected.matching_rules
    result = MatchResult()
    out = result.mismatches
    result.compared += 2
    if expected.method.upper() != actual.method.upper():
        out.append(
            Mismatch(
                "MethodMismatch",
                "",
                expected.method,
                actual.method,
                f"Expected method {expected.method.upper()} but was {actual.method.upper()}",
            )
        )
    out.extend(_match_path(expected.path, actual.path, rules))
    query = _match_query(expected, actual, rules, spec)
    result.compared += len(expected.query or {})
    out.extend(query)
    _match_headers_and_body(expected, actual, result, allow_unexpected=False,
                            plugin_config=plugin_config, catalogue=catalogue)
    return result


def match_response(
    expected: HttpResponse,
    actual: HttpResponse,
    *,
    spec: SpecVersion = SpecVersion.V4,
    plugin_config: JsonMapping | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> MatchResult:
    """Does ``actual`` satisfy ``expected``? Responses allow unexpected keys in bodies."""
    rules = expected.matching_rules
    result = MatchResult()
    out = result.mismatches
    if expected.status is not None:
        result.compared += 1
        out.extend(_match_status(expected.status, actual.status, rules))
    _match_headers_and_body(expected, actual, result, allow_unexpected=True,
                            plugin_config=plugin_config, catalogue=catalogue)
    return result


def _match_headers_and_body(
    expected: HttpRequest | HttpResponse,
    actual: HttpRequest | HttpResponse,
    result: MatchResult,
    *,
    allow_unexpected: bool,
    plugin_config: JsonMapping | None,
    catalogue: Catalogue,
) -> None:
    result.compared += len(expected.headers) + 1
    out = result.mismatches
    out.extend(_match_headers(expected.headers, actual.headers, expected.matching_rules))
    out.extend(_match_body(expected, actual, allow_unexpected=allow_unexpected, headers=True,
                           plugin_config=plugin_config, catalogue=catalogue))


def match_message(
    expected: MessageContents,
    actual: MessageContents,
    *,
    spec: SpecVersion = SpecVersion.V4,
    plugin_config: JsonMapping | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> MatchResult:
    """Does the actual message satisfy the expected one (contents and metadata)?"""
    rules = expected.matching_rules
    result = MatchResult()
    out = result.mismatches
    result.compared += 1
    out.extend(_match_body(expected, actual, allow_unexpected=True, headers=False,
                           plugin_config=plugin_config, catalogue=catalogue))
    result.compared += len(expected.metadata)
    out.extend(_match_metadata(expected.metadata, actual.metadata, rules))
    return result


# --------------------------------------------------------------------------- method, path, status


def _single(rules: MatchingRules, category: str) -> Selected | None:
    entries = rules.category(category)
    if not entries:
        return None
    for rule_list in entries.values():
        if rule_list.rules:
            return Selected(rule_list, False)
    return None


def _match_path(expected: str, actual: str, rules: MatchingRules) -> list[Mismatch]:
    selected = _single(rules, "path")
    if selected is not None:
        errors = apply_rules(
            selected.effective(), selected.combine, lambda r: check_string(r, expected, actual)
        )
    elif expected != actual:
        errors = [f"Expected path '{excerpt(expected)}' but was '{excerpt(actual)}'"]
    else:
        errors = []
    return [Mismatch("PathMismatch", "", expected, actual, e) for e in errors]


def _match_status(expected: int, actual: int | None, rules: MatchingRules) -> list[Mismatch]:
    selected = _single(rules, "status")
    if actual is None:
        return [
            Mismatch(
                "StatusMismatch",
                "",
                expected,
                None,
                f"Expected status {expected} but there was no status",
            )
        ]
    if selected is not None:

        def check(rule: Rule) -> str | None:
            if rule.kind == "statusCode":
                return check_status(rule, actual)
            return check_json(rule, expected, actual)

        errors = apply_rules(selected.effective(), selected.combine, check)
    elif expected != actual:
        errors = [f"Expected status {expected} but was {actual}"]
    else:
        errors = []
    return [Mismatch("StatusMismatch", "", expected, actual, e) for e in errors]


# --------------------------------------------------------------------------- query


def _match_query(
    expected: HttpRequest, actual: HttpRequest, rules: MatchingRules, spec: SpecVersion
) -> list[Mismatch]:
    out = _match_parsed_query(expected, actual, rules)
    if not out and spec is SpecVersion.V1 and expected.raw_query is not None:
        # V1 also compares the query strings themselves: order and a trailing '&' count.
        return _match_raw_query(expected, actual)
    return out


def _match_parsed_query(
    expected: HttpRequest, actual: HttpRequest, rules: MatchingRules
) -> list[Mismatch]:
    e_query = expected.query
    a_query = actual.query
    if e_query is None:
        e_query = {}
    if a_query is None:
        a_query = {}
    index = rule_index(rules.category("query"), names=True)
    out: list[Mismatch] = []
    for key, values in e_query.items():
        e_values = ["" if v is None else v for v in values]
        if key not in a_query:
            out.append(
                Mismatch(
                    "QueryMismatch",
                    key,
                    e_values,
                    None,
                    f"Expected query parameter '{key}' but was missing",
                )
            )
            continue
        a_values = ["" if v is None else v for v in a_query[key]]
        out.extend(_query_values(key, e_values, a_values, index))
    for key, values in a_query.items():
        if key not in e_query:
            a_values = ["" if v is None else v for v in values]
            out.append(
                Mismatch(
                    "QueryMismatch",
                    key,
                    None,
                    a_values,
                    f"Unexpected query parameter '{key}' received",
                )
            )
    return out


def _query_values(
    key: str, expected: list[str], actual: list[str], index: RuleIndex
) -> list[Mismatch]:
    def mm(e: Any, a: Any, msg: str) -> Mismatch:
        return Mismatch("QueryMismatch", key, e, a, msg)

    selected = index.best((key,))
    if selected is not None:
        return [
            mm(e, a, msg)
            for e, a, msg in _values_with_rules((key,), selected, expected, actual, index)
        ]
    if not expected and actual:
        return [
            mm(
                expected,
                actual,
                f"Expected an empty parameter list for '{key}' but received {actual}",
            )
        ]
    out = []
    if len(expected) != len(actual):
        out.append(
            mm(
                expected,
                actual,
                f"Expected query parameter '{key}' with {len(expected)} "
                f"value(s) but received {len(actual)} value(s)",
            )
        )
    for i, value in enumerate(expected):
        if i < len(actual):
            item = index.best((key, i))
            if item is not None:
                errors = apply_rules(
                    item.effective(),
                    item.combine,
                    partial(check_string, expected=value, actual=actual[i], cascaded=item.cascaded),
                )
                out.extend(mm(value, actual[i], e) for e in errors)
            elif value != actual[i]:
                out.append(
                    mm(
                        value,
                        actual[i],
                        f"Expected query parameter '{key}' with value "
                        f"'{value}' but was '{actual[i]}'",
                    )
                )
        else:
            out.append(
                mm(
                    expected,
                    actual,
                    f"Expected query parameter '{key}' value '{value}' but was missing",
                )
            )
    return out


def _values_with_rules(
    loc: tuple[str, ...],
    selected: Selected,
    expected: list[str],
    actual: list[str],
    index: RuleIndex,
) -> list[tuple[Any, Any, str]]:
    """A list of string values under rules: size limits on the list, then each value."""
    out: list[tuple[Any, Any, str]] = []
    if not expected:
        return out
    for rule in selected.effective():
        if rule.kind == "type" and not selected.cascaded:
            out.extend((expected, actual, e) for e in size_errors(rule, actual, str))
    templates = expected + [expected[0]] * max(0, len(actual) - len(expected))
    for i, (e, a) in enumerate(zip(templates, actual, strict=False)):
        item = index.best((*loc, i)) or selected
        errors = apply_rules(
            item.effective(),
            item.combine,
            partial(check_string, expected=e, actual=a, cascaded=True),
        )
        out.extend((e, a, msg) for msg in errors)
    return out


def _match_raw_query(expected: HttpRequest, actual: HttpRequest) -> list[Mismatch]:
    """V1 compares query strings as strings (with %-escapes decoded)."""
    e_raw = expected.raw_query or ""
    a_raw = actual.raw_query
    if a_raw is None:
        a_raw = query_string(actual.query or {})
    if unquote(e_raw) == unquote(a_raw):
        return []
    return [
        Mismatch(
            "QueryMismatch", "", e_raw, a_raw, f"Expected query string '{e_raw}' but was '{a_raw}'"
        )
    ]


# --------------------------------------------------------------------------- headers


def _split(name: str, values: Sequence[str]) -> list[str]:
    if name.lower() in MULTI_VALUE_HEADERS:
        return [part.strip() for v in values for part in v.split(",")]
    return [v.strip() for v in values]


def _match_headers(
    expected: Mapping[str, Sequence[str]], actual: Mapping[str, Sequence[str]], rules: MatchingRules
) -> list[Mismatch]:
    index = rule_index(rules.category("header"), names=True, lower=True)
    plain = index is _NO_HEADER_RULES  # no rules: equal values need no closer look
    out: list[Mismatch] = []
    for name, raw_values in expected.items():
        found = find_header(actual, name)
        if plain and found == raw_values and found:
            continue
        if found is None:
            out.append(
                Mismatch(
                    "HeaderMismatch",
                    name,
                    ", ".join(raw_values),
                    None,
                    f"Expected a header '{name}' but was missing",
                )
            )
            continue
        e_values = _split(name, raw_values)
        a_values = _split(name, found)
        if not e_values and a_values:
            out.append(
                Mismatch(
                    "HeaderMismatch",
                    name,
                    "",
                    ", ".join(a_values),
                    f"Expected an empty header '{name}' but actual value was "
                    f"'{', '.join(a_values)}'",
                )
            )
            continue
        if len(e_values) == 1 and len(a_values) == 1:
            out.extend(_header_value(name, 0, e_values[0], a_values[0], index, single=True))
            continue
        selected = index.best((name,))
        if selected is not None:
            for e, a, msg in _values_with_rules((name,), selected, e_values, a_values, index):
                out.append(
                    Mismatch("HeaderMismatch", name, e, a, f"Mismatch with header '{name}': {msg}")
                )
            continue
        for i, value in enumerate(e_values):
            if i < len(a_values):
                out.extend(_header_value(name, i, value, a_values[i], index, single=False))
            else:
                out.append(
                    Mismatch(
                        "HeaderMismatch",
                        name,
                        value,
                        None,
                        f"Mismatch with header '{name}': Expected value '{value}' at "
                        f"index {i} but was missing (actual has {len(a_values)} value(s))",
                    )
                )
    return out


_NO_HEADER_RULES = rule_index({})


def _header_value(
    name: str, i: int, expected: str, actual: str, index: RuleIndex, *, single: bool
) -> list[Mismatch]:
    expected, actual = expected.strip(), actual.strip()
    selected = index.best((name,)) or index.best((name, i))
    where = "" if single else f" at index {i}"
    if selected is not None:
        errors = apply_rules(
            selected.effective(),
            selected.combine,
            lambda r: check_string(r, expected, actual, selected.cascaded),
        )
        errors = [
            f"Mismatch with header '{name}': {e}{'' if single else f' for value at index {i}'}"
            for e in errors
        ]
    elif name.lower() in PARAMETERISED_HEADERS:
        errors = (
            []
            if _parameters_match(expected, actual)
            else [f"Expected header '{name}'{where} to have value '{excerpt(expected)}' but "
                  f"was '{excerpt(actual)}'"]
        )
    else:
        if _normalise_commas(expected) == _normalise_commas(actual):
            errors = []
        else:
            errors = [
                f"Expected header '{name}'{where} to have value '{excerpt(expected)}' but "
                f"was '{excerpt(actual)}'"
            ]
    return [Mismatch("HeaderMismatch", name, expected, actual, e) for e in errors]


def _normalise_commas(value: str) -> str:
    return ",".join(part.strip() for part in value.split(","))


def _parameters_match(expected: str, actual: str) -> bool:
    """``type/sub; a=b`` values: same base; every expected parameter present (any case, order).

    A multipart ``boundary`` is not compared: it is chosen afresh for every request.
    """
    if expected == actual:
        return True  # the common case, without splitting either
    e_parts = [p.strip() for p in expected.split(";") if p.strip()]
    a_parts = [p.strip() for p in actual.split(";") if p.strip()]
    e_base = e_parts[0] if e_parts else ""
    a_base = a_parts[0] if a_parts else ""
    if e_base != a_base:
        return False
    a_params = {}
    for p in a_parts[1:]:
        k, _, v = p.partition("=")
        a_params[k.strip().lower()] = v.strip().strip('"').lower()
    multipart = e_base.lower().startswith("multipart/")
    for p in e_parts[1:]:
        k, _, v = p.partition("=")
        if multipart and k.strip().lower() == "boundary":
            continue  # clients pick a fresh boundary per request
        if a_params.get(k.strip().lower()) != v.strip().strip('"').lower():
            return False
    return True


# --------------------------------------------------------------------------- bodies


_STRICT_XML = frozenset({"application/xml", "text/xml"})


def _family(content_type: str) -> str:
    """``application/hal+json`` → ``application/json``: structured-syntax suffixes name the
    format the body is compared as (the official core treats them as equivalent)."""
    if content_type.endswith("+json"):
        return "application/json"
    if content_type.endswith("+xml") or content_type in _STRICT_XML:
        return "application/xml"
    return content_type


def _match_body(
    expected_part: HttpRequest | HttpResponse | MessageContents,
    actual_part: HttpRequest | HttpResponse | MessageContents,
    *,
    allow_unexpected: bool,
    headers: bool,
    plugin_config: JsonMapping | None = None,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> list[Mismatch]:
    """The bodies of two requests, responses or messages (``headers``: it has headers, whose
    rules may allow another content type)."""
    expected, actual = expected_part.body, actual_part.body
    if expected.state is BodyState.MISSING:
        return []
    rules = expected_part.matching_rules
    expected_ct, actual_ct = expected_part.content_type, actual_part.content_type
    e_type = base_content_type(expected_ct)
    a_type = base_content_type(actual_ct)
    if actual.state is not BodyState.PRESENT:
        a_type = ""  # no body: nothing to disagree about
    if (
        e_type
        and a_type
        and _family(e_type) != _family(a_type)
        and not (headers and _header_rule_allows(rules, expected_ct, actual_ct))
    ):
        if expected.state is BodyState.PRESENT:
            return [
                Mismatch(
                    "BodyTypeMismatch",
                    "$",
                    e_type,
                    a_type,
                    f"Expected a body of '{e_type}' but the actual content type was '{a_type}'",
                )
            ]
        return []
    ctx = BodyContext(rule_index(rules.category("body")), allow_unexpected, e_type or a_type,
                      plugin_config or {}, catalogue)
    return match_body_content(expected, actual, ctx)


def _header_rule_allows(
    rules: MatchingRules, expected_ct: str | None, actual_ct: str | None
) -> bool:
    if not actual_ct:
        return False
    index = rule_index(rules.category("header"), names=True, lower=True)
    selected = index.best(("content-type",))
    if selected is None:
        return False
    return not apply_rules(
        selected.effective(),
        selected.combine,
        lambda r: check_string(r, expected_ct or "", actual_ct),
    )


# --------------------------------------------------------------------------- message metadata


def _match_metadata(
    expected: Mapping[str, Any], actual: Mapping[str, Any], rules: MatchingRules
) -> list[Mismatch]:
    index = rule_index(rules.category("metadata"), names=True)
    out: list[Mismatch] = []
    for key, e_value in expected.items():
        if key not in actual and is_content_type_key(key):
            continue  # the content type is checked on the body (as the official core does)
        if key not in actual:
            out.append(
                Mismatch(
                    "MetadataMismatch",
                    key,
                    raw(e_value),
                    None,
                    f"Expected message metadata '{key}' but was missing",
                )
            )
            continue
        a_value = actual[key]
        selected = index.best((key,))
        if selected is not None:
            errors = apply_rules(
                selected.effective(),
                selected.combine,
                partial(check_json, expected=e_value, actual=a_value),
            )
        elif is_content_type_key(key):
            errors = (
                []
                if _parameters_match(raw(e_value), raw(a_value))
                else [f"Expected '{shown(a_value)}' to be equal to '{shown(e_value)}'"]
            )
        elif json_equal(e_value, a_value) or (
            isinstance(e_value, str) != isinstance(a_value, str) and raw(e_value) == raw(a_value)
        ):
            errors = []
        else:
            errors = [f"Expected {with_type(a_value)} to be equal to {with_type(e_value)}"]
        out.extend(
            Mismatch(
                "MetadataMismatch",
                key,
                raw(e_value),
                raw(a_value),
                f"Expected metadata key '{key}' to have value '{shown(e_value)}' but was "
                f"'{shown(a_value)}' - {e}",
            )
            for e in errors
        )
    return out
