"""Bi-directional: the consumer's pact against the provider's OpenAPI document.

For a provider that publishes an OpenAPI document instead of running the pact: FastAPI
generates the document from the application, and accord checks that every interaction of the
pact is within it. Weaker than test_provider.py (the document is trusted to describe what
the provider does), but it needs no running provider and no provider states.
"""

from __future__ import annotations

from pathlib import Path

from requests_fastapi_example.provider import app

from accord.openapi import check_pacts, parse_document
from accord.pactfile import read_pact


def test_the_pact_is_within_the_providers_openapi_document(pact_file: Path) -> None:
    document = parse_document(app.openapi(), source="users-api (app.openapi())")
    report = check_pacts([(read_pact(pact_file), pact_file.name)], document)
    assert report.ok, report.render_text()
