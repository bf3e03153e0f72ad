"""What a consumer test run imports: every pytest run and CLI call pays for it (issue 13's
cold-start row). Checked in a fresh interpreter, so modules the test session loaded do not
count."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Heavy stacks a consumer test never needs: the broker (FastAPI, SQLAlchemy), the verifier
# and its HTTP client, Rich (CLI output), uvicorn (its CLI and supervisors), XML bodies.
HEAVY = ("accord.broker", "accord.verifier", "accord.reporting", "rich", "uvicorn", "fastapi",
         "starlette", "sqlalchemy", "httpx", "httpcore", "accord.consumer.xml",
         "xml.sax", "urllib.request")

# Loaded on first use only, and a plain consumer test (one JSON interaction with a type
# matcher, served, written) never uses them: generators and the regex and date-format readers
# (RE2, regex; uuid and platform with them), the filelock package (decimal, secrets, platform),
# tempfile (shutil and the compression modules), difflib (hints for unexpected requests),
# hashlib (the pact-file lock is named by CRC-32s), ctypes (renameat2, for writes over an
# existing pact file; this test's one write makes a new file), asyncio and concurrent.futures
# (the mock servers run on a selectors thread; asyncio loads for async handlers and
# ``async with`` only), mimetypes (file parts without a type).
LAZY = ("accord.generation", "accord.model.regex", "accord.model.datetime_format",
        "accord.matching.datetimes", "re2", "regex", "uuid", "platform", "filelock", "decimal",
        "secrets", "tempfile", "shutil", "difflib", "hashlib", "ctypes", "asyncio",
        "concurrent.futures", "mimetypes")

CONSUMER_TEST = """
import http.client
from accord import Pact, match
pact = Pact("c", "p", pact_dir=DIR)
(pact.upon_receiving("a request").with_request("GET", "/items/1")
     .will_respond_with(200).with_body({"id": match.integer(1)}))
with pact.serve() as server:
    connection = http.client.HTTPConnection("127.0.0.1", server.port)
    connection.request("GET", "/items/1")
    assert connection.getresponse().status == 200
"""


def _loaded(code: str) -> list[str]:
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, timeout=60)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_import_accord_loads_nothing_heavy() -> None:
    modules = _loaded("import accord")
    assert _heavy(modules) == []
    assert not [m for m in modules if m.startswith("accord.") and m != "accord"]
    assert "typing" not in modules  # the pytest plugin imports accord in every test run


@pytest.mark.parametrize("code", ["from accord import Pact, match",
                                  "import accord.consumer, accord.mock"])
def test_the_consumer_api_loads_nothing_heavy(code: str) -> None:
    assert _heavy(_loaded(code)) == []


def test_a_whole_consumer_test_loads_nothing_heavy(tmp_path: Path) -> None:
    modules = _loaded(CONSUMER_TEST.replace("DIR", repr(str(tmp_path))))
    assert "accord.mock.server" in modules  # it really served
    assert (tmp_path / "c-p.json").is_file()  # and wrote its pact
    assert _heavy(modules) == []
    assert [m for m in modules if any(m == h or m.startswith(h + ".") for h in LAZY)] == []


def test_what_loads_lazily_still_loads_when_used(tmp_path: Path) -> None:
    code = CONSUMER_TEST.replace("DIR", repr(str(tmp_path))).replace(
        'match.integer(1)', 'match.integer(1), "at": match.datetime("2024-01-02T03:04:05+0000"), '
        '"code": match.regex("a1", r"[a-z]\\d"), "id2": match.uuid()')
    modules = _loaded(code)
    for name in ("accord.model.regex", "accord.model.datetime_format"):
        assert name in modules


def test_a_consumer_test_without_plugins_does_not_load_the_plugin_machinery(tmp_path: object
                                                                          ) -> None:
    """Plugins (and the package metadata their discovery reads) load when a test uses one."""
    modules = _loaded(CONSUMER_TEST.replace("DIR", repr(str(tmp_path))))
    assert "accord.matching" in modules
    assert [m for m in modules if m.startswith("accord.plugins")] == []
    assert "importlib.metadata" not in modules


def test_xml_bodies_still_load_on_first_use() -> None:
    modules = _loaded("from accord import xml\nxml.element('a')")
    assert "accord.consumer.xml" in modules
