"""What a pacticipant name, version number, branch, tag, label or environment name may be.

Checked where such a name is first stored (the storage functions that create them), so no
route can slip one past. Any printable text is allowed, letters of every script included (as
in the official broker); control characters (NUL, CR, LF, TAB …), line and paragraph
separators and unpaired surrogates are not, and a name is at most 255 characters (the
database column).
"""

from __future__ import annotations

import unicodedata

__all__ = ["MAX_NAME_LENGTH", "InvalidName", "check_name", "name_problem"]

MAX_NAME_LENGTH = 255
_FORBIDDEN_CATEGORIES = {
    "Cc": "control character",
    "Zl": "line separator",
    "Zp": "paragraph separator",
    "Cs": "unpaired surrogate",
}
_CHARACTER_NAMES = {"\x00": "NUL", "\r": "CR", "\n": "LF", "\t": "TAB", "\x7f": "DEL"}


class InvalidName(ValueError):
    """A name the broker will not store; ``field`` is the request field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def name_problem(value: object, what: str, max_length: int | None = MAX_NAME_LENGTH) -> str | None:
    """Why ``value`` cannot be a ``what`` (e.g. "version number"), or None when it can."""
    if not isinstance(value, str):
        return f"{what} must be a string"
    if not value.strip():
        return f"{what} cannot be empty or only white space"
    if max_length is not None and len(value) > max_length:
        return f"{what} is {len(value)} characters long; at most {max_length} are allowed"
    for position, char in enumerate(value, start=1):
        kind = _FORBIDDEN_CATEGORIES.get(unicodedata.category(char))
        if kind is not None:
            label = _CHARACTER_NAMES.get(char, f"U+{ord(char):04X}")
            return (
                f"{what} {_shown(value)} contains a {kind} ({label}) at position {position}; "
                "it must be single-line printable text"
            )
    return None


def check_name(value: object, what: str, field: str) -> str:
    """``value`` when it is a valid ``what``, else ``InvalidName`` naming the request ``field``."""
    problem = name_problem(value, what)
    if problem is not None:
        raise InvalidName(field, problem[0].upper() + problem[1:])
    assert isinstance(value, str)
    return value


def _shown(value: str) -> str:
    text = value if len(value) <= 60 else value[:60] + "…"
    return ascii(text) if not text.isprintable() else repr(text)
