"""Reading and writing pact files: the one module of the core that touches the file system.

``write_pact`` is safe for parallel test workers (pytest-xdist): it takes a file lock (kept
in the temporary directory, so a pact directory holds only pacts), merges with what is already
there (interactions with the same description and provider states are replaced, others kept),
and replaces the file atomically, so a reader never sees half a file and no worker loses
another's interactions. Output is deterministic: interactions sorted by description and
provider states, keys sorted as the official (Rust) tools write them, two-space indentation and
a trailing newline::

    path = write_pact(pact, "pacts")            # pacts/web-users.json
    pact = read_pact(path)
    for file in iter_pact_files("pacts"):
        ...
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock
from filelock import Timeout as _LockTimeout

from accord import __version__
from accord.errors import ContractDefinitionError, PactFileLockError, PactFormatError
from accord.model import Interaction, Pact, SpecVersion, dump_interaction, dump_pact, load_pact
from accord.model.memo import IdentityCache

__all__ = ["iter_pact_files", "lock_path", "pact_file_name", "read_pact", "render_pact",
           "write_pact"]

LOCK_TIMEOUT = 60.0  # seconds a writer waits for another worker's write to finish


def pact_file_name(consumer: str, provider: str) -> str:
    """``{consumer}-{provider}.json`` (path separators in names are replaced by ``_``)."""
    def safe(name: str) -> str:
        return name.replace("/", "_").replace("\\", "_")

    return f"{safe(consumer)}-{safe(provider)}.json"


def read_pact(path: str | os.PathLike[str], *, rule_kinds: Collection[str] = ()) -> Pact:
    """Read a pact file of any specification version.

    Raises ``PactFormatError`` naming the file: for malformed JSON with the line and column,
    for a valid JSON document that is not a pact with the JSON pointer of the problem. Within
    a pact, what cannot be read fails alone (see ``load_pact``): ``Pact.unreadable`` holds the
    interactions that could not be read, ``Pact.load_warnings`` the rules left out.
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise PactFormatError(f"cannot read the pact file: {exc.strerror or exc}",
                              file=file) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PactFormatError(f"the pact file is not UTF-8 text (byte {exc.start})",
                              file=file) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PactFormatError(
            f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            file=file) from None
    except RecursionError:
        raise PactFormatError("the JSON is nested too deeply to read", file=file) from None
    return load_pact(data, file=file, rule_kinds=rule_kinds)


def iter_pact_files(path_or_dir: str | os.PathLike[str], *, recursive: bool = True
                    ) -> Iterator[Path]:
    """The pact files at ``path_or_dir``: the file itself, or the ``*.json`` files under the
    directory (sorted; hidden files such as our temporary files are skipped)."""
    root = Path(path_or_dir)
    if root.is_file():
        yield root
        return
    if not root.is_dir():
        raise PactFormatError("no such pact file or directory", file=str(root))
    found = root.rglob("*.json") if recursive else root.glob("*.json")
    for file in sorted(found):
        hidden = any(part.startswith(".") for part in file.relative_to(root).parts)
        if file.is_file() and not hidden:
            yield file


def write_pact(pact: Pact, directory: str | os.PathLike[str], *,
               version: SpecVersion | str | None = None, merge: bool = True,
               lock_timeout: float = LOCK_TIMEOUT, rule_kinds: Collection[str] = ()) -> Path:
    """Write ``pact`` to ``directory/{consumer}-{provider}.json`` and return the path.

    With ``merge`` (the default) an existing file's interactions are kept unless the pact
    replaces them (same description and provider states); the file's version is upgraded when
    the pact being written is newer, and kept when it is older. ``version`` defaults to the
    pact's own. Raises ``ContractDefinitionError`` when the pact holds two different
    interactions with the same description and provider states, ``PactFileLockError`` when
    the lock cannot be taken within ``lock_timeout`` seconds. ``rule_kinds`` are the extra
    matching rule kinds the existing file may use (``Catalogue.rule_kinds``), so a merge
    keeps its plugins' rules.
    """
    target = SpecVersion.parse(version) if version is not None else pact.spec_version
    interactions = _deduplicated(pact.interactions, f"{pact.consumer}-{pact.provider}")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / pact_file_name(pact.consumer, pact.provider)
    lock = FileLock(str(lock_path(path)), timeout=lock_timeout)
    try:
        with lock:
            metadata: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            unreadable = list(pact.unreadable)
            if merge and path.exists():
                existing = _existing(path, rule_kinds)
                target = max(target, existing.spec_version)
                metadata.update(existing.metadata)
                extra.update(existing.extra)
                merged = {i.unique_key: i for i in existing.interactions}
                merged.update((i.unique_key, i) for i in interactions)
                interactions = list(merged.values())
                # interactions of the file that could not be read are kept as they are,
                # unless the pact being written replaces them
                unreadable += [u for u in existing.unreadable if u.unique_key not in merged]
            plugins = _merged_plugins(metadata.get("plugins"), pact.metadata.get("plugins"))
            metadata.update(pact.metadata)
            if plugins:
                metadata["plugins"] = plugins
            metadata["accord"] = {"version": __version__}
            extra.update(pact.extra)
            final = pact.replace(interactions=tuple(sorted(interactions, key=_sort_key)),
                                 metadata=metadata, extra=extra, spec_version=target,
                                 unreadable=tuple(unreadable))
            _atomic_write(path, render_pact(final, target))
            _WRITTEN[path] = (_identity(path), final)
    except _LockTimeout:
        raise PactFileLockError(
            f"could not lock {path} within {lock_timeout:g}s: another process is writing it "
            f"(or a stale lock file {lock_path(path)} was left behind)") from None
    return path


def render_pact(pact: Pact, version: SpecVersion | str | None = None) -> str:
    """The exact text ``write_pact`` writes for ``pact`` (no merging, no metadata added).

    Each interaction is rendered once per process and spliced into the document, so a suite
    that merges one interaction at a time into a growing file does not re-encode the rest.
    """
    fragments: list[str] = []

    def placeholder(interaction: Interaction, version: SpecVersion) -> str:
        fragments.append(_cached(interaction).text(version))
        return f"\x00{len(fragments) - 1}\x00"

    doc = dump_pact(pact, version, dump=placeholder)
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    return _PLACEHOLDER.sub(lambda m: fragments[int(m.group(1))], text) + "\n"


_PLACEHOLDER = re.compile(r'^    "\\u0000(\d+)\\u0000"', re.MULTILINE)


class _Rendered:
    """An interaction's sort key and its JSON text per version, indented as a list item."""

    __slots__ = ("_texts", "interaction", "sort_key")

    def __init__(self, interaction: Interaction):
        self.interaction = interaction
        description, states = interaction.unique_key
        params = json.dumps([dict(s.params) for s in interaction.provider_states],
                            sort_keys=True, default=str)
        self.sort_key = (description, states, params)
        self._texts: dict[SpecVersion, str] = {}

    def text(self, version: SpecVersion) -> str:
        if version not in self._texts:
            raw = json.dumps(dump_interaction(self.interaction, version), indent=2,
                             sort_keys=True, ensure_ascii=False)
            self._texts[version] = "\n".join("    " + line for line in raw.split("\n"))
        return self._texts[version]


_RENDERED: IdentityCache[_Rendered] = IdentityCache(20_000)


def _cached(interaction: Interaction) -> _Rendered:
    return _RENDERED.get(interaction, lambda: _Rendered(interaction))


def _sort_key(interaction: Interaction) -> tuple[str, tuple[str, ...], str]:
    return _cached(interaction).sort_key


# What this process last wrote to each pact file, by the file's identity, so that the next
# merge into it need not read and parse it again (another writer changes the identity).
_WRITTEN: dict[Path, tuple[tuple[int, int, int], Pact]] = {}


def _identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns, st.st_size


def _existing(path: Path, rule_kinds: Collection[str]) -> Pact:
    known = _WRITTEN.get(path)
    if known is not None and known[0] == _identity(path):
        return known[1]
    return read_pact(path, rule_kinds=rule_kinds)


def _merged_plugins(existing: Any, new: Any) -> list[Any]:
    """The plugins both files name, by name: a merge keeps every interaction's plugin."""
    by_name: dict[str, Any] = {}
    for entry in [*(existing or []), *(new or [])]:
        name = entry.get("name") if isinstance(entry, dict) else None
        by_name[str(name) if name else json.dumps(entry, sort_keys=True)] = entry
    return list(by_name.values())


def _deduplicated(interactions: tuple[Interaction, ...], pact_name: str) -> list[Interaction]:
    seen: dict[tuple[str, tuple[str, ...]], Interaction] = {}
    for interaction in interactions:
        key = interaction.unique_key
        if key in seen:
            if seen[key] != interaction:
                states = ", ".join(key[1]) or "no provider state"
                raise ContractDefinitionError(
                    f"pact {pact_name}: two different interactions are both described as "
                    f"{key[0]!r} with {states}; give each a unique description or provider "
                    "state (pact files merge interactions by them)")
            continue
        seen[key] = interaction
    return list(seen.values())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a pact is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def lock_path(path: Path) -> Path:
    """The lock file of the pact file ``path``: in the temporary directory, named by the
    absolute path, so that every process of the machine takes the same one and the pact
    directory holds nothing but pacts."""
    digest = hashlib.sha256(str(Path(path).resolve()).encode()).hexdigest()[:32]
    folder = Path(tempfile.gettempdir()) / "accord-pact-locks"
    folder.mkdir(exist_ok=True)
    return folder / f"{Path(path).name}.{digest}.lock"
