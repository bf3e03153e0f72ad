"""Random strings from regular expressions: every result fully matches its pattern."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import GeneratorError
from accord.generation import generate_from_regex
from accord.model.regex import compile_pattern

PATTERNS = [
    r"\d{1,8}",
    r"^[a-z]+@[a-z]+\.(com|org)$",
    r"\w+\s\W",
    r"[^abc]{3}",
    r"(foo|bar)-\1",
    r"\Qa.b\E+",
    r"(?<year>\d{4})-(?:0[1-9]|1[0-2])",
    r"[A-F0-9]{8}-[A-F0-9]{4}",
    r"x{2,}y?z*",
    r"[\w.-]+",
    r"a(?=b)b",
    r"[-a]",
    r"\u0041\x42",
    r"\$\d+\.\d{2}",
    r"[]a]",
    r"\d+?x*+",
    r"(GET|POST|PUT)\s/api/v[12]/\w+",
    r"\p{Upper}\p{Lower}{2}",
    r"\S+\D",
    r"\\\[\]",
    r"[\d\-]{3}",
    r"[a-c]",
    r"\t\n",
    r".{3}",
    r"(a|b|)",
    r"((x)y)\2",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_generated_values_match(pattern):
    rng = random.Random(11)
    compiled = compile_pattern(pattern)
    for _ in range(25):
        value = generate_from_regex(pattern, rng)
        assert compiled.fullmatch(value), (pattern, value)


def test_deterministic_with_a_seed():
    assert generate_from_regex(r"[a-z]{20}", random.Random(3)) == generate_from_regex(
        r"[a-z]{20}", random.Random(3))


def test_unbounded_repetition_stays_short():
    rng = random.Random(1)
    assert all(len(generate_from_regex("a*", rng)) <= 8 for _ in range(50))
    assert all(len(generate_from_regex("a+", rng)) <= 9 for _ in range(50))


def test_alternation_reaches_every_branch():
    rng = random.Random(5)
    assert {generate_from_regex("red|green|blue", rng) for _ in range(60)} == {
        "red", "green", "blue"}


def test_invalid_patterns_are_generator_errors():
    with pytest.raises(GeneratorError, match="invalid regular expression"):
        generate_from_regex("[a-", random.Random())
    with pytest.raises(GeneratorError, match="invalid regular expression"):
        generate_from_regex("a{2,1}", random.Random())


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([r"\d", r"[a-f]", "x", r"\w{2}", "(ab|cd)", r"[0-9]?", r"\.",
                                 r"-+", r"[^\s]"]), min_size=1, max_size=6),
       st.integers(0, 2**32))
def test_compositions_match(parts, seed):
    pattern = "".join(parts)
    value = generate_from_regex(pattern, random.Random(seed))
    assert compile_pattern(pattern).fullmatch(value), (pattern, value)


HANG_GUARD = 20.0  # seconds: a hang detector, not a measurement


@pytest.mark.parametrize("pattern", [
    r"(a{1000}){1000}",  # a million characters at least
    r"(?:x{2000}){2000}(?=x)",  # too many for the backtracking engine to compile
    r"(){1000000000}",  # nothing to write, a billion times
    r"((((((((a*)*)*)*)*)*)*)*)",  # nesting multiplies the repetitions
])
def test_patterns_that_describe_huge_values_are_refused_quickly(pattern):
    import time

    start = time.monotonic()
    with pytest.raises(GeneratorError, match=r"cannot generate|invalid regular expression"):
        generate_from_regex(pattern, random.Random(3))
    assert time.monotonic() - start < HANG_GUARD


def test_a_huge_upper_bound_still_gives_a_short_value():
    value = generate_from_regex(r"[a-c]{2,1000000}", random.Random(4))
    assert 2 <= len(value) <= 10 and set(value) <= set("abc")


def test_a_catastrophic_pattern_still_generates():
    value = generate_from_regex(r"^(a+)+$", random.Random(6))
    assert value and set(value) == {"a"}
