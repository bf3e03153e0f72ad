"""Display names generated from resource names, by the official broker's rule
(``PactBroker::Pacticipants::GenerateDisplayName``): split camel case and the separators
``-``, ``_``, ``.`` and spaces into words, capitalise each word."""

from __future__ import annotations

import re

__all__ = ["display_name"]

_A = re.ASCII


def _capitalise(word: str) -> str:
    word = re.sub(r"_+([a-z])", lambda m: m.group(1).upper(), word, flags=_A)
    return re.sub(r"(\A|\s)([a-z])", lambda m: m.group(1) + m.group(2).upper(), word, flags=_A)


def display_name(name: str) -> str:
    """``production`` → ``Production``, ``pre-prod`` → ``Pre Prod``, ``myApp`` → ``My App``."""
    text = re.sub(r"([A-Z])([A-Z])([a-z])", r"\1 \2\3", name, flags=_A)
    text = re.sub(r"([a-z\d])([A-Z])(\S)", r"\1 \2\3", text, flags=_A)
    text = re.sub(r"(\S)([\-_\s.])(\S)", r"\1 \3", text, flags=_A)
    text = re.sub(r"\s+", " ", text, flags=_A).strip()
    return " ".join(_capitalise(word) for word in text.split())
