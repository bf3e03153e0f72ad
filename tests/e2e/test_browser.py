"""The broker's web UI in a real (headless) Chromium: what a person sees and clicks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .seed import HOSTILE, LiveBroker

pytestmark = pytest.mark.browser


def _row(page: Any, selector: str, *texts: str) -> Any:
    rows = page.locator(selector)
    for text in texts:
        rows = rows.filter(has_text=text)
    return rows


def test_integrations_page_lists_each_integration_with_its_verification_status(
    page: Any, broker: LiveBroker, tmp_path: Path
) -> None:
    response = page.goto(broker.url + "/")
    assert response.status == 200
    assert page.title().startswith("Integrations")
    rows = page.locator("tr.integration")
    assert rows.count() == 4
    failed = _row(page, "tr.integration", "Order Web", "Order API")
    assert failed.locator(".status .pill").inner_text() == "failed"
    assert "by 2.0.0" in failed.locator(".status").inner_text()
    assert "version 1.1.0" in failed.inner_text()
    billing = _row(page, "tr.integration", "Billing")
    assert billing.locator(".status .pill").inner_text() == "verified"
    unverified = _row(page, "tr.integration", "Mobile App")
    assert unverified.locator(".status .pill").inner_text() == "unverified"
    # the colours tell the states apart
    colours = {
        name: row.locator(".status .pill").evaluate("e => getComputedStyle(e).backgroundColor")
        for name, row in (("failed", failed), ("verified", billing), ("none", unverified))
    }
    assert len(set(colours.values())) == 3
    # every link stays under the sub-path the broker is served on
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.href)")
    assert hrefs and all(h.startswith(broker.url + "/") for h in hrefs), hrefs
    shot = tmp_path / "index.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_clicking_through_to_the_pact_shows_its_interactions(page: Any, broker: LiveBroker) -> None:
    page.goto(broker.url + "/")
    _row(page, "tr.integration", "Order Web", "Order API").locator("a.pact-link").click()
    page.wait_for_selector("section.interaction")
    assert page.url == broker.url + "/pacts/provider/Order%20API/consumer/Order%20Web/latest"
    assert page.locator("h1").inner_text() == "Pact between Order Web and Order API"
    assert page.locator(".consumer-version").inner_text() == "1.1.0"
    first, second = page.locator("section.interaction").all()
    assert "a request for open orders" in first.locator("h3").inner_text()
    assert first.locator(".state").inner_text() == "there are open orders"
    assert '"count": 1' in first.locator(".states pre").inner_text()
    assert first.locator(".firstline").first.inner_text() == "GET /orders?status=open"
    assert first.locator(".firstline").nth(1).inner_text() == "200"
    rules = first.locator("table.rules").inner_text()
    assert "$.orders[*].id" in rules and "integer" in rules and "type (min: 1)" in rules
    body = first.locator("details.body").first  # bodies are folded until clicked
    assert body.locator("pre.body").inner_text() == ""
    body.locator("summary").click()
    assert '"total": 12.5' in body.locator("pre.body").inner_text()
    # markup in a description is text, never HTML
    assert HOSTILE in second.locator("h3").inner_text()
    assert page.evaluate("window.__xss") is None
    # older versions are one click away
    page.get_by_role("link", name="1.0.0", exact=True).click()
    page.wait_for_url("**/version/1.0.0")
    assert page.locator(".consumer-version").inner_text() == "1.0.0"
    assert "total" not in page.locator("section.interaction pre.body").first.inner_text()


def test_matrix_shows_the_rows_and_filters_them(page: Any, broker: LiveBroker) -> None:
    page.goto(broker.url + "/")
    _row(page, "tr.integration", "Order Web", "Order API").get_by_role(
        "link", name="matrix"
    ).click()
    page.wait_for_selector("table.matrix")
    rows = page.locator("tr.matrix-row")
    assert rows.count() == 2
    texts = [r.inner_text() for r in rows.all()]
    assert "1.1.0" in texts[0] and "2.0.0" in texts[0] and "failed" in texts[0]
    assert "1.0.0" in texts[1] and "2.0.0" in texts[1] and "verified" in texts[1]
    assert "production" in texts[1]  # where each version is deployed
    page.select_option("select[name=cw]", "version")
    page.fill("input[name=cv]", "1.0.0")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**cw=version**")
    assert rows.count() == 1
    assert "2.0.0" in rows.first.inner_text()
    assert page.locator("input[name=cv]").input_value() == "1.0.0"


def test_can_i_deploy_form_answers_with_the_reason(page: Any, broker: LiveBroker) -> None:
    page.goto(broker.url + "/can-i-deploy")
    page.select_option("#pacticipant", "Order Web")
    page.fill("#version", "1.0.0")
    page.select_option("#environment", "production")
    page.click("#ask")
    page.wait_for_selector("#answer")
    assert page.locator("#answer .answer").inner_text() == "Yes, you can deploy"
    assert "All required verification results are published and successful" in (
        page.locator("#answer .reasons").inner_text()
    )
    page.fill("#version", "1.1.0")
    page.click("#ask")
    page.wait_for_url("**version=1.1.0**")
    assert page.locator("#answer .answer").inner_text() == "No, you cannot deploy"
    reasons = page.locator("#answer .reasons").inner_text()
    assert "The verification for the pact between version 1.1.0 of Order Web" in reasons
    assert "Order API" in reasons and "failed" in reasons
    # the rows considered are shown under the answer
    assert page.locator("tr.matrix-row").count() == 2


def test_pacticipant_page_lists_versions_newest_first(page: Any, broker: LiveBroker) -> None:
    page.goto(broker.url + "/pacticipants/Order%20Web")
    numbers = page.locator("tr.version td.number").all_inner_texts()
    assert numbers == ["1.1.0", "1.0.0"]
    newest, oldest = page.locator("tr.version").all()
    assert "feat/totals" in newest.inner_text() and "rc" in newest.inner_text()
    assert "test" in newest.inner_text()
    assert "main" in oldest.inner_text() and "production" in oldest.inner_text()


def test_environments_page_shows_what_is_deployed_where(page: Any, broker: LiveBroker) -> None:
    page.goto(broker.url + "/")
    page.get_by_role("link", name="Environments").click()
    production = page.locator("section#env-production")
    text = production.inner_text()
    assert "Order API" in text and "2.0.0" in text and "Billing" in text and "released" in text
    assert "1.1.0" in page.locator("section#env-test").inner_text()


def test_unknown_pacticipant_is_a_friendly_404_page(page: Any, broker: LiveBroker) -> None:
    response = page.goto(broker.url + "/pacticipants/Nobody")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert "There is no pacticipant named “Nobody”" in page.locator(".error-message").inner_text()
    page.get_by_role("link", name="Back to the integrations").click()
    page.wait_for_selector("tr.integration")
