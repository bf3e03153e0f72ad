"""Provider verification of the plugin contract: the Flask app, in process.

The verifier compares CSV and ``.properties`` bodies through the plugins: it loads every
plugin the pact's ``metadata.plugins`` names by itself — and fails that pact with a message
saying which package to install when one is missing.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
from reports_example.properties_plugin import PropertiesPlugin
from reports_example.provider import Store, create_app

from accord import Verifier
from accord.plugins import find_plugin

INTERACTIONS = 2


@pytest.fixture
def pact(reports_pact_file: Path) -> Path:
    return reports_pact_file


def reports_verifier(pact: Path, store: Store) -> Verifier:
    verifier = Verifier("reports-api").add_source(pact).add_transport(app=create_app(store))

    @verifier.state("sales exist")
    def sales_exist(params: dict[str, Any]) -> None:
        store.sales[params["month"]] = [
            ("Espresso", "2.20", "2024-05-02"),
            ("Cake", "3.90", "2024-05-03"),
        ]

    return verifier


def test_the_flask_app_honours_the_csv_and_properties_contract(pact: Path) -> None:
    result = reports_verifier(pact, Store()).verify()  # raises VerificationFailed on failure

    assert len(result.passed) == INTERACTIONS


def test_an_amount_that_is_not_a_number_breaks_the_contract(pact: Path) -> None:
    store = Store()
    verifier = reports_verifier(pact, store)

    @verifier.state("sales exist")
    def sales_exist(params: dict[str, Any]) -> None:
        store.sales[params["month"]] = [("Espresso", "2.20", "2024-05-02"),
                                        ("Cake", "free", "2024-05-03")]

    result = verifier.verify(raises=False)

    assert [r.description for r in result.failed] == ["a request for the sales report"]
    assert "row:3, column:2 (amount)" in result.report()  # the Cake row, read by header


def test_a_settings_file_without_a_timeout_breaks_the_contract(pact: Path) -> None:
    store = Store(settings={"currency": "EUR"})

    result = reports_verifier(pact, store).verify(raises=False)

    assert [r.description for r in result.failed] == ["a request for the report settings"]
    assert "Expected a property 'timeout' but it was missing" in result.report()


def test_the_custom_plugin_is_installed_through_the_entry_point() -> None:
    names = {ep.name for ep in metadata.entry_points(group="accord.plugins")}
    assert "properties" in names
    assert isinstance(find_plugin("properties"), PropertiesPlugin)
