"""The matching engine: does an actual request, response or message satisfy the pact?

Pure (no I/O). ``match_request``/``match_response``/``match_message`` return a
``MatchResult`` with typed ``Mismatch`` entries and a score used to find the closest
interaction::

    result = match_request(interaction.request, actual_request)
    if not result.ok:
        print(result.describe())

Body comparison is looked up in a ``Catalogue`` (``catalogue=`` on each entry point; default
``DEFAULT_CATALOGUE``, the built-in matchers): ``DEFAULT_CATALOGUE.with_plugin(p)`` or
``.with_body_matcher(content_type, fn)`` is a new catalogue, for a test or a server.
"""

from __future__ import annotations

from accord.matching.bodies import DEFAULT_CATALOGUE, BodyContext
from accord.matching.engine import match_message, match_request, match_response
from accord.matching.result import MISMATCH_KINDS, MatchResult, Mismatch
from accord.model.catalogue import Catalogue

__all__ = [
    "DEFAULT_CATALOGUE",
    "MISMATCH_KINDS",
    "BodyContext",
    "Catalogue",
    "MatchResult",
    "Mismatch",
    "match_message",
    "match_request",
    "match_response",
]
