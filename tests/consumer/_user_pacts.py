"""The one-interaction user pact that the consumer-run tests declare and exercise."""

from __future__ import annotations

import httpx

from accord.consumer import Pact


def get_user(pact: Pact, uid: int) -> None:
    """Declare ``GET /users/{uid}`` answering ``{"id": uid}``, given the user exists."""
    (pact.upon_receiving("a request for a user").given("the user exists")
         .with_request("GET", f"/users/{uid}").will_respond_with(200)
         .with_body({"id": uid}))


def exercise(pact: Pact, uid: int) -> None:
    """Serve ``pact`` and make the request ``get_user`` declared."""
    with pact.serve() as srv:
        assert httpx.get(f"{srv.url}/users/{uid}").json() == {"id": uid}
