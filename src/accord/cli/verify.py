"""``accord verify``: verify a provider against its pacts, from files, URLs or a broker.

Flags are named as the official verifier's where they overlap. Exit codes:

* 0: every interaction passed (failures of pending pacts are allowed)
* 1: verification failed (a mismatch, an error verifying an interaction, a pact that does
  not parse); results that could not be published are reported but, as with the official
  verifier, do not change the exit code
* 2: bad usage, or no pacts were found (unless ``--ignore-no-pacts-error``)
* 3: the provider or the broker could not be reached (connection refused, timeout)

Examples::

    accord verify --provider-name users-api --provider-base-url http://127.0.0.1:8000 -d pacts/
    accord verify --provider-name users-api --provider-app myapp.main:app pacts/web.json
    accord verify --provider-name users-api --provider-base-url http://localhost:8000 \\
        --broker-url https://broker --broker-token $TOKEN --enable-pending \\
        --consumer-version-selectors '{"mainBranch": true}' \\
        --provider-version $GIT_SHA --provider-branch main --publish
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from accord.verifier.api import BrokerSelectorBuilder
    from accord.verifier.results import VerificationResult

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_UNREACHABLE", "EXIT_USAGE", "register"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3

_HELP = """Verify a provider against its pacts.

\b
Pacts come from files/directories (positional, --pact-dir), URLs (--pact-url) or a broker
(--broker-url with consumer version selectors). The provider is reached at
--provider-base-url, or called in process with --provider-app module:attr (ASGI or WSGI).

\b
Exit codes:
  0  all interactions passed (pending failures allowed)
  1  verification failed
  2  bad usage, or no pacts found
  3  the provider or the broker could not be reached
"""


def _load_app(spec: str) -> Any:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise click.BadParameter("use module:attribute, e.g. myapp.main:app",
                                 param_hint="--provider-app")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise click.BadParameter(f"cannot import {module_name!r}: {exc}",
                                 param_hint="--provider-app") from exc
    call = attr.endswith("()")
    obj: Any = module
    for part in attr.removesuffix("()").split("."):
        if not hasattr(obj, part):
            raise click.BadParameter(f"{module_name!r} has no attribute {attr!r}",
                                     param_hint="--provider-app")
        obj = getattr(obj, part)
    return obj() if call else obj


def _selectors(values: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for text in values:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise click.BadParameter(f"{text!r} is not JSON: {exc}",
                                     param_hint="--consumer-version-selectors") from exc
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not isinstance(item, dict):
                raise click.BadParameter(f"{text!r}: a selector is a JSON object",
                                         param_hint="--consumer-version-selectors")
            out.append(item)
    return out


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for text in values for v in text.split(",") if v.strip()]


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep:
        name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"{text!r}: use 'Name: value'", param_hint="--custom-header")
    return name.strip(), value.strip()


def exit_code(result: VerificationResult) -> int:
    """The process exit code for a ``VerificationResult``."""
    if result.ok:
        return EXIT_OK
    if any(f.unreachable for f in result.source_failures) or any(
            r.unreachable for r in result.failed):
        return EXIT_UNREACHABLE
    if result.failed or result.source_failures:
        return EXIT_FAILED
    return EXIT_USAGE  # no pacts found


@click.command("verify", help=_HELP, context_settings={"show_default": True})
@click.argument("pact_files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--provider-name", "-n",
              help="The provider's name (default: the one provider the pacts name).")
@click.option("--provider-base-url", help="Where the provider runs, e.g. http://127.0.0.1:8000.")
@click.option("--provider-app", help="module:attr of an ASGI or WSGI app to call in process.")
@click.option("--pact-url", "-u", "pact_urls", multiple=True, help="A pact URL (repeatable).")
@click.option("--pact-dir", "-d", "pact_dirs", multiple=True, type=click.Path(path_type=Path),
              help="A directory of pacts, searched recursively (repeatable).")
@click.option("--file", "-f", "pact_file_opts", multiple=True, type=click.Path(path_type=Path),
              help="A pact file (repeatable; same as positional files).")
@click.option("--broker-url", "-b", envvar="PACT_BROKER_BASE_URL", help="A Pact Broker's URL.")
@click.option("--broker-username", "--user", envvar="PACT_BROKER_USERNAME",
              help="Basic-auth user for the broker and pact URLs.")
@click.option("--broker-password", "--password", envvar="PACT_BROKER_PASSWORD",
              help="Basic-auth password.")
@click.option("--broker-token", "--token", "-t", envvar="PACT_BROKER_TOKEN",
              help="Bearer token for the broker and pact URLs.")
@click.option("--provider-version", "--provider-app-version", help="The provider's version.")
@click.option("--provider-branch", help="The provider's branch (selection and publishing).")
@click.option("--provider-tags", multiple=True, help="Provider tags (comma-separated).")
@click.option("--consumer-version-selectors", multiple=True,
              help="A selector as JSON, e.g. '{\"mainBranch\": true}' (repeatable).")
@click.option("--consumer-version-tags", multiple=True,
              help="Consumer tags (comma-separated): latest pact of each tag.")
@click.option("--enable-pending", is_flag=True, help="Pending pacts do not fail the build.")
@click.option("--include-wip-pacts-since", metavar="DATE", help="Include WIP pacts since DATE.")
@click.option("--publish", "--publish-verification-results", "publish", is_flag=True,
              help="Publish the results to the broker (needs --provider-version).")
@click.option("--build-url", help="The CI build URL published with the results.")
@click.option("--provider-states-setup-url", "--state-change-url", "-s", "state_url",
              help="The state-change URL (POST {state, params, action}).")
@click.option("--state-change-teardown", is_flag=True,
              help="Also call the state-change URL to tear states down.")
@click.option("--state-change-as-query", is_flag=True,
              help="Send state-change data as query parameters instead of a JSON body.")
@click.option("--message-relay-url", help="The HTTP message relay of a non-Python producer.")
@click.option("--custom-header", "--header", "custom_headers", multiple=True,
              help="'Name: value' added to every provider request (repeatable).")
@click.option("--filter-description", help="Only interactions whose description matches.")
@click.option("--filter-state", help="Only interactions with a provider state that matches.")
@click.option("--filter-consumer", "-c", multiple=True, help="Only these consumers.")
@click.option("--filter-no-state", is_flag=True, help="Only interactions without states.")
@click.option("--timeout", type=float, default=5.0,
              help="Seconds per provider request: the whole exchange, not each read "
                   "(also per state-change and message-relay call).")
@click.option("--request-timeout", type=int, default=None,
              help="Milliseconds per provider request, the whole exchange (overrides "
                   "--timeout).")
@click.option("--broker-retries", type=int, default=3,
              help="Retries of a broker call that fails to connect or answers 5xx.")
@click.option("--ignore-no-pacts-error", is_flag=True, help="Finding no pacts is not an error.")
@click.option("--junit", type=click.Path(path_type=Path), help="Write a JUnit XML report.")
@click.option("--json", "json_file", type=click.Path(path_type=Path),
              help="Write a JSON report.")
@click.option("--no-colour", "--no-color", "no_colour", is_flag=True, help="No colour.")
def verify_command(pact_files: tuple[Path, ...], provider_name: str | None,
                   provider_base_url: str | None, provider_app: str | None,
                   pact_urls: tuple[str, ...], pact_dirs: tuple[Path, ...],
                   pact_file_opts: tuple[Path, ...], broker_url: str | None,
                   broker_username: str | None, broker_password: str | None,
                   broker_token: str | None, provider_version: str | None,
                   provider_branch: str | None, provider_tags: tuple[str, ...],
                   consumer_version_selectors: tuple[str, ...],
                   consumer_version_tags: tuple[str, ...], enable_pending: bool,
                   include_wip_pacts_since: str | None, publish: bool, build_url: str | None,
                   state_url: str | None, state_change_teardown: bool,
                   state_change_as_query: bool, message_relay_url: str | None,
                   custom_headers: tuple[str, ...], filter_description: str | None,
                   filter_state: str | None, filter_consumer: tuple[str, ...],
                   filter_no_state: bool, timeout: float, request_timeout: int | None,
                   broker_retries: int, ignore_no_pacts_error: bool, junit: Path | None,
                   json_file: Path | None, no_colour: bool) -> None:
    from accord.errors import AccordError
    from accord.verifier import Verifier
    from accord.verifier.api import BrokerSelectorBuilder

    if provider_base_url and provider_app:
        raise click.UsageError("use --provider-base-url or --provider-app, not both")
    files = [*pact_files, *pact_file_opts]
    if not (files or pact_dirs or pact_urls or broker_url):
        raise click.UsageError("no pacts given: pass pact files, --pact-dir, --pact-url or "
                               "--broker-url")
    if publish and not provider_version:
        raise click.UsageError("--publish needs --provider-version")
    if not provider_name:
        if broker_url:
            raise click.UsageError("--provider-name is needed with --broker-url")
        # as the official verifier does: the provider is the one the pacts name
        provider_name = _provider_named_by([*files, *pact_dirs], pact_urls,
                                           _auth(broker_username, broker_password, broker_token))
    try:
        verifier = Verifier(provider_name, fail_if_no_pacts_found=not ignore_no_pacts_error,
                            timeout=request_timeout / 1000 if request_timeout else timeout)
        if provider_base_url:
            verifier.add_transport(url=provider_base_url)
        elif provider_app:
            verifier.add_transport(app=_load_app(provider_app))
        for path in [*files, *pact_dirs]:
            verifier.add_source(path)
        for url in pact_urls:
            verifier.add_source(url, username=broker_username, password=broker_password,
                                token=broker_token)
        if broker_url:
            builder = verifier.broker_source(broker_url, username=broker_username,
                                             password=broker_password, token=broker_token,
                                             selector=True, use_env=False,
                                             retries=broker_retries)
            assert isinstance(builder, BrokerSelectorBuilder)
            _select(builder, consumer_version_selectors, consumer_version_tags, enable_pending,
                    include_wip_pacts_since, provider_branch, provider_tags)
        if state_url:
            verifier.state_change_url(state_url, teardown=state_change_teardown,
                                      body=not state_change_as_query)
        if message_relay_url:
            verifier.message_handler(message_relay_url)
        verifier.add_custom_headers([_header(h) for h in custom_headers])
        verifier.filter(filter_description, state=filter_state, no_state=filter_no_state)
        if filter_consumer:
            verifier.filter_consumers(*_split(filter_consumer))
        if publish:
            assert provider_version is not None
            verifier.set_publish_options(provider_version, branch=provider_branch,
                                         tags=_split(provider_tags), build_url=build_url)
        result = verifier.verify(reporters=_reporters(no_colour, junit, json_file),
                                 raises=False)
    except AccordError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(exit_code(result))


def _select(builder: BrokerSelectorBuilder, selectors: tuple[str, ...], tags: tuple[str, ...],
            pending: bool, wip_since: str | None, branch: str | None,
            provider_tags: tuple[str, ...]) -> None:
    """Which of the broker's pacts to verify: selectors, tags, pending and WIP pacts."""
    builder.consumer_version_selectors(*_selectors(selectors))
    builder.consumer_tags(*_split(tags))
    if pending:
        builder.include_pending()
    if wip_since:
        builder.include_wip_since(wip_since)
    if branch:
        builder.provider_branch(branch)
    builder.provider_tags(*_split(provider_tags))


def _reporters(no_colour: bool, junit: Path | None, json_file: Path | None) -> list[Any]:
    """The console report, plus JUnit XML and JSON files when asked for."""
    from accord.reporting.console import ConsoleReporter

    reporters: list[Any] = [ConsoleReporter(colour=False if no_colour else None)]
    if junit:
        from accord.reporting.junit import JUnitReporter

        reporters.append(JUnitReporter(junit))
    if json_file:
        from accord.reporting.json import JsonReporter

        reporters.append(JsonReporter(json_file))
    return reporters


def _auth(username: str | None, password: str | None, token: str | None) -> dict[str, Any]:
    return {"username": username, "password": password, "token": token}


def _provider_named_by(paths: list[Path], urls: tuple[str, ...] = (),
                       auth: dict[str, Any] | None = None) -> str:
    """The one provider that the pacts name (so ``-n`` can be left out): local files and
    directories, and pacts at URLs (fetched once more by the verifier)."""
    from accord.errors import PactFormatError
    from accord.pactfile import iter_pact_files

    names: set[str] = set()
    documents: list[Any] = []
    for path in [*paths, *(Path(u) for u in urls if not u.startswith(("http://", "https://")))]:
        try:
            documents.extend(json.loads(file.read_text("utf-8-sig"))
                             for file in iter_pact_files(path))
        except (OSError, ValueError, RecursionError, PactFormatError):
            continue  # the verifier reports unreadable sources itself
    for url in urls:
        if url.startswith(("http://", "https://")):
            documents.append(_fetch_json(url, auth or {}))
    for document in documents:
        provider = document.get("provider") if isinstance(document, dict) else None
        if isinstance(provider, dict) and isinstance(provider.get("name"), str):
            names.add(provider["name"])
    if len(names) != 1:
        found = ", ".join(sorted(names)) or "none"
        raise click.UsageError(
            f"pass --provider-name: the pact files name {len(names)} providers ({found})")
    return names.pop()


def _fetch_json(url: str, auth: dict[str, Any]) -> Any:
    """The JSON at ``url``, or None when it cannot be had (the verifier reports that)."""
    import httpx

    from accord.hal import auth_for
    from accord.tlscontext import client_ssl_context

    basic, headers = auth_for(**auth)
    try:
        reply = httpx.get(url, auth=basic, headers={**headers, "Accept": "application/json"},
                          timeout=30.0, follow_redirects=True, verify=client_ssl_context())
        return reply.json() if reply.status_code == 200 else None
    except (httpx.HTTPError, ValueError, RecursionError):
        return None


def register(cli: click.Group) -> None:
    cli.add_command(verify_command)
