"""The exception tree of accord.

Every error a user can cause carries a message that says what is wrong and where
(the file, the JSON pointer, the interaction), so that it can be shown as-is instead
of a traceback::

    AccordError
    ├── PactFormatError          a pact file or pact JSON that cannot be read
    │   └── UnsupportedVersionError  a feature the target specification version cannot hold
    ├── MatchingRuleError        an unknown matching rule, an invalid regex or date format
    ├── DocPathError             a path expression ($.a[*].b) that does not parse
    ├── GeneratorError           a generator that cannot produce a value
    │   └── MissingGeneratorInput    the context lacks its input (provider-state value, mock URL)
    ├── CatalogueError           a catalogue entry that cannot be used (a plugin without a name)
    ├── ContractDefinitionError  a mistake in a consumer test's contract (caught when declared)
    │   └── UnsupportedDefinition    a call the contract cannot hold (also a RuntimeError, as
    │                                pact-python raises for it)
    ├── VerificationSetupError   a verifier that cannot start (no pacts, bad source, bad option)
    ├── ProviderError            a provider that cannot be asked (down, timed out, not HTTP)
    ├── StateError               a provider state that cannot be set up or torn down
    ├── MessageError             a message that cannot be produced (no producer, relay failed)
    ├── BrokerError              a Pact Broker that answers with an error
    └── PactFileLockError        a pact file that cannot be locked for writing

    MismatchError (AssertionError)  a consumer test whose mock server saw a mismatch
    └── PactVerificationError    messages a ``Pact.verify(handler, kind)`` handler rejected
    InteractionVerificationError (AccordError)  one of those messages (pact-python's shape)
    VerificationFailed (AssertionError, RuntimeError)  a provider that does not honour its
        pacts (a RuntimeError too, as pact-python's ``Verifier.verify()`` raises one)

    PactDowngradeWarning (UserWarning)  writing a pact as a version that cannot hold all of it
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accord.model.jsontypes import JsonMapping
    from accord.verifier.results import VerificationResult

__all__ = [
    "AccordError",
    "BrokerError",
    "CatalogueError",
    "ContractDefinitionError",
    "DocPathError",
    "GeneratorError",
    "InteractionVerificationError",
    "MatchingRuleError",
    "MessageError",
    "MismatchError",
    "MissingGeneratorInput",
    "PactDowngradeWarning",
    "PactFileLockError",
    "PactFormatError",
    "PactVerificationError",
    "ProviderError",
    "StateError",
    "UnsupportedDefinition",
    "UnsupportedVersionError",
    "VerificationFailed",
    "VerificationSetupError",
]


class AccordError(Exception):
    """Base of every error accord raises on bad input or set-up."""


class _Located(AccordError):
    """An error about a place in a document: the file (when known) and a JSON pointer."""

    def __init__(self, message: str, *, file: str | None = None, pointer: str | None = None):
        self.reason = message
        self.file = file
        self.pointer = pointer
        where = []
        if file:
            where.append(str(file))
        if pointer is not None:
            where.append(f"at {pointer or '/'}")
        super().__init__(f"{' '.join(where)}: {message}" if where else message)


class PactFormatError(_Located):
    """A pact file or pact JSON that cannot be read."""


class UnsupportedVersionError(PactFormatError):
    """A pact feature that the target specification version cannot represent."""


class MatchingRuleError(_Located):
    """An unknown matching rule, or a rule with invalid parameters (bad regex, bad format)."""


class DocPathError(_Located):
    """A DocPath expression such as ``$.a[*].b`` that does not parse."""


class GeneratorError(_Located):
    """A generator with invalid parameters, or one that cannot produce a value."""


class MissingGeneratorInput(GeneratorError):
    """A generator whose input the context does not hold: a provider-state value, the mock
    server URL. Applying generators keeps the example then, as the official tools do."""


class CatalogueError(AccordError):
    """Something added to a ``Catalogue`` that it cannot use, such as a plugin without a name."""


class ContractDefinitionError(AccordError):
    """A mistake in how a consumer test declares its contract."""


class UnsupportedDefinition(ContractDefinitionError, RuntimeError):
    """A DSL call the interaction cannot hold, such as metadata on an HTTP interaction. A
    ``RuntimeError`` too, as pact-python raises one for the same calls."""


class VerificationSetupError(AccordError):
    """The verifier cannot run: no pacts found, an unreachable source, an invalid option."""


class ProviderError(AccordError):
    """The provider could not be asked: it is down, timed out or did not answer HTTP."""

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class StateError(AccordError):
    """A provider state could not be set up or torn down (the message says which and why)."""


class MessageError(AccordError):
    """A message could not be produced (no producer, the producer raised, relay failed)."""


class BrokerError(AccordError):
    """A Pact Broker answered with an error, or could not be reached.

    ``status``: the HTTP status, None when no answer came; ``unreachable``: no answer came,
    or the broker (or a proxy before it) said it is unavailable (502, 503, 504)."""

    def __init__(self, message: str, *, status: int | None = None, url: str | None = None,
                 unreachable: bool = False):
        self.status = status
        self.url = url
        self.unreachable = unreachable
        super().__init__(message)


class PactFileLockError(AccordError):
    """A pact file could not be locked for writing in time."""


class MismatchError(AssertionError):
    """A consumer test's mock server saw unexpected, mismatched or missing requests.

    ``mismatches``: the official tools' mismatch JSON objects (pact-python's
    ``MismatchesError.mismatches``), when the error comes from a mock server."""

    def __init__(self, message: str = "", mismatches: Sequence[JsonMapping] | None = None
                 ) -> None:
        super().__init__(message)
        self.mismatches = list(mismatches or [])


class PactVerificationError(MismatchError):
    """``Pact.verify(handler, kind)``: the handler could not process one or more messages.

    Named and shaped as pact-python's: ``errors`` holds one ``InteractionVerificationError``
    per message (its ``description`` and the handler's ``error``)."""

    def __init__(self, errors: list[InteractionVerificationError]) -> None:
        self.errors = list(errors)
        lines = [f"Error verifying Pact (count: {len(self.errors)})"]
        lines.extend(f"  - {e}" for e in self.errors)
        super().__init__("\n".join(lines))


class InteractionVerificationError(AccordError):
    """One message a ``Pact.verify`` handler could not process (pact-python's shape)."""

    def __init__(self, description: str, error: Exception) -> None:
        super().__init__(f"Error verifying interaction {description!r}: {error}")
        self.description = description
        self.error = error


class VerificationFailed(AssertionError, RuntimeError):
    """A provider does not honour one or more of its pacts.

    The message is the readable report; ``result`` is the ``VerificationResult`` (``None``
    when raised for a single interaction by the pytest integration)."""

    def __init__(self, message: str, result: VerificationResult | None = None) -> None:
        super().__init__(message)
        self.result = result


class PactDowngradeWarning(UserWarning):
    """Writing a pact as an older specification version left something out, as the official
    tools do (a V2 pact file has no generators)."""
