"""The exception tree: every error accord raises for people is an ``AccordError``, and callers
branch on types, never on message text."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from accord import errors
from accord.generation import GeneratorContext, generate_value
from accord.model import Generator
from accord.verifier.messages import MessageError
from accord.verifier.states import StateError
from accord.verifier.transports import ProviderError


def test_verifier_errors_are_in_the_tree_and_still_importable_where_they_were():
    assert (MessageError, StateError, ProviderError) == (
        errors.MessageError, errors.StateError, errors.ProviderError)
    for cls in (MessageError, StateError, ProviderError):
        assert issubclass(cls, errors.AccordError)
    assert ProviderError("down", unreachable=True).unreachable


def test_every_public_error_is_drawn_in_the_docstring():
    for name in errors.__all__:
        if name.endswith(("Error", "Input")) and name != "MismatchError":
            assert name in (errors.__doc__ or ""), name


@pytest.mark.parametrize(("generator", "kw"), [
    (Generator("ProviderState", {"expression": "${id}"}), {"provider_state": {"other": 1}}),
    (Generator("MockServerURL", {"regex": ".*(/x)$", "example": "http://h/x"}), {}),
])
def test_a_missing_input_is_typed(generator, kw):
    mode = "provider" if generator.kind == "ProviderState" else "consumer"
    ctx = GeneratorContext(mode, now=datetime(2000, 1, 1, tzinfo=UTC), random=random.Random(1),
                           **kw)
    with pytest.raises(errors.MissingGeneratorInput):
        generate_value(generator, ctx, "example")
