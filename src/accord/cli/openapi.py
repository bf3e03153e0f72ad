"""``accord openapi check``: compare pacts with a provider's OpenAPI document.

For providers that publish an OpenAPI document instead of running a Pact verification
(bi-directional contracts). Exit codes:

* 0: every interaction is compatible with the document (warnings allowed)
* 1: an interaction is incompatible, or could not be checked
* 2: bad input: the document or a pact cannot be read, or no pacts were found

Examples::

    accord openapi check pacts/ --spec openapi.yaml
    accord openapi check web-users.json --spec openapi.json --output json
"""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

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
  2  bad input: an unreadable document or pact, or no pacts
"""


@openapi_group.command("check", help=_CHECK_HELP)
@click.argument("pacts", nargs=-1, required=True, metavar="PACT_FILE_OR_DIR...")
@click.option("--spec", "spec", required=True, metavar="FILE",
              help="The provider's OpenAPI document (3.0, 3.1 or Swagger 2.0; JSON or YAML).")
@click.option("--output", "-o", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Report format (on standard output).")
@click.option("--provider", help="Check only the pacts with this provider.")
@click.option("--allow-undocumented-fields", is_flag=True,
              help="A response field the pact expects but the document does not describe "
                   "(without additionalProperties: false) is a warning, not an error.")
def check_command(pacts: tuple[str, ...], spec: str, output: str, provider: str | None,
                  allow_undocumented_fields: bool) -> None:
    from accord.errors import AccordError
    from accord.openapi import check_pacts, load_document  # says so if the extra is missing
    from accord.pactfile import iter_pact_files, read_pact
    try:
        document = load_document(spec)
        loaded = []
        for source in pacts:
            for file in iter_pact_files(source):
                loaded.append((read_pact(file), str(file)))
    except AccordError as exc:
        _bad_input(str(exc))
    if provider:
        loaded = [(p, f) for p, f in loaded if p.provider == provider]
    if not loaded:
        which = f" for provider {provider!r}" if provider else ""
        _bad_input(f"no pacts found{which} in {', '.join(pacts)}")
    report = check_pacts(loaded, document, allow_undocumented_fields=allow_undocumented_fields)
    if output == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(report.render_text())
    sys.exit(EXIT_OK if report.ok else EXIT_INCOMPATIBLE)


def _bad_input(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


