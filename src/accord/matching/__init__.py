"""The matching engine: does an actual request, response or message satisfy the pact?

Pure (no I/O). ``match_request``/``match_response``/``match_message`` return a
``MatchResult`` with typed ``Mismatch`` entries and a score used to find the closest
interaction::

    result = match_request(interaction.request, actual_request)
    if not result.ok:
        print(result.describe())
"""

from __future__ import annotations

from accord.matching.bodies import BodyContext, register_body_matcher
from accord.matching.engine import match_message, match_request, match_response
from accord.matching.result import MISMATCH_KINDS, MatchResult, Mismatch

__all__ = [
    "MISMATCH_KINDS",
    "BodyContext",
    "MatchResult",
    "Mismatch",
    "match_message",
    "match_request",
    "match_response",
    "register_body_matcher",
]
