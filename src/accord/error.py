"""The error types as pact-python 4.x names them (``pact.error``), for code ported with only
the import line changed. accord's own tree is ``accord.errors``; these are the same classes
under pact-python's names.

* ``PactError``: accord's ``AccordError`` (definition and set-up errors).
* ``MismatchesError``: accord's ``MismatchError``, raised when a ``serve()`` block ends with
  mismatches (its ``mismatches`` are the official mismatch JSON objects).
* ``PactVerificationError`` / ``InteractionVerificationError``: ``Pact.verify(handler, kind)``.
* ``VerificationFailed``: what ``Verifier.verify()`` raises (a ``RuntimeError``, as
  pact-python's).
* ``Mismatch`` and its kinds (``MissingRequest``, ``RequestNotFound``, ``RequestMismatch``,
  ``BodyMismatch`` ...): what ``srv.mismatches`` and ``MismatchesError.mismatches`` hold, each
  also the official mismatch JSON dict (see ``accord.consumer.mismatches``).
"""

from __future__ import annotations

from accord.consumer.mismatches import (
    BodyMismatch,
    BodyTypeMismatch,
    GenericMismatch,
    HeaderMismatch,
    MetadataMismatch,
    MethodMismatch,
    Mismatch,
    MissingRequest,
    PathMismatch,
    QueryMismatch,
    RequestMismatch,
    RequestNotFound,
    StatusMismatch,
)
from accord.errors import AccordError as PactError
from accord.errors import InteractionVerificationError, PactVerificationError, VerificationFailed
from accord.errors import MismatchError as MismatchesError

__all__ = [
    "BodyMismatch",
    "BodyTypeMismatch",
    "GenericMismatch",
    "HeaderMismatch",
    "InteractionVerificationError",
    "MetadataMismatch",
    "MethodMismatch",
    "Mismatch",
    "MismatchesError",
    "MissingRequest",
    "PactError",
    "PactVerificationError",
    "PathMismatch",
    "QueryMismatch",
    "RequestMismatch",
    "RequestNotFound",
    "StatusMismatch",
    "VerificationFailed",
]
