"""Properties: a document always matches itself; a changed leaf never matches without rules."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.matching import match_request, match_response
from accord.model import Body, HttpRequest, HttpResponse

leaves = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
)
documents = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


def req(value: Any) -> HttpRequest:
    return HttpRequest(method="POST", path="/", body=Body.of_json(value), query={})


@settings(max_examples=100, deadline=None)
@given(documents)
def test_a_document_matches_itself(value: Any) -> None:
    assert match_request(req(value), req(value)).ok
    resp = HttpResponse(status=200, body=Body.of_json(value))
    assert match_response(resp, resp).ok


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=5), leaves, min_size=1, max_size=5), st.data())
def test_a_changed_value_is_a_mismatch_at_its_path(
    value: dict[str, Any], data: st.DataObject
) -> None:
    key = data.draw(st.sampled_from(sorted(value)))
    replacement = data.draw(
        leaves.filter(lambda v: type(v) is not type(value[key]) or v != value[key])
    )
    changed = {**value, key: replacement}
    result = match_request(req(value), req(changed))
    assert not result.ok
    assert all(m.kind == "BodyMismatch" for m in result.mismatches)
