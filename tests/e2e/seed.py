"""A broker served on 127.0.0.1 (uvicorn thread, SQLite in a tmp dir) and seeded through its
real HTTP API: pacts, verifications, environments, deployments and a release."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from accord.broker import BrokerConfig, create_app

__all__ = ["READER", "WRITER", "LiveBroker", "seed"]

WRITER = ("admin", "admin-secret")
READER = ("viewer", "viewer-secret")
HOSTILE = "a request for <b>orders</b> & <script>window.__xss = 1</script>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SubPath:
    """Mounts an ASGI app under a prefix, as a reverse proxy publishing it on a sub-path does."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and not (
            path == self.prefix or path.startswith(self.prefix + "/")
        ):
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": b"outside the sub-path"})
            return
        await self.app(dict(scope, root_path=self.prefix), receive, send)


class LiveBroker:
    """The broker under a sub-path (``/broker``) with basic auth, as behind a proxy."""

    def __init__(self, database_url: str, root_path: str = "/broker") -> None:
        self.app = create_app(
            BrokerConfig(
                database_url=database_url,
                username=WRITER[0],
                password=WRITER[1],
                read_only_username=READER[0],
                read_only_password=READER[1],
                run_webhooks=False,
                forwarded_allow_ips=("127.0.0.1",),  # the tests play the proxy on this host
            )
        )
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}{root_path}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                SubPath(self.app, root_path),
                host="127.0.0.1",
                port=self.port,
                log_level="warning",
                lifespan="off",
            )
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveBroker:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the broker did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.engine.dispose()


def _pact(consumer: str, provider: str, interactions: list[dict]) -> dict:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def _orders(extra_field: bool) -> list[dict]:
    body: dict[str, Any] = {"orders": [{"id": 1, "status": "open"}]}
    if extra_field:
        body["orders"][0]["total"] = 12.5
    return [
        {
            "description": "a request for open orders",
            "providerStates": [{"name": "there are open orders", "params": {"count": 1}}],
            "request": {
                "method": "GET",
                "path": "/orders",
                "query": {"status": ["open"]},
                "headers": {"Accept": "application/json"},
            },
            "response": {
                "status": 200,
                "headers": {"Content-Type": "application/json"},
                "body": body,
                "matchingRules": {
                    "body": {
                        "$.orders": {"matchers": [{"match": "type", "min": 1}]},
                        "$.orders[*].id": {"matchers": [{"match": "integer"}]},
                    }
                },
            },
        },
        {
            "description": HOSTILE,
            "request": {"method": "DELETE", "path": "/orders/1"},
            "response": {"status": 204},
        },
    ]


def seed(url: str) -> dict[str, Any]:
    """Publish, verify, deploy; return what the tests look for."""
    with httpx.Client(base_url=url, auth=WRITER, headers={"Accept": "application/hal+json"}) as api:

        def ok(response: httpx.Response) -> Any:
            assert response.status_code in (200, 201), (response.request.url, response.text)
            return response.json() if response.content else None

        def publish(consumer: str, version: str, branch: str, pacts: list[dict], tags=()) -> None:
            ok(
                api.post(
                    "/contracts/publish",
                    json={
                        "pacticipantName": consumer,
                        "pacticipantVersionNumber": version,
                        "branch": branch,
                        "tags": list(tags),
                        "contracts": [
                            {
                                "consumerName": consumer,
                                "providerName": p["provider"]["name"],
                                "specification": "pact",
                                "contentType": "application/json",
                                "content": base64.b64encode(json.dumps(p).encode()).decode(),
                            }
                            for p in pacts
                        ],
                    },
                )
            )

        def verify(consumer: str, version: str, provider: str, pv: str, success: bool) -> None:
            doc = ok(api.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}"))
            ok(api.put(f"/pacticipants/{provider}/branches/main/versions/{pv}", json={}))
            ok(
                api.post(
                    doc["_links"]["pb:publish-verification-results"]["href"],
                    json={"success": success, "providerApplicationVersion": pv},
                )
            )

        envs = {
            name: ok(api.post("/environments", json={"name": name, "production": prod}))
            for name, prod in (("production", True), ("test", False))
        }

        def deploy(pacticipant: str, version: str, env: str, released: bool = False) -> None:
            kind = "released-versions" if released else "deployed-versions"
            ok(
                api.post(
                    f"/pacticipants/{pacticipant}/versions/{version}/{kind}/environment/"
                    + envs[env]["uuid"],
                    json={},
                )
            )

        publish("Order Web", "1.0.0", "main", [_pact("Order Web", "Order API", _orders(False))])
        publish(
            "Order Web",
            "1.1.0",
            "feat/totals",
            [
                _pact("Order Web", "Order API", _orders(True)),
                _pact(
                    "Order Web",
                    "User Service",
                    [
                        {
                            "description": "a request for a user",
                            "request": {"method": "GET", "path": "/users/7"},
                            "response": {"status": 200, "body": {"name": "Ada"}},
                        }
                    ],
                ),
            ],
            tags=["rc"],
        )
        publish(
            "Billing",
            "3.0",
            "main",
            [
                _pact(
                    "Billing",
                    "Order API",
                    [
                        {
                            "description": "a request for an order's total",
                            "request": {"method": "GET", "path": "/orders/1/total"},
                            "response": {"status": 200, "body": {"total": 12.5}},
                        }
                    ],
                )
            ],
        )
        verify("Order Web", "1.0.0", "Order API", "2.0.0", True)
        verify("Billing", "3.0", "Order API", "2.0.0", True)
        verify("Order Web", "1.1.0", "Order API", "2.0.0", False)
        verify("Order Web", "1.1.0", "User Service", "1.0", True)
        publish(
            "Mobile App",
            "0.1",
            "main",
            [_pact("Mobile App", "Order API", _orders(False)[:1])],
        )
        deploy("Order API", "2.0.0", "production")
        deploy("User Service", "1.0", "production")
        deploy("Order Web", "1.0.0", "production")
        deploy("Order Web", "1.1.0", "test")
        deploy("Billing", "3.0", "production", released=True)
    return {"environments": envs}
