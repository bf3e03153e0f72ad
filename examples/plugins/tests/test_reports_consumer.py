"""Consumer tests with plugin contents: a CSV report (accord's built-in CSV plugin) and a
``.properties`` file (this example's own plugin, found through its entry point).

``with_plugin_contents(content_type, config)`` hands ``config`` to the plugin that handles the
content type; the plugin builds the example body, the matching rules and the generators. The
pact records the plugins in ``metadata.plugins`` and their settings in each interaction's
``pluginConfiguration``, as the official Pact plugin framework does.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from reports_example.consumer import ReportsClient

from accord import Pact, match


@pytest.fixture
def pact(pact_dir: Path) -> Pact:
    return Pact("reports-web", "reports-api", pact_dir=pact_dir)


def test_the_monthly_sales_report_as_csv(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for the sales report")
        .given("sales exist", month="2024-05")
        .with_request("GET", "/reports/2024-05/sales.csv")
        .with_header("Accept", "text/csv")
        .will_respond_with(200)
        .with_plugin_contents("text/csv", {
            "column:product": "matching(type,'Coffee')",
            "column:amount": "matching(decimal, 4.50)",
            "column:day": "matching(date, 'yyyy-MM-dd', '2024-05-01')",
        })
    )

    with pact.serve() as server, ReportsClient(server.url) as client:
        sales = client.sales("2024-05")

    # the plugin's date generator gives a fresh day each run; the other columns are examples
    (sale,) = sales
    assert (sale.product, sale.amount) == ("Coffee", Decimal("4.50"))
    assert isinstance(sale.day, date)


def test_the_report_settings_as_a_properties_file(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for the report settings")
        .with_request("GET", "/settings")
        .with_header("Accept", "text/x-java-properties")
        .will_respond_with(200)
        .with_plugin_contents("text/x-java-properties", {
            "currency": "matching(regex, '[A-Z]{3}', 'EUR')",
            "timeout": match.integer(30),  # accord's matchers work as well
        })
    )

    with pact.serve() as server, ReportsClient(server.url) as client:
        settings = client.settings()

    assert settings == {"currency": "EUR", "timeout": "30"}


def test_the_pact_names_both_plugins(pact_dir: Path) -> None:
    """Runs after the two tests above (file order): the pact they wrote."""
    doc = json.loads((pact_dir / "reports-web-reports-api.json").read_text())
    assert [(p["name"], p["version"]) for p in doc["metadata"]["plugins"]] == [
        ("csv", "0.0.6"), ("properties", "1.0.0")]
    report = next(i for i in doc["interactions"] if i["description"].endswith("sales report"))
    assert report["pluginConfiguration"] == {"csv": {"csvHeaders": True}}
    assert report["response"]["body"]["content"] == "product,amount,day\nCoffee,4.50,2024-05-01\n"
    assert "column:amount" in report["response"]["matchingRules"]["body"]
