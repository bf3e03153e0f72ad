"""Regular expressions as pact files write them (Java/Rust syntax) compiled for Python.

Pact files come from JVM and Rust tools, so patterns may use ``\\Q...\\E`` quoting,
``(?<name>...)`` groups, possessive quantifiers or ``\\z``. They are translated once and
cached; a pattern that cannot be compiled raises ``re.error`` for the caller to report.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["compile_pattern", "full_match"]

_QUOTED = re.compile(r"\\Q(.*?)(?:\\E|$)", re.S)
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z][A-Za-z0-9]*)>")
_POSIX = {
    r"\p{Alpha}": "[A-Za-z]",
    r"\p{Digit}": "[0-9]",
    r"\p{Alnum}": "[A-Za-z0-9]",
    r"\p{Upper}": "[A-Z]",
    r"\p{Lower}": "[a-z]",
    r"\p{Punct}": r"[!-/:-@\[-`{-~]",
    r"\p{XDigit}": "[0-9A-Fa-f]",
    r"\p{Space}": r"\s",
    r"\p{L}": r"[^\W\d_]",
    r"\p{N}": r"\d",
    r"\h": r"[ \t]",
}


@lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a Java/Rust-style pattern (raises ``re.error`` when it is invalid)."""
    translated = _QUOTED.sub(lambda m: re.escape(m.group(1)), pattern)
    translated = _NAMED_GROUP.sub(r"(?P<\1>", translated)
    for java, python in _POSIX.items():  # before the possessive rule: \p{Alpha}+ is greedy
        translated = translated.replace(java, python)
    translated = re.sub(r"([*+?}])\+", r"\1", translated)  # possessive → greedy
    translated = translated.replace(r"\z", r"\Z")
    return re.compile(translated)


def full_match(pattern: str, value: str) -> bool:
    """Does ``value`` match ``pattern`` as a whole (as Pact regex rules require)?"""
    return compile_pattern(pattern).fullmatch(value) is not None
