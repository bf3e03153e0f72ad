"""docs/migrating-from-pact-python.md: its accord examples run, and the names it promises exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-pact-python.md"


def accord_blocks() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    return re.findall(r"<!-- accord -->\n```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_the_side_by_side_example_runs_and_writes_the_pact(tmp_path):
    first = accord_blocks()[0]
    exec(compile(first, str(DOC), "exec"), {"pact_dir": tmp_path})
    doc = json.loads((tmp_path / "web-users-api.json").read_text())
    assert doc["interactions"][0]["description"] == "a request for user 123"


def test_the_fixture_example_runs(tmp_path):
    from accord.consumer import Pact

    namespace: dict = {}
    exec(compile(accord_blocks()[0].split("pact = Pact")[0], str(DOC), "exec"), namespace)
    exec(compile(accord_blocks()[1], str(DOC), "exec"), namespace)
    made = []

    def factory(consumer, provider):
        made.append(Pact(consumer, provider, pact_dir=tmp_path))
        return made[-1]

    namespace["test_get_user"](factory)
    assert [i.description for i in made[0].to_model().interactions] == ["a request for user 1"]


@pytest.mark.parametrize(
    "name",
    [
        "like",
        "type",
        "each_like",
        "int",
        "integer",
        "float",
        "decimal",
        "number",
        "bool",
        "boolean",
        "str",
        "string",
        "regex",
        "uuid",
        "date",
        "time",
        "datetime",
        "timestamp",
        "none",
        "null",
        "includes",
        "array_containing",
        "each_key_matches",
        "each_value_matches",
        "content_type",
        "equality",
        "equal",
        "values",
        "semver",
        "not_empty",
        "status_code",
        "email",
        "ipv4",
        "ipv6",
        "hexadecimal",
        "url",
        "from_provider_state",
    ],
)
def test_match_names(name):
    from accord import match

    assert callable(getattr(match, name))
    assert name in match.__all__


@pytest.mark.parametrize(
    "name",
    [
        "random_int",
        "int",
        "integer",
        "random_decimal",
        "float",
        "decimal",
        "random_hex",
        "hex",
        "hexadecimal",
        "random_string",
        "str",
        "string",
        "random_boolean",
        "bool",
        "boolean",
        "regex",
        "uuid",
        "date",
        "time",
        "datetime",
        "timestamp",
        "provider_state",
        "mock_server_url",
    ],
)
def test_generate_names(name):
    from accord import generate

    assert callable(getattr(generate, name))
    assert name in generate.__all__


@pytest.mark.parametrize(
    "method",
    [
        "given",
        "with_request",
        "with_header",
        "set_header",
        "with_headers",
        "set_headers",
        "with_query_parameter",
        "with_query_parameters",
        "with_body",
        "with_binary_body",
        "with_multipart_file",
        "with_form",
        "with_matching_rules",
        "with_generators",
        "will_respond_with",
        "set_key",
        "with_key",
        "set_pending",
        "pending",
        "add_text_comment",
        "set_comment",
        "with_comment",
        "test_name",
        "add_external_reference",
    ],
)
def test_http_interaction_methods(method):
    from accord.consumer import HttpInteraction

    assert callable(getattr(HttpInteraction, method))


@pytest.mark.parametrize(
    "method",
    [
        "add_transport", "add_source", "broker_source", "state_handler", "message_handler",
        "filter", "filter_consumers", "set_request_timeout", "add_custom_header",
        "add_custom_headers", "disable_ssl_verification", "follow_redirects",
        "set_error_on_empty_pact", "set_publish_options", "set_coloured_output", "verify",
        "output", "logs_for_provider",
    ],
)
def test_verifier_methods(method):
    from accord import Verifier

    assert callable(getattr(Verifier, method))


@pytest.mark.parametrize(
    "method",
    [
        "consumer_version", "consumer_versions", "consumer_tags", "include_pending",
        "exclude_pending", "include_wip_since", "exclude_wip", "provider_branch",
        "provider_tags", "build",
    ],
)
def test_broker_selector_builder_methods(method):
    from accord.verifier import BrokerSelectorBuilder

    assert callable(getattr(BrokerSelectorBuilder, method))


def test_pact_python_module_names():
    from accord import error, types

    for name in ("PactError", "MismatchesError", "PactVerificationError",
                 "InteractionVerificationError"):
        assert isinstance(getattr(error, name), type)
    for name in ("URL", "Message", "MessageProducerArgs", "StateHandlerArgs", "UNSET"):
        assert getattr(types, name) is not None
    assert "lenient_ranges" in DOC.read_text()
