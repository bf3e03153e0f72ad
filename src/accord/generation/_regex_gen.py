"""Random strings that match a regular expression (the ``Regex`` generator).

Supports the syntax pact files use in practice: literals and escapes, ``.``, classes with
ranges and negation, ``\\d \\w \\s`` (and their negations), ``\\p{Alpha}``-style classes,
groups (capturing, non-capturing, named), alternation, quantifiers (``* + ? {n} {n,} {n,m}``,
lazy and possessive forms), back-references, ``\\Q...\\E`` quoting; anchors and look-arounds
produce nothing. Unbounded repetition is capped so values stay short. The result is checked
against the pattern and regenerated a few times when a look-around or similar rejects it.

Patterns come from pact files, so nothing here may run long: building one value is limited
to ``_MAX_STEPS`` node visits (``(a{1000}){1000}`` is refused, not built), and the check uses
``accord.model.regex``, which never hangs.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from dataclasses import field
from functools import lru_cache
from typing import TypeVar

from accord.errors import GeneratorError
from accord.model.regex import RegexError, RegexTimeout, compile_pattern
from accord.model.valueclass import dataclass

__all__ = ["example_from_regex", "generate_from_regex"]

_PRINTABLE = tuple(chr(c) for c in range(0x20, 0x7F))
_DIGITS = tuple(string.digits)
_WORD = tuple(string.ascii_letters + string.digits + "_")
_SPACE = (" ",)
_EXTRA = 8  # how many repetitions beyond the minimum an unbounded quantifier may add
_PLAIN = {"d": "1", "w": "a", "s": " ", "D": "a", "W": "1", "S": "1"}  # stable example chars
_MAX_STEPS = 100_000  # node visits (and so characters) one generated value may take
_CLASSES = {
    "Alpha": string.ascii_letters, "Digit": string.digits,
    "Alnum": string.ascii_letters + string.digits, "Upper": string.ascii_uppercase,
    "Lower": string.ascii_lowercase, "Punct": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "XDigit": string.hexdigits, "Space": " ", "L": string.ascii_letters, "N": string.digits,
    "Lu": string.ascii_uppercase, "Ll": string.ascii_lowercase, "ASCII": "".join(_PRINTABLE),
    "Print": "".join(_PRINTABLE), "Graph": "".join(_PRINTABLE[1:]), "Blank": " ",
}


@dataclass
class _Node:
    kind: str  # lit, set, seq, alt, group, rep, backref, empty
    chars: tuple[str, ...] = ()
    children: list[_Node] = field(default_factory=list)
    lo: int = 0
    hi: int = 0
    index: int = 0
    example: str = ""  # a set's plainest member, used for stable examples (``example_from_regex``)


class _Parser:
    def __init__(self, pattern: str):
        self.p = pattern
        self.i = 0
        self.groups = 0

    def error(self, message: str) -> GeneratorError:
        return GeneratorError(f"cannot generate from regex {self.p!r}: {message} at {self.i}")

    def more(self) -> bool:
        return self.i < len(self.p)

    def parse(self) -> _Node:
        node = self.alternation()
        if self.more():
            raise self.error(f"unexpected {self.p[self.i]!r}")
        return node

    def alternation(self) -> _Node:
        branches = [self.sequence()]
        while self.more() and self.p[self.i] == "|":
            self.i += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else _Node("alt", children=branches)

    def sequence(self) -> _Node:
        items: list[_Node] = []
        while self.more() and self.p[self.i] not in "|)":
            atom = self.atom()
            items.append(self.quantified(atom))
        return _Node("seq", children=items)

    def quantified(self, atom: _Node) -> _Node:
        while self.more():
            ch = self.p[self.i]
            if ch == "*":
                lo, hi = 0, _EXTRA
                self.i += 1
            elif ch == "+":
                lo, hi = 1, 1 + _EXTRA
                self.i += 1
            elif ch == "?":
                lo, hi = 0, 1
                self.i += 1
            elif ch == "{" and (m := re.match(r"\{(\d*)(,?)(\d*)\}", self.p[self.i:])):
                if not m.group(1) and not m.group(3):
                    return atom  # a literal '{' (atom() consumes it next time round)
                lo = int(m.group(1) or 0)
                hi = int(m.group(3)) if m.group(3) else (lo + _EXTRA if m.group(2) else lo)
                self.i += m.end()
            else:
                return atom
            if self.more() and self.p[self.i] in "?+":  # lazy / possessive: same strings
                self.i += 1
            atom = _Node("rep", children=[atom], lo=lo, hi=max(lo, hi))
        return atom

    def atom(self) -> _Node:
        ch = self.p[self.i]
        self.i += 1
        if ch == "(":
            return self.group()
        if ch == "[":
            negated = self.p.startswith("^", self.i)
            chars = self.char_class()
            plain = next((c for c in "aZ1_x" if c in chars), "") if negated else ""
            return _Node("set", chars=chars, example=plain)
        if ch == ".":
            return _Node("set", chars=_PRINTABLE, example="x")
        if ch in "^$":
            return _Node("empty")
        if ch == "\\":
            return self.escape(in_class=False)
        return _Node("lit", chars=(ch,))

    def group(self) -> _Node:
        capture, skip = True, False
        if self.p.startswith("?", self.i):
            rest = self.p[self.i + 1:]
            if rest.startswith(":"):
                capture, self.i = False, self.i + 2
            elif rest.startswith(("=", "!")):
                capture, skip, self.i = False, True, self.i + 2
            elif rest.startswith(("<=", "<!")):
                capture, skip, self.i = False, True, self.i + 3
            elif m := re.match(r"P?<[A-Za-z_][A-Za-z0-9_]*>", rest):
                self.i += 1 + m.end()
            elif m := re.match(r"[a-zA-Z-]*\)", rest):  # inline flags (?i): ignored
                self.i += 1 + m.end()
                return _Node("empty")
            elif m := re.match(r"[a-zA-Z-]*:", rest):
                capture, self.i = False, self.i + 1 + m.end()
            else:
                raise self.error("unsupported group syntax")
        index = 0
        if capture:
            self.groups += 1
            index = self.groups
        inner = self.alternation()
        if not self.more() or self.p[self.i] != ")":
            raise self.error("missing ')'")
        self.i += 1
        if skip:
            return _Node("empty")
        return _Node("group", children=[inner], index=index)

    def escape(self, *, in_class: bool) -> _Node:
        if not self.more():
            raise self.error("trailing backslash")
        ch = self.p[self.i]
        self.i += 1
        simple = {"d": _DIGITS, "w": _WORD, "s": _SPACE,
                  "D": _minus(_DIGITS), "W": _minus(_WORD), "S": _minus(_SPACE)}
        if ch in simple:
            return _Node("set", chars=simple[ch], example=_PLAIN[ch])
        controls = {"t": "\t", "n": "\n", "r": "\r", "f": "\f", "v": "\v", "e": "\x1b",
                    "a": "\a", "0": "\0"}
        if ch in controls:
            return _Node("lit", chars=(controls[ch],))
        hex_escape = re.match(r"\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2,4})", self.p[self.i:])
        if ch in "xu" and (m := hex_escape):
            digits = m.group(1) or (m.group(2)[:2] if ch == "x" else m.group(2))
            self.i += m.end() if (m.group(1) or ch == "u") else 2
            return _Node("lit", chars=(chr(int(digits, 16)),))
        if ch in "pP" and (m := re.match(r"\{(?:Is)?([A-Za-z]+)\}|([A-Z])", self.p[self.i:])):
            name = m.group(1) or m.group(2)
            chars = tuple(_CLASSES.get(name, string.ascii_letters))
            self.i += m.end()
            return _Node("set", chars=chars if ch == "p" else _minus(chars))
        if ch == "h":
            return _Node("set", chars=(" ", "\t"))
        if not in_class and ch in "bBAzZG":
            return _Node("empty")
        if not in_class and ch.isdigit():
            m = re.match(r"\d+", self.p[self.i - 1:])
            assert m is not None
            self.i += m.end() - 1
            return _Node("backref", index=int(m.group()))
        if not in_class and ch == "k" and (m := re.match(r"<([A-Za-z0-9_]+)>", self.p[self.i:])):
            raise self.error("named back-references are not supported")
        if ch == "Q":
            end = self.p.find("\\E", self.i)
            text = self.p[self.i:] if end < 0 else self.p[self.i:end]
            self.i = len(self.p) if end < 0 else end + 2
            return _Node("seq", children=[_Node("lit", chars=(c,)) for c in text])
        return _Node("lit", chars=(ch,))

    def char_class(self) -> tuple[str, ...]:
        negate = self.more() and self.p[self.i] == "^"
        if negate:
            self.i += 1
        chars: list[str] = []
        first = True
        while True:
            if not self.more():
                raise self.error("missing ']'")
            ch = self.p[self.i]
            if ch == "]" and not first:
                self.i += 1
                break
            first = False
            if ch == "[":  # nested class (Java union) or POSIX [:alpha:]
                m = re.match(r"\[:(\w+):\]", self.p[self.i:])
                if m:
                    chars.extend(_CLASSES.get(m.group(1).capitalize(), ""))
                    self.i += m.end()
                else:
                    self.i += 1
                    chars.extend(self.char_class())
                continue
            if ch == "&" and self.p.startswith("&&", self.i):
                raise self.error("class intersection (&&) is not supported")
            self.i += 1
            if ch == "\\":
                node = self.escape(in_class=True)
                if node.kind == "set" or len(node.chars) != 1:
                    chars.extend(node.chars)
                    continue
                ch = node.chars[0]
            if (self.i + 1 < len(self.p) and self.p[self.i] == "-"
                    and self.p[self.i + 1] != "]"):
                self.i += 1
                end = self.p[self.i]
                self.i += 1
                if end == "\\":
                    node = self.escape(in_class=True)
                    end = node.chars[0] if node.chars else end
                if ord(end) < ord(ch):
                    raise self.error(f"bad range {ch}-{end}")
                chars.extend(chr(c) for c in range(ord(ch), ord(end) + 1))
            else:
                chars.append(ch)
        unique = tuple(dict.fromkeys(chars))
        return _minus(unique) if negate else unique


def _minus(chars: tuple[str, ...] | str) -> tuple[str, ...]:
    excluded = set(chars)
    return tuple(c for c in _PRINTABLE if c not in excluded)


@lru_cache(maxsize=512)
def _parse(pattern: str) -> _Node:
    return _Parser(pattern).parse()


class _TooLong(Exception):
    pass


_T = TypeVar("_T")


class _Plainest:
    """Stands in for the random source to build a stable example: the first branch, each set's
    plainest member, the fewest repetitions (one where the pattern allows none or more)."""

    def choice(self, items: Sequence[_T]) -> _T:
        return items[0]

    def randint(self, lo: int, hi: int) -> int:
        return lo if lo or not hi else 1


def _emit(
    node: _Node,
    rng: random.Random | _Plainest,
    groups: dict[int, str],
    out: list[str],
    steps: list[int],
) -> None:
    steps[0] -= 1
    if steps[0] < 0:
        raise _TooLong
    kind = node.kind
    if kind == "lit":
        out.append(node.chars[0])
    elif kind == "set":
        if node.chars:
            plain = node.example if isinstance(rng, _Plainest) else ""
            out.append(plain or rng.choice(node.chars))
    elif kind == "seq":
        for child in node.children:
            _emit(child, rng, groups, out, steps)
    elif kind == "alt":
        _emit(rng.choice(node.children), rng, groups, out, steps)
    elif kind == "group":
        start = len(out)
        _emit(node.children[0], rng, groups, out, steps)
        if node.index:
            groups[node.index] = "".join(out[start:])
    elif kind == "rep":
        hi = node.hi if node.hi - node.lo <= 1000 else node.lo + _EXTRA  # keep values short
        for _ in range(rng.randint(node.lo, hi)):
            _emit(node.children[0], rng, groups, out, steps)
    elif kind == "backref":
        text = groups.get(node.index, "")
        steps[0] -= len(text)
        out.append(text)


def generate_from_regex(pattern: str, rng: random.Random) -> str:
    """A random string that fully matches ``pattern`` (Java/Rust regex syntax)."""
    try:
        compiled = compile_pattern(pattern)
    except RegexError as exc:
        raise GeneratorError(f"invalid regular expression {pattern!r}: {exc.reason}") from None
    try:
        tree = _parse(pattern)
    except RecursionError:
        raise GeneratorError(f"cannot generate from regex {pattern!r}: nested too deeply") from None
    value = ""
    for _ in range(25):
        out: list[str] = []
        try:
            _emit(tree, rng, {}, out, [_MAX_STEPS])
        except _TooLong:
            raise GeneratorError(
                f"cannot generate from regex {pattern!r}: the values it describes are longer than "
                f"{_MAX_STEPS:,} characters"
            ) from None
        value = "".join(out)
        try:
            if compiled.fullmatch(value):
                return value
        except RegexTimeout:
            return value  # the check gave up; the value was built from the pattern itself
    return value


def example_from_regex(pattern: str) -> str | None:
    """A stable, plain string ``pattern`` matches (None when none can be built safely).

    Used for examples the user did not give (``generate.regex`` without ``example=``): the same
    parser and the same step bound as ``generate_from_regex``, with the plainest choices instead
    of random ones, so the pact file does not change from run to run.
    """
    try:
        compiled = compile_pattern(pattern)
        tree = _parse(pattern)
        out: list[str] = []
        _emit(tree, _Plainest(), {}, out, [_MAX_STEPS])
    except (GeneratorError, RegexError, RecursionError, _TooLong):
        return None
    text = "".join(out)
    try:
        return text if compiled.fullmatch(text) or compiled.search(text) else None
    except RegexTimeout:
        return None
