"""Repositories for pacticipants, versions, branches, tags, labels and environments.

Plain functions over a ``Connection`` inside the caller's transaction. Get-or-create does a
select then an insert; a concurrent insert raises IntegrityError and the whole transaction is
retried by ``run_in_transaction``, so no duplicates are ever created.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from accord.broker.clock import now
from accord.broker.names import check_name
from accord.broker.storage import branch_verifications, heads
from accord.broker.storage.bulk import dialect_insert, id_chunks, id_in
from accord.broker.storage.schema import (
    branch_versions,
    branches,
    labels,
    pacticipants,
    tags,
    versions,
)

MAIN_BRANCH_CANDIDATES = ("develop", "main", "master")


# -- pacticipants ----------------------------------------------------------------------------


def find_pacticipant(conn: Connection, name: str) -> Row | None:
    return conn.execute(select(pacticipants).where(pacticipants.c.name == name)).first()


def pacticipant_by_id(conn: Connection, pid: int) -> Row:
    return conn.execute(select(pacticipants).where(pacticipants.c.id == pid)).one()


def create_pacticipant(conn: Connection, name: str, **fields: object) -> Row:
    check_name(name, "pacticipant name", "name")
    ts = now()
    values = {k: v for k, v in fields.items() if k in pacticipants.c}
    return conn.execute(
        insert(pacticipants)
        .values(name=name, created_at=ts, updated_at=ts, **values)
        .returning(*pacticipants.c)
    ).one()


def get_or_create_pacticipant(conn: Connection, name: str) -> Row:
    return find_pacticipant(conn, name) or create_pacticipant(conn, name)


def update_pacticipant(conn: Connection, pid: int, fields: Mapping[str, object]) -> Row:
    if fields.get("main_branch") is not None:
        check_name(fields["main_branch"], "main branch", "mainBranch")
    if fields:
        conn.execute(
            update(pacticipants).where(pacticipants.c.id == pid).values(updated_at=now(), **fields)
        )
    return pacticipant_by_id(conn, pid)


def list_pacticipants(
    conn: Connection, name_filter: str | None, offset: int, limit: int
) -> tuple[list[Row], int]:
    query = select(pacticipants)
    count = select(func.count()).select_from(pacticipants)
    if name_filter:
        cond = func.lower(pacticipants.c.name).contains(name_filter.lower())
        query, count = query.where(cond), count.where(cond)
    rows = conn.execute(query.order_by(func.lower(pacticipants.c.name)).offset(offset).limit(limit))
    return list(rows), conn.execute(count).scalar_one()


def labels_for(conn: Connection, pid: int) -> list[str]:
    return list(
        conn.execute(
            select(labels.c.name).where(labels.c.pacticipant_id == pid).order_by(labels.c.name)
        ).scalars()
    )


def add_label(conn: Connection, pid: int, name: str) -> bool:
    exists = conn.execute(
        select(labels.c.name).where(labels.c.pacticipant_id == pid, labels.c.name == name)
    ).first()
    if exists:
        return False
    check_name(name, "label", "label")
    conn.execute(insert(labels).values(pacticipant_id=pid, name=name, created_at=now()))
    return True


def pacticipants_with_label(conn: Connection, label: str) -> list[Row]:
    return list(
        conn.execute(
            select(pacticipants)
            .join(labels, labels.c.pacticipant_id == pacticipants.c.id)
            .where(labels.c.name == label)
            .order_by(pacticipants.c.name)
        )
    )


# -- versions ----------------------------------------------------------------------------------


def find_version(conn: Connection, pid: int, number: str) -> Row | None:
    return conn.execute(
        select(versions).where(versions.c.pacticipant_id == pid, versions.c.number == number)
    ).first()


def version_by_id(conn: Connection, vid: int) -> Row:
    return conn.execute(select(versions).where(versions.c.id == vid)).one()


def get_or_create_version(conn: Connection, pid: int, number: str) -> tuple[Row, bool]:
    check_name(number, "version number", "version")  # first: PostgreSQL cannot look up a NUL
    row = find_version(conn, pid, number)
    if row is not None:
        return row, False
    ts = now()
    row = conn.execute(
        insert(versions)
        .values(pacticipant_id=pid, number=number, created_at=ts, updated_at=ts)
        .returning(*versions.c)
    ).one()
    return row, True


def set_build_url(conn: Connection, vid: int, build_url: str | None) -> None:
    if build_url:
        conn.execute(
            update(versions)
            .where(versions.c.id == vid)
            .values(build_url=build_url, updated_at=now())
        )


def latest_version(
    conn: Connection, pid: int, tag: str | None = None, branch: str | None = None
) -> Row | None:
    query = select(versions).where(versions.c.pacticipant_id == pid)
    if tag is not None:
        query = query.join(tags, tags.c.version_id == versions.c.id).where(tags.c.name == tag)
    if branch is not None:
        query = query.join(branch_versions, branch_versions.c.version_id == versions.c.id).where(
            branch_versions.c.branch_name == branch, branch_versions.c.pacticipant_id == pid
        )
    return conn.execute(query.order_by(versions.c.id.desc()).limit(1)).first()


def list_versions(conn: Connection, pid: int, offset: int, limit: int) -> tuple[list[Row], int]:
    rows = conn.execute(
        select(versions)
        .where(versions.c.pacticipant_id == pid)
        .order_by(versions.c.id.desc())
        .offset(offset)
        .limit(limit)
    )
    total = conn.execute(
        select(func.count()).select_from(versions).where(versions.c.pacticipant_id == pid)
    ).scalar_one()
    return list(rows), total


# -- branches ---------------------------------------------------------------------------------


def find_branch(conn: Connection, pid: int, name: str) -> Row | None:
    return conn.execute(
        select(branches).where(branches.c.pacticipant_id == pid, branches.c.name == name)
    ).first()


def add_branch_version(
    conn: Connection,
    pacticipant: Row,
    version: Row,
    name: str,
    auto_created: bool = False,
    new_version: bool = False,
) -> bool:
    """Put ``version`` on branch ``name``; True when that link is new. ``new_version``: the
    version was created in this transaction, so it has made no verifications to record in
    ``branch_verifications`` nor publications to put at the head (publishing saves those
    statements)."""
    ts = now()
    branch = find_branch(conn, pacticipant.id, name)
    if branch is None:
        check_name(name, "branch name", "branch")
        branch = conn.execute(
            insert(branches)
            .values(pacticipant_id=pacticipant.id, name=name, created_at=ts, updated_at=ts)
            .returning(*branches.c)
        ).one()
    added = conn.execute(
        dialect_insert(conn, branch_versions)
        .values(
            branch_id=branch.id,
            version_id=version.id,
            pacticipant_id=pacticipant.id,
            branch_name=name,
            auto_created=auto_created,
            created_at=ts,
        )
        .on_conflict_do_nothing(index_elements=["branch_id", "version_id"])
        .returning(branch_versions.c.id)
    ).first()
    if added is None:
        return False
    heads.advance(conn, pacticipant.id, "branch", name, version.id, new_version)
    if not new_version:
        branch_verifications.on_branch_version_added(conn, version.id, branch.id)
    conn.execute(update(branches).where(branches.c.id == branch.id).values(updated_at=ts))
    _maybe_set_main_branch(conn, pacticipant, name)
    return True


def _maybe_set_main_branch(conn: Connection, pacticipant: Row, name: str) -> None:
    if pacticipant.main_branch is None and name in MAIN_BRANCH_CANDIDATES:
        conn.execute(
            update(pacticipants)
            .where(pacticipants.c.id == pacticipant.id, pacticipants.c.main_branch.is_(None))
            .values(main_branch=name)
        )


def branch_head(conn: Connection, pid: int, name: str) -> Row | None:
    return conn.execute(
        select(versions)
        .join(branch_versions, branch_versions.c.version_id == versions.c.id)
        .where(branch_versions.c.pacticipant_id == pid, branch_versions.c.branch_name == name)
        .order_by(branch_versions.c.version_id.desc())
        .limit(1)
    ).first()


def branches_for_version(conn: Connection, vid: int) -> list[str]:
    return list(
        conn.execute(
            select(branch_versions.c.branch_name)
            .where(branch_versions.c.version_id == vid)
            .order_by(branch_versions.c.id)
        ).scalars()
    )


def branches_for_versions(conn: Connection, vids: list[int]) -> dict[int, list[str]]:
    """Branch names per version id."""
    return branches_and_heads_for_versions(conn, vids)[0]


def branches_and_heads_for_versions(
    conn: Connection, vids: list[int]
) -> tuple[dict[int, list[str]], dict[tuple[int, str], int]]:
    """Branch names per version id, and the head version id of each of those branches by
    (pacticipant id, branch name): one statement (per chunk of ids), whatever the versions."""
    out: dict[int, list[str]] = {}
    heads: dict[tuple[int, str], int] = {}
    bv = branch_versions
    other = branch_versions.alias("head_bv")
    head = (
        select(func.max(other.c.version_id))
        .where(
            other.c.pacticipant_id == bv.c.pacticipant_id, other.c.branch_name == bv.c.branch_name
        )
        .scalar_subquery()
    )
    for chunk in id_chunks(conn, vids):
        for vid, name, pid, head_id in conn.execute(
            select(bv.c.version_id, bv.c.branch_name, bv.c.pacticipant_id, head)
            .where(id_in(conn, bv.c.version_id, chunk))
            .order_by(bv.c.id)
        ):
            out.setdefault(vid, []).append(name)
            heads[(pid, name)] = head_id
    return out, heads


def list_branches(conn: Connection, pid: int) -> list[Row]:
    return list(
        conn.execute(
            select(branches)
            .where(branches.c.pacticipant_id == pid)
            .order_by(branches.c.updated_at.desc(), branches.c.id.desc())
        )
    )


def delete_branch(conn: Connection, branch_id: int) -> None:
    pid = _branch_owner(conn, branch_id)
    conn.execute(delete(branch_versions).where(branch_versions.c.branch_id == branch_id))
    conn.execute(delete(branches).where(branches.c.id == branch_id))
    heads.recompute(conn, [pid])


def _branch_owner(conn: Connection, branch_id: int) -> int:
    query = select(branches.c.pacticipant_id).where(branches.c.id == branch_id)
    return int(conn.execute(query).scalar_one())


def _version_owner(conn: Connection, vid: int) -> int:
    query = select(versions.c.pacticipant_id).where(versions.c.id == vid)
    return int(conn.execute(query).scalar_one())


# -- tags -------------------------------------------------------------------------------------


def find_tag(conn: Connection, vid: int, name: str) -> Row | None:
    return conn.execute(select(tags).where(tags.c.version_id == vid, tags.c.name == name)).first()


def add_tag(
    conn: Connection, pacticipant: Row, version: Row, name: str, new_version: bool = False
) -> bool:
    """Tag ``version``; True when the tag is new. ``new_version``: as ``add_branch_version``."""
    check_name(name, "tag name", "tag")
    added = conn.execute(
        dialect_insert(conn, tags)
        .values(version_id=version.id, name=name, pacticipant_id=pacticipant.id, created_at=now())
        .on_conflict_do_nothing(index_elements=["version_id", "name"])
        .returning(tags.c.version_id)
    ).first()
    if added is None:
        return False
    heads.advance(conn, pacticipant.id, "tag", name, version.id, new_version)
    # use_first_tag_as_branch: a fresh branchless version takes its first tag as branch.
    created = version.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=now().tzinfo)
    if now() - created < timedelta(seconds=10) and not branches_for_version(conn, version.id):
        has_tags = conn.execute(
            select(func.count()).select_from(tags).where(tags.c.version_id == version.id)
        ).scalar_one()
        if has_tags == 1:
            add_branch_version(
                conn, pacticipant, version, name, auto_created=True, new_version=new_version
            )
    else:
        _maybe_set_main_branch(conn, pacticipant, name)
    return True


def tags_for_version(conn: Connection, vid: int) -> list[Row]:
    return list(
        conn.execute(
            select(tags).where(tags.c.version_id == vid).order_by(tags.c.created_at, tags.c.name)
        )
    )


def tag_rows_for_versions(conn: Connection, vids: list[int]) -> dict[int, list[Row]]:
    """Tag rows per version id, each version's in the order of ``tags_for_version``."""
    out: dict[int, list[Row]] = {}
    for chunk in id_chunks(conn, vids):
        for row in conn.execute(
            select(tags)
            .where(id_in(conn, tags.c.version_id, chunk))
            .order_by(tags.c.created_at, tags.c.name)
        ).all():
            out.setdefault(row.version_id, []).append(row)
    return out


def tags_for_versions(conn: Connection, vids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in id_chunks(conn, vids):
        for vid, name in conn.execute(
            select(tags.c.version_id, tags.c.name)
            .where(id_in(conn, tags.c.version_id, chunk))
            .order_by(tags.c.created_at, tags.c.name)
        ).all():
            out.setdefault(vid, []).append(name)
    return out


def latest_tag_versions(
    conn: Connection, pids: list[int], names: list[str]
) -> dict[tuple[int, str], int]:
    """(pacticipant id, tag name) -> the latest version with that tag, in one statement."""
    if not pids or not names:
        return {}
    rows = conn.execute(
        select(tags.c.pacticipant_id, tags.c.name, func.max(tags.c.version_id))
        .where(tags.c.pacticipant_id.in_(pids), tags.c.name.in_(names))
        .group_by(tags.c.pacticipant_id, tags.c.name)
    )
    return {(pid, name): vid for pid, name, vid in rows}


def latest_tag_version_ids(conn: Connection, pid: int, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    rows = conn.execute(
        select(tags.c.name, func.max(tags.c.version_id))
        .where(tags.c.pacticipant_id == pid, tags.c.name.in_(names))
        .group_by(tags.c.name)
    )
    return {name: vid for name, vid in rows}


def pacticipant_names(conn: Connection, ids: list[int]) -> dict[int, str]:
    """Names by id, in one statement (none for no ids)."""
    if not ids:
        return {}
    rows = conn.execute(
        select(pacticipants.c.id, pacticipants.c.name).where(pacticipants.c.id.in_(set(ids)))
    )
    return dict(rows.all())


def delete_pacticipant(conn: Connection, pid: int) -> None:
    conn.execute(delete(pacticipants).where(pacticipants.c.id == pid))


def remove_label(conn: Connection, pid: int, name: str) -> bool:
    """Remove the label; False if the pacticipant did not have it."""
    result = conn.execute(
        delete(labels).where(labels.c.pacticipant_id == pid, labels.c.name == name)
    )
    return bool(result.rowcount)


def versions_on_branch(conn: Connection, branch_id: int, limit: int) -> list[Row]:
    """The newest ``limit`` versions on a branch, newest first."""
    bv = branch_versions
    return list(
        conn.execute(
            select(versions)
            .join(bv, bv.c.version_id == versions.c.id)
            .where(bv.c.branch_id == branch_id)
            .order_by(versions.c.id.desc())
            .limit(limit)
        )
    )


def remove_branch_version(conn: Connection, branch_id: int, version_id: int) -> None:
    bv = branch_versions
    conn.execute(delete(bv).where(bv.c.branch_id == branch_id, bv.c.version_id == version_id))
    heads.recompute(conn, [_branch_owner(conn, branch_id)])


def replace_build_url(conn: Connection, vid: int, build_url: str | None) -> None:
    """Set the build URL as given (None clears it), unlike ``set_build_url``."""
    conn.execute(update(versions).where(versions.c.id == vid).values(build_url=build_url))


def delete_version(conn: Connection, vid: int) -> None:
    pid = _version_owner(conn, vid)
    conn.execute(delete(versions).where(versions.c.id == vid))
    heads.recompute(conn, [pid])


def delete_tags_of_version(conn: Connection, vid: int) -> None:
    conn.execute(delete(tags).where(tags.c.version_id == vid))
    heads.recompute(conn, [_version_owner(conn, vid)])


def remove_tag(conn: Connection, vid: int, name: str) -> bool:
    """Remove the version's tag; False if it had no such tag."""
    result = conn.execute(delete(tags).where(tags.c.version_id == vid, tags.c.name == name))
    if not result.rowcount:
        return False
    heads.recompute(conn, [_version_owner(conn, vid)])
    return True


def versions_with_tag(conn: Connection, pid: int, name: str, limit: int) -> list[Row]:
    """The newest ``limit`` versions of the pacticipant tagged ``name``, newest first."""
    return list(
        conn.execute(
            select(versions)
            .join(tags, tags.c.version_id == versions.c.id)
            .where(tags.c.pacticipant_id == pid, tags.c.name == name)
            .order_by(versions.c.id.desc())
            .limit(limit)
        )
    )


def all_pacticipant_names(conn: Connection) -> list[str]:
    return list(conn.execute(select(pacticipants.c.name)).scalars())
