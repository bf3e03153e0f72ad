"""Environments, deployed versions and released versions."""

from __future__ import annotations

import functools
import json
import uuid as uuidlib
from datetime import datetime

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Integer,
    Row,
    Select,
    bindparam,
    delete,
    func,
    literal,
    select,
    union_all,
    update,
)

from accord.broker.clock import now
from accord.broker.names import check_name
from accord.broker.storage.bulk import ids_bound
from accord.broker.storage.schema import deployed_versions, environments, released_versions
from accord.model.jsontypes import JsonValue

dv, rv = deployed_versions, released_versions


def find_environment(
    conn: Connection, *, uuid: str | None = None, name: str | None = None
) -> Row | None:
    query = select(environments)
    query = (
        query.where(environments.c.uuid == uuid)
        if uuid
        else query.where(environments.c.name == name)
    )
    return conn.execute(query).first()


def create_environment(
    conn: Connection,
    name: str,
    display_name: str | None,
    production: bool,
    contacts: JsonValue,
    uuid: str | None = None,
) -> Row:
    check_name(name, "environment name", "name")
    ts = now()
    uuid = uuid or str(uuidlib.uuid4())
    conn.execute(
        environments.insert().values(
            uuid=uuid,
            name=name,
            display_name=display_name,
            production=production,
            contacts=json.dumps(contacts) if contacts is not None else None,
            created_at=ts,
            updated_at=ts,
        )
    )
    row = find_environment(conn, uuid=uuid)
    assert row is not None
    return row


def deploy(
    conn: Connection,
    pacticipant_id: int,
    version_id: int,
    environment_id: int,
    target: str | None,
    auto_created: bool = False,
) -> tuple[Row, bool]:
    """Record a deployment; returns (record, created). Replaces the same instance's version."""
    key = target or ""
    current = conn.execute(
        select(dv).where(
            dv.c.pacticipant_id == pacticipant_id,
            dv.c.environment_id == environment_id,
            dv.c.target_for_index == key,
            dv.c.currently_deployed.is_(True),
        )
    ).first()
    if current is not None and current.version_id == version_id:
        return current, False
    ts = now()
    if current is not None:
        undeploy(conn, current.id, ts)
    row = conn.execute(
        dv.insert()
        .values(
            uuid=str(uuidlib.uuid4()),
            version_id=version_id,
            pacticipant_id=pacticipant_id,
            environment_id=environment_id,
            target=target,
            target_for_index=key,
            currently_deployed=True,
            auto_created=auto_created,
            created_at=ts,
            updated_at=ts,
        )
        .returning(*dv.c)
    ).one()
    return row, True


def undeploy(conn: Connection, record_id: int, ts: datetime | None = None) -> Row:
    ts = ts or now()
    return conn.execute(
        update(dv)
        .where(dv.c.id == record_id)
        .values(currently_deployed=False, undeployed_at=ts, updated_at=ts)
        .returning(*dv.c)
    ).one()


def deploy_for_tag(conn: Connection, pacticipant: Row, version: Row, tag: str) -> None:
    """A tag named like an environment records a deployment (create_deployed_versions_for_tags)."""
    env = find_environment(conn, name=tag)
    if env is not None:
        deploy(conn, pacticipant.id, version.id, env.id, None, auto_created=True)


def currently_deployed(
    conn: Connection, environment_id: int | None = None, pacticipant_id: int | None = None
) -> list[Row]:
    query = select(dv).where(dv.c.currently_deployed.is_(True))
    if environment_id is not None:
        query = query.where(dv.c.environment_id == environment_id)
    if pacticipant_id is not None:
        query = query.where(dv.c.pacticipant_id == pacticipant_id)
    return list(conn.execute(query.order_by(dv.c.id)))


def release(
    conn: Connection, pacticipant_id: int, version_id: int, environment_id: int
) -> tuple[Row, bool]:
    ts = now()
    existing = conn.execute(
        select(rv).where(rv.c.version_id == version_id, rv.c.environment_id == environment_id)
    ).first()
    if existing is not None:
        if existing.support_ended_at is not None:
            conn.execute(
                update(rv)
                .where(rv.c.id == existing.id)
                .values(support_ended_at=None, updated_at=ts)
            )
        return conn.execute(select(rv).where(rv.c.id == existing.id)).one(), False
    row = conn.execute(
        rv.insert()
        .values(
            uuid=str(uuidlib.uuid4()),
            version_id=version_id,
            pacticipant_id=pacticipant_id,
            environment_id=environment_id,
            created_at=ts,
            updated_at=ts,
        )
        .returning(*rv.c)
    ).one()
    return row, True


def end_support(conn: Connection, record_id: int) -> Row:
    ts = now()
    return conn.execute(
        update(rv)
        .where(rv.c.id == record_id)
        .values(support_ended_at=ts, updated_at=ts)
        .returning(*rv.c)
    ).one()


def currently_supported(
    conn: Connection, environment_id: int | None = None, pacticipant_id: int | None = None
) -> list[Row]:
    query = select(rv).where(rv.c.support_ended_at.is_(None))
    if environment_id is not None:
        query = query.where(rv.c.environment_id == environment_id)
    if pacticipant_id is not None:
        query = query.where(rv.c.pacticipant_id == pacticipant_id)
    return list(conn.execute(query.order_by(rv.c.id)))


def deployed_or_released_version_ids(
    conn: Connection,
    pacticipant_id: int | None,
    environment_id: int | None,
    deployed: bool,
    released: bool,
) -> list[tuple[int, int]]:
    """(version_id, environment_id) pairs currently deployed and/or supported (of every
    pacticipant when ``pacticipant_id`` is None)."""
    out: list[tuple[int, int]] = []
    if deployed:
        out += [
            (r.version_id, r.environment_id)
            for r in currently_deployed(conn, environment_id, pacticipant_id)
        ]
    if released:
        out += [
            (r.version_id, r.environment_id)
            for r in currently_supported(conn, environment_id, pacticipant_id)
        ]
    return out


def find_environment_by_id(conn: Connection, environment_id: int) -> Row:
    return conn.execute(select(environments).where(environments.c.id == environment_id)).one()


def environment_names(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(environments.c.id, environments.c.name)).all())


def update_environment(
    conn: Connection,
    environment_id: int,
    name: str,
    display_name: str | None,
    production: bool,
    contacts: JsonValue,
) -> None:
    conn.execute(
        update(environments)
        .where(environments.c.id == environment_id)
        .values(
            name=name,
            display_name=display_name,
            production=production,
            contacts=json.dumps(contacts) if contacts is not None else None,
            updated_at=now(),
        )
    )


def delete_environment(conn: Connection, environment_id: int) -> None:
    conn.execute(delete(environments).where(environments.c.id == environment_id))


def deployments_of_version(conn: Connection, version_id: int, environment_id: int) -> list[Row]:
    """Every deployment record (current or not) of a version to an environment, oldest first."""
    return list(
        conn.execute(
            select(dv)
            .where(dv.c.version_id == version_id, dv.c.environment_id == environment_id)
            .order_by(dv.c.id)
        )
    )


def releases_of_version(conn: Connection, version_id: int, environment_id: int) -> list[Row]:
    return list(
        conn.execute(
            select(rv).where(rv.c.version_id == version_id, rv.c.environment_id == environment_id)
        )
    )


def find_deployment(conn: Connection, uuid: str) -> Row | None:
    return conn.execute(select(dv).where(dv.c.uuid == uuid)).first()


def find_release(conn: Connection, uuid: str) -> Row | None:
    return conn.execute(select(rv).where(rv.c.uuid == uuid)).first()


def current_environments_of_versions(conn: Connection, version_ids: set[int]) -> list[Row]:
    """``version_id`` and the environment's columns for each version currently deployed, then
    for each currently supported release."""
    out: list[Row] = []
    for table, flag in (
        (dv, dv.c.currently_deployed.is_(True)),
        (rv, rv.c.support_ended_at.is_(None)),
    ):
        q = (
            select(table.c.version_id, environments)
            .join(environments, environments.c.id == table.c.environment_id)
            .where(table.c.version_id.in_(version_ids), flag)
        )
        out += conn.execute(q).all()
    return out


def all_environments(conn: Connection) -> list[Row]:
    """Ordered as the official broker lists them: by display name, ignoring case."""
    shown = func.coalesce(environments.c.display_name, environments.c.name)
    return list(conn.execute(select(environments).order_by(func.lower(shown), environments.c.name)))


def current_deployments_with_environment(conn: Connection, pacticipant_id: int) -> list[Row]:
    """The pacticipant's current deployments, with the environment's ``env_name`` and
    ``shown`` (display name), oldest first."""
    query = (
        select(
            dv, environments.c.name.label("env_name"), environments.c.display_name.label("shown")
        )
        .join(environments, environments.c.id == dv.c.environment_id)
        .where(dv.c.pacticipant_id == pacticipant_id, dv.c.currently_deployed.is_(True))
        .order_by(dv.c.id)
    )
    return list(conn.execute(query))


def environment_facts(conn: Connection) -> list[Row]:
    """(id, name, production) of every environment."""
    return list(
        conn.execute(
            select(environments.c.id, environments.c.name, environments.c.production)
        ).all()
    )


@functools.cache
def current_versions_query(
    dialect: str, deployed: bool, released: bool, in_environment: bool
) -> Select | CompoundSelect:
    """The current deployments and/or supported releases of the pacticipants ``ids`` (in
    the environment ``environment_id`` with ``in_environment``; both are parameters) as
    (kind, kind_order, row_id, vid, eid): deployments first (``kind_order``), each in the
    order recorded (``row_id``). Built once per dialect and shape (pacts for verification
    runs it for its selectors)."""
    parts = []
    for kind, order, flag, table, current in (
        (
            "deployed",
            0,
            deployed,
            deployed_versions,
            deployed_versions.c.currently_deployed.is_(True),
        ),
        (
            "released",
            1,
            released,
            released_versions,
            released_versions.c.support_ended_at.is_(None),
        ),
    ):
        if not flag:
            continue
        part = select(
            literal(kind).label("kind"),
            literal(order).label("kind_order"),
            table.c.id.label("row_id"),
            table.c.version_id.label("vid"),
            table.c.environment_id.label("eid"),
        ).where(ids_bound(dialect, table.c.pacticipant_id, "ids"), current)
        if in_environment:
            part = part.where(table.c.environment_id == bindparam("environment_id", type_=Integer))
        parts.append(part)
    return parts[0] if len(parts) == 1 else union_all(*parts)
