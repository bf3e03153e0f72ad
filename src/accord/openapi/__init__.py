"""Compare pacts with a provider's OpenAPI document (bi-directional contract testing).

A provider that publishes an OpenAPI document but does not run a Pact verification can still
be checked against its consumers: each HTTP interaction of a pact must name a documented
operation with valid parameters and request body, and what the pact expects of the response
must be within what the document promises. This is weaker than a verification (see
docs/openapi.md): it trusts the document to describe the provider. Needs ``accord[openapi]``::

    from accord.openapi import check_pacts, load_document
    from accord.pactfile import read_pact

    document = load_document("openapi.yaml")
    report = check_pacts([(read_pact("pacts/web-users.json"), "web-users.json")], document)
    print(report.render_text())
    assert report.ok
"""

from __future__ import annotations

from accord.openapi.check import check_interaction, check_pact, check_pacts
from accord.openapi.document import OpenApiDocument, OpenApiError, load_document, parse_document
from accord.openapi.findings import CheckReport, Finding, InteractionResult, PactResult

__all__ = [
    "CheckReport",
    "Finding",
    "InteractionResult",
    "OpenApiDocument",
    "OpenApiError",
    "PactResult",
    "check_interaction",
    "check_pact",
    "check_pacts",
    "load_document",
    "parse_document",
]
