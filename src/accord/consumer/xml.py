"""XML bodies with matchers::

    from accord.consumer import xml

    body = xml.element("users",
        xml.element("user", xml.element("name", text=match.string("Alice")),
                    attrs={"id": match.integer(1)}).each(min=2))
    pact.upon_receiving(...).will_respond_with(200).with_body(body, "application/xml")

Rules are written at the paths the reference implementation uses: ``$.users.user`` for an
element (no indexes), ``$.users.user['@id']`` for an attribute and ``$.users.user.name['#text']``
for an element's text. ``each(min, max)`` repeats an element ``max(min, 1)`` times in the
example and lets the provider send any number within the bounds: every repeated element is
matched like the template (a ``type`` rule on it), and the bounds go on its parent, because
in the reference implementation ``min``/``max`` on an XML element count that element's
children.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias
from xml.sax.saxutils import escape, quoteattr

from accord.consumer.matchers import Matchable, Matcher, reify, render_path
from accord.errors import ContractDefinitionError
from accord.model import Generator, Rule, RuleList

__all__ = ["XmlBody", "XmlChild", "XmlElement", "body", "element"]

XmlChild: TypeAlias = "XmlElement | Matchable"
"""A child of an XML element: an element, or text (which may be a matcher)."""


class XmlElement:
    """An element: tag, attributes and text (values may be matchers), child elements."""

    def __init__(self, tag: str, children: tuple[XmlChild, ...],
                 attrs: Mapping[str, Matchable] | None, text: Matchable) -> None:
        if not isinstance(tag, str) or not tag:
            raise ContractDefinitionError("xml.element(): the tag must be a non-empty string")
        self.tag = tag
        self.children = list(children)
        self.attrs = dict(attrs or {})
        self.text = text
        self.repeat: tuple[int | None, int | None, int] | None = None

    def each(self, *, min: int = 1, max: int | None = None, examples: int | None = None
             ) -> XmlElement:
        """This element may repeat: at least ``min``, at most ``max`` times."""
        if max is not None and min > max:
            raise ContractDefinitionError(f"xml element <{self.tag}>.each(): min {min} > max {max}")
        count = examples if examples is not None else _count(min)
        self.repeat = (min, max, count)
        return self

    def to_serializable_dict(self) -> dict[str, Matchable]:
        """This element in pact-python's XML description shape (``name``, ``children``,
        ``attributes``; a repeated element wrapped in a ``type`` matcher), matchers left as
        objects, for code that inspects what ``xml.body()`` returned."""
        children: list[dict[str, Any]] = []
        if self.text is not None:
            children.append(_content(self.text))
        for child in self.children:
            children.append(child.to_serializable_dict() if isinstance(child, XmlElement)
                            else _content(child))
        described: dict[str, Any] = {"name": self.tag, "children": children,
                                     "attributes": dict(self.attrs)}
        if self.repeat is None:
            return described
        lo, hi, count = self.repeat
        wrapper: dict[str, Any] = {"pact:matcher:type": "type", "value": described,
                                   "examples": count, "min": lo}
        if hi is not None:
            wrapper["max"] = hi
        return wrapper

    def render(self, where: str) -> tuple[str, dict[str, RuleList], dict[str, Generator]]:
        """The example document, rules and generators (paths in XML form)."""
        rules: dict[str, list[Rule]] = {}
        gens: dict[str, Generator] = {}
        if self.repeat is not None:
            raise ContractDefinitionError(
                f"interaction {where!r}: the root element <{self.tag}> cannot repeat (each())")
        text = '<?xml version="1.0" encoding="UTF-8"?>' + self.render_at((), where, rules, gens)
        return text, {p: RuleList(tuple(rs)) for p, rs in rules.items()}, gens

    def render_at(self, loc: tuple[str, ...], where: str, rules: dict[str, list[Rule]],
                  gens: dict[str, Generator]) -> str:
        """This element as XML text at ``loc`` (its parents' tags); its rules and generators
        are added to ``rules`` and ``gens``."""
        here = (*loc, self.tag)
        if self.repeat is not None:
            lo, hi, _ = self.repeat
            rules.setdefault(render_path(here), []).append(Rule("type"))
            params = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
            if params:
                rules.setdefault(render_path(loc), []).append(Rule("type", params))
        attrs = []
        for name, value in self.attrs.items():
            example = _value(value, (*here, "@" + name), where, rules, gens)
            attrs.append(f" {name}={quoteattr(example)}")
        inner = []
        if self.text is not None:
            inner.append(escape(_value(self.text, (*here, "#text"), where, rules, gens)))
        for child in self.children:
            if isinstance(child, XmlElement):
                copies = child.repeat[2] if child.repeat is not None else 1
                rendered = child.render_at(here, where, rules, gens)
                inner.append(rendered * copies)
            elif isinstance(child, (str, Matcher)):
                inner.append(escape(_value(child, (*here, "#text"), where, rules, gens)))
            else:
                raise ContractDefinitionError(
                    f"interaction {where!r}: XML children must be xml.element(...) or text, "
                    f"got {child!r}")
        open_tag = f"<{self.tag}{''.join(attrs)}"
        if not inner:
            return open_tag + "/>"
        return f"{open_tag}>{''.join(inner)}</{self.tag}>"


def _content(value: Any) -> dict[str, Any]:
    """A text child as pact-python describes it: ``content``, and the ``matcher`` if any."""
    if isinstance(value, Matcher):
        return {"matcher": value, "content": value.value}
    return {"content": value}


def _count(minimum: int) -> int:
    return minimum if minimum > 1 else 1


def _value(value: Any, loc: tuple[str, ...], where: str, rules: dict[str, list[Rule]],
           gens: dict[str, Generator]) -> str:
    reified = reify(value, where=where)
    path = render_path(loc)
    for rl in reified.rules.values():
        rules.setdefault(path, []).extend(rl.rules)
    for g in reified.generators.values():
        gens[path] = g
    example = reified.example
    if isinstance(example, bool):
        return "true" if example else "false"
    if isinstance(example, (str, int, float)):
        return str(example)
    raise ContractDefinitionError(
        f"interaction {where!r}: XML text and attributes must be scalar, got {example!r} at {path}")


def element(tag: str, *children: XmlChild, attrs: Mapping[str, Matchable] | None = None,
            text: Matchable = None) -> XmlElement:
    """An XML element; children are elements or text."""
    return XmlElement(tag, children, attrs, text)


class XmlBody(dict[str, Any]):
    """What ``xml.body(root)`` returns: a dict ``{"root": ...}`` in pact-python's shape (so
    code that reads it works unchanged) that also keeps the element for ``with_body``."""

    def __init__(self, root: XmlElement) -> None:
        super().__init__(root=root.to_serializable_dict())
        self.element = root


def body(root: XmlElement) -> XmlBody:
    """pact-python's ``xml.body``: the body description to pass to
    ``with_body(..., "application/xml")``, a dict as pact-python's is."""
    if not isinstance(root, XmlElement):
        raise ContractDefinitionError(f"xml.body() takes an xml.element(...), got {root!r}")
    return XmlBody(root)
