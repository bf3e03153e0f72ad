"""``accord openapi check``: compare pacts with a provider's OpenAPI document.

For providers that publish an OpenAPI document instead of running a Pact verification
(bi-directional contracts). Exit codes:

* 0: every interaction is compatible with the document (warnings allowed)
* 1: an interaction is incompatible, or could not be checked
* 2: bad input: the document or a pact cannot be read, the broker cannot be asked, or no
  pacts were found

Examples::

    accord openapi check pacts/ --spec openapi.yaml
    accord openapi check web-users.json --spec openapi.json --output json
    accord openapi check --spec openapi.yaml --provider users-api --broker-url https://broker
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from accord.model import Pact

__all__ = ["EXIT_INCOMPATIBLE", "EXIT_OK", "EXIT_USAGE", "register"]

EXIT_OK = 0
EXIT_INCOMPATIBLE = 1
EXIT_USAGE = 2


def register(cli: click.Group) -> None:
    cli.add_command(openapi_group)


@click.group("openapi")
def openapi_group() -> None:
    """Check pacts against a provider's OpenAPI document (bi-directional contracts)."""


_CHECK_HELP = """Compare the HTTP interactions of PACT_FILE_OR_DIR... with the OpenAPI document
--spec.

\b
Each interaction must name a documented operation with valid parameters and request body;
the response it expects (its example and what its matching rules allow) must be within the
documented response. Weaker than a verification: it trusts the document.

\b
Exit codes:
  0  compatible (warnings allowed)
  1  incompatible, or something could not be checked
  2  bad input: an unreadable document or pact, an unreachable broker, or no pacts
"""


@openapi_group.command("check", help=_CHECK_HELP)
@click.argument("pacts", nargs=-1, metavar="[PACT_FILE_OR_DIR]...")
@click.option("--spec", "spec", required=True, metavar="FILE",
              help="The provider's OpenAPI document (3.0, 3.1 or Swagger 2.0; JSON or YAML).")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format (on standard output).")
@click.option("--provider", help="Check only the pacts with this provider (needed with "
              "--broker-url).")
@click.option("--broker-url", "-b", envvar="PACT_BROKER_BASE_URL",
              help="Check the provider's pacts from this Pact Broker as well.")
@click.option("--broker-username", envvar="PACT_BROKER_USERNAME", help="Broker user name.")
@click.option("--broker-password", envvar="PACT_BROKER_PASSWORD", help="Broker password.")
@click.option("--broker-token", "-t", envvar="PACT_BROKER_TOKEN", help="Broker bearer token.")
@click.option("--consumer-version-selectors", multiple=True, metavar="JSON",
              help="Which pacts to take from the broker, as for verification (repeatable; "
                   'default: {"mainBranch": true} and {"deployedOrReleased": true}).')
@click.option("--allow-undocumented-fields", is_flag=True,
              help="A response field the pact expects but the document does not describe "
                   "(without additionalProperties: false) is a warning, not an error.")
def check_command(pacts: tuple[str, ...], spec: str, output: str, provider: str | None,
                  broker_url: str | None, broker_username: str | None,
                  broker_password: str | None, broker_token: str | None,
                  consumer_version_selectors: tuple[str, ...],
                  allow_undocumented_fields: bool) -> None:
    from accord.errors import AccordError
    from accord.openapi import check_pacts, load_document  # says so if the extra is missing
    from accord.pactfile import iter_pact_files, read_pact
    if not pacts and not broker_url:
        _bad_input("no pacts given: pass pact files or directories, or --broker-url")
    if broker_url and not provider:
        _bad_input("--broker-url needs --provider (whose pacts to check)")
    try:
        document = load_document(spec)
        loaded: list[tuple[Pact, str]] = []
        for source in pacts:
            for file in iter_pact_files(source):
                loaded.append((read_pact(file), str(file)))
        if broker_url and provider:
            loaded += _from_broker(broker_url, provider, consumer_version_selectors,
                                   username=broker_username, password=broker_password,
                                   token=broker_token)
    except AccordError as exc:
        _bad_input(str(exc))
    if provider:
        loaded = [(p, f) for p, f in loaded if p.provider == provider]
    if not loaded:
        which = f" for provider {provider!r}" if provider else ""
        where = ", ".join([*pacts, *([broker_url] if broker_url else [])])
        _bad_input(f"no pacts found{which} in {where}")
    report = check_pacts(loaded, document, allow_undocumented_fields=allow_undocumented_fields)
    if output == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.render_text())
    sys.exit(EXIT_OK if report.ok else EXIT_INCOMPATIBLE)


def _from_broker(url: str, provider: str, selectors: tuple[str, ...], *,
                 username: str | None, password: str | None,
                 token: str | None) -> list[tuple[Pact, str]]:
    """The provider's pacts the selectors choose, as for a verification."""
    from accord.broker_client import BrokerClient
    from accord.model import load_pact

    chosen = [_selector(text) for text in selectors] or [
        {"mainBranch": True}, {"deployedOrReleased": True}]
    out = []
    with BrokerClient(url, username=username, password=password, token=token) as client:
        for entry in client.pacts_for_verification(provider, selectors=chosen):
            href = entry.get("_links", {}).get("self", {}).get("href")
            if not href:
                continue
            label = entry.get("shortDescription") or href
            out.append((load_pact(client.fetch_pact(href), file=href), f"broker: {label}"))
    return out


def _selector(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError as exc:
        _bad_input(f"--consumer-version-selectors {text!r} is not JSON: {exc}")
    if not isinstance(value, dict):
        _bad_input(f"--consumer-version-selectors {text!r}: a selector is a JSON object")
    return value


def _bad_input(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


