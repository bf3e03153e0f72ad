"""Comparing XML documents under matching rules.

Documents are parsed safely (defusedxml: no entity expansion, no external entities). Names
are compared by namespace URI and local name, never by prefix. Paths follow the reference
implementation: ``$.root.child`` for elements (children grouped by name, no indexes),
``['@attr']`` for attributes and ``['#text']`` for the text of an element. Sibling elements
with different names may come in any order; elements with the same name are compared in order.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from accord.matching.display import excerpt
from accord.matching.json_body import path_text
from accord.matching.result import Mismatch
from accord.matching.rules import RuleIndex, check_string, rule_errors
from accord.model.valueclass import dataclass

__all__ = ["XmlElement", "compare_xml", "parse_xml"]

Loc = tuple[str | int, ...]


@dataclass(slots=True)
class XmlElement:
    name: str  # "uri:local" when namespaced, else "local"
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[XmlElement] = field(default_factory=list)
    text: str = ""


def _name(tag: str) -> str:
    if tag.startswith("{"):
        uri, _, local = tag[1:].partition("}")
        return f"{uri}:{local}" if uri else local
    return tag


def parse_xml(data: bytes) -> XmlElement:
    """Parse XML safely into a small tree (raises ``ValueError`` for bad XML)."""
    from defusedxml import ElementTree as SafeET  # lazy: keeps the import of accord.matching light
    from defusedxml.common import DefusedXmlException

    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise ValueError(f"refused unsafe XML: {exc}") from None
    except SafeET.ParseError as exc:
        raise ValueError(str(exc)) from None
    return _convert(root)


def _convert(node: Any) -> XmlElement:
    parts = [(node.text or "").strip()]
    children = []
    for child in node:
        if isinstance(child.tag, str):
            children.append(_convert(child))
        parts.append((child.tail or "").strip())
    attributes = {_name(k): v for k, v in node.attrib.items()}
    return XmlElement(_name(node.tag), attributes, children, "".join(parts))


@dataclass(frozen=True, slots=True)
class _Ctx:
    rules: RuleIndex
    allow_unexpected: bool


def _path(loc: Loc) -> str:
    return path_text(loc)


def _mm(loc: Loc, expected: Any, actual: Any, message: str) -> Mismatch:
    return Mismatch("BodyMismatch", _path(loc), expected, actual, message)


def compare_xml(
    expected: XmlElement, actual: XmlElement, rules: RuleIndex, allow_unexpected: bool
) -> list[Mismatch]:
    ctx = _Ctx(rules, allow_unexpected)
    return _element((expected.name,), expected, actual, ctx)


def _child_count(element: XmlElement) -> int:
    """Child nodes as the reference counts them: elements, plus the text when there is any."""
    return len(element.children) + (1 if element.text else 0)


def _element_rule(
    rule: Any, expected: XmlElement, actual: XmlElement, cascaded: bool
) -> str | None:
    kind = rule.kind
    if kind == "type":
        if expected.name != actual.name:
            return f"Expected '{actual.name}' to be the same type as '{expected.name}'"
        low, high = rule.params.get("min"), rule.params.get("max")
        count = _child_count(actual)
        if not cascaded and low is not None and count < low:
            return f"Expected '{actual.name}' to have at least {low} children"
        if not cascaded and high is not None and count > high:
            return f"Expected '{actual.name}' to have at most {high} children"
        return None
    if kind in ("equality", "values"):
        return (
            None
            if expected.name == actual.name
            else f"Expected '{actual.name}' to be equal to '{expected.name}'"
        )
    if kind == "notEmpty":
        return (
            None if _child_count(actual) else f"Expected '{actual.name}' to have at least one child"
        )
    # Value rules (regex, include, number, date, ...) on an element apply to its text: they
    # cascade to the element's ``#text`` path and are checked there.
    return None


def _element(loc: Loc, expected: XmlElement, actual: XmlElement, ctx: _Ctx) -> list[Mismatch]:
    errors = rule_errors(
        ctx.rules.best(loc),
        lambda rule, cascaded: _element_rule(rule, expected, actual, cascaded),
        lambda: _unequal(expected.name, actual.name),
    )
    if errors:
        return [_mm(loc, expected.name, actual.name, e) for e in errors]
    out = _attributes(loc, expected, actual, ctx)
    out.extend(_children(loc, expected, actual, ctx))
    out.extend(_text(loc, expected, actual, ctx))
    return out


def _value(loc: Loc, expected: str, actual: str, ctx: _Ctx) -> list[Mismatch]:
    errors = rule_errors(
        ctx.rules.best(loc),
        lambda rule, cascaded: check_string(rule, expected, actual, cascaded),
        lambda: _unequal(expected, actual),
    )
    return [_mm(loc, expected, actual, e) for e in errors]


def _unequal(expected: str, actual: str) -> str | None:
    if expected == actual:
        return None
    return f"Expected '{excerpt(actual)}' to be equal to '{excerpt(expected)}'"


def _attributes(loc: Loc, expected: XmlElement, actual: XmlElement, ctx: _Ctx) -> list[Mismatch]:
    e_attrs, a_attrs = expected.attributes, actual.attributes
    out: list[Mismatch] = []
    if not e_attrs and a_attrs and not ctx.allow_unexpected:
        return [
            _mm(loc, "{}", str(a_attrs), f"Did not expect any attributes but received {a_attrs}")
        ]
    if ctx.allow_unexpected and len(e_attrs) > len(a_attrs):
        out.append(
            _mm(
                loc,
                str(e_attrs),
                str(a_attrs),
                f"Expected at least {len(e_attrs)} attribute(s) but received "
                f"{len(a_attrs)} attribute(s)",
            )
        )
    elif not ctx.allow_unexpected and len(e_attrs) != len(a_attrs):
        out.append(
            _mm(
                loc,
                str(e_attrs),
                str(a_attrs),
                f"Expected {len(e_attrs)} attribute(s) but received {len(a_attrs)} attribute(s)",
            )
        )
    for key in sorted(e_attrs):
        value = e_attrs[key]
        child = (*loc, "@" + key)
        if key in a_attrs:
            out.extend(_value(child, value, a_attrs[key], ctx))
        else:
            out.append(
                _mm(child, key, None, f"Expected attribute '{key}'='{value}' but was missing")
            )
    return out


def _group(children: list[XmlElement]) -> dict[str, list[XmlElement]]:
    groups: dict[str, list[XmlElement]] = {}
    for child in children:
        groups.setdefault(child.name, []).append(child)
    return groups


def _children(loc: Loc, expected: XmlElement, actual: XmlElement, ctx: _Ctx) -> list[Mismatch]:
    e_children, a_children = expected.children, actual.children
    desc_e = ", ".join(c.name for c in e_children)
    desc_a = ", ".join(c.name for c in a_children)
    if not e_children and a_children and not ctx.allow_unexpected:
        return [_mm(loc, desc_e, desc_a, f"Expected no children but received [{desc_a}]")]
    out: list[Mismatch] = []
    e_groups = _group(e_children)
    for name, group in sorted(_group(a_children).items()):
        child_loc = (*loc, name)
        if name in e_groups:
            templates = e_groups.pop(name)
            if ctx.rules.type_defined(child_loc):
                for item in group:
                    out.extend(_element(child_loc, templates[0], item, ctx))
                continue
            for i in range(max(len(templates), len(group))):
                if i < len(templates) and i < len(group):
                    out.extend(_element(child_loc, templates[i], group[i], ctx))
                elif i < len(group):
                    if not ctx.allow_unexpected:
                        out.append(_mm(child_loc, desc_e, desc_a, f"Unexpected child <{name}/>"))
                else:
                    out.append(
                        _mm(child_loc, desc_e, desc_a, f"Expected child <{name}/> but was missing")
                    )
        elif not ctx.allow_unexpected or ctx.rules.type_defined(child_loc):
            out.append(_mm(loc, desc_e, desc_a, f"Unexpected child <{name}/>"))
    for name in sorted(e_groups):
        out.append(_mm(loc, desc_e, desc_a, f"Expected child <{name}/> but was missing"))
    return out


def _text(loc: Loc, expected: XmlElement, actual: XmlElement, ctx: _Ctx) -> list[Mismatch]:
    return _value((*loc, "#text"), expected.text, actual.text, ctx)
