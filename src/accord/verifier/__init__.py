"""Provider verification: does the provider honour its pacts?

::

    from accord import Verifier

    (Verifier("users-api")
     .add_source("pacts/")
     .add_transport(app=app)
     .verify())                  # raises VerificationFailed with the report on failure

Sources (``sources``, ``broker_source``), transports (``transports``), provider states
(``states``), message producers (``messages``), the engine (``runner``), results (``results``)
and publishing (``publish``) each live in their own module.
"""

from __future__ import annotations

from accord.verifier.api import BrokerSelectorBuilder, VerificationItem, Verifier
from accord.verifier.messages import Message
from accord.verifier.results import InteractionResult, Outcome, VerificationResult

__all__ = [
    "BrokerSelectorBuilder",
    "InteractionResult",
    "Message",
    "Outcome",
    "VerificationItem",
    "VerificationResult",
    "Verifier",
]
