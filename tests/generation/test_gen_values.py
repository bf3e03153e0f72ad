"""Each generator on its own: deterministic with a seeded Random and a fixed clock."""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from accord.errors import GeneratorError
from accord.generation import GeneratorContext, applies_in, example_from_regex, generate_value
from accord.model import Generator

NOW = datetime(2000, 1, 1, 10, 0, 0, tzinfo=UTC)


def ctx(mode: str = "consumer", seed: int = 7, **kw) -> GeneratorContext:
    return GeneratorContext(mode, now=kw.pop("now", NOW), random=random.Random(seed), **kw)


def gen(kind: str, **params) -> Generator:
    return Generator(kind, params)


def test_same_seed_same_values_different_seed_different_values():
    g = gen("RandomString", size=20)
    assert generate_value(g, ctx(seed=1)) == generate_value(g, ctx(seed=1))
    assert generate_value(g, ctx(seed=1)) != generate_value(g, ctx(seed=2))


@pytest.mark.parametrize("seed", range(20))
def test_random_int_within_bounds_and_typed_like_the_example(seed):
    g = gen("RandomInt", min=5, max=9)
    number = generate_value(g, ctx(seed=seed), 1)
    assert isinstance(number, int) and 5 <= number <= 9
    text = generate_value(g, ctx(seed=seed), "1")
    assert isinstance(text, str) and 5 <= int(text) <= 9


def test_random_int_defaults_to_0_to_10_and_rejects_inverted_bounds():
    values = {generate_value(gen("RandomInt"), ctx(seed=s)) for s in range(200)}
    assert values <= set(range(11)) and len(values) > 5
    with pytest.raises(GeneratorError, match="min 5 is greater than max 1"):
        generate_value(gen("RandomInt", min=5, max=1), ctx())
    with pytest.raises(GeneratorError, match="min must be an integer"):
        generate_value(gen("RandomInt", min="x"), ctx())


@pytest.mark.parametrize("digits", [1, 2, 3, 6, 10])
def test_random_decimal_has_the_digits_and_a_point(digits):
    for seed in range(10):
        value = generate_value(gen("RandomDecimal", digits=digits), ctx(seed=seed), "x")
        assert isinstance(value, str)
        assert len(value.replace(".", "")) == digits
        if digits > 1:
            assert re.fullmatch(r"[1-9]\d*\.\d+", value), value


def test_random_decimal_is_a_number_for_a_number_example():
    value = generate_value(gen("RandomDecimal", digits=5), ctx(), 1.5)
    assert isinstance(value, float)


def test_random_hexadecimal_and_string():
    hexa = generate_value(gen("RandomHexadecimal", digits=12), ctx())
    assert re.fullmatch(r"[0-9A-F]{12}", hexa)
    text = generate_value(gen("RandomString", size=30), ctx())
    assert re.fullmatch(r"[A-Za-z0-9]{30}", text)
    assert len(generate_value(gen("RandomString"), ctx())) == 10  # default size


def test_random_boolean_gives_both_values():
    values = {generate_value(gen("RandomBoolean"), ctx(seed=s)) for s in range(30)}
    assert values == {True, False}


LOWER = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


@pytest.mark.parametrize(("fmt", "pattern"), [
    (None, LOWER),
    ("lower-case-hyphenated", LOWER),
    ("upper-case-hyphenated", LOWER.upper()),
    ("simple", r"[0-9a-f]{32}"),
    ("URN", "urn:uuid:" + LOWER),
])
def test_uuid_formats(fmt, pattern):
    params = {"format": fmt} if fmt else {}
    value = generate_value(gen("Uuid", **params), ctx())
    assert re.fullmatch(pattern, value), value
    uuid.UUID(value.removeprefix("urn:uuid:"))


def test_uuid_unknown_format_is_an_error():
    with pytest.raises(GeneratorError, match="unknown format 'weird'"):
        generate_value(gen("Uuid", format="weird"), ctx())


def test_regex_generator_matches_its_pattern():
    for seed in range(20):
        value = generate_value(gen("Regex", regex=r"\d{1,8}"), ctx(seed=seed))
        assert re.fullmatch(r"\d{1,8}", value)


def test_regex_generator_reports_an_invalid_pattern():
    with pytest.raises(GeneratorError, match="invalid regular expression"):
        generate_value(gen("Regex", regex="(unclosed"), ctx())
    with pytest.raises(GeneratorError, match="needs a 'regex'"):
        generate_value(gen("Regex"), ctx())


@pytest.mark.parametrize(
    ("pattern", "example"),
    [(r"\d{3}", "111"), (r"[a-z]{3}-\d{2,4}", "aaa-11"), (r"^(foo|bar)$", "foo"),
     (r"[^abc]+", "Z"), (r"(a)\1", "aa"), (r".*x?", "xx")],
)
def test_regex_example_is_stable_and_plain(pattern, example):
    assert example_from_regex(pattern) == example


def test_regex_example_keeps_the_step_bound():
    """A pattern describing a million characters is refused, not built."""
    assert example_from_regex(r"(a{1000}){1000}") is None
    assert example_from_regex("(unclosed") is None


def test_date_time_and_datetime_defaults():
    assert generate_value(gen("Date"), ctx()) == "2000-01-01"
    assert generate_value(gen("Time"), ctx()) == "10:00:00"
    assert generate_value(gen("DateTime"), ctx()) == "2000-01-01T10:00:00.000+0000"


def test_date_time_formats_and_expressions():
    assert generate_value(gen("Date", format="dd/MM/yyyy", expression="tomorrow"),
                          ctx()) == "02/01/2000"
    assert generate_value(gen("Time", format="HH:mm", expression="now - 2 hours"),
                          ctx()) == "08:00"
    assert generate_value(gen("DateTime", format="yyyy-MM-dd'T'HH:mm:ssXXX",
                              expression="today + 1 day @ 9 o'clock"), ctx()
                          ) == "2000-01-02T21:00:00Z"
    assert generate_value(gen("DateTime", format="yyyy-MM-dd HH:mm",
                              expression="+ 1 month @ midnight"), ctx()) == "2000-02-01 00:00"
    assert generate_value(gen("Date", expression="next week"), ctx()) == "2000-01-08"


def test_date_time_keep_the_clock_zone():
    plus2 = datetime(2000, 1, 1, 10, 0, tzinfo=timezone(timedelta(hours=2)))
    value = generate_value(gen("DateTime", format="yyyy-MM-dd'T'HH:mm:ss.SSSXXX"),
                           ctx(now=plus2))
    assert value == "2000-01-01T10:00:00.000+02:00"
    naive = datetime(2000, 1, 1, 10, 0)
    assert generate_value(gen("DateTime", format="HH:mmX"), ctx(now=naive)) == "10:00Z"


def test_date_generators_report_bad_formats_and_expressions():
    with pytest.raises(GeneratorError, match="invalid date/time format"):
        generate_value(gen("Date", format="yyyy-'MM"), ctx())
    with pytest.raises(GeneratorError, match="invalid date expression 'not valid'"):
        generate_value(gen("Date", expression="not valid"), ctx())


def test_mock_server_url_replaces_the_base_of_the_example():
    g = gen("MockServerURL", regex=".*(/a)", example="http://1234:8080/a")
    assert generate_value(g, ctx(mock_server_url="http://somewhere.world")
                          ) == "http://somewhere.world/a"
    g = gen("MockServerURL", regex=r"^http://[^/]+(/orders/\d+)$",
            example="http://localhost:1234/orders/7")
    assert generate_value(g, ctx(mock_server_url="http://127.0.0.1:5000/")
                          ) == "http://127.0.0.1:5000/orders/7"


def test_mock_server_url_keeps_an_example_the_regex_does_not_find_and_rejects_a_bad_regex():
    g = gen("MockServerURL", regex=r"/nothing(/here)", example="http://x/a")
    assert generate_value(g, ctx(mock_server_url="http://y")) == "http://x/a"
    g = gen("MockServerURL", regex="(/a", example="http://x/a")
    with pytest.raises(GeneratorError, match=r"MockServerURL generator: invalid regex '\(/a'"):
        generate_value(g, ctx(mock_server_url="http://y"))


def test_mock_server_url_needs_a_url():
    g = gen("MockServerURL", regex=".*(/a)", example="http://x/a")
    with pytest.raises(GeneratorError, match="no mock server URL"):
        generate_value(g, ctx())


class TestProviderState:
    def value(self, expression: str, state: dict, **params):
        g = gen("ProviderState", expression=expression, **params)
        return generate_value(g, ctx("provider", provider_state=state), "example")

    def test_whole_value_keeps_the_type(self):
        assert self.value("${id}", {"id": 1000}) == 1000
        assert self.value("${flag}", {"flag": True}) is True
        assert self.value("${obj}", {"obj": {"a": [1]}}) == {"a": [1]}

    def test_embedded_placeholders_give_text(self):
        assert self.value("/path/${id}", {"id": 1000}) == "/path/1000"
        assert self.value("${a}-${b}", {"a": "x", "b": 2.5}) == "x-2.5"

    def test_a_bare_name_and_dotted_names(self):
        assert self.value("id", {"id": 5}) == 5
        assert self.value("${user.id}", {"user": {"id": 9}}) == 9
        assert self.value("${user.id}", {"user.id": 3}) == 3

    @pytest.mark.parametrize(("data_type", "state", "expected"), [
        ("STRING", 1000, "1000"),
        ("STRING", True, "true"),
        ("INTEGER", "42", 42),
        ("INTEGER", 4.0, 4),
        ("DECIMAL", "1.5", 1.5),
        ("FLOAT", 2, 2.0),
        ("BOOLEAN", "true", True),
        ("BOOLEAN", 0, False),
        ("RAW", [1, 2], [1, 2]),
    ])
    def test_data_type_conversion(self, data_type, state, expected):
        result = self.value("${v}", {"v": state}, dataType=data_type)
        assert result == expected and type(result) is type(expected)

    def test_conversion_errors_and_unknown_types(self):
        with pytest.raises(GeneratorError, match="'abc' is not an integer"):
            self.value("${v}", {"v": "abc"}, dataType="INTEGER")
        with pytest.raises(GeneratorError, match="not a boolean"):
            self.value("${v}", {"v": "maybe"}, dataType="BOOLEAN")
        with pytest.raises(GeneratorError, match="unknown dataType 'DATE'"):
            self.value("${v}", {"v": 1}, dataType="DATE")

    def test_missing_value_names_what_was_given(self):
        with pytest.raises(GeneratorError, match=r"no value 'id' \(values given: other\)"):
            self.value("${id}", {"other": 1})


def test_modes():
    assert applies_in(gen("ProviderState", expression="x"), "provider")
    assert not applies_in(gen("ProviderState", expression="x"), "consumer")
    assert applies_in(gen("MockServerURL"), "consumer")
    assert not applies_in(gen("MockServerURL"), "provider")
    assert applies_in(gen("RandomInt"), "consumer") and applies_in(gen("RandomInt"), "provider")
    with pytest.raises(GeneratorError, match="mode must be"):
        GeneratorContext("both", now=NOW, random=random.Random())  # type: ignore[arg-type]


def test_default_context_uses_the_real_clock():
    c = GeneratorContext.default("consumer", mock_server_url="http://x")
    assert c.now.tzinfo is not None
    assert abs((datetime.now(UTC) - c.now).total_seconds()) < 3600
    assert c.mock_server_url == "http://x"


def test_unknown_generator_kind():
    with pytest.raises(GeneratorError, match="unknown generator 'Nope'"):
        generate_value(Generator("Nope", {}), ctx())
