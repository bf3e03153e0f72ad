"""The accord mock server: a pact's HTTP interactions served on a real socket.

Library use (the consumer DSL's ``pact.serve()`` builds on this)::

    from accord.mock import MockServer

    with MockServer(pact) as server:          # also: async with; or start() / stop()
        client = UsersClient(server.url)      # http://127.0.0.1:54321
        client.get_user(123)
    server.report.ok                          # matched / mismatches / unexpected / missing
    server.assert_ok()                        # MismatchError (an AssertionError) with the report

``MockServer(pact, *, host="127.0.0.1", port=0, tls=False, cors=False,
generator_context=None, raise_on_exit=False)``:

- a request that matches an interaction gets its response, with response generators applied
  in consumer mode (``MockServerURL`` uses ``server.url``); an interaction may be requested
  any number of times;
- a request that matches no interaction is answered ``500`` with a JSON body
  ``{"error": ..., "mismatches": [...]}`` and recorded: *mismatched* (the closest interaction
  with the same method and path, and how the request differs) or *unexpected* (no
  interaction has that method and path);
- interactions never requested are *missing* in the report.

Exiting the ``with`` block only stops the server; ``raise_on_exit=True`` makes it raise
``MismatchError`` when the report is not ok (the consumer DSL decides this itself).

``tls=True`` serves HTTPS with a self-signed certificate made on the fly
(``server.certificate`` is the PEM file, ``server.client_ssl_context()`` trusts it);
``cors=True`` answers browser pre-flight requests and allows the caller's origin.

The pure part lives in ``accord.mock.core``: ``MockSession(interactions, spec)`` decides
what each request is and what to answer, and ``MockReport`` renders what happened
(``render()`` for people, ``to_json()`` for tools). The standalone server for pact files is
the ``accord mock`` command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.mock.core import MockResponse, MockSession, request_from_wire
from accord.mock.report import MockReport, RequestResult

if TYPE_CHECKING:
    from accord.mock.server import MockServer

__all__ = [
    "MockReport",
    "MockResponse",
    "MockServer",
    "MockSession",
    "RequestResult",
    "request_from_wire",
]


def __getattr__(name: str) -> type[MockServer]:
    # the server (sockets, a selector thread) loads on first use, so that importing the pure
    # ``accord.mock.core`` loads no I/O machinery
    if name == "MockServer":
        from accord.mock.server import MockServer

        globals()["MockServer"] = MockServer
        return MockServer
    raise AttributeError(f"module 'accord.mock' has no attribute {name!r}")
