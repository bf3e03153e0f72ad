# ruff: noqa: E501  (user-facing messages are kept on one line)
"""Broker commands: ``accord broker serve|migrate`` and the client commands (``publish``,
``can-i-deploy``, ``record-deployment`` …) that talk HAL to any Pact Broker.

Exit codes: 0 success, 1 "no" or unknown from can-i-deploy, 2 usage errors, 3 broker errors.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

__all__ = ["broker", "register"]

BROKER_ERROR = 3


def _client(ctx: click.Context) -> Any:
    from accord.broker_client import BrokerClient

    opts = ctx.obj or {}
    url = opts.get("broker_base_url")
    if not url:
        raise click.UsageError("--broker-base-url (or PACT_BROKER_BASE_URL) is required")
    return BrokerClient(
        url, username=opts.get("username"), password=opts.get("password"), token=opts.get("token")
    )


def broker_options(fn: Callable) -> Callable:
    """The connection options every client command accepts, as in the official CLIs."""
    options = [
        click.option(
            "-b", "--broker-base-url", envvar="PACT_BROKER_BASE_URL", help="Pact Broker URL."
        ),
        click.option("-u", "--broker-username", "username", envvar="PACT_BROKER_USERNAME"),
        click.option("-p", "--broker-password", "password", envvar="PACT_BROKER_PASSWORD"),
        click.option("-k", "--broker-token", "token", envvar="PACT_BROKER_TOKEN"),
        click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text"),
    ]

    def wrapper(
        broker_base_url: str | None,
        username: str | None,
        password: str | None,
        token: str | None,
        output: str,
        **kwargs: Any,
    ) -> Any:
        ctx = click.get_current_context()
        ctx.obj = {
            "broker_base_url": broker_base_url,
            "username": username,
            "password": password,
            "token": token,
            "output": output,
        }
        from accord.errors import BrokerError

        try:
            return fn(**kwargs)
        except BrokerError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(BROKER_ERROR)

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def _outcome(success: Any) -> str:
    return "success" if success is True else "failed" if success is False else "unknown"


def _emit(data: Any, text: str) -> None:
    ctx = click.get_current_context()
    if (ctx.obj or {}).get("output") == "json":
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(text)


# -- server ---------------------------------------------------------------------------------------


@click.group()
def broker() -> None:
    """Run the accord Pact Broker."""


@broker.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="ACCORD_BROKER_HOST")
@click.option("--port", default=9292, show_default=True, type=int, envvar="ACCORD_BROKER_PORT")
@click.option("--workers", default=1, show_default=True, type=int, envvar="ACCORD_BROKER_WORKERS")
@click.option(
    "--base-url",
    envvar="ACCORD_BROKER_BASE_URL",
    help="Public URL for links (behind a reverse proxy).",
)
@click.option(
    "--database-url",
    envvar="ACCORD_BROKER_DATABASE_URL",
    help="SQLAlchemy URL; default sqlite:///./accord-broker.sqlite3",
)
@click.option(
    "--forwarded-allow-ips",
    envvar="ACCORD_BROKER_FORWARDED_ALLOW_IPS",
    help="Comma-separated addresses or networks of the reverse proxies whose X-Forwarded-* "
    "headers are believed ('*' for every client). Default: none, not even 127.0.0.1.",
)
@click.option(
    "--max-body-size",
    envvar="ACCORD_BROKER_MAX_BODY_SIZE",
    help="Largest request body accepted, e.g. 10MB (the default) or 52428800.",
)
@click.option(
    "--max-json-depth",
    envvar="ACCORD_BROKER_MAX_JSON_DEPTH",
    type=int,
    help="Deepest JSON nesting accepted (default 200).",
)
@click.option("--log-level", default="warning", show_default=True)
@click.option(
    "--webhook-scheme-whitelist",
    help="Schemes webhooks may use, space separated (default: https).",
)
@click.option(
    "--webhook-http-method-whitelist",
    help="HTTP methods webhooks may use, space separated (default: POST).",
)
@click.option(
    "--webhook-host-whitelist",
    help="Hosts webhooks may call: names, *.domains, IPs, CIDRs or /regexes/, space separated "
    "(default: any public host). Internal addresses need an IP or CIDR entry.",
)
@click.option(
    "--webhook-http-code-success",
    help="Response codes that count as delivered (default: 200 201 202 203 204 205 206).",
)
@click.option(
    "--webhook-retry-schedule",
    help="Seconds between retries of a failed webhook (default: 10 60 120 300 600 1200).",
)
@click.option(
    "--webhook-timeout",
    help="Seconds for connecting and for each read of a webhook request (default: 10).",
)
def serve(
    host: str,
    port: int,
    workers: int,
    base_url: str | None,
    database_url: str | None,
    forwarded_allow_ips: str | None,
    max_body_size: str | None,
    max_json_depth: int | None,
    log_level: str,
    **webhook_settings: str | None,
) -> None:
    """Serve the broker's HAL API (migrations are applied first).

    Every webhook setting can also be given as ACCORD_BROKER_<OPTION NAME> (e.g.
    ACCORD_BROKER_WEBHOOK_HOST_WHITELIST); see docs/broker.md.
    """
    import uvicorn

    from accord.broker.config import BrokerConfig, BrokerConfigError
    from accord.broker.storage.db import DEFAULT_DATABASE_URL, make_engine, migrate

    url = database_url or DEFAULT_DATABASE_URL
    settings = {
        "ACCORD_BROKER_DATABASE_URL": url,
        "ACCORD_BROKER_BASE_URL": base_url,
        "ACCORD_BROKER_FORWARDED_ALLOW_IPS": forwarded_allow_ips,
        "ACCORD_BROKER_MAX_BODY_SIZE": max_body_size,
        "ACCORD_BROKER_MAX_JSON_DEPTH": None if max_json_depth is None else str(max_json_depth),
    }
    settings.update({f"ACCORD_BROKER_{k.upper()}": v for k, v in webhook_settings.items()})
    for name, value in settings.items():  # the workers read their settings from the environment
        if value is not None:
            os.environ[name] = value
    try:
        BrokerConfig.from_env(migrate_on_start=False)  # refuse unsafe settings before starting
    except BrokerConfigError as exc:
        raise click.UsageError(str(exc)) from None
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    os.environ["ACCORD_BROKER_MIGRATE"] = "false"
    click.echo(
        f"accord broker listening on http://{host}:{port} (database {url.split('@')[-1]})", err=True
    )
    uvicorn.run(
        "accord.broker.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        # X-Forwarded-* are read by the broker itself, only from --forwarded-allow-ips
        proxy_headers=False,
    )


@broker.command()
@click.option("--database-url", envvar="ACCORD_BROKER_DATABASE_URL")
def migrate(database_url: str | None) -> None:
    """Apply the database migrations and exit."""
    from accord.broker.storage.db import DEFAULT_DATABASE_URL, make_engine
    from accord.broker.storage.db import migrate as run_migrations

    engine = make_engine(database_url or DEFAULT_DATABASE_URL)
    try:
        run_migrations(engine)
    finally:
        engine.dispose()
    click.echo("Database is up to date.")


@broker.command()
@click.option("--database-url", envvar="ACCORD_BROKER_DATABASE_URL")
@click.option(
    "--keep-days",
    default=90,
    show_default=True,
    type=int,
    help="Keep every version younger than this.",
)
@click.option("--batch-size", default=500, show_default=True, type=int)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def clean(database_url: str | None, keep_days: int, batch_size: int, dry_run: bool) -> None:
    """Delete old versions no decision depends on (latest, branch heads, latest per tag,
    deployed and released versions are kept), with their pacts and verifications."""
    from accord.broker.storage.clean import clean as run_clean
    from accord.broker.storage.db import DEFAULT_DATABASE_URL, make_engine

    engine = make_engine(database_url or DEFAULT_DATABASE_URL)
    try:
        result = run_clean(engine, max_age_days=keep_days, batch_size=batch_size, dry_run=dry_run)
    finally:
        engine.dispose()
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {result.versions_deleted} versions"
        + ("" if dry_run else f" and {result.pact_versions_deleted} unused pact contents")
        + "."
    )


# -- client commands ------------------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-a", "--consumer-app-version", required=True)
@click.option("--branch")
@click.option("-t", "--tag", "tags", multiple=True)
@click.option("--build-url")
@click.option("--merge", is_flag=True, help="Merge with an existing pact for this version.")
@broker_options
def publish(
    paths: tuple[Path, ...],
    consumer_app_version: str,
    branch: str | None,
    tags: tuple[str, ...],
    build_url: str | None,
    merge: bool,
) -> None:
    """Publish pact files (or directories of them) to a Pact Broker."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise click.UsageError("No pact files found")
    with _client(click.get_current_context()) as client:
        results = client.publish_contracts(
            files,
            version=consumer_app_version,
            branch=branch,
            tags=tags,
            build_url=build_url,
            merge=merge,
        )
    _emit(results, "\n".join(n.get("text", "") for r in results for n in r.get("notices", [])))


def _selectors(argv: list[str]) -> list[dict[str, Any]]:
    """Pair each --pacticipant with the --version/--latest that follows it, like the official CLI."""
    selectors: list[dict[str, Any]] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        key, _, inline = arg.partition("=")
        if key in ("-a", "--pacticipant"):
            selectors.append({"pacticipant": inline or argv[i + 1]})
        elif key in ("-e", "--version") and selectors:
            selectors[-1]["version"] = inline or argv[i + 1]
        elif key in ("-l", "--latest") and selectors:
            nxt = inline or (
                argv[i + 1] if i + 1 < len(argv) and not argv[i + 1].startswith("-") else ""
            )
            selectors[-1]["latest"] = nxt or True
        i += 1
    return selectors


@click.command(name="can-i-deploy")
@click.option("-a", "--pacticipant", "pacticipants", multiple=True, required=True)
@click.option("-e", "--version", "versions", multiple=True)
@click.option("-l", "--latest", "latest", is_flag=False, flag_value="", default=None)
@click.option("--branch")
@click.option("--main-branch", is_flag=True)
@click.option("--to-environment")
@click.option("--to")
@click.option("--ignore", multiple=True)
@click.option("--retry-while-unknown", default=0, type=int)
@click.option("--retry-interval", default=10.0, type=float)
@click.option("--dry-run", is_flag=True)
@broker_options
def can_i_deploy(
    pacticipants: tuple[str, ...],
    versions: tuple[str, ...],
    latest: str | None,
    branch: str | None,
    main_branch: bool,
    to_environment: str | None,
    to: str | None,
    ignore: tuple[str, ...],
    retry_while_unknown: int,
    retry_interval: float,
    dry_run: bool,
) -> None:
    """Check whether a version can be deployed (exit 1 when not, or when unknown)."""
    parsed = _selectors(sys.argv)
    if [s["pacticipant"] for s in parsed] != list(pacticipants):  # not run from a shell
        parsed = [
            {"pacticipant": p, "version": versions[i] if i < len(versions) else None}
            for i, p in enumerate(pacticipants)
        ]
    selectors = [(s["pacticipant"], s.get("version")) for s in parsed]
    latest_tag = latest or next(
        (s["latest"] for s in parsed if isinstance(s.get("latest"), str)), None
    )
    with _client(click.get_current_context()) as client:
        result = client.can_i_deploy(
            selectors,
            to_environment=to_environment,
            to_tag=to,
            main_branch=main_branch,
            latest_tag=latest_tag or None,
            branch=branch,
            ignore=[(i, None) for i in ignore],
            retry_while_unknown=retry_while_unknown,
            retry_interval=retry_interval,
        )
    summary = result.get("summary", {})
    deployable = summary.get("deployable")
    lines = []
    for row in result.get("matrix", []):
        pv = row["provider"].get("version") or {}
        vr = row.get("verificationResult") or {}
        lines.append(
            f"{row['consumer']['name']} {row['consumer']['version']['number']} -> "
            f"{row['provider']['name']} {pv.get('number', '???')}: "
            f"{_outcome(vr.get('success'))}"
        )
    verdict = {
        True: "Computer says yes \\o/",
        False: "Computer says no ¯\\_(ツ)_/¯",
        None: "Computer says no ¯\\_(ツ)_/¯ (unknown)",
    }[deployable]
    _emit(result, "\n".join([*lines, "", verdict, "", summary.get("reason", "")]))
    if deployable is not True and not dry_run:
        click.get_current_context().exit(1)


@click.command(name="record-deployment")
@click.option("-a", "--pacticipant", required=True)
@click.option("-e", "--version", required=True)
@click.option("--environment", required=True)
@click.option("--application-instance")
@broker_options
def record_deployment(
    pacticipant: str, version: str, environment: str, application_instance: str | None
) -> None:
    """Record that a version is deployed to an environment."""
    with _client(click.get_current_context()) as client:
        data = client.record_deployment(pacticipant, version, environment, application_instance)
    _emit(
        data,
        f"Recorded deployment of {pacticipant} version {version} to {environment} environment"
        + (f" (application instance {application_instance})" if application_instance else "")
        + " in the Pact Broker.",
    )


@click.command(name="record-undeployment")
@click.option("-a", "--pacticipant", required=True)
@click.option("--environment", required=True)
@click.option("--application-instance")
@broker_options
def record_undeployment(
    pacticipant: str, environment: str, application_instance: str | None
) -> None:
    """Record that a pacticipant is no longer deployed to an environment."""
    with _client(click.get_current_context()) as client:
        data = client.record_undeployment(pacticipant, environment, application_instance)
    _emit(
        data,
        "\n".join(
            f"Recorded undeployment of {pacticipant} version {d['_embedded']['version']['number']} "
            f"from {environment} environment in the Pact Broker."
            for d in data
        ),
    )


@click.command(name="record-release")
@click.option("-a", "--pacticipant", required=True)
@click.option("-e", "--version", required=True)
@click.option("--environment", required=True)
@broker_options
def record_release(pacticipant: str, version: str, environment: str) -> None:
    """Record that a version is released (and supported) in an environment."""
    with _client(click.get_current_context()) as client:
        data = client.record_release(pacticipant, version, environment)
    _emit(
        data,
        f"Recorded release of {pacticipant} version {version} to {environment} environment in the Pact Broker.",
    )


@click.command(name="record-support-ended")
@click.option("-a", "--pacticipant", required=True)
@click.option("-e", "--version", required=True)
@click.option("--environment", required=True)
@broker_options
def record_support_ended(pacticipant: str, version: str, environment: str) -> None:
    """Record that a released version is no longer supported."""
    with _client(click.get_current_context()) as client:
        data = client.record_support_ended(pacticipant, version, environment)
    _emit(
        data,
        f"Recorded support ended for {pacticipant} version {version} in {environment} environment in the Pact Broker.",
    )


@click.command(name="create-version-tag")
@click.option("-a", "--pacticipant", required=True)
@click.option("-e", "--version", required=True)
@click.option("-t", "--tag", "tags", multiple=True, required=True)
@click.option("--auto-create-version", is_flag=True)
@broker_options
def create_version_tag(
    pacticipant: str, version: str, tags: tuple[str, ...], auto_create_version: bool
) -> None:
    """Tag a pacticipant version."""
    with _client(click.get_current_context()) as client:
        data = [
            client.create_version_tag(
                pacticipant, version, t, auto_create_version=auto_create_version
            )
            for t in tags
        ]
    _emit(data, "\n".join(f"Tagged {pacticipant} version {version} with '{t}'." for t in tags))


@click.command(name="describe-version")
@click.option("-a", "--pacticipant", required=True)
@click.option("-e", "--version")
@click.option("-l", "--latest", "latest_tag")
@broker_options
def describe_version(pacticipant: str, version: str | None, latest_tag: str | None) -> None:
    """Describe a version of a pacticipant (the latest by default)."""
    with _client(click.get_current_context()) as client:
        data = client.describe_version(pacticipant, version, latest_tag)
    if data is None:
        click.echo("Pacticipant version not found", err=True)
        click.get_current_context().exit(1)
    tags = ", ".join(t["name"] for t in data.get("_embedded", {}).get("tags", []))
    branches = ", ".join(b["name"] for b in data.get("_embedded", {}).get("branchVersions", []))
    _emit(
        data, f"Name: {pacticipant}\nVersion: {data['number']}\nBranches: {branches}\nTags: {tags}"
    )


@click.command(name="create-environment")
@click.option("--name", required=True)
@click.option("--display-name")
@click.option("--production/--no-production", default=False)
@broker_options
def create_environment(name: str, display_name: str | None, production: bool) -> None:
    """Create an environment."""
    with _client(click.get_current_context()) as client:
        data = client.create_environment(name, display_name=display_name, production=production)
    _emit(data, f"Created {name} environment in the Pact Broker with UUID {data['uuid']}")


CLIENT_COMMANDS = [
    publish,
    can_i_deploy,
    record_deployment,
    record_undeployment,
    record_release,
    record_support_ended,
    create_version_tag,
    describe_version,
    create_environment,
]


def register(cli: click.Group) -> None:
    """Add ``broker serve|migrate`` and the client commands to the main CLI."""
    cli.add_command(broker)
    for command in CLIENT_COMMANDS:
        if command.name not in cli.commands:
            cli.add_command(command)
        broker.add_command(command)
