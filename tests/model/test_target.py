"""The one request-target renderer: as written for people, encoded for the wire and V2 files."""

from __future__ import annotations

from accord.model import HttpRequest, query_string, request_target


def test_target_as_written_keeps_characters_and_bare_names():
    req = HttpRequest(path="/items/a b", query={"q": ("x y", "z&"), "flag": (None,)})
    assert request_target(req) == "/items/a b?q=x y&q=z&&flag"


def test_target_for_the_wire_encodes_path_and_query_and_adds_the_leading_slash():
    req = HttpRequest(path="items/a b", query={"q": ("x y/z?",), "k?": ("1",), "flag": (None,)})
    assert request_target(req, encoded=True) == "/items/a%20b?q=x%20y/z?&k%3F=1&flag"


def test_path_percent_escapes_are_sent_as_written():
    assert request_target(HttpRequest(path="/pacts/Pricing%20Service"), encoded=True) == (
        "/pacts/Pricing%20Service")


def test_strict_query_string_encodes_all_but_unreserved():
    assert query_string({"a b": ("1/2",), "c": (None,)}, encoding="strict") == "a%20b=1%2F2&c"


def test_no_query_no_question_mark():
    assert request_target(HttpRequest(path="/x", query={})) == "/x"
