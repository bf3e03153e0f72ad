"""Matching rule definitions: the small language plugin configurations use.

The official plugins configure contents with strings such as ``matching(type,'Name')``,
``matching(number,100)`` or ``matching(datetime, 'yyyy-MM-dd','2000-01-01')``: an example
value plus the rules (and sometimes a generator) that stand for it. ``parse_definition``
reads one into a ``Definition``; several expressions may be joined with commas
(``matching(regex, '\\d+', '12'), notEmpty('12')``). Pure: no I/O::

    d = parse_definition("matching(datetime, 'yyyy-MM-dd', '2000-01-01')")
    d.value == "2000-01-01"; d.rules == (Rule("timestamp", {"format": "yyyy-MM-dd"}),)
    d.generator == Generator("DateTime", {"format": "yyyy-MM-dd"})

Supported: ``matching(type|equalTo|number|integer|decimal|boolean|semver|include, v)``,
``matching(datetime|date|time, 'format', v)``, ``matching(regex, 'regex', v)``,
``matching(contentType, 'type', v)``, ``notEmpty(v)``, ``atLeast(n)``, ``atMost(n)`` and
``fromProviderState('expression', v)`` in place of a value.
"""

from __future__ import annotations

import re
from typing import Any

from accord.errors import MatchingRuleError
from accord.model.generators import Generator
from accord.model.jsontypes import JsonValue
from accord.model.regex import regex_problem
from accord.model.rules import Rule
from accord.model.valueclass import dataclass

__all__ = ["Definition", "definition_of", "is_definition", "parse_definition"]


@dataclass(frozen=True)
class Definition:
    """An example value, the rules that stand for it, and an optional generator."""

    value: Any
    rules: tuple[Rule, ...]
    generator: Generator | None = None
    literal: str | None = None  # a number as written (``4.50``), for text formats

    @property
    def text(self) -> str:
        """The example as text (CSV cells): ``true``, ``4.50`` as written, ``Name``."""
        if self.literal is not None:
            return self.literal
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*')
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_-]*)
      | (?P<punct>[(),$])
    )""",
    re.VERBOSE,
)
_FUNCTIONS = ("matching", "notEmpty", "eachKey", "eachValue", "atLeast", "atMost")


def is_definition(text: object) -> bool:
    """Does ``text`` look like a definition (starts with one of the functions)?"""
    return isinstance(text, str) and bool(
        re.match(r"\s*(" + "|".join(_FUNCTIONS) + r")\s*\(", text)
    )


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                self.fail(f"unexpected {text[pos:].strip()[:10]!r}", pos)
            assert m is not None and m.lastgroup is not None
            self.tokens.append((m.lastgroup, m.group(m.lastgroup), m.start(m.lastgroup)))
            pos = m.end()
        self.i = 0

    def fail(self, message: str, at: int | None = None) -> MatchingRuleError:
        if at is None:
            at = self.tokens[self.i][2] if self.i < len(self.tokens) else len(self.text)
        raise MatchingRuleError(
            f"matching definition {self.text!r}: {message} (at character {at + 1})"
        )

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise self.fail(f"expected {_want(kind, value)}, but the definition ended")
        if (kind and tok[0] != kind) or (value is not None and tok[1] != value):
            raise self.fail(f"expected {_want(kind, value)}, got {tok[1]!r}")
        self.i += 1
        return tok

    def accept(self, value: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[1] == value and tok[0] in ("punct", "word"):
            self.i += 1
            return True
        return False

    # ---------------------------------------------------------------- grammar

    def definition(self) -> Definition:
        self.literal: str | None = None
        value: Any = None
        rules: list[Rule] = []
        generator: Generator | None = None
        while True:
            v, r, g = self.expression()
            if v is not None:
                value = v
            rules.extend(r)
            generator = g or generator
            if not self.accept(","):
                break
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        literal = self.literal if isinstance(value, (int, float)) else None
        return Definition(value, tuple(rules), generator, literal)

    def expression(self) -> tuple[Any, list[Rule], Generator | None]:
        name = self.take("word")[1]
        self.take("punct", "(")
        if name == "matching":
            out = self.matching()
        elif name == "notEmpty":
            value, gen = self.primitive()
            out = (value, [Rule("notEmpty")], gen)
        elif name in ("atLeast", "atMost"):
            n = self.take("number")[1]
            if "." in n:
                raise self.fail(f"{name} needs a whole number, got {n}")
            bound = "min" if name == "atLeast" else "max"
            out = (None, [_rule("type", **{bound: int(n)})], None)
        elif name in ("eachKey", "eachValue"):
            v, inner, gen = self.expression()
            out = (v, [_rule(name, rules=[r.to_json() for r in inner])], gen)
        else:
            raise self.fail(
                f"unknown function {name!r} (known: {', '.join(_FUNCTIONS)})",
                self.tokens[self.i - 2][2],
            )
        self.take("punct", ")")
        return out

    def matching(self) -> tuple[Any, list[Rule], Generator | None]:
        if self.accept("$"):
            raise self.fail("references ($'name') are not supported here")
        kind = self.take("word")[1]
        self.take("punct", ",")
        if kind in ("type", "equalTo"):
            value, gen = self.primitive()
            return value, [Rule("type" if kind == "type" else "equality")], gen
        if kind in ("number", "integer", "decimal"):
            value, gen = self.number_or_state(kind)
            return value, [Rule(kind)], gen
        if kind in ("datetime", "date", "time"):
            fmt = self.string()
            self.take("punct", ",")
            value, gen = self.string_or_state()
            rule_kind = "timestamp" if kind == "datetime" else kind
            generator = gen or Generator(
                {"datetime": "DateTime", "date": "Date", "time": "Time"}[kind],
                {"format": fmt} if fmt is not None else {},
            )
            params = {"format": fmt} if fmt is not None else {}
            return value, [_rule(rule_kind, **params)], generator
        if kind == "regex":
            pattern = self.string()
            problem = regex_problem(pattern) if isinstance(pattern, str) else None
            if problem is not None:  # a definition is declared: reject it now, not mid-match
                raise MatchingRuleError(
                    f"regex rule: invalid regular expression {pattern!r}: {problem}")
            self.take("punct", ",")
            value, gen = self.string_or_state()
            return value, [_rule("regex", regex=pattern)], gen
        if kind == "include":
            value = self.string()
            return value, [_rule("include", value=value)], None
        if kind == "boolean":
            word = self.take("word")[1]
            if word not in ("true", "false"):
                raise self.fail(f"boolean needs true or false, got {word!r}")
            return word == "true", [Rule("boolean")], None
        if kind == "semver":
            return self.string(), [Rule("semver")], None
        if kind == "contentType":
            ct = self.string()
            self.take("punct", ",")
            return self.string(), [_rule("contentType", value=ct)], None
        raise self.fail(
            f"unknown matcher {kind!r} (known: type, equalTo, number, integer, decimal, "
            "datetime, date, time, regex, include, boolean, semver, contentType)",
            self.tokens[self.i - 2][2],
        )

    def string(self) -> str | None:
        tok = self.peek()
        if tok is not None and tok == ("word", "null", tok[2]):
            self.i += 1
            return None
        return _unquote(self.take("string")[1])

    def primitive(self) -> tuple[Any, Generator | None]:
        tok = self.peek()
        if tok is None:
            raise self.fail("expected a value, but the definition ended")
        kind, text, _ = tok
        if kind == "string":
            self.i += 1
            return _unquote(text), None
        if kind == "number":
            self.i += 1
            self.literal = text
            return (float(text) if "." in text else int(text)), None
        if kind == "word" and text in ("true", "false"):
            self.i += 1
            return text == "true", None
        if kind == "word" and text == "null":
            self.i += 1
            return None, None
        if kind == "word" and text == "fromProviderState":
            return self.from_provider_state()
        raise self.fail(f"expected a value, got {text!r}")

    def number_or_state(self, kind: str) -> tuple[Any, Generator | None]:
        tok = self.peek()
        if tok is not None and tok[1] == "fromProviderState":
            return self.from_provider_state()
        text = self.take("number")[1]
        if kind == "integer" and "." in text:
            raise self.fail(f"integer needs a whole number, got {text}")
        self.literal = text
        return (float(text) if "." in text else int(text)), None

    def string_or_state(self) -> tuple[Any, Generator | None]:
        tok = self.peek()
        if tok is not None and tok[1] == "fromProviderState":
            return self.from_provider_state()
        return self.string(), None

    def from_provider_state(self) -> tuple[Any, Generator]:
        self.take("word", "fromProviderState")
        self.take("punct", "(")
        expression = self.string()
        self.take("punct", ",")
        value, _ = self.primitive()
        self.take("punct", ")")
        data_type = (
            "BOOLEAN" if isinstance(value, bool)
            else "INTEGER" if isinstance(value, int)
            else "DECIMAL" if isinstance(value, float)
            else "STRING"
        )  # fmt: skip
        return value, Generator(
            "ProviderState", {"expression": expression, "dataType": data_type}
        )


def _want(kind: str | None, value: str | None) -> str:
    if value is not None:
        return repr(value)
    return {"word": "a name", "string": "a quoted string", "number": "a number"}.get(
        kind or "", str(kind)
    )


def _rule(kind: str, **params: Any) -> Rule:
    try:
        return Rule.from_json({"match": kind, **params})
    except MatchingRuleError as exc:
        raise MatchingRuleError(exc.reason) from None


_ESCAPES = {"\\": "\\", "'": "'", "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


def _unquote(literal: str) -> str:
    """A quoted literal's text: ``\\'``, ``\\\\``, ``\\n`` ... and ``\\u{1F600}`` are escapes;
    any other backslash is kept, so ``'\\d+'`` is the regex ``\\d+``."""
    body = literal[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
                continue
            m = re.match(r"u\{([0-9A-Fa-f]{1,6})\}", body[i + 1 :])
            if m:
                out.append(chr(int(m.group(1), 16)))
                i += 1 + m.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def parse_definition(text: str) -> Definition:
    """Parse a matching rule definition; ``MatchingRuleError`` says where it went wrong."""
    if not isinstance(text, str) or not text.strip():
        raise MatchingRuleError(f"a matching definition must be a non-empty string, got {text!r}")
    try:
        return _Parser(text).definition()
    except MatchingRuleError as exc:
        if exc.reason.startswith("matching definition"):
            raise
        raise MatchingRuleError(f"matching definition {text!r}: {exc.reason}") from None


def definition_of(value: Definition | JsonValue) -> Definition:
    """A configuration value as a ``Definition``: a definition string is parsed, a
    ``Definition`` (what the consumer DSL makes of ``match.integer(3)``) is kept, and a plain
    string, number, boolean or null is an example compared by equality."""
    if isinstance(value, Definition):
        return value
    if is_definition(value):
        return parse_definition(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return Definition(value, ())
    raise MatchingRuleError(
        "expected a matching definition such as \"matching(type,'x')\", an accord matcher "
        f"or a plain value, got {type(value).__name__}"
    )
