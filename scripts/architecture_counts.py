"""Architecture counts for src/accord, read from the source with ``ast`` (nothing is imported).

    python scripts/architecture_counts.py          # the counts issue 12's closing note asks for
    python scripts/architecture_counts.py -v       # and each private read, long function, Any

* the import graph (module-level and function-level imports; ``if TYPE_CHECKING:`` blocks are
  left out, they never run) and its cycles (strongly connected components);
* reads of another module's private names (``from m import _x``, ``import pkg._mod`` from
  outside ``pkg``, ``m._x`` on an imported module, a library's private module such as
  ``re._parser``);
* functions longer than 80 lines;
* ``Any`` in the signatures of public functions and methods, in all and per package (and in
  the source overall);
* module-level mutable state in the pure core (``model``, ``matching``, ``generation``):
  ``global`` statements, module-level ``register_*`` functions, and module-level lists,
  dicts and sets that a function mutates (a registry filled at import or start-up).

``tests/test_architecture.py`` loads this file and holds the layer contracts.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
LONG_FUNCTION = 80


@dataclass
class Module:
    name: str
    path: Path
    tree: ast.Module
    is_package: bool
    imports: set[str] = field(default_factory=set)  # modules of accord this one imports
    private_reads: list[str] = field(default_factory=list)  # "line: what"
    external: set[str] = field(default_factory=set)  # other packages' modules, dotted


def load(src: Path = SRC) -> dict[str, Module]:
    """Every module under ``src/accord`` with its imports resolved to module names."""
    modules: dict[str, Module] = {}
    for path in sorted((src / "accord").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        name = ".".join(parts)
        modules[name] = Module(name, path, ast.parse(path.read_text(), str(path)), is_package)
    for module in modules.values():
        _resolve(module, modules)
    return modules


def _package(module: Module) -> str:
    return module.name if module.is_package else module.name.rpartition(".")[0]


def _is_private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node, leaving out ``if TYPE_CHECKING:`` bodies."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _resolve(module: Module, modules: dict[str, Module]) -> None:
    own_package = _package(module)
    aliases: dict[str, str] = {}  # local name -> accord module it names

    def private_module(target: str) -> bool:
        """``target`` is a private module outside the importer's own package."""
        parent, _, last = target.rpartition(".")
        return _is_private(last) and not (own_package + ".").startswith(parent + ".")

    for node in _runtime_nodes(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "accord":
                    module.external.add(alias.name)
                    if any(_is_private(part) for part in alias.name.split(".")[1:]):
                        module.private_reads.append(f"{node.lineno}: import {alias.name}")
                    continue
                module.imports.add(alias.name)
                aliases[alias.asname or alias.name] = alias.name
                if private_module(alias.name):
                    module.private_reads.append(f"{node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = own_package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != "accord":
                module.external.add(base)
                if any(_is_private(part) for part in base.split(".")[1:]):
                    module.private_reads.append(f"{node.lineno}: from {base} import ...")
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:
                    module.imports.add(sub)
                    aliases[alias.asname or alias.name] = sub
                    if private_module(sub):
                        module.private_reads.append(f"{node.lineno}: from {base} import "
                                                    f"{alias.name}")
                    continue
                module.imports.add(base)
                if private_module(base):
                    module.private_reads.append(f"{node.lineno}: from {base} import ...")
                elif _is_private(alias.name) and base != module.name:
                    module.private_reads.append(f"{node.lineno}: from {base} import {alias.name}")
    for node in ast.walk(module.tree):
        if (isinstance(node, ast.Attribute) and _is_private(node.attr)
                and isinstance(node.value, ast.Name) and node.value.id in aliases):
            module.private_reads.append(f"{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    module.imports.discard(module.name)


def cycles(modules: dict[str, Module]) -> list[frozenset[str]]:
    """The import cycles: strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0

    def visit(start: str) -> None:  # iterative, so deep graphs cannot overflow the stack
        nonlocal counter
        work = [(start, iter(sorted(modules[start].imports & modules.keys())))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(modules[child].imports & modules.keys()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))

    for name in sorted(modules):
        if name not in index:
            visit(name)
    return found


def long_functions(modules: dict[str, Module], limit: int = LONG_FUNCTION) -> list[str]:
    """``module:function (lines)`` for every function longer than ``limit`` lines."""
    out = []
    for module in modules.values():
        for node in ast.walk(module.tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    out.append(f"{module.name}:{node.name} ({length})")
    return sorted(out)


def _public_functions(module: Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    if any(_is_private(part) for part in module.name.split(".")):
        return
    for node in module.tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not _is_private(node.name):
                yield node
        elif isinstance(node, ast.ClassDef) and not _is_private(node.name):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not (
                        _is_private(item.name)):
                    yield item


def any_in_public_signatures_by_line(modules: dict[str, Module]) -> list[tuple[str, str]]:
    """``(module, "line: function: annotation")`` for every annotation of a public function or
    method that mentions ``Any``."""
    found = []
    for module in modules.values():
        for fn in _public_functions(module):
            args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs,
                    *([fn.args.vararg] if fn.args.vararg else []),
                    *([fn.args.kwarg] if fn.args.kwarg else [])]
            notes = [a.annotation for a in args if a.annotation is not None]
            if fn.returns is not None:
                notes.append(fn.returns)
            found.extend(
                (module.name, f"{note.lineno}: {fn.name}: {ast.unparse(note)}") for note in notes
                if any(isinstance(n, ast.Name) and n.id == "Any" for n in ast.walk(note)))
    return found


def any_in_public_signatures(modules: dict[str, Module], outside: tuple[str, ...] = ()) -> int:
    """How many annotations of public functions and methods mention ``Any`` (leaving out the
    modules under the dotted prefixes ``outside``)."""
    return sum(1 for name, _ in any_in_public_signatures_by_line(modules)
               if not any(name == p or name.startswith(p + ".") for p in outside))


def any_in_public_signatures_by_package(modules: dict[str, Module]) -> dict[str, int]:
    """The count above per top-level part of ``accord`` (``broker``, ``consumer``, ``demo``),
    most first."""
    per: dict[str, int] = {}
    for name, _ in any_in_public_signatures_by_line(modules):
        part = name.split(".")[1] if "." in name else name
        per[part] = per.get(part, 0) + 1
    return dict(sorted(per.items(), key=lambda item: (-item[1], item[0])))


def any_total(modules: dict[str, Module]) -> int:
    """Every ``Any`` name in the source (annotations and casts alike)."""
    return sum(1 for m in modules.values() for node in ast.walk(m.tree)
               if isinstance(node, ast.Name) and node.id == "Any")


CORE = ("accord.model", "accord.matching", "accord.generation")
_CONTAINER_CALLS = {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter"}
_MUTATORS = {"append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem",
             "clear", "remove", "discard", "appendleft", "extendleft", "sort", "reverse"}


def _is_container(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp,
                          ast.SetComp)):
        return True
    if isinstance(value, ast.Call):
        fn = value.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(
            fn, ast.Attribute) else ""
        return name in _CONTAINER_CALLS
    return False


def _module_containers(tree: ast.Module) -> dict[str, int]:
    """Names the module binds at top level to a list, dict or set (name -> line)."""
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and _is_container(node.value):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and _is_container(node.value):
            targets = [node.target]
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                out[target.id] = node.lineno
    return out


def _mutated_names(fn: ast.AST) -> set[str]:
    """Names a function mutates in place: ``x.append(...)``, ``x[k] = v``, ``del x[k]``."""
    found: set[str] = set()
    for node in ast.walk(fn):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _MUTATORS and isinstance(node.func.value, ast.Name)):
            found.add(node.func.value.id)
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                found.add(target.value.id)
    return found


def module_state(modules: dict[str, Module], prefixes: tuple[str, ...] = CORE) -> list[str]:
    """``module: what (line)`` for each piece of module-level mutable state in the modules
    under ``prefixes``: a ``global`` statement, a module-level ``register_*`` function, or a
    module-level list/dict/set that a function (or the module body) mutates."""
    out = []
    for module in modules.values():
        if not module.name.startswith(prefixes):
            continue
        tree = module.tree
        containers = _module_containers(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                out.append(f"{module.name}: global {', '.join(node.names)} ({node.lineno})")
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    node.name.lstrip("_").startswith("register")):
                out.append(f"{module.name}: def {node.name} ({node.lineno})")
        mutated: set[str] = set()
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                mutated |= _mutated_names(node)
            else:  # the module body filling a container after creating it
                mutated |= _mutated_names(node) - {
                    t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)}
        for name in sorted(containers.keys() & mutated):
            out.append(f"{module.name}: {name} is mutated ({containers[name]})")
    return sorted(out)


def report(modules: dict[str, Module]) -> str:
    found = cycles(modules)
    reads = [f"{m.name}:{r}" for m in modules.values() for r in m.private_reads]
    longs = long_functions(modules)
    lines = [
        f"modules: {len(modules)}",
        f"import cycles: {len(found)}",
        *(f"  {sorted(c)}" for c in found),
        f"private-name reads across modules: {len(reads)}",
        f"functions longer than {LONG_FUNCTION} lines: {len(longs)}",
        f"Any in public signatures: {any_in_public_signatures(modules)}",
        "  by package: " + ", ".join(
            f"{part} {n}" for part, n in any_in_public_signatures_by_package(modules).items()),
        f"Any in the source overall: {any_total(modules)}",
        f"module-level mutable state in the pure core: {len(module_state(modules))}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    mods = load()
    print(report(mods))
    if "-v" in sys.argv:
        for mod in mods.values():
            for read in mod.private_reads:
                print(f"private: {mod.name}:{read}")
        for item in long_functions(mods):
            print(f"long: {item}")
        for name, where in any_in_public_signatures_by_line(mods):
            print(f"Any: {name}:{where}")
        for item in module_state(mods):
            print(f"state: {item}")
