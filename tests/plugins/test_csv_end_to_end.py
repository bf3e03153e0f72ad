"""The CSV plugin end to end: a consumer test against the real mock server writes the pact in
the official plugin shape; the real verifier checks providers that serve CSV against it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from flask import Flask, Response, request

from accord import Pact, Verifier
from accord.errors import ContractDefinitionError, MismatchError
from accord.model import load_pact
from accord.plugins import DEFAULT_CATALOGUE, PluginNotFoundError, ensure_plugins

REPORT = {
    "csvHeaders": False,
    "column:1": "matching(type,'Name')",
    "column:2": "matching(number,100)",
    "column:3": "matching(datetime, 'yyyy-MM-dd','2000-01-01')",
}


def report_pact(pact_dir: Path) -> Pact:
    pact = Pact("CsvClient", "CsvServer", pact_dir=pact_dir)
    (pact.upon_receiving("request for a report")
         .with_request("GET", "/reports/report001.csv")
         .will_respond_with(200)
         .with_plugin_contents("text/csv", REPORT))
    return pact


def write_report_pact(pact_dir: Path) -> Path:
    pact = report_pact(pact_dir)
    with pact.serve() as server:
        response = httpx.get(f"{server.url}/reports/report001.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv"
    assert response.text.startswith("Name,100,")
    return pact_dir / "CsvClient-CsvServer.json"


def test_the_consumer_test_writes_the_pact_in_the_official_plugin_shape(pact_dir):
    doc = json.loads(write_report_pact(pact_dir).read_text())

    assert doc["metadata"]["plugins"] == [
        {"configuration": {}, "name": "csv", "version": "0.0.6"}]
    (interaction,) = doc["interactions"]
    assert interaction["type"] == "Synchronous/HTTP"
    assert interaction["pluginConfiguration"] == {"csv": {"csvHeaders": False}}
    assert interaction["interactionMarkup"] == {
        "markup": "# Data\n\n|Name|100|2000-01-01|\n", "markupType": "COMMON_MARK"}
    response = interaction["response"]
    assert response["body"] == {"content": "Name,100,2000-01-01\n",
                                "contentType": "text/csv", "encoded": False}
    assert response["matchingRules"]["body"] == {
        "column:1": {"matchers": [{"match": "type"}]},
        "column:2": {"matchers": [{"match": "number"}]},
        "column:3": {"matchers": [{"match": "timestamp", "format": "yyyy-MM-dd"}]},
    }
    assert response["generators"]["body"] == {
        "column:3": {"type": "DateTime", "format": "yyyy-MM-dd"}}
    # and accord reads it back, plugins and all
    pact = load_pact(doc)
    assert pact.interactions[0].plugin_config == {"csv": {"csvHeaders": False}}
    assert [p.name for p in ensure_plugins(pact)] == ["csv"]


def upload(pact: Pact) -> None:
    (pact.upon_receiving("an upload of people")
         .with_request("POST", "/people")
         .with_plugin_contents("text/csv", {"column:name": "matching(type,'Alice')",
                                            "column:age": "matching(integer, 30)"})
         .will_respond_with(204))


def test_the_mock_server_matches_csv_request_bodies_column_by_column(pact_dir):
    pact = Pact("CsvClient", "CsvServer", pact_dir=pact_dir)
    upload(pact)
    with pact.serve() as server:
        ok = httpx.post(f"{server.url}/people", content="age,name\n41,Bob\n7,Carol\n",
                        headers={"Content-Type": "text/csv"})
    assert ok.status_code == 204

    breaking = Pact("CsvClient", "CsvServer", pact_dir=pact_dir)
    upload(breaking)
    with pytest.raises(MismatchError) as info, breaking.serve() as server:
        httpx.post(f"{server.url}/people", content="name,age\nBob,forty\n",
                   headers={"Content-Type": "text/csv"})
    assert "row:2, column:2 (age)" in str(info.value)
    assert "Expected 'forty' to match an integer" in str(info.value)


def test_a_content_type_no_plugin_handles_is_a_definition_error(pact_dir):
    pact = Pact("a", "b", pact_dir=pact_dir)
    with pytest.raises(ContractDefinitionError,
                       match=r"no installed plugin handles 'application/x-thrift'"):
        pact.upon_receiving("x").with_plugin_contents("application/x-thrift", {})


def test_using_a_plugin_that_is_not_installed_says_how_to_get_it(pact_dir, monkeypatch):
    from importlib import metadata

    monkeypatch.setattr(metadata, "entry_points", lambda group=None: [])
    with pytest.raises(PluginNotFoundError, match=r"'avro' is needed by this consumer test"):
        Pact("a", "b", pact_dir=pact_dir).using_plugin("avro")


def test_plugin_contents_in_messages(pact_dir):
    pact = Pact("ledger", "exports", pact_dir=pact_dir)
    (pact.async_message("a daily export")
         .with_plugin_contents("text/csv", {"csvHeaders": False,
                                            "column:1": "matching(regex, '\\d{4}', '2024')"}))
    seen = []
    pact.verify(lambda body, metadata: seen.append(body))
    doc = json.loads((pact_dir / "ledger-exports.json").read_text())
    (message,) = doc["interactions"]
    assert message["contents"]["content"] == "2024\n"
    assert message["matchingRules"]["body"] == {
        "column:1": {"matchers": [{"match": "regex", "regex": "\\d{4}"}]}}
    assert message["pluginConfiguration"] == {"csv": {"csvHeaders": False}}
    assert doc["metadata"]["plugins"][0]["name"] == "csv"
    assert seen


def csv_provider(rows: list[str]) -> Flask:
    app = Flask("reports")

    @app.get("/reports/<name>")
    def report(name: str) -> Response:
        assert request.path.endswith(".csv")
        return Response("".join(f"{row}\n" for row in rows), mimetype="text/csv")

    return app


def test_the_verifier_passes_a_provider_serving_conforming_csv(pact_dir):
    pact_file = write_report_pact(pact_dir)
    # given the built-in matchers only, the verifier loads the plugin the pact names by itself
    result = (Verifier("CsvServer", catalogue=DEFAULT_CATALOGUE).add_source(pact_file)
              .add_transport(app=csv_provider(["Alice,12,2021-03-04", "Bob,7.5,1999-12-31"]))
              .verify(raises=False))

    result.assert_ok()
    assert [r.description for r in result.passed] == ["request for a report"]


def test_the_verifier_fails_a_provider_whose_column_breaks_the_contract(pact_dir):
    pact_file = write_report_pact(pact_dir)

    result = (Verifier("CsvServer").add_source(pact_file)
              .add_transport(app=csv_provider(["Alice,12,2021-03-04", "Bob,lots,1999-12-31"]))
              .verify(raises=False))

    assert [r.description for r in result.failed] == ["request for a report"]
    report = result.report()
    assert "row:2, column:2" in report and "Expected 'lots' to match a number" in report


def test_the_mock_server_generates_the_date_column(pact_dir):
    with report_pact(pact_dir).serve() as server:
        text = httpx.get(f"{server.url}/reports/report001.csv").text
    assert text.startswith("Name,100,") and text != "Name,100,2000-01-01\n"


def test_pacts_written_by_several_tests_keep_every_plugin(pact_dir):
    from accord.model import Body
    from accord.plugins import Plugin, PluginContents

    class Lines(Plugin):
        name = "lines"
        version = "2.0.0"
        content_types = ("text/x-lines",)

        def configure_contents(self, content_type, config):
            return PluginContents(body=Body.of_text("\n".join(config["lines"]), content_type))

        def match_contents(self, expected, actual, context):
            return []

    write_report_pact(pact_dir)  # csv
    other = Pact("CsvClient", "CsvServer", pact_dir=pact_dir,
                 catalogue=DEFAULT_CATALOGUE.with_plugin(Lines))
    (other.upon_receiving("some lines")
          .with_request("GET", "/lines")
          .will_respond_with(200)
          .with_plugin_contents("text/x-lines", {"lines": ["a", "b"]}))
    with other.serve() as server:
        assert httpx.get(f"{server.url}/lines").text == "a\nb"

    doc = json.loads((pact_dir / "CsvClient-CsvServer.json").read_text())
    assert [p["name"] for p in doc["metadata"]["plugins"]] == ["csv", "lines"]
    assert len(doc["interactions"]) == 2


# A pact as the official tools write it with the official CSV plugin (pact_consumer + the
# csv plugin 0.0.6): "datetime" rules, a charset in the content type, a contentTypeHint.
OFFICIAL_PACT = {
    "consumer": {"name": "CsvClient"},
    "provider": {"name": "CsvServer"},
    "interactions": [{
        "description": "request for a report",
        "interactionMarkup": {"markup": "# Data\n\n|Name|100|2000-01-01|\n",
                              "markupType": "COMMON_MARK"},
        "key": "e5bb1b8d0a9d8c8a",
        "pending": False,
        "pluginConfiguration": {"csv": {"csvHeaders": False}},
        "request": {"method": "GET", "path": "/reports/report001.csv"},
        "response": {
            "body": {"content": "Name,100,2000-01-01\n", "contentType": "text/csv;charset=utf-8",
                     "contentTypeHint": "DEFAULT", "encoded": False},
            "generators": {"body": {"column:3": {"format": "yyyy-MM-dd", "type": "DateTime"}}},
            "headers": {"content-type": ["text/csv"]},
            "matchingRules": {"body": {
                "column:1": {"combine": "AND", "matchers": [{"match": "type"}]},
                "column:2": {"combine": "AND", "matchers": [{"match": "number"}]},
                "column:3": {"combine": "AND",
                             "matchers": [{"format": "yyyy-MM-dd", "match": "datetime"}]},
            }},
            "status": 200,
        },
        "transport": "http",
        "type": "Synchronous/HTTP",
    }],
    "metadata": {
        "pactRust": {"consumer": "1.2.0", "models": "1.2.0"},
        "pactSpecification": {"version": "4.0"},
        "plugins": [{"configuration": {}, "name": "csv", "version": "0.0.6"}],
    },
}


@pytest.mark.parametrize(("rows", "ok"), [
    (["Alice,12,2021-03-04"], True),
    (["Alice,12,2021-03-04", "Bob,x,2021-03-05"], False),
])
def test_a_pact_written_by_the_official_csv_plugin_is_verified(tmp_path, rows, ok):
    pact_file = tmp_path / "CsvClient-CsvServer.json"
    pact_file.write_text(json.dumps(OFFICIAL_PACT))
    from accord.pactfile import read_pact

    assert [p.name for p in ensure_plugins(read_pact(pact_file))] == ["csv"]
    result = (Verifier("CsvServer").add_source(pact_file)
              .add_transport(app=csv_provider(rows)).verify(raises=False))
    assert result.ok is ok, result.report()
    if not ok:
        assert "at row:2, column:2: Expected 'x' to match a number" in result.report()


def test_plugin_contents_in_synchronous_messages(pact_dir):
    from accord.model import dump_pact

    pact = Pact("pricing-web", "pricing", pact_dir=pact_dir)
    (pact.sync_message("a price list for some products")
         .with_request()
         .with_plugin_contents("text/csv", {"csvHeaders": False,
                                            "column:1": "matching(type,'A-1')"})
         .will_respond_with()
         .with_plugin_contents("text/csv", {"column:sku": "matching(type,'A-1')",
                                            "column:price": "matching(decimal, 9.99)"}))

    doc = dump_pact(pact.to_model(recorded_only=False), pact.specification)
    (interaction,) = doc["interactions"]
    assert interaction["type"] == "Synchronous/Messages"
    assert interaction["request"]["contents"]["content"] == "A-1\n"
    assert interaction["response"][0]["contents"]["content"] == "sku,price\nA-1,9.99\n"
    # one pluginConfiguration entry per plugin: the response's settings were the last given
    assert interaction["pluginConfiguration"] == {"csv": {"csvHeaders": True}}
    assert doc["metadata"]["plugins"][0]["name"] == "csv"


def test_using_an_installed_plugin_declares_it_in_the_pact(pact_dir):
    from accord.model import dump_pact

    pact = Pact("a", "b", pact_dir=pact_dir).using_plugin("csv", "0.0.6")
    (pact.upon_receiving("plain").with_request("GET", "/").will_respond_with(204))
    doc = dump_pact(pact.to_model(recorded_only=False), pact.specification)
    assert doc["metadata"]["plugins"] == [
        {"configuration": {}, "name": "csv", "version": "0.0.6"}]


def test_accord_matchers_work_in_plugin_configurations(pact_dir):
    from accord import generate, match
    from accord.model import dump_pact

    pact = Pact("a", "b", pact_dir=pact_dir)
    (pact.upon_receiving("matchers in csv").with_request("GET", "/").will_respond_with(200)
         .with_plugin_contents("text/csv", {
             "csvHeaders": False,
             "column:1": match.regex("A-1", r"[A-Z]-\d+"),
             "column:2": match.integer(3),
             "column:3": match.date("2024-05-01"),
             "column:4": generate.uuid(),
         }))
    doc = dump_pact(pact.to_model(recorded_only=False), pact.specification)
    response = doc["interactions"][0]["response"]
    body = response["body"]["content"]
    assert body.startswith("A-1,3,2024-05-01,") and len(body.split(",")[3].strip()) == 36
    assert response["matchingRules"]["body"]["column:1"] == {
        "matchers": [{"match": "regex", "regex": "[A-Z]-\\d+"}]}
    assert response["matchingRules"]["body"]["column:3"] == {
        "matchers": [{"match": "date", "format": "yyyy-MM-dd"}]}
    assert response["generators"]["body"]["column:4"]["type"] == "Uuid"

    with pytest.raises(ContractDefinitionError, match=r"'column:1'.*got dict"):
        pact.upon_receiving("bad").with_plugin_contents("text/csv", {"column:1": {"a": 1}})


def test_a_pact_naming_a_missing_plugin_fails_to_load_with_an_install_hint(pact_dir):
    pact_file = write_report_pact(pact_dir)
    document = json.loads(pact_file.read_text())
    document["metadata"]["plugins"] = [{"name": "nosuch", "version": "1.2.3"}]
    pact_file.write_text(json.dumps(document))

    result = Verifier("CsvServer").add_source(pact_file).add_transport(
        app=csv_provider(["Alice,12,2021-03-04"])).verify(raises=False)
    assert not result.ok and not result.results
    (failure,) = result.source_failures
    assert "nosuch" in failure.error and "1.2.3" in failure.error

    from accord.mock import MockServer

    with pytest.raises(PluginNotFoundError, match="nosuch"):
        MockServer(load_pact(document))
