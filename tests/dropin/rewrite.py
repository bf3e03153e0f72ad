"""Turn the drop-in suite's pact-python imports into accord imports (import lines only)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

_FROM = re.compile(r"^(\s*)from pact(\.[\w.]+)? import ", re.MULTILINE)


def rewrite_imports(source: str) -> str:
    """``from pact import X`` / ``from pact.mod import X`` → ``from accord… import X``."""
    return _FROM.sub(lambda m: f"{m.group(1)}from accord{m.group(2) or ''} import ", source)


def copy_suite(suite: Path, target: Path, *, to_accord: bool) -> Path:
    """Copy the suite into ``target`` (rewriting the imports for accord); returns it."""
    shutil.copytree(suite, target, ignore=shutil.ignore_patterns("__pycache__"))
    if to_accord:
        for path in target.rglob("*.py"):
            path.write_text(rewrite_imports(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target
