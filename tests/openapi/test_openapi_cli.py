"""``accord openapi check``: reports and exit codes (0 compatible, 1 not, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from accord.cli import main

from .shop import SHOP, interaction

ITEM = {"id": 1, "name": "pen", "price": 1.5}


def _write(tmp_path: Path, *interactions: dict) -> Path:
    pacts = tmp_path / "pacts"
    pacts.mkdir(exist_ok=True)
    (pacts / "shop-web-shop-api.json").write_text(json.dumps({
        "consumer": {"name": "shop-web"}, "provider": {"name": "shop-api"},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }))
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(SHOP))
    return pacts


def test_a_compatible_pact_exits_0(tmp_path: Path) -> None:
    pacts = _write(tmp_path, interaction(response_body=ITEM, description="an item"))
    result = CliRunner().invoke(main, ["openapi", "check", str(pacts), "--spec",
                                       str(tmp_path / "openapi.json")])
    assert result.exit_code == 0, result.output
    assert "ok   'an item' -> GET /items/{id}" in result.output
    assert "compatible: 1 of 1 interactions compatible" in result.output


def test_an_incompatible_pact_exits_1_and_says_where(tmp_path: Path) -> None:
    pacts = _write(tmp_path, interaction(response_body={**ITEM, "price": "x"},
                                         description="an item"))
    result = CliRunner().invoke(main, ["openapi", "check", str(pacts), "--spec",
                                       str(tmp_path / "openapi.json")])
    assert result.exit_code == 1, result.output
    assert "FAIL 'an item' -> GET /items/{id}" in result.output
    assert "error [type-mismatch] response.body.price" in result.output
    assert "document: #/components/schemas/Item/properties/price/type" in result.output
    assert "NOT compatible: 0 of 1 interactions compatible" in result.output


def test_json_output(tmp_path: Path) -> None:
    pacts = _write(tmp_path, interaction("GET", "/nowhere", description="lost"))
    result = CliRunner().invoke(main, ["openapi", "check", str(pacts), "--spec",
                                       str(tmp_path / "openapi.json"), "--output", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["documentVersion"] == "3.0"
    assert report["summary"]["incompatible"] == 1
    [finding] = report["pacts"][0]["interactions"][0]["findings"]
    assert finding == {"severity": "error", "code": "path-not-found",
                       "pactLocation": "request.path", "documentPointer": "/paths",
                       "message": "no path of the document matches '/nowhere'"}


def test_bad_input_exits_2(tmp_path: Path) -> None:
    pacts = _write(tmp_path, interaction())
    bad = tmp_path / "bad.yaml"
    bad.write_text("openapi: 9.0.0\n")
    result = CliRunner().invoke(main, ["openapi", "check", str(pacts), "--spec", str(bad)])
    assert result.exit_code == 2
    assert "OpenAPI version '9.0.0' is not supported" in result.output
    result = CliRunner().invoke(main, ["openapi", "check", str(tmp_path / "none"), "--spec",
                                       str(tmp_path / "openapi.json")])
    assert result.exit_code == 2
    assert "no such pact file or directory" in result.output
    result = CliRunner().invoke(main, ["openapi", "check", str(pacts), "--spec",
                                       str(tmp_path / "openapi.json"), "--provider", "other"])
    assert result.exit_code == 2
    assert "no pacts found for provider 'other'" in result.output
