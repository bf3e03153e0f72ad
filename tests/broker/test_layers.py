"""The broker's layers hold: storage (SQL) ← services (decisions) ← api/ui (HTTP and HTML).

Every module under ``src/accord/broker`` is parsed (not imported) and each import statement,
module-level or inside a function, is checked:

- ``storage`` imports neither ``services``, ``api`` nor ``ui``, nor any HTTP code (starlette);
- ``services`` imports neither ``api`` nor ``ui``, nor starlette;
- ``services``, ``api`` and ``ui`` run no SQL of their own: they import no table
  (``storage.schema``) and from SQLAlchemy only the ``Connection``, ``Engine`` and ``Row``
  types, and call no ``.execute(...)``; their SQL lives in a storage repository.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import accord.broker

BROKER = Path(accord.broker.__file__).parent
PACKAGE = "accord.broker"
#: SQLAlchemy names the layers above storage may import: types to pass connections and rows
#: along, nothing that builds or runs SQL
SQL_TYPES = frozenset({"Connection", "Engine", "Row"})
#: the layers that run no SQL of their own
ABOVE_STORAGE = ("services", "api", "ui")


@dataclass(frozen=True)
class Module:
    name: str  # dotted, e.g. accord.broker.api.webhooks
    path: Path
    tree: ast.Module

    @property
    def layer(self) -> str:
        parts = self.name.split(".")
        return parts[2] if len(parts) > 3 else ""


@dataclass(frozen=True)
class Imported:
    module: str  # the dotted module imported from
    names: tuple[str, ...]  # the names taken from it (empty for ``import x``)
    line: int

    @property
    def targets(self) -> tuple[str, ...]:
        """The module, and the submodules ``from accord.broker import api`` may mean."""
        if not within(self.module, "accord"):
            return (self.module,)
        return (self.module, *(f"{self.module}.{n}" for n in self.names))


def modules() -> list[Module]:
    out = []
    for path in sorted(BROKER.rglob("*.py")):
        rel = path.relative_to(BROKER).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        name = ".".join([PACKAGE, *parts])
        out.append(Module(name, path, ast.parse(path.read_text(), str(path))))
    return out


def imports_of(module: Module) -> list[Imported]:
    """Every import in the module, relative ones resolved, wherever it stands."""
    is_package = module.path.name == "__init__.py"
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [Imported(a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            found.append(Imported(base, tuple(a.name for a in node.names), node.lineno))
    return found


def within(dotted: str, package: str) -> bool:
    return dotted == package or dotted.startswith(package + ".")


def layer_violations(module: Module) -> list[str]:
    forbidden = {
        "storage": ("accord.broker.services", "accord.broker.api", "accord.broker.ui", "starlette"),
        "services": ("accord.broker.api", "accord.broker.ui", "starlette"),
    }.get(module.layer, ())
    return [
        f"{module.name}:{imp.line} imports {imp.module}"
        for imp in imports_of(module)
        if any(within(target, f) for target in imp.targets for f in forbidden)
    ]


def sql_violations(module: Module) -> list[str]:
    if module.layer not in ABOVE_STORAGE:
        return []
    out = []
    for imp in imports_of(module):
        if any(within(t, "accord.broker.storage.schema") for t in imp.targets):
            out.append(f"{module.name}:{imp.line} imports the tables ({imp.module})")
        elif within(imp.module, "sqlalchemy") and (
            imp.module != "sqlalchemy" or not imp.names or set(imp.names) - SQL_TYPES
        ):
            out.append(f"{module.name}:{imp.line} imports {imp.module} {list(imp.names)}")
    for node in ast.walk(module.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("execute", "exec_driver_sql")
        ):
            out.append(f"{module.name}:{node.lineno} runs SQL (.{node.func.attr})")
    return out


ALL = modules()


def test_every_broker_layer_is_found() -> None:
    layers = {m.layer for m in ALL}
    assert {"storage", "services", "api", "ui"} <= layers, layers
    assert sum(m.layer == "api" for m in ALL) > 10


@pytest.mark.parametrize("layer", ["storage", "services"])
def test_lower_layers_import_no_upper_layer(layer: str) -> None:
    found = [v for m in ALL if m.layer == layer for v in layer_violations(m)]
    assert found == []


@pytest.mark.parametrize("layer", ABOVE_STORAGE)
def test_services_api_and_ui_run_no_sql(layer: str) -> None:
    found = [v for m in ALL if m.layer == layer for v in sql_violations(m)]
    assert found == []


def _fake(name: str, source: str) -> Module:
    return Module(name, BROKER / (name.rsplit(".", 1)[-1] + ".py"), ast.parse(source))


@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("accord.broker.storage.x", "from accord.broker.api.hal import seg", 1),
        ("accord.broker.storage.x", "def f():\n    from ..services import matrix", 1),
        ("accord.broker.storage.x", "from accord.broker import ui", 1),
        ("accord.broker.storage.x", "import starlette.responses", 1),
        ("accord.broker.services.x", "from accord.broker.api.routing import Ctx", 1),
        ("accord.broker.services.x", "from accord.broker.storage import repo", 0),
        ("accord.broker.api.x", "from accord.broker.clock import now", 0),
    ],
)
def test_the_layer_rule_sees_upward_imports(name: str, source: str, expected: int) -> None:
    assert len(layer_violations(_fake(name, source))) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select", 1),
        ("from sqlalchemy import Connection, Row", 0),
        ("from sqlalchemy import Connection, delete", 1),
        ("import sqlalchemy", 1),
        ("from sqlalchemy.sql import text", 1),
        ("def f():\n    from accord.broker.storage.schema import webhooks", 1),
        ("def f(ctx):\n    return ctx.conn.execute(q)", 1),
        ("def f(conn):\n    conn.exec_driver_sql('SELECT 1')", 1),
        ("from accord.broker.storage import repo\nrepo.find_pacticipant(c, 'x')", 0),
    ],
)
def test_the_sql_rule_sees_sql_above_storage(source: str, expected: int) -> None:
    for layer in ABOVE_STORAGE:
        assert len(sql_violations(_fake(f"accord.broker.{layer}.x", source))) == expected
    assert sql_violations(_fake("accord.broker.storage.x", source)) == []
