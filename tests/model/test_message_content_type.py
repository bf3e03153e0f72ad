"""One rule for the metadata key holding a message's content type (the official core's)."""

from __future__ import annotations

import pytest

from accord.model import Body, MessageContents, is_content_type_key, message_content_type


@pytest.mark.parametrize("key", ["contentType", "content-type", "Content-Type", "CONTENTTYPE"])
def test_any_case_of_either_spelling_declares_the_content_type(key):
    assert message_content_type({"topic": "x", key: "application/xml"}) == "application/xml"
    assert is_content_type_key(key)


@pytest.mark.parametrize("metadata", [{}, {"content_type": "a/b"}, {"contentType": 5}])
def test_other_keys_and_non_string_values_declare_nothing(metadata):
    assert message_content_type(metadata) is None


def test_the_body_type_wins_over_the_metadata():
    contents = MessageContents(body=Body.of_text("x", "text/csv"),
                               metadata={"content-type": "text/plain"})
    assert contents.content_type == "text/csv"
    assert MessageContents(metadata={"Content-Type": "text/plain"}).content_type == "text/plain"
