"""DocPath: the path expressions matching rules and generators are keyed by.

``$.a.b[*].c``, ``$['x.y']``, ``$.a[2]``, ``$.*`` and ``*`` are parsed once into tokens.
A path is compared with a concrete location (a tuple of keys and indexes) to give a
*weight*: 0 when it does not apply, otherwise a product of 2 per exact token and 1 per
wildcard, so the most specific rule for a location wins (as the specification says).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from accord.errors import DocPathError
from accord.model.valueclass import dataclass

__all__ = ["STAR", "DocPath", "Location"]


class _Star:
    """The wildcard token: any key (``.*``) or any index (``[*]``)."""

    def __repr__(self) -> str:
        return "*"


STAR = _Star()
Token = str | int | _Star
Location = Sequence[str | int]
"""A concrete place in a document: object keys (str) and array indexes (int), root first."""

_IDENT = re.compile(r"[^.\[\]'\s]+")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_\-@#:$]+$")


@dataclass(frozen=True, slots=True)
class DocPath:
    """A parsed path expression (without the leading ``$``)."""

    tokens: tuple[Token, ...]
    expression: str
    index_stars: frozenset[int] = frozenset()  # positions of ``[*]``: they match indexes only

    @staticmethod
    def parse(expression: str) -> DocPath:
        return _parse(expression)

    @staticmethod
    def of(location: Location) -> DocPath:
        """The path of a concrete location: ``("a", 0, "b c")`` → ``$.a[0]['b c']``."""
        return DocPath(tuple(location), "$" + "".join(_render(t) for t in location))

    def weight(self, location: Location) -> int:
        """How specifically this path names ``location`` exactly (0: it does not)."""
        if len(self.tokens) != len(location):
            return 0
        return self._prefix_weight(location)

    def prefix_weight(self, location: Location) -> int:
        """Weight of this path as a prefix of ``location`` (rules on a parent cascade down)."""
        if len(self.tokens) > len(location):
            return 0
        return self._prefix_weight(location)

    def _prefix_weight(self, location: Location) -> int:
        weight = 2  # the root always matches
        for position, (token, part) in enumerate(zip(self.tokens, location, strict=False)):
            if token is STAR:
                if position in self.index_stars and not _is_index(part):
                    return 0
            elif token == part or (isinstance(token, str) and str(part) == token):
                weight *= 2
            else:
                return 0
        return weight

    def __len__(self) -> int:
        return len(self.tokens)

    def __str__(self) -> str:
        return self.expression


def _is_index(part: str | int) -> bool:
    return isinstance(part, int) or (isinstance(part, str) and part.isdigit())


def _render(token: Token) -> str:
    if isinstance(token, _Star):
        return ".*"
    if isinstance(token, int):
        return f"[{token}]"
    if _PLAIN_KEY.match(token):
        return f".{token}"
    return "['" + token.replace("'", "\\'") + "']"


@lru_cache(maxsize=4096)
def _parse(expression: str) -> DocPath:
    text = expression.strip()
    if text in ("", "$"):
        return DocPath((), expression)
    if text == "*":
        return DocPath((STAR,), expression)
    if not text.startswith("$"):
        # A path without its root (``data.*``, ``data[*].id``, a bare key as pact-jvm writes
        # some) is read from the root, as the official core reads it.
        if _PLAIN_KEY.match(text):
            return DocPath((text,), expression)
        if _PLAIN_KEY.match(text[0]):
            try:
                rooted = _parse("$." + text)
            except DocPathError as exc:
                raise DocPathError(
                    f"{exc.reason} (the path {expression!r} has no '$' and was read from the root)"
                ) from None
            return DocPath(rooted.tokens, expression, rooted.index_stars)
        raise DocPathError(f"path expression {expression!r} must start with '$'")
    tokens: list[Token] = []
    index_stars: set[int] = set()
    i, n = 1, len(text)
    while i < n:
        ch = text[i]
        if ch == ".":
            i += 1
            if i < n and text[i] == "*":
                tokens.append(STAR)
                i += 1
                continue
            m = _IDENT.match(text, i)
            if not m:
                raise DocPathError(
                    f"path expression {expression!r}: expected a name after '.' at column {i}"
                )
            tokens.append(m.group())
            i = m.end()
        elif ch == "[":
            end, token = _bracket(text, i, expression)
            if token is STAR:
                index_stars.add(len(tokens))
            tokens.append(token)
            i = end
        else:
            raise DocPathError(f"path expression {expression!r}: unexpected {ch!r} at column {i}")
    return DocPath(tuple(tokens), expression, frozenset(index_stars))


def _bracket(text: str, i: int, expression: str) -> tuple[int, Token]:
    """Parse ``[*]``, ``[12]`` or ``['name']`` starting at ``text[i] == '['``."""
    j = i + 1
    if j < len(text) and text[j] in "'\"":
        quote = text[j]
        j += 1
        name = []
        while j < len(text) and text[j] != quote:
            if text[j] == "\\" and j + 1 < len(text):
                j += 1
            name.append(text[j])
            j += 1
        if j + 1 >= len(text) or text[j + 1] != "]":
            raise DocPathError(
                f"path expression {expression!r}: unterminated ['...'] at column {i}"
            )
        return j + 2, "".join(name)
    close = text.find("]", j)
    if close < 0:
        raise DocPathError(f"path expression {expression!r}: missing ']' after column {i}")
    inner = text[j:close].strip()
    if inner == "*":
        return close + 1, STAR
    if inner.isdigit():
        return close + 1, int(inner)
    raise DocPathError(
        f"path expression {expression!r}: {inner!r} is not an index, '*' or a quoted name"
    )
