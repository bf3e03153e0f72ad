"""Generators: replacing example values with generated ones, from an explicit context.

Pure: the clock, the random source, provider-state values and the mock server URL come in a
``GeneratorContext``, so a seeded ``Random`` and a fixed ``now`` make every result
reproducible::

    ctx = GeneratorContext("consumer", now=datetime(2000, 1, 1, 10, tzinfo=timezone.utc),
                           random=random.Random(7), mock_server_url="http://127.0.0.1:1234")
    response = generate_response(interaction.response, ctx)     # a mock server's reply
    ctx = GeneratorContext.default("provider", provider_state={"id": 42})
    request = generate_request(interaction.request, ctx)        # a verifier's request

Modes follow the official tools: in ``consumer`` mode (mock server responses) every generator
runs except ``ProviderState`` (the example is kept); in ``provider`` mode (verifier requests)
``ProviderState`` takes its values from ``ctx.provider_state`` and ``MockServerURL`` is skipped.

``format_datetime(dt, java_pattern)`` renders Java ``DateTimeFormatter`` patterns.
"""

from __future__ import annotations

from accord.generation._apply import (
    apply_body_generators,
    generate_message,
    generate_request,
    generate_response,
    register_body_generator,
)
from accord.generation._datetime_expr import evaluate_date, evaluate_datetime, evaluate_time
from accord.generation._datetime_format import format_datetime, parse_java_pattern
from accord.generation._regex_gen import example_from_regex, generate_from_regex
from accord.generation._values import GeneratorContext, applies_in, generate_value

__all__ = [
    "GeneratorContext",
    "applies_in",
    "apply_body_generators",
    "evaluate_date",
    "evaluate_datetime",
    "evaluate_time",
    "example_from_regex",
    "format_datetime",
    "generate_from_regex",
    "generate_message",
    "generate_request",
    "generate_response",
    "generate_value",
    "parse_java_pattern",
    "register_body_generator",
]
