"""Regular expressions as pact files write them (Java syntax), matched without ever hanging.

Pact files come from JVM, Rust and JavaScript tools, so patterns may use ``\\Q...\\E`` quoting,
``(?<name>...)`` groups, ``\\p{Alpha}`` classes, possessive quantifiers, look-arounds or
back-references. A value under test comes from the provider (or the consumer, for the mock
server), so matching must stay cheap whatever the pattern and the value: Python's ``re``
backtracks, and ``^(a+)+$`` against 34 characters would run for hours.

How a pattern is matched:

1. It is translated once into the syntax both engines below share (``\\Q...\\E`` quoted,
   ``\\p{Alpha}``-style POSIX classes to ASCII ranges, ``\\uFFFF``/``\\x{...}``/``\\e``/``\\cX``
   to characters, ``\\h`` to its class, ``\\Z`` to ``\\z``).
2. RE2 (``google-re2``) compiles it when it can: RE2 runs in time linear in the value, so
   those patterns (nearly all that pact files hold) cannot be slow. ``\\d \\w \\s \\b`` are
   ASCII in RE2, as in Java.
3. A pattern RE2 refuses (back-references, look-arounds, possessive quantifiers, atomic
   groups, free-spacing mode, repetition counts over 1000 ...) goes to the backtracking
   ``regex`` module, which knows those constructs, run with a time limit
   (``BACKTRACKING_TIME_LIMIT`` per match; the engine counts its own running time, so on a
   busy machine the wall-clock wait is longer). A match that exceeds it raises
   ``RegexTimeout``; the pattern is then *abandoned*: later matches with it fail at once
   with the same error, so one evil pattern costs at most one time limit, however many
   values it is applied to (array items, mock-server requests). That is the only state this
   module keeps, on the cached pattern objects.
4. A pattern neither engine accepts raises ``RegexError`` with the reason, for the caller
   to report (a mismatch at match time; a definition error in the consumer DSL).

The official core uses Oniguruma, also a backtracking engine with a retry limit: there, a
catastrophic pattern aborts the whole verifier run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

import re2

__all__ = [
    "BACKTRACKING_TIME_LIMIT",
    "RegexError",
    "RegexTimeout",
    "SafePattern",
    "compile_pattern",
    "full_match",
    "regex_problem",
]

# Seconds one match may take in the backtracking engine (RE2 needs no limit).
BACKTRACKING_TIME_LIMIT = 0.5


class RegexError(ValueError):
    """A pattern that cannot be used: ``pattern`` and the ``reason`` an engine gave."""

    def __init__(self, pattern: str, reason: str):
        super().__init__(f"invalid regex {pattern!r}: {reason}")
        self.pattern = pattern
        self.reason = reason


class RegexTimeout(RegexError):
    """Matching took longer than the time limit (catastrophic backtracking)."""

    def __init__(self, pattern: str, length: int, limit: float):
        reason = (
            f"matching a {length:,}-character value took longer than {limit:g} s "
            "(catastrophic backtracking: nested or overlapping repetition); the pattern is "
            "abandoned, simplify it"
        )
        ValueError.__init__(self, f"regex {pattern!r} timed out: {reason}")
        self.pattern = pattern
        self.reason = reason


class MatchLike(Protocol):
    def start(self, group: int = ...) -> int: ...
    def end(self, group: int = ...) -> int: ...
    def group(self, group: int = ...) -> str | None: ...


class CompiledPattern(Protocol):
    """A pattern compiled by RE2 or by ``regex`` (neither library has type hints)."""

    @property
    def groups(self) -> int: ...
    def fullmatch(self, string: str | bytes, /) -> object: ...


class SafePattern:
    """A compiled pattern whose matching always ends (see the module docstring).

    ``source`` is the pattern as written, ``translated`` what the engine got, ``linear``
    whether RE2 runs it, ``groups`` how many capturing groups it has.
    """

    __slots__ = ("_abandoned", "_compiled", "groups", "linear", "source", "translated")

    def __init__(self, source: str, translated: str, compiled: CompiledPattern, linear: bool):
        self.source = source
        self.translated = translated
        self.linear = linear
        self.groups: int = compiled.groups
        self._compiled = compiled
        self._abandoned: RegexTimeout | None = None  # set once; one attribute store is atomic

    def fullmatch(self, value: str) -> bool:
        """Does the whole of ``value`` match? (Raises ``RegexTimeout``, see the module.)"""
        if self.linear:  # RE2 reads UTF-8 bytes: no character offsets to work out afterwards
            return self._compiled.fullmatch(value.encode("utf-8", "surrogatepass")) is not None
        return self._run("fullmatch", value) is not None

    def search(self, value: str) -> MatchLike | None:
        """The first match anywhere in ``value`` (raises ``RegexTimeout``, see the module)."""
        return self._run("search", value)  # type: ignore[no-any-return]

    def _run(self, method: str, value: str) -> Any:
        if self.linear:
            try:
                return getattr(self._compiled, method)(value)
            except UnicodeEncodeError:  # a lone surrogate (JSON allows "\ud800"): RE2 reads
                return getattr(self._compiled, method)(_without_surrogates(value))  # UTF-8
        if self._abandoned is not None:
            raise self._abandoned
        try:
            return getattr(self._compiled, method)(value, timeout=BACKTRACKING_TIME_LIMIT)
        except TimeoutError:
            abandoned = RegexTimeout(self.source, len(value), BACKTRACKING_TIME_LIMIT)
            self._abandoned = abandoned
            raise abandoned from None

    def __repr__(self) -> str:
        engine = "re2" if self.linear else "backtracking, time-limited"
        return f"SafePattern({self.source!r}, {engine})"


def _without_surrogates(value: str) -> str:
    """``value`` with each lone surrogate replaced by U+FFFD (one character for one, so
    offsets stay the same)."""
    return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in value)


def compile_pattern(pattern: str) -> SafePattern:
    """Compile a Java-style pattern (raises ``RegexError`` when it is invalid)."""
    compiled = _compile(pattern)
    if isinstance(compiled, RegexError):
        raise compiled
    return compiled


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used, or None when it compiles."""
    compiled = _compile(pattern)
    return compiled.reason if isinstance(compiled, RegexError) else None


def full_match(pattern: str, value: str) -> bool:
    """Does ``value`` match ``pattern`` as a whole (as Pact regex rules require)?"""
    return compile_pattern(pattern).fullmatch(value)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # RE2 would print every refused pattern on stderr


@lru_cache(maxsize=2048)
def _compile(pattern: str) -> SafePattern | RegexError:
    if not isinstance(pattern, str):
        return RegexError(repr(pattern), "a regex must be a string")
    try:
        translated = _translate(pattern)
    except ValueError as exc:
        return RegexError(pattern, str(exc))
    try:
        return SafePattern(pattern, translated, re2.compile(translated, _RE2_OPTIONS), True)
    except (re2.error, UnicodeError):  # (a lone surrogate in the pattern is not UTF-8)
        pass
    repeated = _largest_repetition(translated)
    if repeated > _MAX_REPETITION:
        return RegexError(
            pattern,
            f"nested repetition counts multiply to {repeated:,}: over {_MAX_REPETITION:,}, "
            "too many to compile safely",
        )
    # imported here: few pacts need it, and it brings a thread lock into the pure core
    import regex as backtracking

    try:
        compiled = backtracking.compile(translated, backtracking.V0 | backtracking.ASCII)
    except (backtracking.error, OverflowError, RecursionError) as exc:
        return RegexError(pattern, str(exc))
    return SafePattern(pattern, translated, compiled, False)


# The backtracking engine expands the minimum of a counted repetition when it compiles
# ``(a{1000}){1000}`` (RE2 refuses such patterns outright): past this product of nested
# minimum counts, compiling alone would take seconds to hours. (Maximums cost nothing.)
_MAX_REPETITION = 1_000_000
_COUNT = re2.compile(r"\{(\d+)(?:,\d*)?\}")


def _largest_repetition(pattern: str) -> int:
    """The largest product of nested minimum counts (``{n}``, ``{n,m}``) in ``pattern`` (a
    rough scan: escapes and classes are skipped, a count multiplies the atom or group
    before it)."""
    frames = [1]  # the largest product seen inside each open group
    last = 1  # the product of the atom or group just before the current position
    largest = 1
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i, last = i + 2, 1
        elif c == "[":
            close = i + 1
            while close < n and pattern[close] != "]":
                close += 2 if pattern[close] == "\\" else 1
            i, last = close + 1, 1
        elif c == "(":
            frames.append(1)
            i += 1
        elif c == ")":
            last = frames.pop() if len(frames) > 1 else 1
            frames[-1] = max(frames[-1], last)
            i += 1
        elif c == "{" and (m := _COUNT.match(pattern[i:i + 24])):
            last *= max(int(m.group(1)), 1)
            frames[-1] = max(frames[-1], last)
            largest = max(largest, last)
            i += m.end()
        else:
            i, last = i + 1, 1
    return max(largest, *frames)


# --------------------------------------------------------------------------- translation

# Java's POSIX classes are ASCII; the ranges are written without brackets so that they fit
# inside a class too.
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "A-Za-z", "Digit": "0-9",
    "Alnum": "A-Za-z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~", "Print": " -~",
    "Blank": " \\t", "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9A-Fa-f",
    "Space": " \\t\\n\\x0b\\f\\r",
}  # fmt: skip
_HORIZONTAL = "\\x20\\t\\xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000"
_SPECIAL = frozenset("\\.^$|?*+()[]{}-#&~")


def _char(c: str) -> str:
    """One literal character, escaped for either engine, inside or outside a class."""
    if c in _SPECIAL:
        return "\\" + c
    if ord(c) < 0x100 and (c.isspace() or not c.isprintable()):
        return f"\\x{ord(c):02x}"
    return c


def _translate(pattern: str) -> str:
    """Java syntax → the syntax RE2 and ``regex`` share (raises ValueError when malformed)."""
    out: list[str] = []
    i, n, depth = 0, len(pattern), 0
    while i < n:
        c = pattern[i]
        if c == "\\":
            text, i = _escape(pattern, i, depth)
            out.append(text)
            continue
        if c == "[":
            if depth and pattern.startswith("[:", i):  # a POSIX bracket class [:alpha:]
                close = pattern.find(":]", i + 2)
                if close > 0:
                    out.append(pattern[i : close + 2])
                    i = close + 2
                    continue
            if depth:  # a [ inside a class is a literal (Java's [a[b]] unions are not read)
                out.append("\\[")
                i += 1
                continue
            depth = 1
            text, i = _open_class(pattern, i)
            out.append(text)
            continue
        if c == "]" and depth:
            depth = 0
            out.append(c)
            i += 1
            continue
        if c == "(" and pattern.startswith("(?<", i) and i + 3 < n and pattern[i + 3].isalpha():
            out.append("(?P<")  # named group; (?<= and (?<! are look-behinds
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _open_class(pattern: str, i: int) -> tuple[str, int]:
    """A class opening at ``pattern[i]``: its ``[``, a ``^``, and a leading ``]`` (a literal)."""
    text = "["
    i += 1
    if pattern.startswith("^", i):
        text += "^"
        i += 1
    if pattern.startswith("]", i):
        text += "\\]"
        i += 1
    return text, i


def _escape(pattern: str, i: int, depth: int) -> tuple[str, int]:
    """The translation of the escape whose backslash is at ``pattern[i]``, and the index after
    it; ``depth`` says whether it stands inside a class."""
    n = len(pattern)
    if i + 1 >= n:
        raise ValueError("trailing backslash at the end of the pattern")
    nxt = pattern[i + 1]
    if nxt == "Q":
        end = pattern.find("\\E", i + 2)
        stop = n if end < 0 else end
        return "".join(_char(ch) for ch in pattern[i + 2 : stop]), (n if end < 0 else end + 2)
    if nxt in "pP" and pattern.startswith("{", i + 2):
        close = pattern.find("}", i + 3)
        name = pattern[i + 3 : close] if close > 0 else ""
        name = name[2:] if name.startswith("Is") and name[2:] in _POSIX else name
        if name in _POSIX and (nxt == "p" or depth == 0):
            ranges = _POSIX[name]
            neg = "^" if nxt == "P" else ""
            return (ranges if depth and not neg else f"[{neg}{ranges}]"), close + 1
    elif nxt == "h":
        return (_HORIZONTAL if depth else f"[{_HORIZONTAL}]"), i + 2
    elif nxt == "Z":
        return "\\z", i + 2
    elif nxt == "e":
        return _char("\x1b"), i + 2
    elif nxt == "c" and i + 2 < n:
        return _char(chr(ord(pattern[i + 2]) ^ 0x40)), i + 3
    elif nxt == "u" and _is_hex(pattern[i + 2 : i + 6], 4):
        return _char(chr(int(pattern[i + 2 : i + 6], 16))), i + 6
    elif nxt == "x" and pattern.startswith("{", i + 2):
        close = pattern.find("}", i + 3)
        digits = pattern[i + 3 : close] if close > 0 else ""
        if not _is_hex(digits, None) or int(digits, 16) > 0x10FFFF:
            raise ValueError(f"bad \\x{{...}} escape at position {i}")
        return _char(chr(int(digits, 16))), close + 1
    return pattern[i : i + 2], i + 2


def _is_hex(text: str, size: int | None) -> bool:
    if not text or (size is not None and len(text) != size):
        return False
    return all(ch in "0123456789abcdefABCDEF" for ch in text)
