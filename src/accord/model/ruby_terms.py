"""Ruby matchers serialised into V1/V2 pact files (``json_class`` objects).

The Ruby gems (pact-mock_service before matching rules existed) wrote matchers into the
example itself::

    {"json_class": "Pact::Term", "data": {"generate": "abc",
                                          "matcher": {"json_class": "Regexp", "o": 0, "s": "a.c"}}}
    {"json_class": "Pact::SomethingLike", "contents": 5}
    {"json_class": "Pact::ArrayLike", "contents": {...}, "min": 1}

As the Ruby tools read them: the example is what the matcher generates (``generate``, the
``contents``, ``min`` copies of the contents), and the matcher becomes a matching rule at that
place (regex, type, type with a minimum). Ruby finds a term's regex anywhere in the value, so
an unanchored one is widened to match the whole value. Other ``json_class`` values are data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from accord.model.jsontypes import JsonMapping, JsonValue

__all__ = ["RubyTermError", "has_ruby_terms", "is_ruby_term", "reify", "term_parts"]

_CLASSES = ("Pact::Term", "Pact::SomethingLike", "Pact::ArrayLike")
# Ruby Regexp option bits: IGNORECASE, EXTENDED, MULTILINE (Ruby's "." matches newlines)
_FLAGS = ((1, "i"), (2, "x"), (4, "s"))

Rule = dict[str, Any]


class RubyTermError(ValueError):
    """A Ruby matcher object that cannot be read; ``path`` says where in the value."""

    def __init__(self, message: str, path: str):
        super().__init__(message)
        self.path = path


def is_ruby_term(value: object) -> bool:
    return isinstance(value, Mapping) and value.get("json_class") in _CLASSES


def has_ruby_terms(value: JsonValue) -> bool:
    """Does ``value`` hold a Ruby matcher anywhere? (iterative: no recursion limit)"""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)  # exact types first: decoded JSON, and ABC checks cost
        if kind is dict or (kind is not list and isinstance(item, Mapping)):
            if item.get("json_class") in _CLASSES:
                return True
            stack.extend(v for v in item.values() if type(v) not in _SCALARS)
        elif kind is list:
            stack.extend(v for v in item if type(v) not in _SCALARS)
    return False


_SCALARS = frozenset((str, int, float, bool, type(None)))  # nothing to look into


def reify(value: JsonValue, path: str = "$", render: Callable[[str], str] | None = None
          ) -> tuple[JsonValue, list[tuple[str, Rule]]]:
    """``value`` with every Ruby matcher replaced by its example, and the rules they stand
    for as (DocPath expression, rule JSON) pairs; ``path`` is where ``value`` sits.

    ``render`` spells an object key as a DocPath step (``.a`` or ``['a b']``). Raises
    ``RubyTermError`` for a matcher that cannot be read.
    """
    rules: list[tuple[str, Rule]] = []
    step = render or _step
    return _reify(value, path, step, rules), rules


def _reify(value: Any, path: str, step: Callable[[str], str],
           rules: list[tuple[str, Rule]]) -> Any:
    if isinstance(value, list):
        return [_reify(v, f"{path}[{i}]", step, rules) for i, v in enumerate(value)]
    if not isinstance(value, Mapping):
        return value
    kind = value.get("json_class")
    if kind == "Pact::Term":
        example, regex = term_parts(value, path)
        rules.append((path, {"match": "regex", "regex": regex}))
        return example
    if kind == "Pact::SomethingLike":
        if "contents" not in value:
            raise RubyTermError("a Pact::SomethingLike needs 'contents'", path)
        rules.append((path, {"match": "type"}))
        return _reify(value["contents"], path, step, rules)
    if kind == "Pact::ArrayLike":
        if "contents" not in value:
            raise RubyTermError("a Pact::ArrayLike needs 'contents'", path)
        low = value.get("min", 1)
        if not isinstance(low, int) or isinstance(low, bool) or low < 0:
            raise RubyTermError(f"a Pact::ArrayLike 'min' must be a count, got {low!r}", path)
        rules.append((path, {"match": "type", "min": low}))
        element = _reify(value["contents"], f"{path}[*]", step, rules)
        return [element for _ in range(max(low, 1))]
    return {k: _reify(v, path + step(str(k)), step, rules) for k, v in value.items()}


def term_parts(value: JsonMapping, path: str = "$") -> tuple[str, str]:
    """The example (``generate``) and the regular expression of a ``Pact::Term``."""
    data = value.get("data")
    if not isinstance(data, Mapping):
        raise RubyTermError("a Pact::Term needs a 'data' object", path)
    example = data.get("generate")
    if not isinstance(example, str):
        # Ruby generates numbers too ("generate": 5): the example is what the regex checks
        if isinstance(example, (int, float)) and not isinstance(example, bool):
            example = str(example)
        else:
            raise RubyTermError("a Pact::Term needs a 'generate' example string", path)
    matcher = data.get("matcher")
    if isinstance(matcher, str):
        return example, matcher
    if not isinstance(matcher, Mapping) or not isinstance(matcher.get("s"), str):
        raise RubyTermError(
            "a Pact::Term needs a 'matcher' (a Ruby Regexp: {\"json_class\": \"Regexp\", "
            "\"s\": ...})", path)
    options = matcher.get("o", 0)
    bits = options if isinstance(options, int) and not isinstance(options, bool) else 0
    flags = "".join(letter for bit, letter in _FLAGS if bits & bit)
    return example, (f"(?{flags})" if flags else "") + _searching(matcher["s"])


def _searching(source: str) -> str:
    """A pattern that matches a whole value when ``source`` matches anywhere in it.

    Ruby tests a term with ``=~`` (a search); rules match the whole value. A pattern anchored
    at both ends means the same either way and is kept as it is.
    """
    if source.startswith(("^", "\\A")) and source.endswith("$") and not source.endswith("\\$"):
        return source
    return f"[\\s\\S]*?(?:{source})[\\s\\S]*"


def _step(key: str) -> str:
    if key and all(c.isalnum() or c in "_-" for c in key):
        return f".{key}"
    return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"
