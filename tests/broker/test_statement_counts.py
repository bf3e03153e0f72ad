"""The heavy requests cost a fixed number of SQL statements, whatever the broker holds.

Pacts for verification, can-i-deploy, publishing and the listings that embed something per
consumer or version are counted with 5 and then 20 consumers of the same provider (each with
branches, tags, verifications and deployments): the counts must be equal, so a round trip
per consumer, version or pact (an N+1) cannot creep back in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from accord.broker.storage import repo
from accord.broker.storage.db import make_engine

from .helpers import create_environment, deploy, pact, publish, publish_body, verify

SELECTORS = [
    {"mainBranch": True},
    {"branch": "feat-x", "fallbackBranch": "main"},
    {"branch": True},
    {"matchingBranch": True},
    {"tag": "prod", "latest": True},
    {"tag": "nope", "latest": True, "fallbackTag": "dev"},
    {"tag": "dev"},
    {"latest": True},
    {"deployedOrReleased": True},
    {"environment": "production"},
]

# listings that embed something per consumer or version: a few statements, whatever the count
LISTINGS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "provider's latest pacts on each main branch": (
        "/pacts/provider/Provider/branch/latest",
        lambda body: body["_links"]["pb:pacts"],
    ),
    "provider's latest pacts on a branch": (
        "/pacts/provider/Provider/branch/main/latest",
        lambda body: body["_links"]["pb:pacts"],
    ),
    "provider's pacts on each main branch": (
        "/pacts/provider/Provider/branch",
        lambda body: body["_links"]["pb:pacts"],
    ),
    "provider's pacts on a branch": (
        "/pacts/provider/Provider/branch/main",
        lambda body: body["_links"]["pb:pacts"],
    ),
    "provider states": (
        "/pacts/provider/Provider/provider-states",
        lambda body: "providerStates" in body,
    ),
    "provider states in an environment": (
        "/pacts/provider/Provider/provider-states/environment/{env}",
        lambda body: "providerStates" in body,
    ),
    "pacticipant versions": (  # the provider has a version per consumer (verifications)
        "/pacticipants/Provider/versions",
        lambda body: body["_embedded"]["versions"],
    ),
}


@contextmanager
def counting(client: Any) -> Iterator[list[str]]:
    engine = client.app.engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def add_consumers(client: Any, start: int, stop: int, env: dict) -> None:
    for i in range(start, stop):
        name = f"Consumer{i:02d}"
        publish(client, name, "1", "Provider", branch="main", tags=["prod"])
        publish(client, name, "2", "Provider", "other", branch=f"feat-{i}", tags=["dev"])
        deploy(client, name, "1", env)
        verify(client, name, "1", "Provider", f"p{i}", branch="main")


def requests_counted(client: Any, version: str, env: dict) -> dict[str, int]:
    counts: dict[str, int] = {}
    bodies = {
        "selectors, pending and WIP (branch)": {
            "consumerVersionSelectors": SELECTORS,
            "providerVersionBranch": "main",
            "includePendingStatus": True,
            "includeWipPactsSince": "2020-01-01",
        },
        "selectors, pending and WIP (tags)": {
            "consumerVersionSelectors": SELECTORS[:2] + SELECTORS[4:],
            "providerVersionTags": ["prod", "dev"],
            "includePendingStatus": True,
            "includeWipPactsSince": "2020-01-01",
        },
        "default selectors": {"includePendingStatus": True},
    }
    for label, body in bodies.items():
        with counting(client) as statements:
            response = client.post("/pacts/provider/Provider/for-verification", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["_embedded"]["pacts"]
        counts[label] = len(statements)
    matrix = {
        "provider can-i-deploy to an environment": (
            "/matrix?q[][pacticipant]=Provider&q[][latest]=true&latestby=cvpv"
            "&environment=production"
        ),
        "consumer can-i-deploy": (
            "/can-i-deploy?pacticipant=Consumer00&version=1&environment=production"
        ),
    }
    for label, url in matrix.items():
        with counting(client) as statements:
            response = client.get(url)
        assert response.status_code == 200, response.text
        assert response.json()["matrix"]
        counts[label] = len(statements)
    for label, (url, check) in LISTINGS.items():
        with counting(client) as statements:
            response = client.get(url.format(env=env["uuid"]))
        assert response.status_code == 200, response.text
        assert check(response.json()), response.text
        counts[label] = len(statements)
    with counting(client) as statements:
        response = client.post(
            "/contracts/publish",
            json=publish_body(
                "Consumer00",
                version,
                [pact("Consumer00", "Provider", f"new in {version}")],
                branch="main",
                tags=["prod"],
            ),
        )
    assert response.status_code == 200, response.text
    counts["publish"] = len(statements)
    return counts


def test_statement_counts_do_not_grow_with_consumers(client: Any) -> None:
    env = create_environment(client)
    add_consumers(client, 0, 5, env)
    deploy(client, "Provider", "p0", env)
    few = requests_counted(client, "3", env)
    add_consumers(client, 5, 20, env)
    many = requests_counted(client, "4", env)
    assert many == few, (few, many)
    # and they stay small: a few set-based statements per selector, plus pending and WIP
    assert max(few[k] for k in few if k != "publish") <= 3 * len(SELECTORS) + 10, few
    # publishing keeps the stored heads, and the publications at them, with a branch and a tag
    assert few["publish"] <= 33, few
    assert all(few[label] <= 8 for label in LISTINGS), few


def test_pacts_for_verification_finds_every_consumer(client: Any) -> None:
    env = create_environment(client)
    add_consumers(client, 0, 20, env)
    response = client.post(
        "/pacts/provider/Provider/for-verification",
        json={"consumerVersionSelectors": [{"mainBranch": True}, {"branch": True}]},
    )
    pacts = response.json()["_embedded"]["pacts"]
    names = {
        p["_links"]["self"]["name"].split(" (")[0].removeprefix("Pact between ") for p in pacts
    }
    assert names == {f"Consumer{i:02d}" for i in range(20)}
    assert len(pacts) == 40  # main branch content and each consumer's feature branch content


def test_branch_heads_read_in_bulk_are_current_after_a_write(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            a = repo.create_pacticipant(conn, "A")
            v1, _ = repo.get_or_create_version(conn, a.id, "1")
            repo.add_branch_version(conn, a, v1, "main")
            repo.add_branch_version(conn, a, v1, "feat")
        with engine.begin() as conn:
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(engine, "before_cursor_execute", listener)
            found = repo.branches_and_heads_for_versions(conn, [v1.id])
            event.remove(engine, "before_cursor_execute", listener)
            assert found == (
                {v1.id: ["main", "feat"]},
                {(a.id, "main"): v1.id, (a.id, "feat"): v1.id},
            )
            assert len(statements) == 1
            v2, _ = repo.get_or_create_version(conn, a.id, "2")
            repo.add_branch_version(conn, a, v2, "main")
            branches, heads = repo.branches_and_heads_for_versions(conn, [v1.id, v2.id])
            assert branches == {v1.id: ["main", "feat"], v2.id: ["main"]}
            assert heads == {(a.id, "main"): v2.id, (a.id, "feat"): v1.id}
    finally:
        engine.dispose()


def test_provider_branch_listings_name_the_pacts_on_each_branch(client: Any) -> None:
    publish(client, "A", "1", "Provider", branch="main")
    publish(client, "A", "2", "Provider", branch="feat")
    publish(client, "A", "3", "Provider", branch="main")
    publish(client, "B", "1", "Provider", branch="develop")  # B's main branch: develop
    publish(client, "B", "2", "Provider", branch="develop")
    publish(client, "B", "3", "Provider", branch="main")
    publish(client, "C", "1", "Provider", branch="feat")  # no main branch
    publish(client, "D", "1", "Other", branch="main")  # another provider

    def titles(url: str) -> list[str]:
        response = client.get(url)
        assert response.status_code == 200, response.text
        return [
            p["title"].removeprefix("Pact between ") for p in response.json()["_links"]["pb:pacts"]
        ]

    assert titles("/pacts/provider/Provider/branch") == [
        "A (3) and Provider",
        "A (1) and Provider",
        "B (2) and Provider",
        "B (1) and Provider",
    ]
    assert titles("/pacts/provider/Provider/branch/latest") == [
        "A (3) and Provider",
        "B (2) and Provider",
    ]
    assert titles("/pacts/provider/Provider/branch/main") == [
        "A (3) and Provider",
        "A (1) and Provider",
        "B (3) and Provider",
    ]
    assert titles("/pacts/provider/Provider/branch/main/latest") == [
        "A (3) and Provider",
        "B (3) and Provider",
    ]
    assert titles("/pacts/provider/Provider/branch/feat/latest") == [
        "A (2) and Provider",
        "C (1) and Provider",
    ]


def test_provider_states_in_an_environment_come_from_the_versions_there(client: Any) -> None:
    env = create_environment(client)

    def publish_with_state(consumer: str, version: str, state: str) -> None:
        content = pact(consumer, "Provider")
        content["interactions"][0]["providerState"] = state
        response = client.post(
            "/contracts/publish", json=publish_body(consumer, version, [content])
        )
        assert response.status_code == 200, response.text

    publish_with_state("A", "1", "a deployed")
    publish_with_state("A", "2", "a newer")
    publish_with_state("B", "1", "b not deployed")
    publish_with_state("C", "1", "c deployed")
    deploy(client, "A", "1", env)
    deploy(client, "C", "1", env)
    publish(client, "D", "1", "Other")  # deployed too, but a consumer of another provider
    deploy(client, "D", "1", env)
    response = client.get(f"/pacts/provider/Provider/provider-states/environment/{env['uuid']}")
    assert response.status_code == 200, response.text
    assert response.json()["providerStates"] == [
        {"name": "a deployed", "consumers": ["A"]},
        {"name": "c deployed", "consumers": ["C"]},
    ]


def test_wip_pacts_cost_one_statement_more(client: Any) -> None:
    """The branch and tag heads come with their pacts in one statement, and their pending
    state is decided with the selected pacts' (no statement of its own)."""
    env = create_environment(client)
    add_consumers(client, 0, 5, env)
    body = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "providerVersionBranch": "main",
        "includePendingStatus": True,
    }
    counts = {}
    for label, extra in (("without WIP", {}), ("with WIP", {"includeWipPactsSince": "2000-01-01"})):
        with counting(client) as statements:
            response = client.post(
                "/pacts/provider/Provider/for-verification", json={**body, **extra}
            )
        assert response.status_code == 200, response.text
        pacts = response.json()["_embedded"]["pacts"]
        counts[label] = (
            len(statements),
            sum(p["verificationProperties"].get("wip", False) for p in pacts),
        )
    assert counts["with WIP"][1] == 5  # each consumer's feature branch head is a WIP pact
    assert counts["with WIP"][0] == counts["without WIP"][0] + 1, counts
