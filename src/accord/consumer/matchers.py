"""Matchers: an example value plus the matching rules (and generator) that apply to it.

A ``Matcher`` is what ``accord.match`` returns. It can sit anywhere in a body, a header, a query
parameter, the path, a status or message metadata. ``reify`` walks a value that contains
matchers and produces the plain example plus rules and generators keyed by DocPath::

    example, rules, generators = reify({"id": match.integer(1)}, where="a request")
    # example == {"id": 1}; rules == {"$.id": [Rule("integer")]}

Mistakes in a matcher (an example its own regex rejects, ``min > max``) are found when it is
used, so the error can name the interaction and the path.
"""

from __future__ import annotations

import copy
import enum
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from typing import Any, Final, TypeAlias

from accord.consumer.generator_values import implied
from accord.errors import ContractDefinitionError
from accord.model import Generator, Rule, RuleList
from accord.model.jsontypes import JsonValue
from accord.model.valueclass import dataclass

__all__ = [
    "ArrayContaining",
    "EachKey",
    "EachLike",
    "EachValue",
    "Generated",
    "Matchable",
    "Matcher",
    "Reified",
    "generated",
    "reify",
]

Matchable: TypeAlias = Any
"""A value that may hold matchers anywhere: JSON-like data (dict, list, tuple, str, int, float,
bool, None) whose parts may be ``Matcher``s or ``Generator``s. (An alias of ``Any``, as
pact-python's own is: its parts are checked, with their path, when the value is reified.)"""


class _Wildcard(enum.Enum):
    STAR = "[*]"


_STAR: Final = _Wildcard.STAR  # an array wildcard ([*]) in a location

Location: TypeAlias = "tuple[str | int | _Wildcard, ...]"
"""Where a value sits in the value being reified: keys, indices and array wildcards."""

_PLAIN = re.compile(r"^[A-Za-z0-9_\-]+$")


def render_path(location: Sequence[str | int | _Wildcard]) -> str:
    """``("a", _STAR, "b c", 0)`` → ``$.a[*]['b c'][0]`` (the way the official tools write it)."""
    out = ["$"]
    for token in location:
        if token is _STAR:
            out.append("[*]")
        elif isinstance(token, int):
            out.append(f"[{token}]")
        elif _PLAIN.match(token):
            out.append(f".{token}")
        else:
            out.append("['" + token.replace("'", "\\'") + "']")
    return "".join(out)


class Matcher:
    """An example ``value`` with ``rules`` (combined with AND) and an optional ``generator``.

    ``check`` (when set) validates the example once the matcher is used; it returns a problem
    sentence or None. ``m1 & m2`` applies the rules of both to one value.
    """

    __slots__ = ("check", "generator", "rules", "value")

    def __init__(
        self,
        value: Matchable,
        rules: Sequence[Rule] = (),
        generator: Generator | None = None,
        *,
        check: Callable[[], str | None] | None = None,
    ) -> None:
        self.value = value
        self.rules = tuple(rules)
        self.generator = generator
        self.check = check

    def __and__(self, other: Matcher) -> Matcher:
        if not isinstance(other, Matcher):
            return NotImplemented
        checks = [c for c in (self.check, other.check) if c is not None]

        def both() -> str | None:
            for c in checks:
                problem = c()
                if problem:
                    return problem
            return None

        value = self.value if not isinstance(self, Generated) else other.value
        return Matcher(value, self.rules + other.rules, self.generator or other.generator,
                       check=both if checks else None)

    def emit(self, walker: _Walker, loc: Location) -> JsonValue:
        """Record this matcher's rules/generator at ``loc`` and return its plain example."""
        walker.validate(self, loc)
        walker.add(loc, self.rules, self.generator)
        return walker.walk(self.value, loc)

    def example(self) -> JsonValue:
        """The plain example value (matchers stripped)."""
        return reify(self).example

    def __repr__(self) -> str:
        kinds = "&".join(r.kind for r in self.rules) or "example"
        return f"<match.{kinds} {self.value!r}>"


class Generated(Matcher):
    """A value produced by a generator (``accord.generate``); its rules follow the generator."""

    __slots__ = ()

    def __repr__(self) -> str:
        assert self.generator is not None
        return f"<generate.{self.generator.kind} {dict(self.generator.params)!r}>"


def generated(generator: Generator, example: JsonValue = None) -> Generated:
    """``generator`` as a value: its example (``example`` when given) and the rules that fit
    what it makes (``accord.generate`` builds every generator this way)."""
    value, rules = implied(generator, example)
    return Generated(value, rules, generator)


class EachLike(Matcher):
    """An array whose every element is like ``template``; the example holds ``count`` copies."""

    __slots__ = ("count", "max", "min")

    def __init__(self, template: Matchable, min: int | None, max: int | None, count: int) -> None:
        params: dict[str, Any] = {}
        if min is not None:
            params["min"] = min
        if max is not None:
            params["max"] = max
        super().__init__(template, (Rule("type", params),))
        self.min, self.max, self.count = min, max, count

    def emit(self, walker: _Walker, loc: Location) -> JsonValue:
        walker.validate(self, loc)
        walker.add(loc, self.rules, None)
        element = walker.walk(self.value, (*loc, _STAR))
        return [copy.deepcopy(element) for _ in range(self.count)]


class ArrayContaining(Matcher):
    """An array that must contain an element matching each variant (in any order)."""

    __slots__ = ()

    def emit(self, walker: _Walker, loc: Location) -> JsonValue:
        walker.validate(self, loc)
        variants_json = []
        examples = []
        for index, variant in enumerate(self.value):
            sub = reify(variant, where=walker.where)
            examples.append(sub.example)
            item: dict[str, Any] = {
                "index": index,
                "rules": {path: rl.to_json() for path, rl in sub.rules.items()},
            }
            if sub.generators:
                item["generators"] = {p: g.to_json() for p, g in sub.generators.items()}
            variants_json.append(item)
        walker.add(loc, (Rule("arrayContains", {"variants": variants_json}),), None)
        return examples


class EachKey(Matcher):
    """An object whose keys each satisfy ``key_rules`` (the values are matched as given)."""

    __slots__ = ()

    def emit(self, walker: _Walker, loc: Location) -> JsonValue:
        walker.validate(self, loc)
        walker.add(loc, self.rules, None)
        return {k: walker.walk(v, (*loc, k)) for k, v in self.value.items()}


class EachValue(Matcher):
    """An object (or array) whose every value satisfies the given rules, whatever the keys."""

    __slots__ = ()

    def emit(self, walker: _Walker, loc: Location) -> JsonValue:
        walker.validate(self, loc)
        walker.add(loc, self.rules, None)
        if isinstance(self.value, Mapping):
            return {k: walker.walk(v, (*loc, k)) for k, v in self.value.items()}
        return [walker.walk(v, (*loc, i)) for i, v in enumerate(self.value)]


@dataclass
class Reified:
    """A value with matchers taken apart: the example, rules and generators by DocPath."""

    example: Any
    rules: dict[str, RuleList] = field(default_factory=dict)
    generators: dict[str, Generator] = field(default_factory=dict)


class _Walker:
    def __init__(self, where: str) -> None:
        self.where = where
        self.rules: dict[str, list[Rule]] = {}
        self.generators: dict[str, Generator] = {}

    def validate(self, matcher: Matcher, loc: Location) -> None:
        if matcher.check is None:
            return
        problem = matcher.check()
        if problem:
            raise ContractDefinitionError(
                f"interaction {self.where!r}: {problem} (at {render_path(loc)})")

    def add(self, loc: Location, rules: Sequence[Rule], generator: Generator | None) -> None:
        path = render_path(loc)
        if rules:
            existing = self.rules.setdefault(path, [])
            existing.extend(r for r in rules if r not in existing)
        if generator is not None:
            self.generators[path] = generator

    def walk(self, value: Matchable, loc: Location) -> JsonValue:
        if isinstance(value, Matcher):
            return value.emit(self, loc)
        if isinstance(value, Mapping):
            out = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise ContractDefinitionError(
                        f"interaction {self.where!r}: object keys must be strings, got {key!r} "
                        f"at {render_path(loc)}")
                out[key] = self.walk(item, (*loc, key))
            return out
        if isinstance(value, (list, tuple)):
            return [self.walk(item, (*loc, i)) for i, item in enumerate(value)]
        if value is None or isinstance(value, (str, bool, int)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ContractDefinitionError(
                    f"interaction {self.where!r}: {value} is not valid JSON "
                    f"(at {render_path(loc)})")
            return value
        if isinstance(value, Generator):
            return generated(value).emit(self, loc)
        raise ContractDefinitionError(
            f"interaction {self.where!r}: {type(value).__name__} value {value!r} at "
            f"{render_path(loc)} cannot be written to a pact (use str, int, float, bool, None, "
            "dict, list or an accord.match matcher)")


def reify(value: Matchable, *, where: str = "") -> Reified:
    """Take ``value`` apart into its example, rules and generators (paths rooted at ``$``)."""
    walker = _Walker(where)
    example = walker.walk(value, ())
    rules = {p: RuleList(tuple(rs)) for p, rs in walker.rules.items() if rs}
    return Reified(example, rules, dict(walker.generators))
