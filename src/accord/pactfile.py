"""Reading and writing pact files: the one module of the core that touches the file system.

``write_pact`` is safe for parallel test workers (pytest-xdist): it takes a file lock (kept
in the temporary directory, so a pact directory holds only pacts), merges with what is already
there (interactions with the same description and provider states are replaced, others kept),
and replaces the file atomically (``accord.filereplace``: a temporary file renamed over it,
or on Linux swapped with it), so a reader never sees half a file and no worker loses
another's interactions. It does not ``fsync`` unless asked (``sync=True``, as the end of a
test run does): a test that writes its pact costs no disk flush, and a process killed after a
write still leaves the whole file behind (a machine crash just after may leave it empty; see
``accord.filereplace``). Output is deterministic: interactions sorted by description and
provider states, keys sorted as the official (Rust) tools write them, two-space indentation
and a trailing newline::

    path = write_pact(pact, "pacts")            # pacts/web-users.json
    pact = read_pact(path)
    for file in iter_pact_files("pacts"):
        ...
"""

from __future__ import annotations

import binascii
import bisect
import json
import os
import re
import stat
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from accord import __version__
from accord.errors import ContractDefinitionError, PactFileLockError, PactFormatError
from accord.filelocking import LockTimeout, exclusive_lock
from accord.filereplace import replace_file
from accord.model import Interaction, Pact, SpecVersion, dump_interaction, dump_pact, load_pact

__all__ = ["iter_pact_files", "lock_path", "pact_file_name", "prepare_interaction", "read_pact",
           "render_pact", "write_pact"]

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
               lock_timeout: float = LOCK_TIMEOUT, sync: bool = False,
               rule_kinds: Collection[str] = ()) -> Path:
    """Write ``pact`` to ``directory/{consumer}-{provider}.json`` and return the path.

    With ``merge`` (the default) an existing file's interactions are kept unless the pact
    replaces them (same description and provider states); the file's version is upgraded when
    the pact being written is newer, and kept when it is older. ``version`` defaults to the
    pact's own. ``sync`` flushes the file to the disk before it replaces the old one (a
    machine crash then cannot leave it empty). A file that already holds exactly the text is
    left alone. Raises ``ContractDefinitionError`` when the pact holds two different
    interactions with the same description and provider states, ``PactFileLockError`` when
    the lock cannot be taken within ``lock_timeout`` seconds. ``rule_kinds`` are the extra
    matching rule kinds the existing file may use (``Catalogue.rule_kinds``), so a merge
    keeps its plugins' rules.
    """
    target = SpecVersion.parse(version) if version is not None else pact.spec_version
    interactions = _deduplicated(pact.interactions, f"{pact.consumer}-{pact.provider}")
    path = Path(directory, pact_file_name(pact.consumer, pact.provider))
    key = os.path.abspath(path)
    try:
        with exclusive_lock(_lock_file(key, path), lock_timeout):
            found = _stat(key)
            identity = _identity(found)
            known = _WRITTEN.get(key)
            if known is not None and known.identity != identity:
                known = None  # another writer (or a person) changed the file since
            metadata: dict[str, Any] = {}
            extra: dict[str, Any] = {}
            unreadable = list(pact.unreadable)
            index: _Index | None = None
            if merge and identity is not None:
                existing = (known.pact if known is not None
                            else read_pact(path, rule_kinds=rule_kinds))
                target = max(target, existing.spec_version)
                metadata.update(existing.metadata)
                extra.update(existing.extra)
                if (known is not None and known.merge_index is not None
                        and known.merge_index.version is target and not unreadable):
                    # what this process wrote last: merged in place, in order (the common
                    # case of a suite adding its tests' interactions one by one)
                    index = known.merge_index.merged(interactions)
                    interactions = index.items
                else:
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
            if index is None:
                interactions = sorted(interactions, key=_sort_key)
            final = pact.replace(interactions=tuple(interactions), metadata=metadata,
                                 extra=extra, spec_version=target, unreadable=tuple(unreadable))
            if index is not None:
                chunks = _render_spliced(final, target, index.texts)
            else:
                chunks = _render(final, target)
                index = _Index.of(final, target)
            if known is not None and known.chunks == chunks and (known.synced or not sync):
                _WRITTEN[key] = known._replace(pact=final, merge_index=index)
            else:
                exists = found is not None and stat.S_ISREG(found.st_mode)
                written = replace_file(path, chunks, sync=sync, exists=exists)
                _WRITTEN[key] = _Written(_identity(written), final, chunks, sync, index)
    except LockTimeout:
        raise PactFileLockError(
            f"could not lock {path} within {lock_timeout:g}s: another process is writing it "
            f"(it holds the lock file {lock_path(path)})") from None
    return path


def render_pact(pact: Pact, version: SpecVersion | str | None = None) -> str:
    """The exact text ``write_pact`` writes for ``pact`` (no merging, no metadata added).

    Each interaction is rendered once per process and spliced into the document, so a suite
    that merges one interaction at a time into a growing file does not re-encode the rest.
    """
    return b"".join(_render(pact, version)).decode("utf-8")


def prepare_interaction(interaction: Interaction, version: SpecVersion) -> None:
    """Render ``interaction``'s text in a pact file of ``version`` now, as writing it will
    (rendered once per process): raises ``UnsupportedVersionError`` when that version cannot
    hold it. A mock server checks what it serves so, and the test's write then reuses it."""
    _cached(interaction).data(version)


def _render(pact: Pact, version: SpecVersion | str | None) -> list[bytes]:
    """``render_pact``'s text, encoded, in pieces: the file is their concatenation."""
    fragments: list[bytes] = []

    def placeholder(interaction: Interaction, version: SpecVersion) -> str:
        fragments.append(_cached(interaction).data(version))
        return f"\x00{len(fragments) - 1}\x00"

    doc = dump_pact(pact, version, dump=placeholder)
    if not pact.unreadable:
        # one section (interactions, or a V3 file's messages) of placeholders only, in order:
        # spliced as one piece, so the document left to encode is a few lines
        for section in ("interactions", "messages"):
            if doc.get(section):
                return _spliced(doc, section, fragments)
    text = re.sub(_PLACEHOLDER, lambda m: fragments[int(m.group(1))].decode("utf-8"),
                  _indented_json(doc), flags=re.MULTILINE)
    return [(text + "\n").encode("utf-8")]


def _spliced(doc: dict[str, Any], section: str, fragments: list[bytes]) -> list[bytes]:
    """``doc`` as JSON with ``fragments`` (rendered list items) as its ``section`` list, in
    pieces: the items are most of the file, and written as they are, never joined (joining
    copies it all, into memory freshly mapped as the file grows)."""
    doc[section] = "\x00*\x00"
    head, marker, tail = _indented_json(doc).partition(f'\n  "{section}": "\\u0000*\\u0000"')
    if not marker:
        raise AssertionError(f"no {section} in the rendered pact")
    chunks = [b",\n"] * (2 * len(fragments) + 1)  # head, item, separator, ..., item, tail
    chunks[1::2] = fragments
    chunks[0] = f'{head}\n  "{section}": [\n'.encode()
    chunks[-1] = f"\n  ]{tail}\n".encode()
    return chunks


def _render_spliced(pact: Pact, version: SpecVersion, fragments: list[bytes]) -> list[bytes]:
    """``_render`` of a V4 pact whose interactions' texts are ``fragments``, in order."""
    doc = dump_pact(pact.replace(interactions=()), version)
    if not fragments:
        return [(_indented_json(doc) + "\n").encode("utf-8")]
    return _spliced(doc, "interactions", fragments)


def _indented_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


_PLACEHOLDER = r'^    "\\u0000(\d+)\\u0000"'  # compiled by ``re`` on first use


class _Rendered:
    """An interaction's sort key and its JSON text per version, indented as a list item and
    encoded."""

    __slots__ = ("_data", "interaction", "sort_key")

    def __init__(self, interaction: Interaction):
        self.interaction = interaction
        description, states = interaction.unique_key
        params = json.dumps([dict(s.params) for s in interaction.provider_states],
                            sort_keys=True, default=str)
        self.sort_key = (description, states, params)
        self._data: dict[str, bytes] = {}  # by the version's value: an enum hashes slowly

    def data(self, version: SpecVersion) -> bytes:
        found = self._data.get(version._value_)
        if found is None:
            text = "\n".join("    " + line for line in _indented_json(
                dump_interaction(self.interaction, version)).split("\n"))
            found = self._data[version._value_] = text.encode("utf-8")
        return found


# By id(), holding the interaction so that its id is not reused while the entry lives
# (what accord.model.memo.IdentityCache does, inlined: a write looks every interaction up).
_RENDERED: dict[int, _Rendered] = {}
_RENDERED_SIZE = 20_000


def _cached(interaction: Interaction) -> _Rendered:
    hit = _RENDERED.get(id(interaction))
    if hit is not None and hit.interaction is interaction:
        return hit
    rendered = _Rendered(interaction)
    if len(_RENDERED) >= _RENDERED_SIZE:
        del _RENDERED[next(iter(_RENDERED))]
    _RENDERED[id(interaction)] = rendered
    return rendered


def _sort_key(interaction: Interaction) -> tuple[str, tuple[str, ...], str]:
    return _cached(interaction).sort_key


class _Written(NamedTuple):
    """What this process last wrote to a pact file: the file's identity then, the pact and
    its text (encoded, in pieces), and whether it was flushed to the disk."""

    identity: tuple[int, int, int] | None
    pact: Pact
    chunks: list[bytes]
    synced: bool
    merge_index: _Index | None


class _Index:
    """A written V4 pact's interactions in file order, with their sort keys and encoded texts
    and by merge key, so that merging a few more into it costs a few binary searches rather
    than re-sorting and re-rendering the whole list (sort keys are unique: one interaction per
    description and provider states)."""

    __slots__ = ("by_key", "items", "keys", "texts", "version")

    def __init__(self, version: SpecVersion, items: list[Interaction]) -> None:
        self.version = version
        self.items = items
        self.by_key = {i.unique_key: i for i in items}
        self.keys = [_sort_key(i) for i in items]
        self.texts = [_cached(i).data(version) for i in items]

    @classmethod
    def of(cls, pact: Pact, version: SpecVersion) -> _Index | None:
        """The index of a pact just rendered sorted, when merging into it can use one."""
        if version < SpecVersion.V4 or pact.unreadable:
            return None
        return cls(version, list(pact.interactions))

    def merged(self, interactions: list[Interaction]) -> _Index:
        """A new index with ``interactions`` merged in (each replaces the one with its merge
        key); this one is left as it was."""
        out = _Index.__new__(_Index)
        out.version = self.version
        out.items, out.keys, out.texts = list(self.items), list(self.keys), list(self.texts)
        out.by_key = dict(self.by_key)
        for interaction in interactions:
            old = out.by_key.get(interaction.unique_key)
            if old is not None:
                at = bisect.bisect_left(out.keys, _sort_key(old))
                del out.items[at], out.keys[at], out.texts[at]
            out.by_key[interaction.unique_key] = interaction
            key = _sort_key(interaction)
            at = bisect.bisect_left(out.keys, key)
            out.items.insert(at, interaction)
            out.keys.insert(at, key)
            out.texts.insert(at, _cached(interaction).data(self.version))
        return out


# By absolute path: the next merge into a file need not read and parse it again, nor write it
# when nothing changed (another writer changes the file's identity, which is checked).
_WRITTEN: dict[str, _Written] = {}
_LOCK_FILES: dict[str, str] = {}


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None  # the directory is made when the file is written


def _identity(found: os.stat_result | None) -> tuple[int, int, int] | None:
    return None if found is None else (found.st_ino, found.st_mtime_ns, found.st_size)


def _lock_file(key: str, path: Path) -> str:
    lock = _LOCK_FILES.get(key)
    if lock is None:
        lock = _LOCK_FILES[key] = os.fspath(lock_path(path))
    return lock  # exclusive_lock makes its folder again if the temporary one was cleaned


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


def lock_path(path: Path) -> Path:
    """The lock file of the pact file ``path``: in the temporary directory, named by the
    absolute path, so that every process of the machine takes the same one and the pact
    directory holds nothing but pacts."""
    # two CRC-32s (64 bits) rather than a cryptographic hash: hashlib would load OpenSSL's
    # digests into every consumer test; a collision would only make two files share a lock
    absolute = str(Path(path).resolve()).encode()
    digest = f"{binascii.crc32(absolute):08x}{binascii.crc32(absolute[::-1]):08x}"
    folder = Path(_temporary_directory()) / "accord-pact-locks"
    folder.mkdir(exist_ok=True)
    return folder / f"{Path(path).name}.{digest}.lock"


def _temporary_directory() -> str:
    """``tempfile.gettempdir()``'s choice on POSIX ($TMPDIR, $TEMP, $TMP, then /tmp, /var/tmp,
    /usr/tmp: the first writable directory) without importing ``tempfile``, which loads
    ``shutil`` and with it the compression modules (~2 ms of a consumer test's start)."""
    if os.name == "posix":
        names = [os.environ.get(v) for v in ("TMPDIR", "TEMP", "TMP")]
        for name in [*names, "/tmp", "/var/tmp", "/usr/tmp"]:
            if name and os.path.isdir(name) and os.access(name, os.W_OK | os.X_OK):
                return os.path.abspath(name)
    import tempfile

    return tempfile.gettempdir()
