"""What one run of consumer tests records across ``Pact`` objects, and writes at its end.

A ``PactRun`` knows, per pact file, the interactions recorded so far (so that another ``Pact``
object replacing one under the same description and provider states is logged, as the
official tools' merge would silently do), the pacts waiting to be written at the end of the
run, and the directory the run was told to use (``--pact-dir``). The process has one
(``default_run()``), which ``Pact`` uses unless given another; the pytest plugin tells it the
``--pact-dir`` option and writes what is waiting at the end of the session.
"""

from __future__ import annotations

import atexit
import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accord.consumer._plugins import keep_existing_plugins, plugins_metadata
from accord.model import Interaction
from accord.pactfile import write_pact

if TYPE_CHECKING:
    from accord.consumer.pact import Pact

__all__ = ["PactRun", "default_pact_dir", "default_run", "write_deferred", "write_pacts"]

_LOG = logging.getLogger("accord.consumer")

_Key = tuple[str, tuple[str, ...]]


class PactRun:
    """Pact files being written by one test run (see the module docstring)."""

    def __init__(self, pact_dir: str | os.PathLike[str] | None = None) -> None:
        self.pact_dir = str(pact_dir) if pact_dir is not None else None
        self._files: dict[tuple[str, str, str], dict[_Key, Interaction]] = {}
        # (working directory, directory) -> the directory resolved: resolving walks every
        # part of the path (~10 µs), and a suite records into one directory test after test
        self._resolved: dict[tuple[str, str], str] = {}
        # by id(): a suite of thousands of Pact objects defers each in constant time
        self._deferred: dict[int, tuple[Pact, Path | None]] = {}

    def use_pact_dir(self, pact_dir: str | os.PathLike[str] | None) -> str | None:
        """Make ``pact_dir`` the run's directory (``--pact-dir``); returns the previous one."""
        previous = self.pact_dir
        self.pact_dir = str(pact_dir) if pact_dir is not None else None
        return previous

    def default_pact_dir(self) -> Path:
        """Where pact files go when no directory is given: the run's directory, else
        ``$ACCORD_PACT_DIR``, else ``pacts``."""
        return Path(self.pact_dir or os.environ.get("ACCORD_PACT_DIR") or "pacts")

    def configured_pact_dir(self) -> Path | None:
        """The directory the run was told to write pacts to (``--pact-dir``, then
        ``$ACCORD_PACT_DIR``), resolved now: the working directory at exit may be another."""
        chosen = self.pact_dir or os.environ.get("ACCORD_PACT_DIR")
        return Path(chosen).resolve() if chosen else None

    def note_recorded(self, consumer: str, provider: str, directory: Path,
                      items: Sequence[Interaction], *, known: set[_Key]) -> None:
        """Remember ``items`` recorded for the pact file in ``directory``; log when one that
        its ``Pact`` did not hold yet (not in ``known``) replaces a different one recorded by
        another ``Pact`` (a logged warning, not a Python one, so that suites running with
        ``-W error`` behave as under pact-python)."""
        recorded = self._files.setdefault((consumer, provider, self._resolve(directory)), {})
        for item in items:
            key = item.unique_key
            earlier = recorded.get(key)
            if key not in known and earlier is not None and earlier != item:
                _LOG.warning(
                    "pact %s-%s: the interaction described as %r with %s replaces a "
                    "different one recorded earlier by another Pact object (pact files keep "
                    "one interaction per description and provider states, the last one "
                    "written, as the official tools do)",
                    consumer, provider, key[0], ", ".join(key[1]) or "no provider state")
        for item in items:
            recorded[item.unique_key] = item

    def _resolve(self, directory: Path) -> str:
        key = (os.getcwd(), os.fspath(directory))
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = str(directory.resolve())
        return found

    # Pacts whose recorded interactions go to the default directory (``--pact-dir``,
    # ``$ACCORD_PACT_DIR`` or ``./pacts``) at the end of the run, unless their owner calls
    # write_file() first: a test that writes its pact where it wants gets no second copy.

    def defer(self, pact: Pact) -> None:
        """Write ``pact`` at the end of the run unless its owner writes it first."""
        if id(pact) not in self._deferred:
            if not self._deferred:
                atexit.register(self.write_deferred)
            self._deferred[id(pact)] = (pact, self.configured_pact_dir())

    def cancel(self, pact: Pact) -> None:
        """``pact``'s owner writes it: nothing to do for it at the end of the run."""
        self._deferred.pop(id(pact), None)

    def write_deferred(self, directory: str | os.PathLike[str] | None = None) -> list[Path]:
        """Write the pacts recorded by ``serve()``/``verify()`` whose owners never called
        ``write_file()``, into ``directory`` or the directory configured when they were
        recorded (run at exit, and by the pytest plugin at the end of the session). With
        neither, nothing is written (as in pact-python, the test writes its pact) and a
        warning names the pact."""
        pending = list(self._deferred.values())
        self._deferred.clear()
        atexit.unregister(self.write_deferred)
        written: list[Path] = []
        targets: dict[Path, list[Pact]] = {}
        for pact, configured in pending:
            target = Path(directory) if directory is not None else configured
            if target is None:
                _LOG.warning("pact %s-%s: %d interaction(s) passed but the pact was never "
                             "written: call write_file(directory), give Pact(pact_dir=...), or "
                             "run with --pact-dir / $ACCORD_PACT_DIR", pact.consumer,
                             pact.provider, len(pact.recorded))
                continue
            targets.setdefault(target, []).append(pact)
        for target, pacts in targets.items():
            written.extend(self.write_pacts(pacts, target))
        return written

    def write_pacts(self, pacts: Iterable[Pact], directory: str | os.PathLike[str] | None = None
                    ) -> list[Path]:
        """Write several pacts' recorded interactions, one merged write per pact file.

        Used at the end of a test session: all pacts for the same consumer, provider and
        directory are combined first, so each file is locked and rewritten once, and flushed
        to the disk (the only ``fsync`` of a run).
        """
        groups: dict[tuple[str, str, Path], list[Pact]] = {}
        for p in pacts:
            target = (Path(directory) if directory is not None
                      else (p.pact_dir or self.default_pact_dir()))
            groups.setdefault((p.consumer, p.provider, target), []).append(p)
        written = []
        for (_consumer, _provider, target), members in groups.items():
            path = _write_group(members, target)
            if path is not None:
                written.append(path)
        return written


def _write_group(members: list[Pact], target: Path) -> Path | None:
    """One pact file from the pacts of one consumer, provider and directory."""
    metadata: dict[str, Any] = {}
    plugins: dict[str, Any] = {}
    settings: dict[str, dict[str, Any]] = {}
    spec = max(m.specification for m in members)
    by_key: dict[_Key, Interaction] = {}
    for m in members:
        by_key.update((i.unique_key, i) for i in m.recorded)  # a later test's wins, as in a merge
    interactions = list(by_key.values())
    for m in members:
        for namespace, values in m.metadata.items():
            metadata.setdefault(namespace, {}).update(values)
        plugins.update(m.plugins)
        for name, values in m.plugin_settings.items():
            settings.setdefault(name, {}).update(values)
    if not interactions:
        return None
    if plugins:
        metadata["plugins"] = plugins_metadata(plugins, settings)
    model = members[0].model_of(interactions).replace(metadata=metadata, spec_version=spec)
    if plugins:
        model = keep_existing_plugins(model, target)
    kinds = frozenset().union(*(m.catalogue.rule_kinds for m in members))
    return write_pact(model, target, version=spec, sync=True,
                      rule_kinds=kinds)


_DEFAULT_RUN = PactRun()


def default_run() -> PactRun:
    """The process's run: the one every ``Pact`` uses unless given another."""
    return _DEFAULT_RUN


def default_pact_dir() -> Path:
    """Where pact files go when no directory is given (``default_run().default_pact_dir()``)."""
    return _DEFAULT_RUN.default_pact_dir()


def write_deferred(directory: str | os.PathLike[str] | None = None) -> list[Path]:
    """``default_run().write_deferred(directory)``."""
    return _DEFAULT_RUN.write_deferred(directory)


def write_pacts(pacts: Iterable[Pact], directory: str | os.PathLike[str] | None = None
                ) -> list[Path]:
    """``default_run().write_pacts(pacts, directory)``."""
    return _DEFAULT_RUN.write_pacts(pacts, directory)
