"""The layer contracts of docs/architecture.md, read from the source (issue 12).

The import graph covers module-level and function-level imports (``if TYPE_CHECKING:`` blocks
never run and are left out). The allow-lists below are today's known debts: each entry names
the work that removes it, and the tests compare exactly, so an entry that is fixed must be
deleted and a new debt cannot slip in.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "architecture_counts.py"


def _counts() -> ModuleType:
    spec = importlib.util.spec_from_file_location("architecture_counts", _SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


counts = _counts()
MODULES = counts.load()
CORE = ("accord.model", "accord.matching", "accord.generation")

# Import cycles still open. Each is somebody's work item under issue 12; fixing one fails this
# test until its line goes.
ALLOWED_CYCLES: set[frozenset[str]] = set()

# Reads of another module's private names still open (module: line: what).
ALLOWED_PRIVATE_READS: set[str] = set()

# What the pure core may never import: sockets, HTTP, files, processes, threads, clocks, the
# database and the web stack. (``random`` is allowed: a seeded ``Random`` is passed in.)
IO_MODULES = {
    "accord.filelocking", "asyncio", "concurrent", "fcntl", "filelock", "http", "httpx",
    "msvcrt", "multiprocessing", "os", "pathlib", "requests", "select", "selectors", "shutil",
    "signal", "socket", "sqlalchemy", "sqlite3", "ssl", "starlette", "subprocess", "tempfile",
    "threading", "time", "urllib.request", "uvicorn",
}


def test_the_graph_is_read():
    """A sanity check on the reader itself, so an empty graph cannot pass the contracts."""
    assert len(MODULES) > 100
    assert "accord.matching" in MODULES["accord.mock.core"].imports
    assert "accord.model.spec" in MODULES["accord.model"].imports  # a package's own modules
    # a function-level import (inside cli.verify._fetch_json) is seen
    assert "accord.hal" in MODULES["accord.cli.verify"].imports


def test_no_import_cycle_outside_the_allow_list():
    found = set(counts.cycles(MODULES))
    assert found == ALLOWED_CYCLES, (
        f"import cycles changed: new {sorted(map(sorted, found - ALLOWED_CYCLES))}, "
        f"gone (delete from ALLOWED_CYCLES) {sorted(map(sorted, ALLOWED_CYCLES - found))}\n"
        + counts.report(MODULES))


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(CORE)))
def test_the_pure_core_imports_only_the_core_and_no_io(name):
    module = MODULES[name]
    outside = {i for i in module.imports if not i.startswith(CORE) and i != "accord.errors"}
    assert not outside, f"{name} imports {sorted(outside)} from outside the pure core"
    io = {e for e in module.external
          if e in IO_MODULES or e.split(".")[0] in IO_MODULES}
    assert not io, f"{name} imports I/O modules {sorted(io)}"


def test_no_private_name_read_across_modules_outside_the_allow_list():
    found = {f"{m.name}: {read.split(': ', 1)[1]}" for m in MODULES.values()
             for read in m.private_reads}
    assert found == ALLOWED_PRIVATE_READS, (
        f"new private reads: {sorted(found - ALLOWED_PRIVATE_READS)}; "
        f"gone (delete from ALLOWED_PRIVATE_READS): {sorted(ALLOWED_PRIVATE_READS - found)}")


def test_the_closing_note_counts_are_computed():
    """The numbers issue 12's closing note reports (``scripts/architecture_counts.py``)."""
    text = counts.report(MODULES)
    for label in ("import cycles:", "private-name reads across modules:",
                  "functions longer than 80 lines:", "Any in public signatures:"):
        assert label in text
    assert counts.any_in_public_signatures(MODULES) > 0
    assert all(item.endswith(")") for item in counts.long_functions(MODULES))


# ``Any`` in public signatures, all of accord (the broker side included) after issue 12's
# typing pass. What is left: the model's ``replace(**changes)`` (dataclass fields of every
# type), the in-process ASGI/WSGI transports' ``app``, ``KeepAlivePoster.post(**kwargs)``
# (httpx's own keywords), ``Reply.__iter__`` (body and metadata unpack to different types),
# and the catalogue's plugin protocol (the model layer cannot name matching's context types).
# The broker names its rows (SQLAlchemy ``Row``, the matrix's ``Row``), JSON
# (``accord.model.jsontypes``) and column values (``object``).
# A ceiling: lower it when the count drops, never raise it.
ANY_IN_PUBLIC_SIGNATURES_CEILING = 9


def test_any_in_public_signatures_does_not_grow():
    found = counts.any_in_public_signatures(MODULES)
    where = [f"{name}:{line}" for name, line in counts.any_in_public_signatures_by_line(MODULES)]
    assert found <= ANY_IN_PUBLIC_SIGNATURES_CEILING, (
        f"{found} annotations of public functions mention Any (ceiling "
        f"{ANY_IN_PUBLIC_SIGNATURES_CEILING}): name the type instead (accord.model.jsontypes, "
        "accord.types.Matchable, sqlalchemy.Row, a Protocol, object)\n" + "\n".join(where))


def test_any_counts_leave_out_the_named_packages_and_add_up():
    by_package = counts.any_in_public_signatures_by_package(MODULES)
    total = counts.any_in_public_signatures(MODULES)
    assert sum(by_package.values()) == total
    model = by_package.get("model", 0)
    assert model > 0
    assert counts.any_in_public_signatures(MODULES, outside=("accord.model",)) == total - model
    assert "by package:" in counts.report(MODULES)


def test_the_pure_core_keeps_no_module_level_mutable_state():
    """No registries in model, matching or generation: what accord understands beyond the
    basics (body matchers, generators, rule kinds, plugins) is an explicit ``Catalogue``
    passed in, so two configurations can live in one process (issue 12)."""
    assert counts.module_state(MODULES) == []


def test_the_plugin_registry_keeps_no_global_switch():
    """``accord.plugins`` holds the process-wide registry (``register_plugin``, kept for
    compatibility) as one object; nothing rebinds module globals."""
    found = counts.module_state(MODULES, ("accord.plugins",))
    assert [item for item in found if ": global " in item] == []
    assert [item.split(" (")[0] for item in found] == [
        "accord.plugins.registry: def register_plugin"]


def _state_of(source: str, name: str = "accord.model.fake") -> list[str]:
    tree = ast.parse(textwrap.dedent(source))
    module = counts.Module(name, Path("fake.py"), tree, is_package=False)
    return counts.module_state({name: module})


def test_the_module_state_check_finds_registries():
    """The check above can fail: each way of keeping a registry is caught."""
    assert _state_of("""
        _REGISTRY: list = []

        def add(x):
            _REGISTRY.insert(0, x)
    """) == ["accord.model.fake: _REGISTRY is mutated (2)"]
    assert _state_of("""
        _KINDS = set()

        def accept(kind):
            _KINDS.add(kind)
    """) == ["accord.model.fake: _KINDS is mutated (2)"]
    assert _state_of("""
        _BY_TYPE = {}

        def put(ct, fn):
            _BY_TYPE[ct] = fn
    """) == ["accord.model.fake: _BY_TYPE is mutated (2)"]
    assert _state_of("""
        _HOOKED = False

        def hook():
            global _HOOKED
            _HOOKED = True
    """) == ["accord.model.fake: global _HOOKED (5)"]
    assert _state_of("""
        def register_thing(thing):
            return thing
    """) == ["accord.model.fake: def register_thing (2)"]
    # constant tables, and containers built locally, are fine
    assert _state_of("""
        _TABLE = {"a": 1}
        _NAMES = frozenset({"x"})

        def lookup(key):
            out = []
            out.append(_TABLE.get(key))
            return out
    """) == []
    assert _state_of("_TABLE = {}\n", name="accord.plugins.fake") == []  # the core only
