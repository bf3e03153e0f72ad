"""``accord mock``: serve existing pact files as a mock/stub server.

For consumers in any language: point them at the printed URL. Pact files from any Pact tool
(V1 to V4) are read; each request and whether it matched is printed as it arrives, and the
report is served as JSON at ``GET /__accord/report`` (``GET /__accord/health`` answers once
the server is up). Ctrl-C or SIGTERM stops the server and prints the final report::

    accord mock pacts/ --port 8080
    accord mock web-users.json other.json --provider users-api --cors
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from accord.mock import RequestResult
    from accord.model import Pact
    from accord.model.catalogue import Catalogue

__all__ = ["register"]


def register(cli: click.Group) -> None:
    cli.add_command(mock_command)


@click.command("mock")
@click.argument("sources", nargs=-1, required=True, metavar="PACT_FILE_OR_DIR...")
@click.option("--port", default=0, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: a free port, printed at start-up).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--tls", is_flag=True, help="Serve HTTPS with a self-signed certificate.")
@click.option("--cors", is_flag=True, help="Answer CORS pre-flight requests.")
@click.option("--provider", help="Serve only the pacts with this provider.")
@click.option("--consumer", help="Serve only the pacts with this consumer.")
@click.option("--quiet", "-q", is_flag=True, help="Print only failed requests.")
@click.option("--max-body-size", default="10MB", show_default=True,
              help="Largest request body read (larger ones get 413 and fail the report).")
@click.option("--max-json-depth", default=200, show_default=True, type=click.IntRange(2),
              help="Deepest JSON request body read (deeper ones get 400).")
def mock_command(sources: tuple[str, ...], port: int, host: str, tls: bool, cors: bool,
                 provider: str | None, consumer: str | None, quiet: bool,
                 max_body_size: str, max_json_depth: int) -> None:
    """Serve the HTTP interactions of PACT_FILE_OR_DIR... as a mock server."""
    from accord.errors import AccordError
    from accord.mock import MockServer, MockSession
    from accord.model import Pact, SpecVersion, SynchronousHttp
    from accord.sizes import parse_size

    try:
        max_body_bytes = parse_size(max_body_size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--max-body-size") from None

    try:
        pacts = _load(sources)
    except AccordError as exc:
        raise click.ClickException(str(exc)) from None
    if provider:
        pacts = [p for p in pacts if p.provider == provider]
    if consumer:
        pacts = [p for p in pacts if p.consumer == consumer]
    catalogue, pacts = _with_plugins(pacts)
    for pact in pacts:  # what cannot be served is said once; the rest is served
        for broken in pact.unreadable:
            click.echo(f"warning: not serving {broken.description!r}: {broken.reason}", err=True)
        for warning in pact.load_warnings:
            click.echo(f"warning: {warning}", err=True)
    served = [i for p in pacts for i in p.interactions if isinstance(i, SynchronousHttp)]
    if not served:
        which = f" for provider {provider!r}" if provider else ""
        raise click.ClickException(f"no HTTP interactions to serve{which} in "
                                   f"{', '.join(sources)}")
    session = MockSession.from_pacts(pacts, catalogue=catalogue)
    combined = Pact(consumer=", ".join(sorted({p.consumer for p in pacts})),
                    provider=", ".join(sorted({p.provider for p in pacts})),
                    interactions=tuple(served),
                    spec_version=max((p.spec_version for p in pacts), default=SpecVersion.V4))
    server = MockServer(combined, host=host, port=port, tls=tls, cors=cors, session=session,
                        admin=True, on_result=_printer(quiet), max_body_bytes=max_body_bytes,
                        max_json_depth=max_json_depth, catalogue=catalogue)
    stop = threading.Event()
    _on_signals(stop)
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(str(exc)) from None
    _echo(f"accord mock: serving {len(served)} interaction{'s' * (len(served) != 1)} "
          f"({_pairs(pacts)}) from {len(pacts)} pact{'s' * (len(pacts) != 1)}")
    _echo(f"listening on {server.url}  (report: {server.url}/__accord/report; Ctrl-C to stop)")
    if server.certificate is not None:
        _echo(f"TLS certificate: {server.certificate}")
    try:
        while not stop.wait(0.25):
            pass
    finally:
        server.stop()
    report = server.report
    _echo("")
    _echo(report.render())


def _with_plugins(pacts: list[Pact]) -> tuple[Catalogue, list[Pact]]:
    """The installed plugins plus those the pacts name, and the pacts that can be served: a
    pact naming a plugin that is not installed is left out, with a warning."""
    from accord.errors import AccordError
    from accord.plugins import default_catalogue, with_pact_plugins

    catalogue = default_catalogue()
    usable = []
    for pact in pacts:
        try:
            catalogue = with_pact_plugins(pact, catalogue)
        except AccordError as exc:
            click.echo(f"warning: not serving {pact.consumer} -> {pact.provider}: {exc}",
                       err=True)
            continue
        usable.append(pact)
    return catalogue, usable


def _load(sources: tuple[str, ...]) -> list[Pact]:
    """The pacts named: a file that cannot be read is an error; in a directory, a JSON
    file that is not a pact is skipped with a warning (directories hold other things too)."""
    from pathlib import Path

    from accord.errors import PactFormatError
    from accord.pactfile import iter_pact_files, read_pact
    from accord.plugins import PluginError, default_catalogue, load_plugins

    try:
        load_plugins()  # so that pacts using the installed plugins' rule kinds load
    except PluginError as exc:  # a broken plugin matters only to pacts that use it
        click.echo(f"warning: {exc}", err=True)
    rule_kinds = default_catalogue().rule_kinds
    pacts = []
    for source in sources:
        in_directory = Path(source).is_dir()
        for file in iter_pact_files(source):
            try:
                pacts.append(read_pact(file, rule_kinds=rule_kinds))
            except PactFormatError as exc:
                if not in_directory:
                    raise
                click.echo(f"warning: skipping {exc}", err=True)
    return pacts


def _pairs(pacts: list[Pact]) -> str:
    names = sorted({f"{p.consumer} -> {p.provider}" for p in pacts})
    return ", ".join(names[:5]) + (f", and {len(names) - 5} more" if len(names) > 5 else "")


def _printer(quiet: bool) -> Any:
    def show(result: RequestResult) -> None:
        if result.ok:
            if not quiet:
                _echo(f"MATCHED     {result.line} -> {_name(result)}")
        elif result.kind == "matched":
            _echo(f"ERROR       {result.render()}")
        elif result.kind == "mismatched":
            _echo("MISMATCHED  " + result.render("            ").lstrip())
        else:
            _echo("UNEXPECTED  " + result.render("            ").lstrip())

    return show


def _name(result: RequestResult) -> str:
    return repr(result.interaction.description) if result.interaction is not None else ""


def _echo(text: str) -> None:
    click.echo(text)
    sys.stdout.flush()


def _on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: Any) -> None:
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handler)
