"""The user guide's code is taken from real tests, so it cannot rot.

Every ```python block in ``docs/`` is preceded by ``<!-- from: path -->`` naming the file it was
copied from (relative to the repository root); the block must appear in that file verbatim
(give or take a uniform indentation, so a method's body can be shown dedented). Relative links
between the pages must resolve.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
# Owned and checked elsewhere: its python blocks show pact-python code next to accord's.
UNCHECKED = {"migrating-from-pact-python.md"}

FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
FROM = re.compile(r"<!--\s*from:\s*(\S+)\s*-->\s*$")
LINK = re.compile(r"\]\(([^)#\s]+)(#[^)\s]*)?\)")


def _pages() -> list[Path]:
    return sorted(p for p in DOCS.glob("*.md") if p.name not in UNCHECKED)


def _python_blocks(page: Path) -> list[tuple[int, str | None, str]]:
    """(line number, source path or None, code) for every python block of a page."""
    text = page.read_text(encoding="utf-8")
    blocks = []
    for fence in FENCE.finditer(text):
        if fence.group(1) != "python":
            continue
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = FROM.search(before)
        line = text.count("\n", 0, fence.start()) + 1
        blocks.append((line, marker.group(1) if marker else None, fence.group(2)))
    return blocks


def _appears_in(code: str, source: str) -> bool:
    code = textwrap.dedent(code)
    return any(
        textwrap.indent(code, " " * indent, lambda line: bool(line.strip())) in source
        for indent in range(0, 17, 4)
    )


def test_the_guide_has_its_pages() -> None:
    names = {p.name for p in DOCS.glob("*.md")}
    expected = {
        "index.md",
        "concepts.md",
        "consumer-tests-with-pytest.md",
        "verifying-providers.md",
        "messages.md",
        "broker.md",
        "ci-recipes.md",
        "troubleshooting.md",
    }
    assert expected <= names, f"missing pages: {sorted(expected - names)}"


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_python_blocks_are_copied_from_real_files(page: Path) -> None:
    problems = []
    for line, source, code in _python_blocks(page):
        where = f"{page.name}:{line}"
        if source is None:
            problems.append(f"{where}: a python block without <!-- from: path -->")
            continue
        path = ROOT / source
        if not path.is_file():
            problems.append(f"{where}: {source} does not exist")
        elif not _appears_in(code, path.read_text(encoding="utf-8")):
            problems.append(f"{where}: the block is not (any longer) in {source}")
    assert not problems, "\n".join(problems)


def test_the_guide_shows_real_code() -> None:
    blocks = [b for page in _pages() for b in _python_blocks(page)]
    sources = {source for _, source, _ in blocks}
    assert len(blocks) >= 15, "the guide should show the examples' code"
    assert any(s and s.startswith("examples/message/") for s in sources)
    assert any(s and s.startswith("examples/http/") for s in sources)


LINKED_PAGES = sorted(DOCS.glob("*.md")) + sorted((ROOT / "examples").rglob("README.md"))


@pytest.mark.parametrize("page", LINKED_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path) -> None:
    broken = []
    for match in LINK.finditer(page.read_text(encoding="utf-8")):
        target = match.group(1)
        if re.match(r"^[a-z]+:", target):
            continue  # an absolute URL
        if not (page.parent / target).exists():
            broken.append(target)
    assert not broken, f"{page.name}: broken links {broken}"
