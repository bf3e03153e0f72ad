"""The console report: progress, each failure with the request sent and the expected and actual
response side by side, and a summary table. Colour only on a terminal (and never with
``colour=False`` / ``NO_COLOR``); plain text otherwise.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Mapping
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console, Group
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from accord.model import Body, HttpRequest, HttpResponse, MessageContents
from accord.model.target import request_target
from accord.verifier.results import InteractionResult, VerificationResult
from accord.verifier.runner import (
    Event,
    InteractionVerified,
    PactStarted,
    RunFinished,
    RunStarted,
    SourceFailed,
)

__all__ = ["ConsoleReporter", "render_report"]

_MAX_BODY_LINES = 40
_MAX_BODY_CHARS = 8000
_MAX_CELL_CHARS = 2000  # rich lays out table cells in time that grows faster than their text
_PRETTY_LIMIT = 256 * 1024  # bigger JSON bodies are shown as sent, not re-indented whole
_PROGRESS_THRESHOLD = 20  # runs this long get a progress bar (on a terminal)


def _make_console(file: IO[str] | None, colour: bool | None) -> Console:
    file = file or sys.stdout
    is_tty = hasattr(file, "isatty") and file.isatty()
    no_colour = colour is False or bool(os.environ.get("NO_COLOR")) or (colour is None
                                                                       and not is_tty)
    return Console(file=file, force_terminal=True if colour and not is_tty else None,
                   color_system=None if no_colour else "auto", highlight=False,
                   width=None if is_tty else 120, soft_wrap=False)


def _body_text(body: Body) -> str:
    if not body.is_present:
        return "(no body)" if body.state.value == "missing" else f"({body.state.value} body)"
    size = len(body.content)
    text = body.content[:_MAX_BODY_CHARS * 4].decode("utf-8", "replace") \
        if size > _PRETTY_LIMIT else body.text
    if body.is_json and size <= _PRETTY_LIMIT:
        with contextlib.suppress(ValueError):
            text = json.dumps(body.json, indent=2, ensure_ascii=False)
    lines = text.splitlines()
    if len(lines) > _MAX_BODY_LINES:
        lines = [*lines[:_MAX_BODY_LINES], "…"]
    out = "\n".join(lines)
    if len(out) > _MAX_BODY_CHARS:
        out = out[:_MAX_BODY_CHARS] + "…"
    return out if size <= len(out) else f"{out}\n({size:,} bytes in all)"


def _cell(text: str) -> str:
    """Text for one table cell, cut short: messages already quote excerpts of huge values,
    this keeps any other long text (a plugin's message, a huge path) from stalling rich."""
    if len(text) <= _MAX_CELL_CHARS:
        return text
    return f"{text[:_MAX_CELL_CHARS]}… ({len(text):,} chars)"


def _headers_text(headers: Mapping[str, tuple[str, ...]]) -> list[str]:
    return [f"{name}: {', '.join(values)}" for name, values in headers.items()]


def _describe(part: Any) -> str:
    if part is None:
        return "(nothing)"
    if isinstance(part, tuple):
        return "\n---\n".join(_describe(p) for p in part)
    if isinstance(part, HttpResponse):
        lines = [f"status: {part.status if part.status is not None else '(any)'}"]
        lines += _headers_text(part.headers)
        return "\n".join([*lines, "", _body_text(part.body)])
    if isinstance(part, HttpRequest):
        lines = [f"{part.method} {request_target(part)}", *_headers_text(part.headers)]
        if part.body.is_present:
            lines += ["", _body_text(part.body)]
        return "\n".join(lines)
    if isinstance(part, MessageContents):
        meta = [f"{k}: {v}" for k, v in part.metadata.items()]
        return "\n".join([*(meta or ["(no metadata)"]), "", _body_text(part.body)])
    return str(part)


def _failure_block(r: InteractionResult) -> Group:
    tag = "[yellow]PENDING[/]" if r.pending else "[bold red]FAILED[/]"
    title = f"{tag} [bold]{escape(r.name)}[/]"
    parts: list[Any] = [Text.from_markup(title)]
    if r.provider_states:
        parts.append(Text(f"  given: {', '.join(r.provider_states)}"))
    if r.source:
        parts.append(Text(f"  from: {r.source}", style="dim"))
    if r.test_name:
        parts.append(Text(f"  test name: {r.test_name}", style="dim"))
    parts.extend(Text(f"  comment: {comment}", style="dim") for comment in r.comments)
    if r.request is not None:
        parts.append(Text("  request sent:", style="bold"))
        parts.append(Text("\n".join("    " + line for line in _describe(r.request).splitlines())))
    if r.error:
        parts.append(Text.from_markup(f"  [red]reason:[/] {escape(_cell(r.error))}"))
    if r.mismatches:
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2),
                      pad_edge=False)
        table.add_column("  mismatch")
        table.add_column("where")
        table.add_column("details", overflow="fold")
        for m in r.mismatches:
            table.add_row("  " + str(getattr(m, "kind", "Mismatch")),
                          _cell(str(getattr(m, "path", "") or "")),
                          _cell(str(getattr(m, "message", None) or m)))
        parts.append(table)
    if r.expected is not None or r.actual is not None:
        side = Table(show_header=True, header_style="bold", expand=False, show_lines=False)
        side.add_column("expected", overflow="fold", ratio=1)
        side.add_column("actual", overflow="fold", ratio=1)
        side.add_row(_describe(r.expected), _describe(r.actual))
        parts.append(side)
    for note in r.notes:
        parts.append(Text(f"  note: {note}", style="yellow"))
    return Group(*parts)


def _summary_table(result: VerificationResult) -> Table:
    table = Table(title=f"Verification of {result.provider}", header_style="bold")
    table.add_column("consumer")
    table.add_column("interactions", justify="right")
    table.add_column("passed", justify="right", style="green")
    table.add_column("failed", justify="right", style="red")
    table.add_column("pending failed", justify="right", style="yellow")
    rows: dict[str, list[int]] = {}
    for r in result.results:
        row = rows.setdefault(r.consumer, [0, 0, 0, 0])
        row[0] += 1
        row[1] += r.ok
        row[2] += r.counts_as_failure
        row[3] += (not r.ok and r.pending)
    for consumer, (n, ok, bad, pending) in rows.items():
        table.add_row(consumer, str(n), str(ok), str(bad), str(pending))
    return table


def render_report(result: VerificationResult, console: Console) -> None:
    """Print the failures, the summary table and the verdict of ``result``."""
    for r in result.results:
        if not r.ok:
            console.print(_failure_block(r))
            console.print()
    for f in result.source_failures:
        console.print(Text.from_markup(f"[bold red]SOURCE ERROR[/] {escape(f.source)}: "
                                       f"{escape(f.error)}"))
    for notice in result.notices:
        console.print(Text(f"notice: {notice}", style="dim"))
    for url in result.published:
        console.print(Text(f"published verification results: {url}", style="dim"))
    for err in result.publish_errors:
        console.print(Text.from_markup(f"[red]could not publish results:[/] {escape(err)}"))
    if result.results:
        console.print(_summary_table(result))
    if result.no_pacts:
        style = "bold red" if result.fail_if_no_pacts_found else "yellow"
        console.print(Text(f"No pacts were found for provider {result.provider!r}", style=style))
    verdict = "[bold green]PASSED[/]" if result.ok else "[bold red]FAILED[/]"
    console.print(Text.from_markup(f"{verdict} {escape(result.summary())} "
                                   f"in {result.duration:.2f} s"))


class ConsoleReporter:
    """Prints the run as it goes; a progress bar replaces per-interaction lines on a terminal
    for long runs."""

    def __init__(self, file: IO[str] | None = None, *, colour: bool | None = None,
                 verbose: bool = False) -> None:
        self.console = _make_console(file, colour)
        # plain text to a file or pipe: a line that fits is written as it is (what Rich would
        # write) instead of through Rich's layout, most of the cost of reporting a small run
        self._plain = not self.console.is_terminal and self.console.color_system is None
        self.verbose = verbose
        self._progress: Progress | None = None
        self._task: Any = None

    def _print(self, text: Text) -> None:
        plain = text.plain
        if self._plain and plain.isprintable() and cell_len(plain) <= self.console.width:
            self.console.file.write(plain + "\n")
        else:
            self.console.print(text)

    def handle(self, event: Event) -> None:
        c = self.console
        if isinstance(event, RunStarted):
            pacts = len(event.pacts)
            c.print(Text.from_markup(
                f"Verifying [bold]{escape(event.provider)}[/]: {event.total} interaction"
                f"{'s' if event.total != 1 else ''} from {pacts} pact{'s' if pacts != 1 else ''}"))
            if c.is_terminal and event.total >= _PROGRESS_THRESHOLD and not self.verbose:
                self._progress = Progress(TextColumn("{task.description}"), BarColumn(),
                                          MofNCompleteColumn(), TimeElapsedColumn(),
                                          console=c, transient=True)
                self._progress.start()
                self._task = self._progress.add_task("verifying", total=event.total)
        elif isinstance(event, SourceFailed):
            c.print(Text.from_markup(f"[red]could not read[/] {escape(event.failure.source)}: "
                                     f"{escape(event.failure.error)}"))
        elif isinstance(event, PactStarted):
            if self._progress is None:
                p = event.loaded.pact
                tag = " [yellow](pending)[/]" if event.loaded.pending else ""
                src = escape(event.loaded.source)
                c.print(Text.from_markup(f"\n[bold]{escape(p.consumer)}[/] → "
                                         f"{escape(p.provider)}{tag}  [dim]{src}[/]"))
                for notice in event.loaded.notices:
                    c.print(Text(f"  {notice}", style="dim"))
        elif isinstance(event, InteractionVerified):
            r = event.result
            if self._progress is not None:
                self._progress.advance(self._task)
                return
            mark = {"passed": "[green]✓[/]", "pending": "[yellow]![/]"}.get(r.status, "[red]✗[/]")
            status = "" if r.ok else f" [red]({r.status})[/]" if not r.pending else \
                " [yellow](pending failure)[/]"
            states = f" [dim]given {escape(', '.join(r.provider_states))}[/]" \
                if r.provider_states else ""
            self._print(Text.from_markup(f"  {mark} {escape(r.description)}{states}{status}"))
            for comment in r.comments:
                c.print(Text(f"      {comment}", style="dim"))
            if r.test_name:
                c.print(Text(f"      test name: {r.test_name}", style="dim"))
        elif isinstance(event, RunFinished):
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
            c.print()
            render_report(event.result, c)
