"""Helpers shared by the broker tests: build pacts, publish, verify, deploy, old databases."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine


def pact(
    consumer: str = "Foo", provider: str = "Bar", *descriptions: str, spec: str = "2.0.0"
) -> dict:
    interactions = [
        {
            "description": d,
            "request": {"method": "GET", "path": "/" + d.replace(" ", "-")},
            "response": {"status": 200, "body": {"d": d}},
        }
        for d in (descriptions or ("a request",))
    ]
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": spec}},
    }


def publish_body(
    consumer: str,
    version: str,
    pacts: list[dict],
    branch: str | None = None,
    tags: list[str] | None = None,
    on_conflict: str = "overwrite",
) -> dict:
    body: dict[str, Any] = {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "tags": tags or [],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": p["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "onConflict": on_conflict,
                "content": base64.b64encode(json.dumps(p).encode()).decode(),
            }
            for p in pacts
        ],
    }
    if branch:
        body["branch"] = branch
    return body


def publish(
    client: Any,
    consumer: str = "Foo",
    version: str = "1",
    provider: str = "Bar",
    *descriptions: str,
    branch: str | None = None,
    tags: list[str] | None = None,
) -> Any:
    response = client.post(
        "/contracts/publish",
        json=publish_body(
            consumer, version, [pact(consumer, provider, *descriptions)], branch, tags
        ),
    )
    assert response.status_code == 200, response.text
    return response.json()


def verify(
    client: Any,
    consumer: str,
    version: str,
    provider: str,
    provider_version: str,
    success: bool = True,
    branch: str | None = None,
    tags: list[str] | None = None,
) -> Any:
    doc = client.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/{version}").json()
    if branch:
        assert client.put(
            f"/pacticipants/{provider}/branches/{branch}/versions/{provider_version}", json={}
        ).status_code in (200, 201)
    for tag in tags or []:
        assert client.put(
            f"/pacticipants/{provider}/versions/{provider_version}/tags/{tag}", json={}
        ).status_code in (200, 201)
    response = client.post(
        doc["_links"]["pb:publish-verification-results"]["href"],
        json={"success": success, "providerApplicationVersion": provider_version},
    )
    assert response.status_code == 201, response.text
    return response.json()


def create_environment(client: Any, name: str = "production", production: bool = True) -> dict:
    response = client.post("/environments", json={"name": name, "production": production})
    assert response.status_code == 201, response.text
    return response.json()


def deploy(
    client: Any, pacticipant: str, version: str, env: dict, instance: str | None = None
) -> Any:
    response = client.post(
        f"/pacticipants/{pacticipant}/versions/{version}/deployed-versions/environment/{env['uuid']}",
        json={"applicationInstance": instance},
    )
    assert response.status_code == 201, response.text
    return response.json()


def database_at(path: Path, revision: str) -> Engine:
    """A SQLite broker database at ``path`` migrated up to ``revision`` only: a test fills it
    with history, then runs the later migrations and checks what they made of it."""
    from alembic import command
    from alembic.config import Config

    import accord.broker.storage.db as db

    engine = db.make_engine(f"sqlite:///{path}")
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(db.__file__).parent.parent / "migrations"))
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    return engine
