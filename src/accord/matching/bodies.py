"""Body matchers by content type, looked up in the catalogue the caller passes.

A body matcher is ``fn(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]``.
``DEFAULT_CATALOGUE`` holds the built-in ones (JSON, XML, text, form, multipart);
``DEFAULT_CATALOGUE.with_body_matcher("application/x-thing", fn)`` (a type, a glob such as
``"application/*+cbor"`` or a predicate) is a new catalogue whose matcher is tried first, and
a catalogue's plugins come before its matchers. ``ctx.catalogue`` says which catalogue.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import field
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from accord.matching.contenttype import is_binary_type
from accord.matching.display import excerpt
from accord.matching.json_body import JsonContext, compare_json, path_text
from accord.matching.result import Mismatch
from accord.matching.rules import RuleIndex, apply_rules, check_string
from accord.model.body import Body, BodyState, base_content_type, is_json_type, is_xml_type
from accord.model.catalogue import Catalogue
from accord.model.valueclass import dataclass

__all__ = [
    "DEFAULT_CATALOGUE",
    "BodyContext",
    "BodyMatcher",
    "find_body_matcher",
    "match_body_content",
]


@dataclass(frozen=True, slots=True)
class BodyContext:
    """What a body matcher needs besides the two bodies."""

    rules: RuleIndex  # the body (or message content) rules, paths rooted at ``$``
    allow_unexpected: bool  # True for responses and messages
    content_type: str  # the expected body's content type (base type, lower case)
    #: the interaction's ``pluginConfiguration`` (by plugin name): a plugin reads its own entry
    plugin_config: Mapping[str, Any] = field(default_factory=dict)
    #: the body matchers and plugins to use (``DEFAULT_CATALOGUE``: the built-in matchers)
    catalogue: Catalogue = field(default_factory=lambda: DEFAULT_CATALOGUE)


BodyMatcher = Callable[[Body, Body, BodyContext], list[Mismatch]]


def find_body_matcher(content_type: str, catalogue: Catalogue | None = None
                      ) -> BodyMatcher | None:
    """The matcher ``catalogue`` (default: the built-in one) has for a base content type,
    plugins aside."""
    return (catalogue or DEFAULT_CATALOGUE).body_matcher_for(content_type)


def _mm(path: str, expected: Any, actual: Any, message: str) -> Mismatch:
    return Mismatch("BodyMismatch", path, expected, actual, message)


def _describe(body: Body) -> str:
    if body.state is BodyState.PRESENT:
        return (
            f"'{excerpt(body.text)}'"
            if not is_binary_type(body.content_type)
            else f"{len(body.content)} bytes"
        )
    return body.state.value


def match_body_content(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    """Compare two bodies of an agreed content type, honouring missing/null/empty states."""
    if expected.state is BodyState.MISSING:
        return []
    if expected.state in (BodyState.NULL, BodyState.EMPTY):
        if actual.state is BodyState.PRESENT:
            return [
                _mm("$", None, actual.text, f"Expected empty body but received {_describe(actual)}")
            ]
        return []
    if actual.state is BodyState.MISSING:
        return [
            _mm("$", expected.text, None, f"Expected body {_describe(expected)} but was missing")
        ]
    if actual.state is BodyState.EMPTY:
        root = ctx.rules.best(())
        if root is not None and any(
            r.kind in ("contentType", "notEmpty") for r in root.rules.rules
        ):
            return match_binary(expected, actual, ctx)
        return [_mm("$", expected.text, "", f"Expected body {_describe(expected)} but was empty")]
    catalogue = ctx.catalogue
    plugin = catalogue.plugin_for(ctx.content_type)
    if plugin is not None:
        from accord.matching.plugin_bridge import match_with_plugin  # only plugins need it

        return match_with_plugin(plugin, expected, actual, content_type=ctx.content_type,
                                 allow_unexpected=ctx.allow_unexpected, rules=ctx.rules,
                                 plugin_config=ctx.plugin_config)
    matcher = catalogue.body_matcher_for(ctx.content_type)
    if matcher is None:
        root = ctx.rules.best(())
        has_content_type_rule = root is not None and any(
            r.kind == "contentType" for r in root.rules.rules
        )
        if has_content_type_rule or is_binary_type(ctx.content_type):
            matcher = match_binary
        else:
            matcher = match_text
    return matcher(expected, actual, ctx)


# --------------------------------------------------------------------------- JSON


def _json_value(body: Body) -> Any:
    if body.state is BodyState.NULL:
        return None
    if _is_schema_registry_frame(body):
        return json.loads(body.content[5:])
    return body.json


def _is_schema_registry_frame(body: Body) -> bool:
    """A Confluent schema-registry message: a zero magic byte and a 4-byte schema id, then JSON."""
    return (
        "schemaregistry" in (body.base_type or "")
        and len(body.content) >= 5
        and body.content[:1] == b"\x00"
    )


def _parse_both(
    parse: Callable[[Body], Any], expected: Body, actual: Body
) -> tuple[Any, Any, list[Mismatch]]:
    """Both bodies parsed, or the mismatches saying which could not be."""
    values, out = [], []
    for which, body in (("expected", expected), ("actual", actual)):
        try:
            values.append(parse(body))
        except ValueError as exc:
            values.append(None)
            out.append(
                _mm("$", expected.text, actual.text, f"Failed to parse the {which} body: '{exc}'")
            )
    return values[0], values[1], out


def match_json(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    e_value, a_value, out = _parse_both(_json_value, expected, actual)
    if out:
        return out
    return compare_json((), e_value, a_value, JsonContext(ctx.rules, ctx.allow_unexpected))


# --------------------------------------------------------------------------- XML


def match_xml(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    from accord.matching.xml_body import compare_xml, parse_xml

    e_root, a_root, out = _parse_both(lambda body: parse_xml(body.content), expected, actual)
    if out:
        return out
    return compare_xml(e_root, a_root, ctx.rules.for_xml(), ctx.allow_unexpected)


# --------------------------------------------------------------------------- text and binary


def match_text(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    root = ctx.rules.best(())
    if root is not None:
        e_text, a_text = expected.text, actual.text
        errors = apply_rules(
            root.effective(), root.combine, lambda r: check_string(r, e_text, a_text, root.cascaded)
        )
        return [_mm("$", e_text, a_text, e) for e in errors]
    if expected.content != actual.content:
        return [
            _mm(
                "$",
                expected.text,
                actual.text,
                f"Expected body '{excerpt(expected.text)}' to match '{excerpt(actual.text)}' using "
                "equality but did "
                "not match",
            )
        ]
    return []


def _binary_rule(rule: Any, expected: bytes, actual: bytes) -> str | None:
    from accord.matching.rules import check_content_type

    kind = rule.kind
    if kind == "contentType":
        return check_content_type(actual, str(rule.params.get("value")))
    if kind == "notEmpty":
        return None if actual else "Expected [] (0 bytes) to not be empty"
    if kind in ("type",):
        return None
    if kind == "equality":
        return (
            None
            if expected == actual
            else (
                f"Expected binary data of {len(actual)} bytes to be equal to the expected "
                f"{len(expected)} bytes"
            )
        )
    if kind in ("regex", "include"):
        try:
            text = actual.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"Could not convert actual bytes into a UTF-8 string - {exc}"
        return check_string(rule, "", text)
    return f"Unable to match {len(actual)} bytes of binary data using the {kind} rule"


def match_binary(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    root = ctx.rules.best(())
    e_data, a_data = expected.content, actual.content
    if root is not None:
        errors = apply_rules(
            root.effective(), root.combine, lambda r: _binary_rule(r, e_data, a_data)
        )
        return [_mm("$", f"{len(e_data)} bytes", f"{len(a_data)} bytes", e) for e in errors]
    if e_data != a_data:
        e_type = expected.content_type or ctx.content_type
        a_type = actual.content_type or e_type
        return [
            _mm(
                "$",
                f"{len(e_data)} bytes",
                f"{len(a_data)} bytes",
                f"Actual body [{a_type}, {len(a_data)} bytes, starting with {a_data[:32].hex()}] "
                f"is not equal to the expected body [{e_type}, {len(e_data)} bytes, starting with "
                f"{e_data[:32].hex()}]",
            )
        ]
    return []


# --------------------------------------------------------------------------- forms


def _form(body: Body) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(body.text, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def match_form(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    """``application/x-www-form-urlencoded``: compared field by field, rules at ``$.field``."""
    e_form, a_form = _form(expected), _form(actual)
    out: list[Mismatch] = []
    for key, e_values in e_form.items():
        loc: tuple[str | int, ...] = (key,)
        path = path_text(loc)
        if key not in a_form:
            out.append(
                _mm(path, e_values, None, f"Expected form post parameter '{key}' but was missing")
            )
            continue
        a_values = a_form[key]
        selected = ctx.rules.best(loc)
        if selected is None and len(e_values) != len(a_values):
            out.append(
                _mm(
                    path,
                    e_values,
                    a_values,
                    f"Expected form post parameter '{key}' with {len(e_values)} value(s) but "
                    f"received {len(a_values)} value(s)",
                )
            )
        templates = e_values
        if selected is not None and len(a_values) > len(e_values) and e_values:
            templates = e_values + [e_values[0]] * (len(a_values) - len(e_values))
        for i, (e, a) in enumerate(zip(templates, a_values, strict=False)):
            item = ctx.rules.best((key, i)) or selected
            if item is not None:
                errors = apply_rules(
                    item.effective(),
                    item.combine,
                    partial(check_string, expected=e, actual=a, cascaded=item.cascaded),
                )
            elif e != a:
                errors = [f"Expected form post parameter '{excerpt(key)}' with value "
                          f"'{excerpt(e)}' but was '{excerpt(a)}'"]
            else:
                errors = []
            out.extend(_mm(path, e, a, msg) for msg in errors)
    if not ctx.allow_unexpected:
        for key, a_values in a_form.items():
            if key not in e_form:
                out.append(
                    _mm(
                        path_text((key,)),
                        None,
                        a_values,
                        f"Unexpected form post parameter '{key}' received",
                    )
                )
    return out


# --------------------------------------------------------------------------- multipart


def match_multipart(expected: Body, actual: Body, ctx: BodyContext) -> list[Mismatch]:
    """``multipart/form-data``: each expected part must come, compared by its own content type."""
    from accord.matching.multipart import parse_multipart

    try:
        e_parts = parse_multipart(expected.content, expected.content_type or "")
    except ValueError as exc:
        return [_mm("$", None, None, f"Failed to parse the expected multipart body: {exc}")]
    try:
        a_parts = parse_multipart(actual.content, actual.content_type or "")
    except ValueError as exc:
        return [_mm("$", None, None, f"Failed to parse the actual multipart body: {exc}")]
    out: list[Mismatch] = []
    for index, part in enumerate(e_parts):
        # Named parts are found by name; unnamed ones (multipart/mixed) by position.
        key: str | int = part.name or index
        loc: tuple[str | int, ...] = (key,)
        path = path_text(loc)
        if part.name:
            got = next((p for p in a_parts if p.name == part.name), None)
        else:
            got = a_parts[index] if index < len(a_parts) and not a_parts[index].name else None
        if got is None:
            out.append(
                _mm(path, part.name, None, f"Expected a MIME part '{part.name}' but was missing")
            )
            continue
        selected = ctx.rules.best(loc)
        if selected is not None:
            errors = apply_rules(
                selected.effective(),
                selected.combine,
                partial(_binary_rule, expected=part.content, actual=got.content),
            )
            out.extend(
                _mm(path, f"{len(part.content)} bytes", f"{len(got.content)} bytes", e)
                for e in errors
            )
            continue
        e_type = base_content_type(part.content_type or "text/plain")
        a_type = base_content_type(got.content_type or "text/plain")
        if e_type != a_type:
            out.append(
                _mm(
                    path,
                    e_type,
                    a_type,
                    f"MIME part '{key}': Expected a body of '{e_type}' but the actual content "
                    f"type was '{a_type}'",
                )
            )
            continue
        sub_ctx = BodyContext(_PartRules(ctx.rules, key), ctx.allow_unexpected, e_type,
                              ctx.plugin_config, ctx.catalogue)
        e_body = Body.of_bytes(part.content, e_type)
        a_body = Body.of_bytes(got.content, a_type)
        for m in match_body_content(e_body, a_body, sub_ctx):
            sub = m.path[1:] if m.path.startswith("$") else m.path
            out.append(Mismatch(m.kind, path + sub, m.expected, m.actual, m.message))
    return out


class _PartRules(RuleIndex):
    """The body rules seen from inside one part (``$.part.x`` becomes ``$.x``)."""

    __slots__ = ("_inner", "_name")

    def __init__(self, inner: RuleIndex, name: str | int):
        super().__init__({})
        self._inner = inner
        self._name = name

    def __bool__(self) -> bool:
        return bool(self._inner)

    def best(self, location: Any) -> Any:
        return self._inner.best((self._name, *location))

    def defined(self, location: Any) -> bool:
        return self._inner.defined((self._name, *location))

    def within(self, location: Any) -> bool:
        return self._inner.within((self._name, *location))

    def type_defined(self, location: Any) -> bool:
        return self._inner.type_defined((self._name, *location))

    def for_xml(self) -> RuleIndex:
        return _PartRules(self._inner.for_xml(), self._name)


def _is_json(ct: str) -> bool:
    return is_json_type(ct) or ct in (
        "application/graphql",
        "application/json-rpc",
        "application/jsonrequest",
    )


#: The built-in body matchers, and no plugins: what matching uses unless told otherwise.
DEFAULT_CATALOGUE: Catalogue = (
    Catalogue()
    .with_body_matcher("text/plain", match_text)
    .with_body_matcher(lambda ct: ct.startswith("multipart/"), match_multipart)
    .with_body_matcher("application/x-www-form-urlencoded", match_form)
    .with_body_matcher(is_xml_type, match_xml)
    .with_body_matcher(_is_json, match_json)
)
